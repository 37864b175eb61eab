// The time panel, after Rerun 0.41's: timeline picker, restart / step / play / step / follow, loop
// mode, speed, fps, current time; a canvas time axis with data-density ticks, the loop selection
// (drag on the top strip, or shift-drag) and the cursor (click / drag to scrub); an expandable
// "streams" area with one row of ticks per entity (click a name to select it).
// Time state comes in `_state.time`; the ticks (timeline, range, density levels, stream rows) in
// the separate `_ticks` traitlet, which changes with the data, not with every cursor move.

import { drawAxis, drawStreams } from "./time_draw.js";
import { ROW_H, STRIP_H, dragSelection, makeAxis, panView, parseTime, stripGrab, zoomView } from "./time_axis.js";
import { visibleRows } from "./tree.js";
import { button, el, formatTime, localPoint } from "./util.js";

export const STREAM_ROWS_SHOWN = 8; // more rows scroll
export const LABEL_W = 110; // the streams' name column (and the toggle left of the axis)
export const BASE_TIME_H = 58; // widget.py TIME_HEIGHT
const SPEEDS = [0.1, 0.25, 0.5, 1, 2, 4, 8, 16];
const LOOP_LABELS = { off: "⟲ off", selection: "⟲ sel", all: "⟲ all" }; // short: the row is narrow

// The stream rows left showing when some tree nodes are collapsed (rows come depth first).
export function visibleStreamRows(rows, collapsed) {
  return visibleRows(rows, collapsed, "path");
}

// Rerun 0.41's time keys -> [action, value] (null when not a time key): Space play / pause;
// arrows 0.1 s or 1 tick, Shift 1 s or 10 ticks; Ctrl/Cmd+arrows the previous / next event;
// Ctrl/Cmd+Shift+arrows the start / end (and follow) of the timeline; digits set the speed as a
// chord ("5" then "0" within 0.5 s: 50x; a leading zero divides by ten: "05" is 0.5x).
export function timeKeyAction(ev, now = Date.now()) {
  const cmd = ev.ctrlKey || ev.metaKey;
  if (/^[0-9]$/.test(ev.key) && !cmd && !ev.altKey && !ev.shiftKey) {
    const speed = speedChord(ev.key, now);
    return speed ? ["speed", speed] : null; // a leading "0" waits for its next digit
  }
  SPEED_CHORD.keys = "";
  if (ev.key === " " && !cmd && !ev.altKey) return ["toggle", null];
  if ((ev.key === "ArrowLeft" || ev.key === "ArrowRight") && !ev.altKey) {
    const fwd = ev.key === "ArrowRight";
    if (cmd && ev.shiftKey) return [fwd ? "end" : "beginning", null];
    if (cmd) return ["step", fwd ? "forward" : "back"];
    return ["move", (fwd ? 1 : -1) * (ev.shiftKey ? 10 : 1)];
  }
  return null;
}

export const SPEED_CHORD = { keys: "", at: -Infinity, timeoutMs: 500 };

function speedChord(digit, now) {
  if (now - SPEED_CHORD.at >= SPEED_CHORD.timeoutMs) SPEED_CHORD.keys = "";
  SPEED_CHORD.keys += digit;
  SPEED_CHORD.at = now;
  const zeros = SPEED_CHORD.keys.length - SPEED_CHORD.keys.replace(/^0+/, "").length;
  const value = Number(SPEED_CHORD.keys) / 10 ** zeros;
  return value > 0 ? value : null;
}

function options(select, items) {
  const key = items.map((x) => x[0] + "=" + x[1]).join("\n");
  if (select.dataset.items === key) return;
  select.dataset.items = key;
  select.replaceChildren(...items.map(([value, text]) => Object.assign(document.createElement("option"), { value, textContent: text })));
}

