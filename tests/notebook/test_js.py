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


def _module(tmp_path: Path) -> Path:
    mod = tmp_path / "widget.mjs"
    mod.write_text(bundle())
    return mod


def _run(tmp_path: Path, code: str) -> str:
    """Run `code` as an ES module under node, with MOD standing for the bundled widget's URI."""
    assert NODE is not None
    full = code.replace("MOD", _module(tmp_path).as_uri())
    out = subprocess.run(
        [NODE, "--input-type=module", "-e", full], capture_output=True, text=True, timeout=30, check=True
    )
    return out.stdout.strip()


def test_module_parses_and_formats_times(tmp_path: Path) -> None:
    assert NODE is not None
    subprocess.run([NODE, "--check", str(_module(tmp_path))], check=True, timeout=30)
    out = _run(
        tmp_path,
        "import w, { formatTime } from 'MOD';"
        "console.log(typeof w.render, formatTime('sequence', 7), formatTime('duration', 1500000000),"
        " formatTime('timestamp', 0), formatTime('sequence', null));",
    )
    assert out.split() == ["function", "#7", "1.500s", "1970-01-01", "00:00:00.000", "–"]


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


def test_selection_panel_shows_a_summary_or_the_selected_item(tmp_path: Path) -> None:
    """Nothing: the recording summary; an entity: breadcrumbs + components by archetype; a view: its kind."""
    out = _run(
        tmp_path,
        "import { selectionHtml } from 'MOD';"
        "const summary = { kind: 'recording', summary: { 'recording id': 'r1', rows: 3 } };"
        "const ent = { kind: 'entity', title: '/w/pts', entity_path: '/w/pts', archetypes: [{ archetype: 'Points3D',"
        " components: [['radii', 1.5], ['colors', '#ff0000ff']] }] };"
        "const inst = { kind: 'instance', title: '/w/pts[2]', entity_path: '/w/pts', instance_id: 2, archetypes: [],"
        " view_name: 'world' };"
        "const view = { kind: 'view', title: 'world', view_kind: 'spatial3d', origin: '/world', entities: ['/world/a'] };"
        "console.log(JSON.stringify([selectionHtml([], {}, summary),"
        " selectionHtml([{ entity_path: '/w/pts', instance_id: null }], {}, ent),"
        " selectionHtml([{ entity_path: '/w/pts', instance_id: 2 }], {}, inst),"
        " selectionHtml([{ type: 'view', view_name: 'world' }], {}, view), selectionHtml([], {}, {})]));",
    )
    none, entity, instance, view, empty = json.loads(out)
    assert "Recording" in none and "<th>recording id</th><td>r1</td>" in none and "<td>3</td>" in none
    assert "Entity" in entity and 'data-path="/w/pts"' in entity and 'data-path="/w"' in entity
    assert '<div class="rr-arch">Points3D</div>' in entity and "<th>radii</th><td>1.5</td>" in entity
    assert 'class="rr-swatch" style="background:#ff0000ff"' in entity  # packed colours get a swatch
    assert '<div class="rr-seltitle">r1</div>' in none
    assert "Instance" in instance and "[2]" in instance and "in view world" in instance
    assert "No data at this time" in instance
    assert "<th>View type</th><td>3D view</td>" in view and "<th>Space origin</th><td>/world</td>" in view
    assert "/world/a" in view
    assert empty == ""


def test_panel_states_follow_overrides_then_toggles_then_rerun_defaults(tmp_path: Path) -> None:
    """Rerun: the selection panel starts expanded only above 1000 px; update_panels overrides lock a panel;
    on a narrow widget (< 600 px) opening one side panel hides the other."""
    out = _run(
        tmp_path,
        "import { panelStates, togglePanel, isLocked } from 'MOD';"
        "const wide = panelStates({}, 1200, {}), narrow = panelStates({}, 640, {});"
        "const locked = panelStates({ selection: 'hidden', time: 'default' }, 1200, { selection: 'expanded' });"
        "const t1 = togglePanel(narrow, {}, 'selection', 640);"
        "const t2 = togglePanel(panelStates({}, 500, {}), {}, 'selection', 500);"
        "const t3 = togglePanel(wide, {}, 'selection', 1200);"
        "console.log(JSON.stringify([wide, narrow, locked, t1, t2, t3, panelStates({}, 1200, t3).selection,"
        " isLocked({ selection: 'hidden' }, 'selection'), isLocked({ time: 'default' }, 'time')]));",
    )
    wide, narrow, locked, t1, t2, t3, after, is_locked, default_not_locked = json.loads(out)
    assert wide == {"top": "expanded", "blueprint": "expanded", "selection": "expanded", "time": "expanded"}
    assert narrow["selection"] == "collapsed" and narrow["blueprint"] == "expanded"
    assert locked["selection"] == "hidden" and locked["time"] == "expanded"
    assert t1 == {"selection": "expanded"}
    assert t2 == {"selection": "expanded", "blueprint": "hidden"}
    assert t3 == {"selection": "collapsed"} and after == "collapsed"
    assert is_locked is True and default_not_locked is False


