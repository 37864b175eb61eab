"""The view registry: one entry per kind drives view creation, sync and the derived tables."""

from __future__ import annotations

from typing import Any

from rerun_core.viewer import specs, view_registry
from rerun_core.viewer.blueprint_tree import VIEW_KINDS
from rerun_core.viewer.specs import ViewSpec


def test_builtin_kinds_feed_the_derived_tables() -> None:
    assert {"text_log", "text_document"} <= specs.HTML_KINDS  # plus the kinds added beside them
    assert {"spatial3d", "spatial2d", "timeseries", "bar_chart", "tensor", "placeholder"} <= specs.PIXEL_KINDS
    assert specs.LAYOUT_PRIORITY["spatial3d"] == 2 and specs.LAYOUT_PRIORITY["tensor"] == 1
    assert VIEW_KINDS["TimeSeries"] == "timeseries" and VIEW_KINDS["3D"] == "spatial3d"


def test_unknown_kind_makes_a_placeholder_and_html_kinds_a_stand_in() -> None:
    view = view_registry.make_view(ViewSpec("nope:/", "nope", "/", "x"))
    assert type(view).__name__ == "PlaceholderView"
    html = view_registry.make_view(ViewSpec("text_log:/", "text_log", "/", "log"))
    assert isinstance(html, view_registry.HtmlView) and view_registry.is_html("text_log")


def test_a_registered_kind_is_made_and_synced_through_its_entry() -> None:
    seen: list[Any] = []

    class Fake:
        def __init__(self, spec: ViewSpec) -> None:
            self.spec = spec

    entry = view_registry.ViewKind("fake_kind", Fake, lambda view, ctx: seen.append((view, ctx.time_kind)))
    view_registry.register(entry)
    try:
        spec = ViewSpec("fake_kind:/", "fake_kind", "/", "fake")
        view = view_registry.make_view(spec)
        assert isinstance(view, Fake)
        ctx = view_registry.SyncContext(None, None, None, lambda p: True, lambda p: (0, 0), "sequence")
        view_registry.sync_view(view, spec, ctx)
        assert seen == [(view, "sequence")]
    finally:
        removed = view_registry.unregister("fake_kind")
    assert removed is entry and view_registry.get("fake_kind") is None
