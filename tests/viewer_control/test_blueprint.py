"""`get_blueprint` on our viewer: the blueprint sent with a recording, read back by rerun-sdk 0.41's
own client in 0.41's form (entity path -> archetype -> field; enums by name, UUIDs and entity paths
as text), field for field what the real 0.41 viewer answers for the same file (which adds the
defaults it filled in); without a sent blueprint, the whole layout our viewer made (test_heuristic)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ._scripts import on_both
from .conftest import Headless

pytestmark = [pytest.mark.slow]

READ_BLUEPRINT = """
client.open(path)
print(json.dumps(client.get_blueprint().blueprint))
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
    ours, theirs = on_both(oracle, headless.port, READ_BLUEPRINT, rrd)
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
        assert blueprint.store_id == "Recording:control_test:steps"
        assert blueprint.blueprint_id == "Blueprint:control_test:control_test"  # 0.41's for its own layout
        [view] = [
            a for p, a in blueprint.blueprint.items() if p.startswith("/view/") and "ViewBlueprint" in a
        ]
        assert view["ViewBlueprint"]["class_identifier"] == "3D"
        root = blueprint.blueprint["/viewport"]["ViewportBlueprint"]["root_container"]
        assert blueprint.blueprint[f"/container/{root}"]["ContainerBlueprint"]["container_kind"] == "Tabs"
        with pytest.raises(ConnectionError, match="no table is on screen"):
            client.get_blueprint("table")


SET_BLUEPRINT = """
import json, sys
from rerun.experimental import ViewerClient
client = ViewerClient.connect(f"rerun+http://127.0.0.1:{sys.argv[1]}/proxy")
client.open(sys.argv[2])
before = client.get_blueprint()
blueprint = before.blueprint
[view] = [p for p in blueprint if p.startswith("/view/") and "ViewBlueprint" in blueprint[p]]
blueprint[view]["ViewBlueprint"]["display_name"] = "Renamed"
blueprint["/blueprint_panel"]["PanelBlueprint"]["state"] = "Expanded"
info = client.set_blueprint(blueprint, store_id=before.store_id)
after = client.get_blueprint()
try:
    client.set_blueprint({"/x": {"Nope": {"field": 1}}}, of="recording")
    refused = None
except Exception as err:
    refused = str(err)
print(json.dumps({
    "info": [info.blueprint_id, info.store_id],
    "after": [after.blueprint_id, after.blueprint[view], after.blueprint["/blueprint_panel"]],
    "views": [v.name for v in client.get_state().views],
    "refused": refused,
}))
"""


@pytest.mark.interop
def test_real_client_sets_a_blueprint_on_our_viewer(headless: Headless, oracle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rrd = _write_with_blueprint(tmp_path / "bp.rrd")
    out = json.loads(
        oracle.run_script(SET_BLUEPRINT, str(headless.port), str(rrd)).stdout.strip().splitlines()[-1]
    )
    blueprint_id, store_id = out["info"]
    assert store_id == "Recording:bp_test:withbp" and blueprint_id.startswith("Blueprint:bp_test:")
    assert out["after"][0] == blueprint_id  # the new blueprint is the one shown
    assert out["after"][1]["ViewBlueprint"]["display_name"] == "Renamed"
    assert out["after"][2] == {"PanelBlueprint": {"state": "Expanded"}}
    assert out["views"] == ["Renamed"]  # the viewer laid itself out anew
    assert "Nope.field is not in the current blueprint" in out["refused"]