def test_selection_panel_shows_containers_and_vanished_views(tmp_path: Path) -> None:
    out = _run(
        tmp_path,
        "import { selectionHtml } from 'MOD';"
        "const c = { kind: 'container', title: 'Grid', container_kind: 'grid', children: [['view', 'cos'], ['view', 'sin']],"
        " found: true };"
        "const gone = { kind: 'view', title: 'old', found: false };"
        "console.log(JSON.stringify([selectionHtml([{ type: 'container', container_name: 'Grid' }], {}, c),"
        " selectionHtml([{ type: 'view', view_name: 'old' }], {}, gone)]));",
    )
    container, gone = json.loads(out)
    assert "Container" in container and "<th>Container kind</th><td>Grid container</td>" in container
    assert "cos" in container and "sin" in container
    assert "no longer in the layout" in gone


def test_a_picked_instance_shows_what_was_under_the_pointer(tmp_path: Path) -> None:
    out = _run(
        tmp_path,
        "import { selectionHtml } from 'MOD';"
        "const d = { kind: 'instance', title: '/img[0]', entity_path: '/img', instance_id: 0,"
        " archetypes: [{ archetype: 'Image', components: [['format', 'x']] }] };"
        "const item = { entity_path: '/img', instance_id: 0, position: [1, 2, 3] };"
        "console.log(JSON.stringify(selectionHtml([item], { pixel: [4, 5], value: [9], format: 'x', 'Image:format': 'x' },"
        " d)));",
    )
    html = json.loads(out)
    assert "At the pointer" in html and "<th>pixel</th><td>[4,5]</td>" in html
    assert "<th>position</th><td>[1,2,3]</td>" in html and "Image:format" not in html
    assert html.count("<th>format</th>") == 1  # listed under Data, not again under the pointer


def test_colour_lists_get_swatches(tmp_path: Path) -> None:
    out = _run(
        tmp_path,
        "import { cellText } from 'MOD';"
        "console.log(JSON.stringify([cellText(['#ff0000ff', '#00ff00ff', '… 7 values']), cellText([1, 2]),"
        " cellText('<b>')]));",
    )
    colours, numbers, text = json.loads(out)
    assert colours.count('class="rr-swatch"') == 2 and colours.endswith("… 7 values")
    assert (numbers, text) == ("[1,2]", "&lt;b&gt;")


def test_history_buttons_name_the_neighbouring_selection(tmp_path: Path) -> None:
    out = _run(
        tmp_path,
        "import { historyTitle } from 'MOD';"
        "console.log(JSON.stringify([historyTitle('/a', 'back'), historyTitle(null, 'back'),"
        " historyTitle(null, 'forward')]));",
    )
    back, none_back, none_fwd = json.loads(out)
    assert back.startswith("Previous selection: /a")
    assert (none_back, none_fwd) == ("No previous selections", "No future selections")


def test_time_axis_maps_times_to_pixels_and_back_and_decodes_density_levels(tmp_path: Path) -> None:
    out = _run(
        tmp_path,
        "import { decodeLevels, makeAxis, normSelection } from 'MOD';"
        "const ax = makeAxis([[0, 9]], 200);"  # ten frames, 20 px each
        "console.log(JSON.stringify([decodeLevels('0f3a'), decodeLevels(''), ax.toX(5), ax.toX(10),"
        " ax.toT(101), ax.toT(-20), ax.toT(500), normSelection(9, 2)]));",
    )
    assert json.loads(out) == [[0, 15, 3, 10], [], 100, 200, 5, 0, 9, [2, 9]]


def test_a_collapsed_gap_is_drawn_narrow_between_the_segments(tmp_path: Path) -> None:
    """Rerun's piecewise axis: segments by their time length, each gap at most 40 px."""
    out = _run(
        tmp_path,
        "import { makeAxis } from 'MOD';"
        "const ax = makeAxis([[0, 9], [100, 109]], 240);"
        "console.log(JSON.stringify([ax.gapPx, ax.segs.map((s) => [s.x0, s.x1]), ax.toX(5), ax.toX(55), ax.toX(100),"
        " ax.toT(150), ax.toT(120), ax.toT(239)]));",
    )
    assert json.loads(out) == [40, [[0, 100], [140, 240]], 50, 120, 140, 101, 55, 109]