function buildControls(ctx, parent, act) {
  const c = el("div", "rr-controls", parent);
  const ui = { box: c };
  ui.timeline = el("select", "rr-timeline", c);
  ui.timeline.title = "Timeline";
  ui.timeline.onchange = () => act("timeline", ui.timeline.value);
  button(c, "rr-restart", "⇤", "Start of timeline (Ctrl+Shift+←)", () => act("restart"));
  button(c, "rr-step-back", "❚◀", "Step back to the previous time with data (Ctrl+←)", () => act("step", "back"));
  ui.play = button(c, "rr-play", "▶", "Play / pause (Space)", () => act(ctx.state?.time?.play_state === "playing" ? "pause" : "play"));
  button(c, "rr-step-fwd", "▶❚", "Step forward to the next time with data (Ctrl+→)", () => act("step", "forward"));
  ui.follow = button(c, "rr-follow", "● live", "End of timeline: follow the latest data as it streams in (Ctrl+Shift+→)", () =>
    act("follow"),
  );
  ui.loop = el("select", "rr-loop", c);
  ui.loop.title = "Loop: off, the selected time range (drag on the axis' top strip), or everything";
  options(ui.loop, Object.entries(LOOP_LABELS));
  ui.loop.onchange = () => act("loop_mode", ui.loop.value);
  ui.speed = el("select", "rr-speed", c);
  ui.speed.title = "Playback speed";
  ui.speed.onchange = () => act("speed", Number(ui.speed.value));
  ui.fpsBox = el("label", "rr-fps", c);
  ui.fps = el("input", null, ui.fpsBox);
  ui.fps.type = "number";
  ui.fps.min = "1";
  ui.fps.max = "1000";
  ui.fps.title = "Frames per second when playing a sequence timeline";
  ui.fps.onchange = () => Number(ui.fps.value) > 0 && act("fps", Number(ui.fps.value));
  el("span", null, ui.fpsBox).textContent = "fps";
  ui.now = el("span", "rr-now", c);
  ui.now.title = "The current time (click to type one)";
  const edit = el("input", "rr-now-edit", c);
  edit.type = "text";
  edit.spellcheck = false;
  edit.style.display = "none";
  const close = () => ((edit.style.display = "none"), (ui.now.style.display = ""));
  ui.now.onclick = () => {
    edit.value = ui.now.textContent;
    edit.classList.remove("rr-bad");
    ui.now.style.display = "none";
    edit.style.display = "";
    edit.focus();
    edit.select();
  };
  edit.onkeydown = (ev) => {
    ev.stopPropagation(); // typing is not a time key (nor a notebook command)
    const t = ctx.state?.time;
    const value = parseTime(t?.timelines?.find((x) => x.name === t.timeline)?.kind, edit.value);
    if (ev.key === "Enter") {
      edit.classList.toggle("rr-bad", value === null);
      if (value !== null) act("seek", value), close();
    } else if (ev.key === "Escape") {
      close();
    }
  };
  edit.onblur = close;
  return ui;
}

