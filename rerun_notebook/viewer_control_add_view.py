"""``recording.open_add_view_or_container_dialog`` on this viewer: 0.41's "Add view or container"
dialog (``modals.js``) lists the view classes this viewer draws and the four container kinds; the
one picked goes into the viewport's root container (shown, where that is tabs) as a blueprint edit (``set_blueprint``, partial,
so ``recording.undo_blueprint_edit`` takes it back), a view showing ``$origin/**`` from ``/``.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from rerun_notebook.host import SessionHost, register
from rerun_notebook.viewer_control_screen_commands import attached, target_sessions

CONTAINERS = ("Tabs", "Horizontal", "Vertical", "Grid")
# 0.41's names for its view classes, in its dialog's order
VIEW_NAMES = {
    "2D": "2D",
    "3D": "3D",
    "BarChart": "Bar chart",
    "Dataframe": "Dataframe",
    "Graph": "Graph",
    "Map": "Map",
    "Tensor": "Tensor",
    "TextDocument": "Text document",
    "TextLog": "Text log",
    "TimeSeries": "Time series",
}


def view_classes() -> list[dict[str, str]]:
    """The view classes this viewer draws (``view_registry``), with 0.41's names."""
    from rerun_core.viewer import view_registry

    drawn = {k.class_identifier for k in view_registry.kinds().values() if k.class_identifier}
    return [{"class": c, "name": name} for c, name in VIEW_NAMES.items() if c in drawn]


def open_dialog(handler: Any, sid: Any) -> None:
    for session in target_sessions(handler):
        session.set_modal(
            {
                "kind": "add_view",
                "views": view_classes(),
                "containers": list(CONTAINERS),
                "store_id": _text(sid),
            }
        )


def _text(sid: Any) -> str:
    from rerun_notebook.viewer_control import store_id_text

    return str(store_id_text(sid))


def add_to_viewport(handler: Any, store_id: str, what: str, cls: str) -> str:
    """Add a view of class ``cls`` (``what`` "view") or a container of kind ``cls`` ("container") to
    the root container of the recording's blueprint; returns the new entity path."""
    from rerun_core.proto.gen import viewer_control_pb2 as pb

    if what == "view" and cls not in {v["class"] for v in view_classes()}:
        raise ValueError(f"this viewer has no {cls!r} view")
    if what == "container" and cls not in CONTAINERS:
        raise ValueError(f"no {cls!r} container (one of {', '.join(CONTAINERS)})")
    target = pb.RecordingBlueprintTarget(store_id=store_id)
    layout = json.loads(handler.get_blueprint(pb.GetBlueprintRequest(recording=target)).json or "{}")
    edit: dict[str, Any] = {}
    root = layout.get("/viewport", {}).get("ViewportBlueprint", {}).get("root_container")
    if root is None:  # an empty viewport: a root container for the new part
        root = str(uuid.uuid4())
        edit["/viewport"] = {"ViewportBlueprint": {"root_container": root}}
    root_path = f"/container/{root}"
    contents = layout.get(root_path, {}).get("ContainerBlueprint", {}).get("contents", [])
    contents = [contents] if isinstance(contents, str) else list(contents)
    new = f"/{what}/{uuid.uuid4()}"
    if what == "view":
        edit[new] = {"ViewBlueprint": {"class_identifier": cls, "space_origin": "/", "visible": True}}
        edit[f"{new}/ViewContents"] = {"ViewContents": {"query": ["+ $origin/**"]}}
    else:
        edit[new] = {"ContainerBlueprint": {"container_kind": cls, "visible": True}}
    root_fields: dict[str, Any] = {"contents": [*contents, new], "visible": True}
    if root_path not in layout:
        root_fields["container_kind"] = "Tabs"
    if layout.get(root_path, {}).get("ContainerBlueprint", {}).get("container_kind", "Tabs") == "Tabs":
        root_fields["active_tab"] = new  # the new tab is the one shown
    edit[root_path] = {"ContainerBlueprint": root_fields}
    request = pb.SetBlueprintRequest(
        json=json.dumps(edit), mode=pb.BLUEPRINT_UPDATE_MODE_PARTIAL, recording=target
    )
    handler.set_blueprint(request)
    return new


def _add_msg(host: SessionHost, content: dict[str, Any]) -> None:
    """A view or container picked in the page's dialog."""
    handler = attached()
    host.session.set_modal(None)
    if handler is None:
        return
    try:
        add_to_viewport(
            handler, str(content.get("store_id", "")), str(content.get("what")), str(content.get("class"))
        )
    except Exception as err:
        host.session.set_modal({"kind": "error", "title": "Add view or container", "message": str(err)})


register("add_to_viewport", _add_msg)
RUNNABLE = {"recording.open_add_view_or_container_dialog": open_dialog}