def test_time_axis_labels_use_nice_steps_formatted_by_timeline_type(tmp_path: Path) -> None:
    out = _run(
        tmp_path,
        "import { axisLabels, makeAxis, niceStep, formatTick } from 'MOD';"
        "const seq = axisLabels(makeAxis([[0, 100]], 400), 'sequence').map((l) => l.text);"
        "const dur = axisLabels(makeAxis([[0, 3e9]], 300), 'duration').map((l) => l.text);"
        "const ts = axisLabels(makeAxis([[1.7e18, 1.7e18 + 120e9]], 400), 'timestamp').map((l) => l.text);"
        "const two = axisLabels(makeAxis([[0, 9], [100, 109]], 240), 'sequence').map((l) => l.text);"
        "console.log(JSON.stringify([seq, dur, ts, two, niceStep(1000, 'sequence', 100), formatTick('duration', 1.25e9, 0.05e9)]));",
    )
    seq, dur, ts, two, step, tick = json.loads(out)
    assert seq == ["#0", "#20", "#40", "#60", "#80", "#100"]
    assert dur == ["0s", "1s", "2s", "3s"]
    assert ts[0] == "22:13:30" and all(len(x) == 8 for x in ts)  # HH:MM:SS at 30 s steps
    assert two[0] == "#0" and "#100" in two  # each segment labelled
    assert step == 1000 and tick == "1.25s"


def test_time_keys_follow_rerun_shortcuts(tmp_path: Path) -> None:
    out = _run(
        tmp_path,
        "import { timeKeyAction as k } from 'MOD';"
        "console.log(JSON.stringify([k({ key: ' ' }), k({ key: 'ArrowRight' }), k({ key: 'ArrowLeft', shiftKey: true }),"
        " k({ key: 'ArrowLeft', ctrlKey: true }), k({ key: 'ArrowRight', metaKey: true }),"
        " k({ key: 'ArrowRight', ctrlKey: true, shiftKey: true }), k({ key: 'ArrowLeft', metaKey: true, shiftKey: true }),"
        " k({ key: 'Home' }), k({ key: 'a' })]));",
    )
    assert json.loads(out) == [
        ["toggle", None],
        ["move", 1],
        ["move", -10],
        ["step", "back"],
        ["step", "forward"],
        ["end", None],
        ["beginning", None],
        None,
        None,
    ]


def test_digits_set_the_playback_speed_as_a_chord(tmp_path: Path) -> None:
    """Rerun: "press 5+0 to set the speed to 50x"; a leading zero divides by ten; 0.5 s apart restarts."""
    out = _run(
        tmp_path,
        "import { timeKeyAction as k } from 'MOD';"
        "console.log(JSON.stringify([k({ key: '5' }, 0), k({ key: '0' }, 100), k({ key: '2' }, 1000),"
        " k({ key: '0' }, 2000), k({ key: '5' }, 2100), k({ key: '3' }, 5000), k({ key: 'ArrowLeft' }, 5100),"
        " k({ key: '4' }, 5200)]));",
    )
    assert json.loads(out) == [
        ["speed", 5],
        ["speed", 50],
        ["speed", 2],
        None,
        ["speed", 0.5],
        ["speed", 3],
        ["move", -1],
        ["speed", 4],
    ]


def test_time_axis_zooms_around_the_pointer_and_pans_inside_the_data(tmp_path: Path) -> None:
    out = _run(
        tmp_path,
        "import { zoomView, panView } from 'MOD';"
        "console.log(JSON.stringify([zoomView([0, 100], [0, 100], 50, 0.5), zoomView([0, 100], [0, 100], 0, 0.5),"
        " zoomView([25, 75], [0, 100], 50, 4), panView([25, 75], [0, 100], 40), panView([25, 75], [0, 100], -40)]));",
    )
    assert json.loads(out) == [[25, 75], [0, 50], None, [50, 100], [0, 50]]


