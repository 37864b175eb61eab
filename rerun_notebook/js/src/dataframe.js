// The dataframe view (Rerun's DataframeView): a virtually scrolled table. The kernel holds the whole
// query result and sends one window of rows (`v.dataframe`: columns, total, offset, rows, cursor_row);
// this module lays out spacer rows for the rest and asks for the window it scrolls to.

import { el, escapeHtml, formatTime } from "./util.js";

export const DF_ROW_H = 18; // px per shown row: fixed, so scroll offsets map to row numbers
export const DF_PAD = 30; // extra rows asked for above and below the visible ones
export const DF_MAX_PX = 8e6; // browsers cap element heights (~17M px in Firefox): the spacers stay below this

// Where rows sit: the window's `n` rows from `offset` at `rowH` px each, the rows outside it at `pitch`
// px (= rowH, except for tables so long that rowH per row would pass DF_MAX_PX).
export function dfLayout(offset, n, total, rowH = DF_ROW_H) {
  return { offset, n, total, rowH, pitch: Math.min(rowH, DF_MAX_PX / Math.max(1, total)) };
}

// The (fractional) row at `y` px below the top of the table body.
export function dfRowAt(y, L) {
  const top = L.offset * L.pitch;
  const bottom = top + L.n * L.rowH;
  if (y < top) return y / L.pitch;
  if (y <= bottom) return L.offset + (y - top) / L.rowH;
  return L.offset + L.n + (y - bottom) / L.pitch;
}

// The y of (fractional) row `row`: the inverse of dfRowAt.
export function dfTopOf(row, L) {
  if (row < L.offset) return row * L.pitch;
  if (row <= L.offset + L.n) return L.offset * L.pitch + (row - L.offset) * L.rowH;
  return L.offset * L.pitch + L.n * L.rowH + (row - L.offset - L.n) * L.pitch;
}

// The rows to ask for when rows `first` .. `first + shown` are in sight: {offset, count}.
export function dfWindow(first, shown, total, pad = DF_PAD) {
  const from = Math.max(0, Math.min(Math.floor(first) - pad, total - 1));
  const count = Math.max(1, Math.min(Math.ceil(shown) + 1 + 2 * pad, total - from));
  return { offset: from, count };
}

// Whether the rows held cover the rows in sight (`first` .. `first + shown`); false: ask again.
export function dfCovers(L, first, shown) {
  const last = Math.min(L.total, Math.ceil(first + shown));
  return Math.floor(first) >= L.offset && last <= L.offset + L.n;
}

// One cell's text: time columns as their timeline's type shows them, data cells as the kernel cut them.
export function dfCell(col, value) {
  if (col.kind === "time") return formatTime(String(col.timeline_kind || "").replace(/_ns$/, ""), value);
  return value === null || value === undefined ? "" : String(value);
}

// The scroll position that brings row `row` (inside the window) into sight; unchanged when it is.
export function dfScrollTo(row, scrollTop, viewH, L) {
  const top = dfTopOf(row, L);
  if (top < scrollTop) return top;
  if (top + L.rowH > scrollTop + viewH) return top + L.rowH - viewH;
  return scrollTop;
}

export function renderDataframe(ctx, box, v) {
  const df = v.dataframe || { columns: [], rows: [], total: 0, offset: 0, cursor_row: -1 };
  let table = box.querySelector("table.rr-df");
  if (!table) {
    table = el("table", "rr-df", box);
    box.addEventListener("scroll", () => requestWindow(ctx, box));
    table.addEventListener("click", (ev) => onCellClick(ctx, box, ev, false));
    table.addEventListener("dblclick", (ev) => onCellClick(ctx, box, ev, true));
  }
  const old = box.dfState?.layout;
  const layout = dfLayout(df.offset, df.rows.length, df.total);
  box.dfState = { view_id: v.id, name: v.name, layout, df };
  const key = JSON.stringify([df.columns, df.total, df.offset, df.rows, df.error]);
  if (box.dataset.key !== key) {
    box.dataset.key = key;
    const atEnd = atBottom(box);
    const anchor = old && old.pitch < old.rowH ? dfRowAt(box.scrollTop, old) : null;
    table.innerHTML = dfTableHtml(df);
    // rows outside the window are shorter than shown rows: keep the row at the top where it was
    // (or the end in sight when the table was scrolled to its end)
    if (atEnd && anchor !== null) box.scrollTop = box.scrollHeight;
    else if (anchor !== null) box.scrollTop = dfTopOf(anchor, layout);
    box.dataset.cursor = "";
  }
  markCursorRow(box, df);
  requestWindow(ctx, box);
}

