// The time axis' arithmetic (no DOM): Rerun's piecewise-linear axis (data segments side by side,
// big gaps drawn narrow), zoom / pan of the visible range, label steps and formats, typed times.

import { formatDuration } from "./util.js";

export const AXIS_H = 28; // CSS px: strip + density + labels (fits widget.py TIME_HEIGHT)
export const STRIP_H = 7; // the top strip where dragging makes a loop selection
export const DENSITY_H = 10; // the data-tick bars under the strip
export const ROW_H = 16; // one stream row
export const MAX_GAP_PX = 40; // a collapsed gap is drawn at most this wide (Rerun's MAX_GAP)
const MIN_SEGMENT_PX = 6; // a segment of one time still gets some room

// Density levels: one hex digit per display bin (0 = no data), as time_ticks.py encodes them.
export function decodeLevels(s) {
  return Array.from(s || "", (c) => parseInt(c, 16) || 0);
}

// An axis over `segments` ([[a, b], ...], sorted; one segment = a plain linear axis) `w` px wide.
// Segment k covers times [a, b + 1) on pixels [x0, x1); gaps between segments get the same
// width each. toX(t) / toT(x) map both ways (toT gives whole times, clamped to the data).
export function makeAxis(segments, w) {
  const n = segments.length;
  const gapPx = n > 1 ? Math.min(MAX_GAP_PX, w / (4 * (n - 1))) : 0;
  const avail = Math.max(0, w - gapPx * (n - 1));
  const minPx = Math.min(MIN_SEGMENT_PX, avail / Math.max(1, n) / 2);
  const lengths = segments.map(([a, b]) => Math.max(1, b - a + 1));
  const total = lengths.reduce((x, y) => x + y, 0);
  let x = 0;
  const segs = segments.map(([a, b], k) => {
    const px = minPx + ((avail - n * minPx) * lengths[k]) / total;
    const seg = { a, b, L: lengths[k], x0: x, x1: x + px };
    x += px + gapPx;
    return seg;
  });
  const toX = (t) => {
    if (!segs.length) return 0;
    if (t < segs[0].a) return segs[0].x0 - ((segs[0].a - t) / segs[0].L) * (segs[0].x1 - segs[0].x0);
    for (let k = 0; k < segs.length; k++) {
      const s = segs[k];
      if (t < s.a + s.L) return s.x0 + ((t - s.a) / s.L) * (s.x1 - s.x0);
      const next = segs[k + 1];
      if (next && t < next.a) return s.x1 + ((t - s.a - s.L) / (next.a - s.a - s.L)) * gapPx;
    }
    const last = segs[segs.length - 1];
    return last.x0 + ((t - last.a) / last.L) * (last.x1 - last.x0);
  };
  const toT = (px) => {
    if (!segs.length) return 0;
    for (let k = 0; k < segs.length; k++) {
      const s = segs[k];
      if (px < s.x1 || k === segs.length - 1) {
        const f = s.x1 > s.x0 ? (Math.max(px, s.x0) - s.x0) / (s.x1 - s.x0) : 0;
        return Math.min(s.b, s.a + Math.floor(f * s.L));
      }
      if (px < segs[k + 1].x0) {
        const next = segs[k + 1];
        return Math.round(s.b + ((px - s.x1) / gapPx) * (next.a - s.b)); // inside a gap
      }
    }
    return segs[segs.length - 1].b;
  };
  return { segs, w, gapPx, toX, toT };
}

// Zoom the visible time range by `factor` (< 1 zooms in) around time `at`, kept inside `full`.
export function zoomView(view, full, at, factor) {
  const span = Math.max(1, view[1] - view[0]);
  const fullSpan = full[1] - full[0];
  const newSpan = Math.min(fullSpan, Math.max(fullSpan > 0 ? 4 : 0, span * factor));
  if (newSpan >= fullSpan) return null; // all of it: no zoom
  const f = (at - view[0]) / span;
  return clampView([at - f * newSpan, at + (1 - f) * newSpan], full);
}

// Shift the visible range by dt, kept inside `full`.
export function panView(view, full, dt) {
  return clampView([view[0] + dt, view[1] + dt], full);
}

function clampView(v, full) {
  const span = v[1] - v[0];
  const a = Math.max(full[0], Math.min(v[0], full[1] - span));
  return [Math.round(a), Math.round(a + span)];
}