export function buildTimePanel(ctx, parent) {
  const { model } = ctx;
  const act = (action, value) => model.send({ type: "time", action, value });
  const ui = buildControls(ctx, parent, act);
  const p = buildAxisAndStreams(parent, () => act("streams", !s.ticks.streams_open));
  // t: state.time; preview: {time} while scrubbing, {sel} while dragging a loop selection;
  // view: the zoomed-in part of timeline `viewOf` (null: all of it)
  const s = { t: null, ticks: {}, preview: null, view: null, viewOf: null, viewTimer: 0, collapsed: new Set() };
  const current = () => s.t?.timelines?.find((x) => x.name === s.t.timeline);
  const full = () => current()?.range || (s.ticks.timeline === s.t?.timeline && s.ticks.range) || null;
  const range = () => (s.view && s.viewOf === s.t?.timeline ? s.view : full());
  const layout = () => axisSegments(full(), s.view && s.viewOf === s.t?.timeline ? s.view : null, s.ticks, s.t);
  const axisFor = (canvas) => (layout() ? makeAxis(layout(), canvas.clientWidth) : null);
  const draw = () => {
    const bins = s.ticks.timeline === s.t?.timeline ? s.ticks.segments || [] : [];
    drawAxis(p.axis, s.t, s.ticks, layout(), bins, current()?.kind, s.preview);
    const rows = s.ticks.streams_open ? visibleStreamRows(s.ticks.streams || [], s.collapsed) : [];
    drawStreams(p.rowsCanvas, rows, layout(), bins, s.t, s.preview);
  };
  const setView = (v) => {
    const all = full();
    if (v && all && v[0] <= all[0] && v[1] >= all[1]) v = null; // all of it: the (collapsed) default
    Object.assign(s, { view: v, viewOf: s.t?.timeline });
    draw();
    clearTimeout(s.viewTimer); // the kernel re-bins the ticks for the new range, once the wheel rests
    s.viewTimer = setTimeout(() => act("ticks_view", s.view), 120);
  };
  const readTicks = () => {
    s.ticks = parseJson(model.get("_ticks"));
    showTicks(ctx, p, s.ticks, visibleStreamRows(s.ticks.streams || [], s.collapsed), s.rowsWanted);
    draw();
  };
  setupStreamRows(ctx, p, s, readTicks);
  const preview = (v) => ((s.preview = v), draw());
  setupDrag(ctx, p.axis, true, axisFor, act, preview);
  setupDrag(ctx, p.rowsCanvas, false, axisFor, act, preview);
  for (const c of [p.axis, p.rowsCanvas]) setupZoom(c, range, full, setView, axisFor);
  p.axis.addEventListener("dblclick", (ev) => ev.offsetY >= STRIP_H && s.view && setView(null));
  const timeAt = (canvas, x) => formatTime(current()?.kind, axisFor(canvas)?.toT(x));
  const rowAt = (y) => visibleStreamRows(s.ticks.streams || [], s.collapsed)[Math.floor(y / ROW_H)];
  const selectionTip = (x, y) => loopSelectionTip(ctx.state?.time, axisFor(p.axis), current()?.kind, x, y);
  setupHoverAndKeys(p, timeAt, rowAt, selectionTip, act);
  const ro = new ResizeObserver(draw);
  ro.observe(p.axis);
  model.on("change:_ticks", readTicks);
  ctx.cleanups.push(() => (model.off("change:_ticks", readTicks), ro.disconnect()));
  readTicks();

  return (time) => {
    if (!time) return;
    if (s.viewOf && s.viewOf !== time.timeline) {
      Object.assign(s, { view: null, viewOf: null }); // another timeline: unzoomed, here and there
      act("ticks_view", null);
    }
    s.t = time;
    updateControls(ui, time, current());
    if (ctx.state) highlightNames(p.names, ctx.state.selection || []);
    draw();
  };
}

// The loop selection's tooltip, when the pointer is on it in the strip (else null).
function loopSelectionTip(t, ax, kind, x, y) {
  const sel = t?.loop_selection;
  if (!sel || !ax || y >= STRIP_H || x < ax.toX(sel[0]) - 4 || x > ax.toX(sel[1] + 1) + 4) return null;
  const range = `Loop selection ${formatTime(kind, sel[0])} – ${formatTime(kind, sel[1])}`;
  return range + "\nclick: loop it or not · drag: move · edges: resize · Alt+click: remove";
}

