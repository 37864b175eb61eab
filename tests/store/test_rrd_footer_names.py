"""Footer manifest column names for timelines/components with spaces, dots and extra ':'.

0.41 sanitizes each name part of a manifest column (``blue timeline`` -> ``blue_timeline``,
``user.CustomPoints3D:points`` -> ``user_CustomPoints3D:points``); the real ``rerun rrd verify``
rejects a footer that does not, so Rerun's own docs snippets that use such names failed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from rerun_core.store.rrd import read_footer
from rerun_core.store.rrd.manifest import manifest_column_name
from tests.conftest import Oracle, ours_env

SCRIPT = r"""
import sys
import rerun as rr

rr.init("footer_names", recording_id="footer-names")
rr.save(sys.argv[1])
rr.set_time("blue timeline", sequence=1)
rr.set_time("time: x-y", duration=2.0)
rr.log("points", rr.Points3D([[1, 2, 3]], radii=0.5))
rr.log("custom", rr.AnyValues(**{"my:weird comp": [1.0]}))
desc = rr.ComponentDescriptor(
    "user.CustomPoints3D:points", archetype="user.CustomPoints3D", component_type="user.CustomPosition3D"
)
rr.log("cust", [rr.components.Position3DBatch([[1, 2, 3]]).described(desc)])
rr.log("st", rr.AnyValues(**{"a.b:c": [1]}), static=True)
"""


def test_manifest_column_name_sanitizes_each_part() -> None:
    assert manifest_column_name("blue timeline", "start") == "blue_timeline:start"
    assert manifest_column_name("user.CustomPoints3D:points", "has_static_data") == (
        "user_CustomPoints3D:points:has_static_data"
    )
    assert manifest_column_name("a-b,c\\d", "e/f#g", "num_rows") == "a_b_c_d:e/f#g:num_rows"


def _manifest_columns(path: Path) -> list[tuple[str, dict[bytes, bytes]]]:
    manifests = read_footer(path)
    assert manifests, f"{path} has no footer"
    return sorted((f.name, dict(f.metadata or {})) for m in manifests for f in m.table.schema)


@pytest.mark.interop
def test_footer_names_pass_real_verify_and_match_oracle(oracle: Oracle, tmp_path: Path) -> None:
    ours, theirs = tmp_path / "ours.rrd", tmp_path / "theirs.rrd"
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(ours)], env=ours_env(), capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    oracle.run_script(SCRIPT, str(theirs))
    oracle.cli("rrd", "verify", str(ours))
    ours_cols, theirs_cols = _manifest_columns(ours), _manifest_columns(theirs)
    assert "blue_timeline:start" in [n for n, _ in ours_cols]
    assert ours_cols == theirs_cols
