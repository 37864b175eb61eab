"""`get_blueprint` on our viewer: the blueprint sent with a recording, read back by rerun-sdk 0.41's
own client in 0.41's form (entity path -> archetype -> field; enums by name, UUIDs and entity paths
as text), field for field what the real 0.41 viewer answers for the same file (which adds the
defaults it filled in); without a sent blueprint, the views our viewer laid out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import Headless, free_port

pytestmark = [pytest.mark.slow]

READ_BLUEPRINT = """
import json, sys
from rerun.experimental import ViewerClient
port, path = int(sys.argv[1]), sys.argv[2]
spawn = len(sys.argv) > 3
client = ViewerClient.spawn(headless=True, port=port, executable_path=sys.argv[3]) if spawn else ViewerClient.connect(
    f"rerun+http://127.0.0.1:{port}/proxy"
)
try:
    client.open(path)
    print(json.dumps(client.get_blueprint().blueprint))
finally:
    if spawn:
        client.quit()
"""


def _write_with_blueprint(path: Path) -> Path:
    import rerun as rr
    import rerun.blueprint as rrb

    rec = rr.RecordingStream("bp_test", recording_id="withbp")
    rec.save(path)
    rec.send_blueprint(rrb.Blueprint(rrb.Spatial3DView(origin="/pts", name="Points"), collapse_panels=True))
    for t in range(3):
        rec.set_time("step", sequence=t)
        rec.log("pts", rr.Points3D([[t, 0, 0]]))
    rec.flush()
    return path


@pytest.mark.interop
def test_sent_blueprint_reads_as_the_real_viewer_reads_it(headless: Headless, oracle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rrd = _write_with_blueprint(tmp_path / "bp.rrd")
    ours = json.loads(
        oracle.run_script(READ_BLUEPRINT, str(headless.port), str(rrd)).stdout.strip().splitlines()[-1]
    )
    theirs = json.loads(
        oracle.run_script(READ_BLUEPRINT, str(free_port()), str(rrd), str(oracle.rerun), timeout=120)
        .stdout.strip()
        .splitlines()[-1]
    )
    [view] = [path for path in ours if path.startswith("/view/") and "ViewBlueprint" in ours[path]]
    assert ours[view]["ViewBlueprint"] == {
        "class_identifier": "3D",
        "display_name": "Points",
        "space_origin": "/pts",
    }
    assert ours["/blueprint_panel"] == {"PanelBlueprint": {"state": "Collapsed"}}
    assert sorted(ours) == sorted(theirs)
    for path, archetypes in ours.items():
        for archetype, fields in archetypes.items():
            for field, value in fields.items():
                assert theirs[path][archetype][field] == value, (path, archetype, field)


def test_without_a_sent_blueprint_the_laid_out_views(headless: Headless) -> None:
    from rerun.experimental import ViewerClient

    with ViewerClient.connect(headless.url) as client:
        client.open(str(headless.rrd))
        blueprint = client.get_blueprint()
        assert blueprint.store_id == "steps"
        [view] = blueprint.blueprint.values()
        assert view["ViewBlueprint"]["class_identifier"] == "3D"
        with pytest.raises(ValueError, match="no table blueprint"):
            client.get_blueprint("table")
