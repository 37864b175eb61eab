"""A `set_blueprint` our viewer refuses (a field it cannot type) leaves the blueprint shown as it
was and adds no undo step: in-process on the viewer-control handler, a recording with a sent
blueprint, then a second edit after the refused one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rerun_core.proto.gen import viewer_control_pb2 as pb
from rerun_core.store.hub import StoreHub
from rerun_core.store.rrd import read_messages
from rerun_notebook.viewer_control_ops import FullViewerControlHandler


class _NoPages:
    def page_sessions(self) -> list[Any]:
        return []


def _with_blueprint(path: Path) -> Path:
    import rerun as rr
    import rerun.blueprint as rrb

    rec = rr.RecordingStream("refused_bp", recording_id="rec")
    rec.save(path)
    rec.send_blueprint(rrb.Blueprint(rrb.Spatial3DView(origin="/pts", name="Points")))
    rec.log("pts", rr.Points3D([[0, 0, 0]]))
    rec.flush()
    return path


def _names(handler: FullViewerControlHandler) -> list[str]:
    blueprint = json.loads(handler.get_blueprint(pb.GetBlueprintRequest()).json)
    return [a["ViewBlueprint"].get("display_name") for a in blueprint.values() if "ViewBlueprint" in a]


def _set(handler: FullViewerControlHandler, blueprint: dict[str, Any], mode: Any) -> None:
    request = pb.SetBlueprintRequest(json=json.dumps(blueprint), mode=mode)
    handler.set_blueprint(request)


@pytest.mark.parametrize("mode", [pb.BLUEPRINT_UPDATE_MODE_FULL, pb.BLUEPRINT_UPDATE_MODE_PARTIAL])
def test_a_refused_blueprint_leaves_the_shown_one_and_no_undo_step(tmp_path: Path, mode: Any) -> None:
    hub = StoreHub()
    hub.insert_many(read_messages(_with_blueprint(tmp_path / "bp.rrd")))
    handler = FullViewerControlHandler(hub, _NoPages())
    blueprint = json.loads(handler.get_blueprint(pb.GetBlueprintRequest()).json)
    [view] = [p for p in blueprint if p.startswith("/view/") and "ViewBlueprint" in blueprint[p]]
    blueprint[view]["ViewBlueprint"]["display_name"] = "renamed"
    _set(handler, blueprint, mode)
    assert _names(handler) == ["renamed"]

    bad = json.loads(json.dumps(blueprint))
    bad[view]["ViewBlueprint"]["no_such_field"] = 1
    with pytest.raises(ValueError, match="no_such_field"):
        _set(handler, bad, mode)
    assert _names(handler) == ["renamed"]  # the refused edit changed nothing

    handler.run_command(pb.RunCommandRequest(id="recording.undo_blueprint_edit"))
    assert _names(handler) == ["Points"]  # one undo: back before the one edit that was made