export function normSelection(a, b) {
  return a <= b ? [a, b] : [b, a];
}

// What a press on the strip at x grabs of the loop selection drawn at [x0, x1]: "start" / "end"
// (an edge, to resize it), "move" (inside, to move it), or null (outside: a new selection).
export function stripGrab(selX, x, slop = 4) {
  if (!selX) return null;
  const [x0, x1] = selX;
  if (Math.abs(x - x0) <= slop && Math.abs(x - x0) <= Math.abs(x - x1)) return "start";
  if (Math.abs(x - x1) <= slop) return "end";
  return x > x0 && x < x1 ? "move" : null;
}

// The selection a strip drag makes: anchored at one end, or moved by the pointer's time delta.
export function dragSelection(drag, time) {
  if (drag.mode === "move") return [drag.sel[0] + time - drag.grab, drag.sel[1] + time - drag.grab];
  return normSelection(drag.anchor, time);
}

// Label spacing: the smallest "nice" step that keeps labels at least `minPx` apart.
export function niceStep(span, kind, w, minPx = 80) {
  const want = (span * minPx) / Math.max(1, w);
  const bigSeconds = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];
  if (kind !== "sequence" && want >= 1e9) {
    for (const s of bigSeconds) if (s * 1e9 >= want) return s * 1e9;
    return Math.ceil(want / 86400e9) * 86400e9;
  }
  let p = 1;
  for (;;) {
    for (const m of [1, 2, 5]) if (p * m >= want) return p * m;
    p *= 10;
  }
}

// A short axis label for t, as precise as the label step needs.
export function formatTick(kind, t, step) {
  if (kind === "sequence") return "#" + t;
  if (kind === "duration") {
    if (Math.abs(t) >= 60e9) return formatDuration(t);
    const dec = step >= 1e9 ? 0 : Math.min(9, Math.ceil(-Math.log10(step / 1e9) - 1e-9));
    return (t / 1e9).toFixed(dec) + "s";
  }
  if (kind === "timestamp") {
    const iso = new Date(t / 1e6).toISOString();
    if (step >= 86400e9) return iso.slice(0, 10);
    if (step >= 60e9) return iso.slice(11, 16);
    if (step >= 1e9) return iso.slice(11, 19);
    return iso.slice(11, 23);
  }
  return String(t);
}

// Labels at nice steps inside each segment (a segment too narrow for any gets one at its start),
// none closer than `minGap` px to the previous one.
export function axisLabels(ax, kind, minGap = 60) {
  const out = [];
  for (const s of ax.segs) {
    const px = s.x1 - s.x0;
    const span = s.b - s.a;
    const step = span > 0 ? niceStep(span, kind, px) : 1;
    let ts = [];
    for (let t = Math.ceil(s.a / step) * step; t <= s.b && ts.length < 200; t += step) ts.push(t);
    if (!ts.length) ts = [s.a];
    for (const t of ts) {
      const x = ax.toX(t + 0.5); // the middle of t's bin, where its ticks and the cursor sit
      if (out.length && x - out[out.length - 1].x < minGap) continue;
      out.push({ t, x, text: formatTick(kind, t, span > 0 ? step : 1) });
    }
  }
  return out;
}

// A typed time (the current-time field) in the timeline's units; null when it does not parse.
// sequence "#12" / "12"; duration "1.5s", "2m05s", "1h2m3.5s" (bare numbers are seconds);
// timestamp "2023-11-14 22:13:20.5" (UTC) or nanoseconds since the epoch.
export function parseTime(kind, text) {
  const s = String(text ?? "").trim();
  if (kind === "sequence") return /^#?-?\d+$/.test(s) ? Number(s.replace("#", "")) : null;
  if (kind === "duration") {
    const m = /^(-)?(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+(?:\.\d*)?|\.\d+)s?)?$/.exec(s);
    if (!m || !s || s === "-") return null;
    const secs = Number(m[2] || 0) * 3600 + Number(m[3] || 0) * 60 + Number(m[4] || 0);
    return Math.round((m[1] ? -1 : 1) * secs * 1e9);
  }
  if (/^-?\d{10,}$/.test(s)) return Number(s);
  const ms = Date.parse(s.replace(" ", "T") + (/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? "" : "Z"));
  return Number.isNaN(ms) ? null : ms * 1e6;
}