export function dfTableHtml(df) {
  const cols = df.columns || [];
  if (df.error) return `<tr><td class="rr-df-empty">${escapeHtml(df.error)}</td></tr>`;
  if (!cols.length) return `<tr><td class="rr-df-empty">No data matches this view's query</td></tr>`;
  const head = cols.map((c) =>
    c.kind === "time"
      ? `<th title="timeline ${escapeHtml(c.name)}">${escapeHtml(c.name)}</th>`
      : `<th title="${escapeHtml(c.name)}"><span class="rr-df-ent">${escapeHtml(c.entity)}</span><br>${escapeHtml(c.component)}</th>`);
  const { pitch } = dfLayout(df.offset, df.rows.length, df.total);
  const before = Math.round(df.offset * pitch);
  const after = Math.round(Math.max(0, df.total - df.offset - df.rows.length) * pitch);
  const spacer = (h) => (h > 0 ? `<tr class="rr-df-gap" style="height:${h}px"><td colspan="${cols.length}"></td></tr>` : "");
  const body = df.rows.map((r) =>
    `<tr class="rr-df-row">${cols.map((c, i) => {
      const text = dfCell(c, r[i]);
      return `<td title="${escapeHtml(text)}">${escapeHtml(text)}</td>`;
    }).join("")}</tr>`).join("");
  return `<thead><tr>${head.join("")}</tr></thead><tbody>${spacer(before)}${body}${spacer(after)}</tbody>`;
}

// Highlight the row at the time cursor (when it is in the window); with auto_scroll, scroll to it
// once per cursor move (retried until the box is laid out and the scroll takes).
function markCursorRow(box, df) {
  const key = `${df.cursor_row}|${df.offset}|${df.rows.length}`;
  if (box.dataset.cursor !== key) {
    box.dataset.cursor = key;
    const rows = box.querySelectorAll("tr.rr-df-row");
    for (const r of rows) r.classList.remove("rr-current");
    const i = df.cursor_row - df.offset;
    if (i >= 0 && i < rows.length) rows[i].classList.add("rr-current");
  }
  if (!df.auto_scroll || df.cursor_row < 0 || box.dataset.scrolledTo === String(df.cursor_row)) return;
  const L = box.dfState.layout;
  if (df.cursor_row < L.offset || df.cursor_row >= L.offset + L.n) {
    box.scrollTop = dfTopOf(df.cursor_row, L); // out of the window: go there, the window follows
    return;
  }
  const target = dfScrollTo(df.cursor_row, box.scrollTop, bodyHeight(box), L);
  box.scrollTop = target;
  if (box.clientHeight > 0 && Math.abs(box.scrollTop - target) <= 1) box.dataset.scrolledTo = String(df.cursor_row);
}

function atBottom(box) {
  return box.scrollHeight > box.clientHeight && box.scrollTop + box.clientHeight >= box.scrollHeight - 2;
}

function bodyHeight(box) {
  const head = box.querySelector("thead")?.getBoundingClientRect().height || 0;
  return Math.max(DF_ROW_H, box.clientHeight - head - 22); // 22: the title strip
}

// Ask the kernel for the rows now in sight, unless they are already here (or already asked for).
function requestWindow(ctx, box) {
  const s = box.dfState;
  if (!s || s.layout.total === 0) return;
  const L = s.layout;
  const viewH = bodyHeight(box);
  let first = dfRowAt(box.scrollTop, L);
  const shown = viewH / L.rowH; // rows in sight once the window is laid out at full height
  if (atBottom(box)) first = Math.max(0, L.total - Math.ceil(shown)); // the end: the last rows
  if (dfCovers(L, first, dfRowAt(box.scrollTop + viewH, L) - first)) return;
  const want = dfWindow(first, shown, L.total);
  const key = `${want.offset}|${want.count}`;
  if (box.dataset.asked === key) return;
  box.dataset.asked = key;
  ctx.model.send({ type: "dataframe_window", view_id: s.view_id, offset: want.offset, count: want.count });
}

// The action of a click in the table: [which cell it hit, what to send]. A component cell selects
// its entity (Ctrl/Cmd adds); a double click moves the time cursor to the row's time when the table
// is on the time panel's timeline. Null: nothing to do (a spacer, the header).
export function dfClickAction(df, rowIdx, colIdx, dbl, panelTimeline, add = false) {
  const col = df.columns?.[colIdx];
  if (!col || rowIdx < 0 || rowIdx >= (df.rows || []).length) return null;
  if (dbl) {
    const t = df.times?.[rowIdx];
    if (t === null || t === undefined || !df.timeline || df.timeline !== panelTimeline) return null;
    return { type: "dataframe_seek", view_id: df.view_id, row: df.offset + rowIdx }; // the kernel has the exact time
  }
  if (col.kind !== "component") return null;
  return { type: "select", entity_path: col.entity, view_name: df.view_name, add };
}

function onCellClick(ctx, box, ev, dbl) {
  const td = ev.target.closest?.("td");
  const tr = td?.parentElement;
  if (!td || !tr?.classList.contains("rr-df-row")) return;
  const s = box.dfState;
  const rows = [...box.querySelectorAll("tr.rr-df-row")];
  const df = { ...s.df, view_name: s.name, view_id: s.view_id };
  const msg = dfClickAction(df, rows.indexOf(tr), td.cellIndex, dbl, ctx.state?.time?.timeline, ev.ctrlKey || ev.metaKey);
  if (msg) ctx.model.send(msg);
}
