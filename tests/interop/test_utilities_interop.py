"""`rerun.utilities` against rerun-sdk 0.41: same values, and a DNA-tutorial-style recording
that the real CLI finds equal (``rrd compare`` after ``optimize``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import Oracle, ours_env
from tests.interop.test_sdk_conformance import _compare, _run

pytestmark = pytest.mark.interop

# Our own script in the shape of Rerun's getting-started "DNA abacus" tutorial.
DNA_SCRIPT = """
from math import tau
from rerun.utilities import bounce_lerp, build_color_grid, build_color_spiral, color_grid, color_spiral

rr.init("utilities_dna", recording_id="r1")
rr.save(OUT)
n = 60
left, left_colors = build_color_spiral(n)
right, right_colors = build_color_spiral(n, angular_offset=tau * 0.5, radius=1.5, z_step=0.12)
rr.set_time("stable_time", duration=0)
rr.log("dna/structure/left", rr.Points3D(left, colors=left_colors, radii=0.08))
rr.log("dna/structure/right", rr.Points3D(right, colors=right_colors, radii=0.08))
rr.log("dna/structure/scaffolding", rr.LineStrips3D(np.stack((left, right), axis=1), colors=[128, 128, 128]))
offsets = np.random.default_rng(7).random(n)
for frame in range(30):
    t = frame * 0.05
    rr.set_time("stable_time", duration=t)
    phase = offsets + t
    beads = [bounce_lerp(left[k], right[k], phase[k]) for k in range(n)]
    grey = [[int(bounce_lerp(80, 230, phase[k] * 2))] for k in range(n)]
    rr.log("dna/structure/scaffolding/beads", rr.Points3D(beads, radii=0.06, colors=np.repeat(grey, 3, axis=-1)))
    rr.log("dna/structure", rr.Transform3D(rotation=rr.RotationAxisAngle(axis=[0, 0, 1], radians=t / 4.0 * tau)))
rr.log("grid/default", rr.Points3D(color_grid.positions, colors=color_grid.colors), static=True)
twisted = build_color_grid(4, 5, 6, twist=1.3)
rr.log("grid/twisted", rr.Points3D(twisted.positions, colors=twisted.colors), static=True)
rr.log("spiral/default", rr.Points3D(color_spiral.positions, colors=color_spiral.colors), static=True)
"""

VALUES_SCRIPT = """
import json, sys
import numpy as np
from rerun.utilities import bounce_lerp, build_color_grid, build_color_spiral
g = build_color_grid(3, 4, 5, twist=0.7)
s = build_color_spiral(37, radius=1.5, angular_step=0.03, angular_offset=0.2, z_step=0.5)
print(json.dumps({
    "grid_pos": g.positions.tolist(), "grid_col": g.colors.tolist(), "grid_dtype": str(g.colors.dtype),
    "spiral_pos": s.positions.tolist(), "spiral_col": s.colors.tolist(),
    "lerp": [bounce_lerp(1.0, 5.0, t) for t in (0.0, 0.3, 1.0, 1.3, 2.6, 3.9)],
    "lerp_arr": bounce_lerp(np.array([0.0, 2.0]), np.array([4.0, 6.0]), 1.25).tolist(),
}))
"""


def _values(python: Path, env: dict[str, str]) -> dict[str, object]:
    args = [str(python), *(["-P"] if "oracle" in str(python) else []), "-c", VALUES_SCRIPT]
    out = subprocess.run(args, capture_output=True, text=True, timeout=120, env=env, check=True)
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def test_utility_values_match_oracle(oracle: Oracle) -> None:
    ours, theirs = _values(Path(sys.executable), ours_env()), _values(Oracle.python, oracle.env())
    for key in ("grid_pos", "spiral_pos", "lerp", "lerp_arr"):
        np.testing.assert_allclose(
            np.array(ours[key]), np.array(theirs[key]), rtol=1e-12, atol=1e-12, err_msg=key
        )
    assert ours["grid_col"] == theirs["grid_col"] and ours["grid_dtype"] == theirs["grid_dtype"]
    # Ours are the published 8-bit Turbo table over 255; 0.41 keeps 5-decimal floats. Logged
    # colors are quantized to bytes, where the two agree exactly.
    ours_col, theirs_col = np.array(ours["spiral_col"]), np.array(theirs["spiral_col"])
    assert np.abs(ours_col - theirs_col).max() < 0.002
    assert (np.round(ours_col * 255) == np.round(theirs_col * 255)).all()


def test_dna_tutorial_recording_matches_oracle(oracle: Oracle, tmp_path: Path) -> None:
    ours, theirs = tmp_path / "ours", tmp_path / "oracle"
    ours.mkdir()
    theirs.mkdir()
    _run(Path(sys.executable), DNA_SCRIPT, ours / "dna.rrd", tmp_path, ours_env(), None)
    _run(Oracle.python, DNA_SCRIPT, theirs / "dna.rrd", tmp_path, oracle.env(), None)
    _compare(oracle, ours / "dna.rrd", theirs / "dna.rrd")