// Tooltips (the time under the pointer; the stream row's entity) and the time keys on the canvases.
function setupHoverAndKeys(p, timeAt, rowAt, selectionTip, act) {
  p.axis.addEventListener(
    "pointermove",
    (ev) => (p.axis.title = selectionTip(ev.offsetX, ev.offsetY) ?? timeAt(p.axis, ev.offsetX)),
  );
  p.rowsCanvas.addEventListener("pointermove", (ev) => {
    const row = rowAt(ev.offsetY);
    if (row) p.rowsCanvas.title = `${row.path}  ${timeAt(p.rowsCanvas, ev.offsetX)}`;
  });
  for (const c of [p.axis, p.rowsCanvas]) {
    c.tabIndex = 0; // clicked, the time keys work here too (Space, arrows, Home/End)
    c.addEventListener("keydown", (ev) => {
      const a = timeKeyAction(ev);
      if (!a) return;
      act(a[0], a[1]);
      ev.preventDefault();
      ev.stopPropagation();
    });
  }
}

// What the axis lays out: the zoomed view; else the kernel's segments (big gaps collapsed),
// stretched to the current data range (it may have grown since); else the whole range.
function axisSegments(all, view, ticks, t) {
  if (!all) return null;
  if (view) return [view];
  const segs = ticks.timeline === t?.timeline ? ticks.segments : null;
  if (!segs || segs.length < 2) return [all];
  const out = segs.map(([a, b]) => [a, b]);
  out[0][0] = Math.min(out[0][0], all[0]);
  out[out.length - 1][1] = Math.max(out[out.length - 1][1], all[1]);
  return out;
}

function parseJson(text) {
  try {
    return JSON.parse(text || "{}");
  } catch {
    return {};
  }
}

function buildAxisAndStreams(parent, toggleStreams) {
  const axisRow = el("div", "rr-axis-row", parent);
  const toggle = button(axisRow, "rr-streams-toggle", "▸ streams", "Show one row of data ticks per entity", toggleStreams);
  const axis = el("canvas", "rr-axis", axisRow);
  const streams = el("div", "rr-streams", parent);
  const names = el("div", "rr-stream-names", streams);
  const rowsCanvas = el("canvas", "rr-stream-ticks", streams);
  const resize = el("div", "rr-time-resize", parent);
  resize.title = "Drag to show more or fewer stream rows";
  return { toggle, axis, streams, names, rowsCanvas, resize };
}

// The streams area's own state: collapsed tree nodes and the rows shown (the panel's top edge).
function setupStreamRows(ctx, p, s, refresh) {
  setupResize(ctx, p, () => p.shownRows || 1, (n) => ((s.rowsWanted = n), refresh()));
  p.collapsedKey = (path) => s.collapsed.has(path);
  p.onCollapse = (path) => {
    s.collapsed[s.collapsed.has(path) ? "delete" : "add"](path);
    refresh();
  };
}

// Dragging the time panel's top edge (streams open) sets how many stream rows show.
function setupResize(ctx, p, rowsShown, setRows) {
  let start = null;
  p.resize.addEventListener("pointerdown", (ev) => {
    p.resize.setPointerCapture(ev.pointerId);
    start = { y: ev.clientY, rows: rowsShown() };
    ev.preventDefault();
  });
  p.resize.addEventListener("pointermove", (ev) => {
    if (!start) return;
    const room = ctx.root.clientHeight - BASE_TIME_H - 140; // keep some of the views in sight
    const most = Math.max(1, Math.floor(room / ROW_H));
    setRows(Math.min(most, Math.max(1, start.rows + Math.round((start.y - ev.clientY) / ROW_H))));
  });
  const end = () => (start = null);
  p.resize.addEventListener("pointerup", end);
  p.resize.addEventListener("pointercancel", end);
}

// The streams area follows the ticks: its rows, the toggle, and the panel's height.
function showTicks(ctx, p, ticks, rows, wanted) {
  const all = ticks.streams || [];
  const parents = new Set(all.filter((r, i) => all[i + 1]?.depth > r.depth).map((r) => r.path));
  renderNames(ctx, p, rows, (r) => parents.has(r.path));
  const open = !!ticks.streams_open;
  p.toggle.textContent = (open ? "▾" : "▸") + " streams";
  p.streams.style.display = open ? "" : "none";
  p.resize.style.display = open ? "" : "none";
  const shown = Math.max(1, wanted ?? Math.min(STREAM_ROWS_SHOWN, rows.length));
  p.streams.style.maxHeight = shown * ROW_H + "px";
  p.shownRows = shown;
  const h = BASE_TIME_H + (open ? shown * ROW_H + 4 : 0);
  ctx.root.style.setProperty("--rr-time-h", h + "px");
  p.rowsCanvas.style.height = rows.length * ROW_H + "px";
}

