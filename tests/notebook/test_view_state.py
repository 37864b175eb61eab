"""The session's views list: a kind's payload function adds what the browser draws for it."""

from __future__ import annotations

from typing import Any

from rerun_notebook import view_state
from rerun_notebook.session import ViewerSession

from .fakes import FakeApp, FakeStore


def test_a_registered_payload_fills_its_kinds_entries_only() -> None:
    seen: list[view_state.ViewRef] = []

    def payload(session: Any, view: view_state.ViewRef) -> dict[str, Any]:
        seen.append(view)
        return {"extra": len(view.entities)}

    view_state.register("fake_kind", payload)
    try:
        session = ViewerSession(100, 80, app_factory=FakeApp)
        session.add_store("rec", FakeStore())
        session.app.views = [
            {"id": "fake_kind:/a", "kind": "fake_kind", "rect": (0, 0, 50, 80), "origin": "/a"},
            {"id": "spatial3d:/", "kind": "spatial3d", "rect": (50, 0, 50, 80), "entities": ["/x"]},
        ]
        views = session.state()["views"]
        assert views[0]["extra"] == 1 and "extra" not in views[1]
        assert [(v.id, v.entities) for v in seen] == [("fake_kind:/a", ["/a"])]
    finally:
        view_state.PAYLOADS.pop("fake_kind")
