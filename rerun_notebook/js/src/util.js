// Shared helpers: DOM building, time formatting, kernel <-> CSS pixel mapping, floating boxes.

export const MODIFIERS = ["Shift", "Control", "Alt", "Meta"];
export const BUTTON = { 0: 1, 1: 3, 2: 2 }; // DOM button -> jupyter_rfb button (1 left, 2 right, 3 middle)
export const CLICK_SLOP = 4; // pixels a press may move and still count as a click
export const HOVER_MS = 80;

export function el(tag, cls, parent) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (parent) parent.appendChild(node);
  return node;
}

// A titled button: the top bar's and the time panel's.
export function button(parent, cls, text, title, onclick) {
  const b = el("button", cls, parent);
  b.textContent = text;
  b.title = title;
  b.onclick = onclick;
  return b;
}

// Where `ev` is on `node`, in the node's own CSS pixels: under a UI zoom (CSS `zoom` on the root,
// the palette's zoom commands) the client rectangle is zoomed, the node's layout size is not.
export function localPoint(node, ev) {
  const r = node.getBoundingClientRect();
  const sx = r.width ? (node.clientWidth || r.width) / r.width : 1;
  const sy = r.height ? (node.clientHeight || r.height) / r.height : 1;
  return { x: (ev.clientX - r.left) * sx, y: (ev.clientY - r.top) * sy };
}

export function modifiers(ev) {
  return MODIFIERS.filter((m) => ev.getModifierState && ev.getModifierState(m));
}

export function buttonsList(mask) {
  const out = [];
  if (mask & 1) out.push(1);
  if (mask & 2) out.push(2);
  if (mask & 4) out.push(3);
  return out;
}

// A time value as the selected timeline's type shows it: sequence "#n", duration "1.500s",
// timestamp as a UTC date-time. Rows without a value on that timeline show "–".
export function formatTime(kind, t) {
  if (t === null || t === undefined) return "–";
  if (kind === "sequence") return "#" + t;
  if (kind === "duration") return formatDuration(t);
  if (kind === "timestamp") {
    const d = new Date(t / 1e6);
    return isNaN(d) ? String(t) : d.toISOString().replace("T", " ").replace("Z", "");
  }
  return String(t); // unknown type: the raw value rather than a made-up date
}

export function formatDuration(ns) {
  const s = ns / 1e9;
  if (Math.abs(s) < 60) return s.toFixed(3) + "s";
  const sign = s < 0 ? "-" : "";
  const a = Math.abs(s);
  const h = Math.floor(a / 3600);
  const m = Math.floor((a % 3600) / 60);
  const sec = (a % 60).toFixed(3).padStart(6, "0");
  return sign + (h ? `${h}h${String(m).padStart(2, "0")}m` : `${m}m`) + sec + "s";
}

export function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

export function cssToKernel(ctx) {
  const size = ctx.state?.size;
  const w = ctx.canvas.clientWidth;
  const h = ctx.canvas.clientHeight;
  if (!size || !w || !h) return [1, 1];
  return [size[0] / w, size[1] / h];
}

// --- the picture ---------------------------------------------------------------------------

// The CSS-pixel rect of the view under a canvas point (the whole canvas when none is).
export function viewRectAt(ctx, x, y) {
  const [sx, sy] = cssToKernel(ctx);
  for (const v of ctx.state?.views || []) {
    const r = { x: v.rect[0] / sx, y: v.rect[1] / sy, w: v.rect[2] / sx, h: v.rect[3] / sy };
    if (x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h) return r;
  }
  return { x: 0, y: 0, w: ctx.canvas.clientWidth, h: ctx.canvas.clientHeight };
}

// Put a floating box beside (x, y), flipped and clamped so it stays inside `rect`.
export function placeNear(box, rect, x, y, gap = 14) {
  box.style.right = "auto";
  box.style.maxWidth = Math.max(80, rect.w - 8) + "px";
  box.style.maxHeight = Math.max(40, rect.h - 8) + "px";
  const w = box.offsetWidth;
  const h = box.offsetHeight;
  let left = x + gap + w <= rect.x + rect.w ? x + gap : x - gap - w;
  let top = y + gap + h <= rect.y + rect.h ? y + gap : y - gap - h;
  left = Math.min(Math.max(left, rect.x + 4), rect.x + rect.w - w - 4);
  top = Math.min(Math.max(top, rect.y + 4), rect.y + rect.h - h - 4);
  box.style.left = Math.max(rect.x, left) + "px";
  box.style.top = Math.max(rect.y, top) + "px";
}

// --- panels ----------------------------------------------------------------------------------
