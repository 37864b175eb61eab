"""Footer manifest column names for timelines/components with spaces, dots and extra ':', and
for components named without their archetype (``(rcl_interfaces.msg.Log, "file")`` is
``rcl_interfaces_msg_Log:file``).

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
# components named without their archetype's short name (as MCAP reflection names ROS fields):
# 0.41's manifest names them <archetype short name>:<field>
import pyarrow as pa
cases = [
    ("rcl_interfaces.msg.Log", "file"), ("rerun.archetypes.Points3D", "Other:y"), ("Foo", "Foo:bar"),
    ("a.b.C", "C:x"), ("a.b.C", "a.b.C:z"), ("rerun.blueprint.archetypes.Background", "kind"),
    ("x y-z,w", "q r"), ("rerun.foo.Bar", "q"), ("rerun.components.Baz", "w"),
    ("rerun.archetypes.Points3D", "rerun.archetypes.Points3D:v"), (None, "plain"),
]
for i, (arch, comp) in enumerate(cases):
    d = rr.ComponentDescriptor(comp, archetype=arch)
    rr.log(f"desc/{i}", [rr.AnyBatchValue(d, pa.array([1.0]))])
    rr.log(f"desc_static/{i}", [rr.AnyBatchValue(d, pa.array([2.0]))], static=True)
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
    names = [n for n, _ in ours_cols]
    assert "blue_timeline:start" in names
    assert "rcl_interfaces_msg_Log:file:has_static_data" in names
    assert "blue_timeline:Points3D:Other:y:num_rows" in names
    assert ours_cols == theirs_cols


def test_manifest_component_name_is_041s() -> None:
    from rerun_core.store.rrd.manifest import manifest_component_name
    from rerun_core.types import ComponentDescriptor

    def name(archetype: str | None, component: str) -> str:
        return manifest_component_name(ComponentDescriptor(component, archetype, None))

    assert name("rerun.archetypes.Points3D", "Points3D:positions") == "Points3D:positions"
    assert name("rerun.archetypes.Points3D", "Other:y") == "Points3D:Other:y"
    assert name("rcl_interfaces.msg.Log", "file") == "rcl_interfaces.msg.Log:file"
    assert name("a.b.C", "a.b.C:z") == "a.b.C:z"
    assert name("rerun.foo.Bar", "q") == "foo.Bar:q"
    assert name(None, "plain") == "plain"
