// Drawing the time axis and the stream rows on their canvases (see time_panel.js), with the
// piecewise axis of time_axis.js: collapsed gaps, the loop selection, density bars, the cursor.

import { AXIS_H, DENSITY_H, ROW_H, STRIP_H, axisLabels, decodeLevels, makeAxis } from "./time_axis.js";

export function sizeCanvas(canvas, h) {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const g = canvas.getContext("2d");
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, h);
  return [g, w];
}

export function drawSelection(g, t, ax, h, preview) {
  const sel = preview?.sel || t?.loop_selection;
  if (!sel) return;
  const x0 = ax.toX(sel[0]);
  const x1 = Math.max(x0 + 1, ax.toX(sel[1] + 1)); // through the end time's own bin
  const active = preview?.sel || t.loop_mode === "selection";
  g.fillStyle = active ? "rgba(42,124,223,0.28)" : "rgba(125,140,146,0.18)";
  g.fillRect(x0, 0, x1 - x0, h);
  g.fillStyle = active ? "#2a7cdf" : "#7d8c92";
  g.fillRect(x0, 0, x1 - x0, STRIP_H - 2);
}

// Collapsed gaps: a dark band with a zig-zag, as Rerun marks time it left out.
export function drawGaps(g, ax, h) {
  for (let k = 0; k + 1 < ax.segs.length; k++) {
    const x0 = ax.segs[k].x1;
    const x1 = ax.segs[k + 1].x0;
    g.fillStyle = "#0d1011";
    g.fillRect(x0, 0, x1 - x0, h);
    g.strokeStyle = "#2a3133";
    g.beginPath();
    const mid = (x0 + x1) / 2;
    for (let y = 0; y <= h; y += 4) g.lineTo(mid + ((y / 4) % 2 ? 2 : -2), y);
    g.stroke();
  }
}

// Density bars: `levels` are the bins of `bins` ([a, b, n] per segment, one after the other),
// drawn where their times fall on the axis (the bins may be for a range the view has left).
export function drawLevels(g, levels, bins, ax, y, h) {
  let i = 0;
  for (const [a, b, n] of bins) {
    const L = b - a + 1;
    for (let k = 0; k < n; k++, i++) {
      const v = levels[i];
      if (!v) continue;
      const x0 = ax.toX(a + (k * L) / n);
      const x1 = ax.toX(a + ((k + 1) * L) / n);
      if (x1 < 0 || x0 > ax.w) continue;
      const bw = x1 - x0;
      const bh = Math.max(2, (h * v) / 15);
      g.fillStyle = `rgba(202,216,222,${0.35 + (0.6 * v) / 15})`;
      if (L / n <= 1 && bw > 6) g.fillRect((x0 + x1) / 2 - 1.5, y + h - bh, 3, bh); // one time: a tick
      else g.fillRect(x0, y + h - bh, Math.max(1, bw - (bw > 3 ? 1 : 0)), bh);
    }
  }
}

export function drawCursor(g, t, ax, h, preview) {
  const time = preview?.time ?? t?.time;
  if (time === null || time === undefined) return;
  const x = Math.round(ax.toX(time + 0.5)) + 0.5; // the middle of the time's own bin
  g.strokeStyle = "#f3c04b";
  g.lineWidth = 1;
  g.beginPath();
  g.moveTo(x, 0);
  g.lineTo(x, h);
  g.stroke();
  return x;
}

// The axis; in the collapsed panel (a short canvas beside the controls) without labels, as Rerun's.
export function drawAxis(canvas, t, ticks, layout, bins, kind, preview) {
  const h = canvas.clientHeight || AXIS_H;
  const compact = h < AXIS_H - 2;
  const [g, w] = sizeCanvas(canvas, h);
  g.fillStyle = "#1a2022";
  g.fillRect(0, 0, w, STRIP_H - 2);
  if (!layout) return;
  const ax = makeAxis(layout, w);
  drawGaps(g, ax, h);
  drawSelection(g, t, ax, h, preview);
  const levels = ticks.timeline === t?.timeline ? decodeLevels(ticks.bins) : [];
  drawLevels(g, levels, bins, ax, STRIP_H, compact ? h - STRIP_H - 1 : DENSITY_H);
  if (ticks.loaded && ticks.timeline === t?.timeline) drawLoaded(g, ax, ticks.loaded, STRIP_H - 2);
  if (!compact) drawLabels(g, ax, kind);
  const x = drawCursor(g, t, ax, h, preview);
  if (x !== undefined) {
    g.fillStyle = "#f3c04b";
    g.beginPath();
    g.moveTo(x - 4, 0);
    g.lineTo(x + 4, 0);
    g.lineTo(x, 5);
    g.fill();
  }
}

// A server segment fetched on demand (time_ticks.py `loaded`): a thin bar under the selection
// strip, bright where the data is in memory, dim where it is on the server only.
export function drawLoaded(g, ax, loaded, y) {
  g.fillStyle = "#3a4246";
  g.fillRect(0, y, ax.w, 2);
  g.fillStyle = "#58a6d6";
  for (const [a, b] of loaded) {
    const x0 = ax.toX(a);
    const x1 = ax.toX(b + 1);
    g.fillRect(Math.floor(x0), y, Math.max(1, Math.ceil(x1 - x0)), 2);
  }
}

export function drawLabels(g, ax, kind) {
  g.font = "9px ui-monospace, monospace";
  g.fillStyle = "#7d8c92";
  g.textBaseline = "bottom";
  for (const lab of axisLabels(ax, kind)) {
    g.fillRect(Math.round(lab.x), STRIP_H + DENSITY_H, 1, 3);
    const tw = g.measureText(lab.text).width;
    g.fillText(lab.text, Math.min(Math.max(0, lab.x - tw / 2), ax.w - tw), AXIS_H);
  }
}

export function drawStreams(canvas, rows, layout, bins, t, preview) {
  if (!rows.length) return;
  const h = rows.length * ROW_H;
  const [g, w] = sizeCanvas(canvas, h);
  if (!layout) return;
  const ax = makeAxis(layout, w);
  drawSelection(g, t, ax, h, preview);
  rows.forEach((r, i) => {
    g.fillStyle = i % 2 ? "rgba(255,255,255,0.02)" : "rgba(255,255,255,0.045)";
    g.fillRect(0, i * ROW_H, w, ROW_H);
    drawLevels(g, decodeLevels(r.bins), bins, ax, i * ROW_H + 3, ROW_H - 6);
  });
  drawGaps(g, ax, h);
  drawCursor(g, t, ax, h, preview);
}