def test_typed_times_parse_in_the_timelines_units(tmp_path: Path) -> None:
    out = _run(
        tmp_path,
        "import { parseTime as p } from 'MOD';"
        "console.log(JSON.stringify([p('sequence', '#12'), p('sequence', ' 7 '), p('sequence', '1.5'),"
        " p('duration', '1.5s'), p('duration', '2m05s'), p('duration', '1h2m3.5s'), p('duration', '3'), p('duration', 'x'),"
        " p('timestamp', '2023-11-14 22:13:20.000'), p('timestamp', '1700000000000000000'), p('timestamp', 'soon')]));",
    )
    assert json.loads(out) == [
        12,
        7,
        None,
        1_500_000_000,
        125_000_000_000,
        3_723_500_000_000,
        3_000_000_000,
        None,
        1.7e18,
        1.7e18,
        None,
    ]


def test_collapsed_stream_nodes_hide_their_subtree(tmp_path: Path) -> None:
    out = _run(
        tmp_path,
        "import { visibleStreamRows } from 'MOD';"
        "const rows = [['/a', 0], ['/a/b', 1], ['/a/b/c', 2], ['/a/d', 1], ['/e', 0]].map(([path, depth]) => ({ path, depth }));"
        "const show = (c) => visibleStreamRows(rows, new Set(c)).map((r) => r.path).join(',');"
        "console.log(JSON.stringify([show([]), show(['/a']), show(['/a/b']), show(['/a/b/c', '/e'])]));",
    )
    assert json.loads(out) == ["/a,/a/b,/a/b/c,/a/d,/e", "/a,/e", "/a,/a/b,/a/d,/e", "/a,/a/b,/a/b/c,/a/d,/e"]


def test_escape_clears_the_selection_unless_a_menu_or_a_field_takes_it(tmp_path: Path) -> None:
    out = _run(
        tmp_path,
        "import { deselectOnEscape } from 'MOD';"
        "const sent = [];"
        "const ev = (over) => ({ key: 'Escape', target: { tagName: 'CANVAS' }, preventDefault() {}, ...over });"
        "const ctx = { model: { send: (m) => sent.push(m) }, state: { selection: [{ entity_path: '/a' }] } };"
        "const r = [deselectOnEscape(ctx, ev({})), deselectOnEscape(ctx, ev({ target: { tagName: 'INPUT' } })),"
        " deselectOnEscape(ctx, ev({ key: 'a' })), deselectOnEscape({ ...ctx, state: { selection: [] } }, ev({}))];"
        "let removed = false;"
        "const menu = { isConnected: true, remove() { removed = true; } };"
        "r.push(deselectOnEscape({ ...ctx, historyMenu: menu }, ev({})), removed);"
        "console.log(JSON.stringify([r, sent]));",
    )
    results, sent = json.loads(out)
    assert results == [True, False, False, False, True, True]
    assert sent == [{"type": "select", "entity_path": None}]  # the menu's Escape closed only the menu


def test_the_loop_selection_is_resized_by_its_edges_and_moved_by_its_body(tmp_path: Path) -> None:
    out = _run(
        tmp_path,
        "import { stripGrab, dragSelection } from 'MOD';"
        "const g = (x) => stripGrab([100, 200], x);"
        "console.log(JSON.stringify([g(98), g(203), g(150), g(50), stripGrab(null, 10), stripGrab([100, 103], 102),"
        " dragSelection({ mode: 'move', grab: 10, sel: [20, 30] }, 15), dragSelection({ mode: 'select', anchor: 30 }, 25)]));",
    )
    assert json.loads(out) == ["start", "end", "move", None, None, "end", [25, 35], [25, 30]]


