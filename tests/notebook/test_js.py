"""The widget's ES module parses, and its pure helpers behave (run under node when present)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from rerun_notebook.jsbundle import bundle

NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")


def test_module_parses_and_formats_times(tmp_path: Path) -> None:
    mod = tmp_path / "widget.mjs"
    mod.write_text(bundle())
    assert NODE is not None
    subprocess.run([NODE, "--check", str(mod)], check=True, timeout=30)
    code = (
        f"import w, {{ formatTime }} from '{mod.as_uri()}';"
        "console.log(typeof w.render, formatTime('sequence', 7), formatTime('duration', 1500000000),"
        " formatTime('timestamp', 0), formatTime('sequence', null));"
    )
    out = subprocess.run(
        [NODE, "--input-type=module", "-e", code], capture_output=True, text=True, timeout=30, check=True
    )
    assert out.stdout.split() == ["function", "#7", "1.500s", "1970-01-01", "00:00:00.000", "–"]


def _run(tmp_path: Path, code: str) -> str:
    mod = tmp_path / "widget.mjs"
    mod.write_text(bundle())
    assert NODE is not None
    full = code.replace("MOD", mod.as_uri())
    out = subprocess.run(
        [NODE, "--input-type=module", "-e", full], capture_output=True, text=True, timeout=30, check=True
    )
    return out.stdout.strip()


def test_times_format_by_timeline_type_never_as_a_fake_date(tmp_path: Path) -> None:
    out = _run(
        tmp_path,
        "import { formatTime } from 'MOD';"
        "console.log([formatTime('sequence', 0), formatTime(undefined, 3), formatTime('duration', 125.5e9),"
        " formatTime('timestamp', 1.7e18), formatTime('sequence', undefined)].join('|'));",
    )
    assert out == "#0|3|2m05.500s|2023-11-14 22:13:20.000|–"


def test_floating_boxes_stay_inside_the_view_under_the_pointer(tmp_path: Path) -> None:
    """Tooltips sit beside the pointer, flipped and clamped to the hovered view's rect."""
    out = _run(
        tmp_path,
        "import { placeNear, viewRectAt } from 'MOD';"
        "const ctx = { state: { size: [800, 400], views: [{ rect: [0, 0, 400, 400] }, { rect: [400, 0, 400, 400] }] },"
        " canvas: { clientWidth: 800, clientHeight: 400 } };"
        "const r = viewRectAt(ctx, 390, 390);"
        "const box = { style: {}, offsetWidth: 120, offsetHeight: 50 };"
        "placeNear(box, r, 390, 390);"
        "const box2 = { style: {}, offsetWidth: 120, offsetHeight: 50 };"
        "placeNear(box2, r, 20, 20);"
        "console.log(JSON.stringify([r, box.style.left, box.style.top, box2.style.left, box2.style.top]));",
    )
    rect, left, top, left2, top2 = json.loads(out)
    assert rect == {"x": 0, "y": 0, "w": 400, "h": 400}
    assert (left, top) == ("256px", "326px")  # flipped left and up: still inside the left view
    assert (left2, top2) == ("34px", "34px")  # beside the pointer


def test_text_log_marks_the_latest_row_at_or_before_the_time_cursor(tmp_path: Path) -> None:
    """Rerun's text log highlights (and scrolls to) the last row whose time is <= the cursor."""
    out = _run(
        tmp_path,
        "import { currentRowIndex } from 'MOD';"
        "const t = [0, 1, 1, 5, 9];"
        "console.log([currentRowIndex(t, 1), currentRowIndex(t, 4), currentRowIndex(t, 9),"
        " currentRowIndex(t, 100), currentRowIndex(t, -1), currentRowIndex(t, null), currentRowIndex([], 3)].join('|'));",
    )
    assert out == "2|2|4|4|-1|4|-1"


def test_selection_panel_shows_a_summary_or_the_entity_components(tmp_path: Path) -> None:
    out = _run(
        tmp_path,
        "import { selectionHtml } from 'MOD';"
        "const summary = { kind: 'recording', summary: { 'recording id': 'r1', rows: 3 } };"
        "const ent = { kind: 'entity', entity_path: '/pts', components: { 'Points3D:radii': 1.5 } };"
        "console.log(JSON.stringify([selectionHtml([], {}, summary),"
        " selectionHtml([{ entity_path: '/pts', instance_id: null }], {}, ent), selectionHtml([], {}, {})]));",
    )
    none, entity, empty = json.loads(out)
    assert "Recording" in none and "<th>recording id</th><td>r1</td>" in none and "<td>3</td>" in none
    assert "/pts" in entity and "Components" in entity and "<th>Points3D:radii</th><td>1.5</td>" in entity
    assert empty == ""
