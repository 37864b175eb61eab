"""The blueprint panel's pure JS helpers (run under node): collapsing rows, the messages a row sends."""

from __future__ import annotations

import json
from pathlib import Path

from .test_js import _run, pytestmark  # noqa: F401  (skipped without node, as the other JS tests)


def test_collapsed_rows_hide_their_descendants_only(tmp_path: Path) -> None:
    out = _run(
        tmp_path,
        "import { visibleRows } from 'MOD';"
        "const rows = [['c', 0, true], ['v1', 1, true], ['e1', 2, false], ['v2', 1, true], ['e2', 2, false]]"
        ".map(([key, depth, has_children]) => ({ key, depth, has_children }));"
        "console.log(JSON.stringify([visibleRows(rows, new Set()).map((r) => r.key),"
        " visibleRows(rows, new Set(['v1'])).map((r) => r.key), visibleRows(rows, new Set(['c'])).map((r) => r.key)]));",
    )
    assert json.loads(out) == [["c", "v1", "e1", "v2", "e2"], ["c", "v1", "v2", "e2"], ["c"]]


def test_rows_send_select_eye_and_maximize_messages(tmp_path: Path) -> None:
    out = _run(
        tmp_path,
        "import { rowMessages } from 'MOD';"
        "const view = rowMessages({ type: 'view', id: 'timeseries:/a', visible: true, maximized: false });"
        "const maxed = rowMessages({ type: 'view', id: 'timeseries:/a', visible: true, maximized: true });"
        "const ent = rowMessages({ type: 'entity', id: 'v', view_id: 'v', path: '/a/b', visible: false });"
        "const box = rowMessages({ type: 'container', id: 'grid:x', visible: true });"
        "console.log(JSON.stringify([view, maxed.maximize, ent, box]));",
    )
    view, maxed, ent, box = json.loads(out)
    assert view == {
        "select": {"type": "select_node", "node_id": "timeseries:/a"},
        "eye": {"type": "node_visible", "node_id": "timeseries:/a", "visible": False},
        "maximize": {"type": "maximize", "view_id": "timeseries:/a"},
    }
    assert maxed == {"type": "maximize", "view_id": None}  # the button restores a maximized view
    assert ent["select"] == {"type": "select_node", "node_id": "v", "entity_path": "/a/b"}
    assert ent["eye"] == {
        "type": "view_entity_visible",
        "view_id": "v",
        "entity_path": "/a/b",
        "visible": True,
    }
    assert box["maximize"] is None and box["eye"]["node_id"] == "grid:x"


def test_view_help_names_the_kind_and_its_controls(tmp_path: Path) -> None:
    out = _run(
        tmp_path,
        "import { viewHelp } from 'MOD'; console.log(JSON.stringify([viewHelp('spatial3d'), viewHelp('x')]));",
    )
    three_d, unknown = json.loads(out)
    assert three_d.startswith("3D view") and "Left drag: orbit" in three_d and "maximize" in three_d
    assert unknown.startswith("x")