function updateControls(ui, t, cur) {
  ui.play.textContent = t.play_state === "playing" ? "❚❚" : "▶"; // glyphs common fonts have
  ui.play.classList.toggle("rr-on", t.play_state === "playing");
  ui.follow.classList.toggle("rr-on", t.play_state === "following");
  ui.loop.value = t.loop_mode || "off";
  ui.loop.options[1].disabled = !t.loop_selection && t.loop_mode !== "selection"; // none to loop yet
  ui.loop.classList.toggle("rr-on", (t.loop_mode || "off") !== "off");
  const speeds = SPEEDS.includes(t.speed) ? SPEEDS : [...SPEEDS, t.speed].sort((a, b) => a - b);
  options(ui.speed, speeds.map((s) => [String(s), s + "×"]));
  ui.speed.value = String(t.speed);
  ui.fpsBox.style.display = cur?.kind === "sequence" ? "" : "none";
  if (document.activeElement !== ui.fps) ui.fps.value = String(t.fps ?? 30);
  options(ui.timeline, t.timelines.map((x) => [x.name, x.name]));
  ui.timeline.value = t.timeline ?? "";
  ui.now.textContent = formatTime(cur?.kind, t.time);
  // one time point: nothing to play or step through, so Rerun hides those controls
  ui.box.classList.toggle("rr-single-time", !!cur?.range && cur.range[0] === cur.range[1]);
}

// Name rows: a click selects the entity; a click on a parent's triangle (CSS ::before, so the
// row's text is just the name) collapses or expands its subtree.
function renderNames(ctx, p, rows, hasChildren) {
  const box = p.names;
  const key = rows.map((r) => r.path + (p.collapsedKey?.(r.path) ? "+" : "")).join("\n");
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  box.replaceChildren(
    ...rows.map((r) => {
      const row = document.createElement("div");
      row.className = "rr-stream-name" + (r.has_data ? "" : " rr-nodata");
      const pad = 16 + 12 * r.depth; // the triangle sits in the last 12 px of the indent
      row.style.paddingLeft = pad + "px";
      row.textContent = r.name || r.path;
      row.title = r.path;
      row.dataset.path = r.path;
      const parent = hasChildren(r);
      if (parent) row.dataset.twisty = p.collapsedKey?.(r.path) ? "closed" : "open";
      row.onclick = (ev) => {
        if (parent && ev.offsetX < pad) p.onCollapse(r.path);
        else ctx.model.send({ type: "select", entity_path: r.path });
      };
      return row;
    }),
  );
  highlightNames(box, ctx.state?.selection || []);
}

function highlightNames(box, selection) {
  const selected = new Set(selection.map((s) => s.entity_path));
  for (const row of box.children) row.classList.toggle("rr-selected", selected.has(row.dataset.path));
}

// A released drag: the new loop selection (or, for a click, looping it on / off); playback resumes
// after a scrub that paused it.
function finishDrag(drag, ax, x, t, act) {
  if (drag.mode !== "scrub" && ax) {
    if (Math.abs(x - drag.x0) >= 3) act("loop_selection", dragSelection(drag, ax.toT(x)));
    else if (t?.loop_selection) act("loop_mode", t.loop_mode === "selection" ? "off" : "selection");
  }
  if (drag.resume) act("resume");
}