def test_dataframe_window_covers_the_visible_rows_and_cells_format(tmp_path: Path) -> None:
    """The dataframe view asks for the rows in sight (plus padding) and formats time cells by type."""
    out = _run(
        tmp_path,
        "import { dfLayout, dfRowAt, dfTopOf, dfWindow, dfCovers, dfCell, dfScrollTo, dfTableHtml } from 'MOD';"
        "const html = dfTableHtml({ columns: [{ name: 'frame', kind: 'time', timeline_kind: 'sequence' },"
        " { name: '/a:C', kind: 'component', entity: '/a', component: 'C' }], total: 10, offset: 2,"
        " rows: [[2, '<x>'], [3, null]], cursor_row: 3 });"
        "const L = dfLayout(0, 100, 1000);"
        "console.log(JSON.stringify([dfWindow(0, 10, 1000), dfWindow(990, 10, 1000), dfWindow(0, 10, 5),"
        " dfCovers(L, 50, 10), dfCovers(L, 100, 10), dfCell({ kind: 'time', timeline_kind: 'sequence' }, 4),"
        " dfCell({ kind: 'time', timeline_kind: 'duration_ns' }, 1.5e9), dfCell({ kind: 'component' }, null),"
        " dfScrollTo(50, 0, 180, L), dfScrollTo(5, 0, 180, L), dfRowAt(900, L), dfTopOf(50, L),"
        " (html.match(/rr-df-row/g) || []).length, html.includes('&lt;x&gt;'), html.includes('height:36px'),"
        " html.includes('height:108px')]));",
    )
    assert json.loads(out) == [
        {"offset": 0, "count": 71},  # 10 rows in sight + 1 + 30 below (+30 above when there is room)
        {"offset": 960, "count": 40},  # near the end: clamped to the rows that exist
        {"offset": 0, "count": 5},
        True,  # rows 50..60 are within 0..100
        False,  # rows 100..110 are not
        "#4",
        "1.500s",
        "",
        50 * 18 + 18 - 180,
        0,
        50,  # 18 px per row
        900,
        2,  # only the window's rows are in the DOM; spacers stand for the rest
        True,  # cells are escaped
        True,  # 2 rows above the window
        True,  # 6 rows below it
    ]


def test_dataframe_layout_of_ten_million_rows_stays_within_browser_heights(tmp_path: Path) -> None:
    """Past ~440k rows the rows outside the window get less than 18 px each, so the spacers stay
    under browsers' element height limits; positions map back to the same rows."""
    out = _run(
        tmp_path,
        "import { dfLayout, dfRowAt, dfTopOf, DF_MAX_PX } from 'MOD';"
        "const L = dfLayout(5_000_000, 80, 10_000_000);"
        "const total = dfTopOf(10_000_000, L);"
        "const rows = [0, 4_999_999, 5_000_000, 5_000_040, 5_000_080, 9_999_999].map((r) => Math.round(dfRowAt(dfTopOf(r, L), L)));"
        "console.log(JSON.stringify([total < DF_MAX_PX + 80 * 18, L.pitch < 1, rows, dfTopOf(5_000_001, L) - dfTopOf(5_000_000, L)]));",
    )
    below, compressed, rows, shown_h = json.loads(out)
    assert below and compressed
    assert rows == [0, 4_999_999, 5_000_000, 5_000_040, 5_000_080, 9_999_999]
    assert shown_h == 18  # rows inside the window keep their full height


def test_dataframe_clicks_select_the_cells_entity_and_double_clicks_seek(tmp_path: Path) -> None:
    """A click on a component cell selects its entity; a double click seeks to the row's time."""
    out = _run(
        tmp_path,
        "import { dfClickAction } from 'MOD';"
        "const df = { timeline: 'frame', view_name: 'table', view_id: 'v1', offset: 40, times: [5, 6],"
        " columns: [{ kind: 'time', name: 'frame' }, { kind: 'component', entity: '/a', component: 'C' }],"
        " rows: [[5, 'x'], [6, 'y']] };"
        "console.log(JSON.stringify([dfClickAction(df, 1, 1, false, 'frame', true), dfClickAction(df, 0, 0, false, 'frame'),"
        " dfClickAction(df, 1, 0, true, 'frame'), dfClickAction(df, 1, 0, true, 'log_time'), dfClickAction(df, 5, 1, false, 'frame')]));",
    )
    assert json.loads(out) == [
        {"type": "select", "entity_path": "/a", "view_name": "table", "add": True},
        None,  # a time cell: nothing to select
        {"type": "dataframe_seek", "view_id": "v1", "row": 41},  # the kernel seeks to its exact time
        None,  # another timeline than the time panel's: no seek
        None,
    ]


def test_pointer_positions_are_in_layout_pixels_under_a_ui_zoom(tmp_path: Path) -> None:
    """Under the palette's UI zoom (CSS zoom 1.5 on the root) a canvas laid out 200 px wide draws
    300 px wide: the pointer 150 drawn px in is at 100 of its own px, as at zoom 1 it is at 150."""
    out = _run(
        tmp_path,
        "import { localPoint } from 'MOD';"
        "const node = (scale) => ({ clientWidth: 200, clientHeight: 100,"
        " getBoundingClientRect: () => ({ left: 10, top: 20, width: 200 * scale, height: 100 * scale }) });"
        "const ev = { clientX: 160, clientY: 95 };"
        "console.log(JSON.stringify([localPoint(node(1.5), ev), localPoint(node(1), ev)]));",
    )
    assert json.loads(out) == [{"x": 100, "y": 50}, {"x": 150, "y": 75}]