// What a press starts: moving or resizing the loop selection (by what it grabbed), a new one
// (on the strip), or scrubbing.
function pressMode(sel, grab, onStrip, time, x0) {
  if (grab === "move") return { mode: "move", grab: time, sel, x0 };
  if (grab) return { mode: "select", anchor: grab === "start" ? sel[1] : sel[0], x0 };
  return onStrip ? { mode: "select", anchor: time, x0 } : { mode: "scrub" };
}

// Pointer handling for the axis and the stream rows: a press scrubs; on the axis' top strip (or
// with shift) it makes a loop selection, or resizes / moves the existing one by its edges / body.
function setupDrag(ctx, canvas, isAxis, axisFor, act, setPreview) {
  let drag = null;
  const at = (ev) => localPoint(canvas, ev);
  const grabAt = (ax, p) => {
    const sel = ctx.state?.time?.loop_selection;
    return isAxis && p.y < STRIP_H && sel ? stripGrab([ax.toX(sel[0]), ax.toX(sel[1] + 1)], p.x) : null;
  };
  canvas.addEventListener("pointerdown", (ev) => {
    const ax = axisFor(canvas);
    if (!ax || ev.button !== 0) return;
    canvas.setPointerCapture(ev.pointerId);
    canvas.focus({ preventScroll: true });
    const p = at(ev);
    const time = ax.toT(p.x);
    const grab = grabAt(ax, p);
    if (grab && ev.altKey) {
      act("loop_selection", null); // Alt+click removes the selection, as Rerun's
      return;
    }
    drag = pressMode(ctx.state?.time?.loop_selection, grab, isAxis && (p.y < STRIP_H || ev.shiftKey), time, p.x);
    if (drag.mode === "scrub") {
      drag.resume = ctx.state?.time?.play_state === "playing"; // a drag pauses playback only for its duration
      setPreview({ time });
      act("seek", time);
    } else {
      setPreview({ sel: dragSelection(drag, time) });
    }
    ev.preventDefault();
  });
  canvas.addEventListener("pointermove", (ev) => {
    const ax = axisFor(canvas);
    if (!ax) return;
    const p = at(ev);
    if (!drag) {
      const grab = grabAt(ax, p);
      if (isAxis) canvas.style.cursor = grab === "move" ? "grab" : grab ? "ew-resize" : p.y < STRIP_H ? "crosshair" : "";
      return;
    }
    const time = ax.toT(p.x);
    if (drag.mode !== "scrub") {
      setPreview({ sel: dragSelection(drag, time) });
    } else if (time !== drag.last) {
      drag.last = time;
      setPreview({ time });
      act("seek", time);
    }
  });
  const end = (ev) => {
    if (drag) finishDrag(drag, axisFor(canvas), at(ev).x, ctx.state?.time, act);
    drag = null;
    setPreview(null);
  };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  if (isAxis) canvas.addEventListener("dblclick", (ev) => at(ev).y < STRIP_H && act("loop_selection", null));
}

// Wheel / pinch zooms around the pointer; shift+wheel or a sideways scroll pans (as in Rerun).
function setupZoom(canvas, range, full, setView, axisFor) {
  canvas.addEventListener(
    "wheel",
    (ev) => {
      const rng = range();
      const all = full();
      if (!rng || !all || all[1] <= all[0]) return;
      ev.preventDefault();
      const w = canvas.clientWidth || 1;
      const sideways = ev.shiftKey ? ev.deltaY : ev.deltaX;
      if (Math.abs(sideways) > Math.abs(ev.shiftKey ? 0 : ev.deltaY)) {
        setView(panView(rng, all, (sideways / w) * (rng[1] - rng[0])));
      } else {
        const at = axisFor(canvas)?.toT(ev.offsetX) ?? rng[0] + (ev.offsetX / w) * (rng[1] - rng[0]);
        setView(zoomView(rng, all, at, Math.exp(ev.deltaY * 0.002)));
      }
    },
    { passive: false },
  );
}
