// Per-view HTML overlays: headers (kind icon, name, maximize, hide), text log and document, tensor sliders.

import { icon, iconButton, VIEW_KIND_TITLES } from "./tree.js";
import { cssToKernel, el, escapeHtml, formatTime } from "./util.js";
import { renderMapView } from "./map.js";
import { renderDataframe } from "./dataframe.js";

export function renderViews(ctx, views) {
  const { overlay } = ctx;
  const seen = new Set();
  for (const v of views) {
    const id = "v" + v.id;
    seen.add(id);
    let box = [...overlay.children].find((c) => c.dataset.vid === id);
    const isText = v.kind === "text_log" || v.kind === "text_document" || v.kind === "dataframe";
    if (!box || box.dataset.kind !== v.kind) {
      if (box) box.remove();
      box = el("div", isText ? "rr-textview" : "rr-vbox", overlay);
      box.dataset.vid = id;
      box.dataset.kind = v.kind;
      if (!isText) box.style.position = "absolute";
      if (isText) box.addEventListener("scroll", () => pinToTop(box));
      el("div", "rr-vtitle", box);
      if (v.kind === "text_document") el("div", "rr-doc", box);
    }
    const [sx, sy] = cssToKernel(ctx);
    const [x, y, w, h] = [v.rect[0] / sx, v.rect[1] / sy, v.rect[2] / sx, v.rect[3] / sy];
    Object.assign(box.style, { left: x + "px", top: y + "px", width: w + "px", height: h + "px" });
    const title = box.querySelector(".rr-vtitle");
    const head = v.header > 0 ? renderViewHeader(ctx, v, [x, y - v.header / sy, w, v.header / sy]) : null;
    if (head) seen.add(head.dataset.vid);
    title.textContent = head ? "" : v.name; // a text view keeps the strip: it covers rows scrolled under the filter
    Object.assign(title.style, isText ? { left: "0", top: box.scrollTop + "px" } : {});
    title.style.display = head && !isText ? "none" : "";
    if (v.kind === "text_log") renderTextLog(ctx, box, v);
    if (v.kind === "tensor") renderTensorSliders(ctx, box, v);
    if (v.kind === "map") renderMapView(ctx, box, v);
    if (v.kind === "dataframe") renderDataframe(ctx, box, v);
    if (v.kind === "text_document") {
      const doc = box.querySelector(".rr-doc");
      if (doc.dataset.html !== v.html) {
        doc.dataset.html = v.html;
        doc.innerHTML = v.html || ""; // markdown rendered in the kernel with raw HTML escaped
        for (const a of doc.querySelectorAll("a")) Object.assign(a, { target: "_blank", rel: "noopener noreferrer" });
      }
    }
  }
  for (const box of [...overlay.children]) if (!seen.has(box.dataset.vid)) box.remove();
}

// Rerun's view tab: kind icon and name; maximize / restore and hide buttons. A click selects the view,
// a double click maximizes it (or restores the layout).
export function renderViewHeader(ctx, v, rect) {
  const { overlay, model } = ctx;
  const id = "h" + v.id;
  const maximized = !!(ctx.state?.blueprint || []).find((r) => r.key === "v:" + v.id)?.maximized;
  const selected = (ctx.state?.selection || []).some((s) => s.type === "view" && s.view_id === v.id);
  let head = [...overlay.children].find((c) => c.dataset.vid === id);
  const key = JSON.stringify([v.kind, v.name, maximized, v.tab_bar]);
  if (!head || head.dataset.key !== key) {
    if (!head) {
      head = el("div", "rr-vhead", overlay);
      head.dataset.vid = id;
    }
    head.dataset.key = key;
    head.replaceChildren();
    icon(v.kind, head, "rr-ico rr-kind");
    renderTabs(ctx, head, v);
    head.title = `${VIEW_KIND_TITLES[v.kind] || v.kind}: ${v.name}` + (v.origin ? ` (origin ${v.origin})` : "");
    const toggle = () => model.send({ type: "maximize", view_id: maximized ? null : v.id });
    icon("help", head, "rr-ico rr-ibtn").title = viewHelp(v.kind);
    iconButton(head, maximized ? "restore" : "maximize", maximized ? "Restore (double-click the header)" : "Maximize (double-click the header)", toggle);
    iconButton(head, "eye", "Hide this view", () => model.send({ type: "node_visible", node_id: v.id, visible: false }));
    head.onclick = () => model.send({ type: "select_node", node_id: v.id });
    head.ondblclick = toggle;
  }
  head.classList.toggle("rr-selected", selected);
  const [x, y, w, h] = rect;
  Object.assign(head.style, { left: x + "px", top: y + "px", width: w + "px", height: h + "px" });
  return head;
}

// The help button's text: how to move around in a view of this kind (Rerun's "?" in the view tab).
export function viewHelp(kind) {
  const pan = "Drag: pan\nWheel: zoom at the pointer\nDouble click: reset the view";
  const help = {
    spatial3d: "Left drag: orbit\nRight / middle / shift drag: pan\nWheel: zoom\nDouble click: reset the camera",
    spatial2d: pan,
    timeseries: pan,
    bar_chart: pan,
    tensor: pan + "\nSliders: pick the slice of the other dimensions",
    text_log: "Scroll the rows; the level menu filters them\nThe row at the time cursor is highlighted",
    text_document: "Scroll to read",
    map: "Drag: pan\nWheel: zoom at the pointer\nDouble click: fit the data again\nHover: entity, instance, position; click: select",
    dataframe: "Scroll the rows (fetched from the kernel as you scroll)\nThe row at the time cursor is highlighted",
    graph: pan + "\nHover a node: its id and values; click: select it\nThe layout settles by itself (positions given in GraphNodes stay put)",
  }[kind];
  return `${VIEW_KIND_TITLES[kind] || kind}\n\n${help || ""}\nHeader: double click to maximize or restore`.trim();
}

// The header's title: the view's name, or (the active tab of a tabs container) one chip per tab.
export function renderTabs(ctx, head, v) {
  const tabs = v.tab_bar?.tabs || [];
  if (tabs.length < 2) {
    el("span", "rr-name", head).textContent = v.name;
    return;
  }
  const strip = el("span", "rr-name rr-tabs", head);
  for (const t of tabs) {
    const chip = el("span", "rr-tab", strip);
    chip.textContent = t.name;
    chip.classList.toggle("rr-on", t.id === v.id);
    if (t.id !== v.id) {
      chip.title = "Show this tab";
      chip.onclick = (ev) => {
        ev.stopPropagation();
        ctx.model.send({ type: "active_tab", container_id: v.tab_bar.container, child_id: t.id });
      };
    }
  }
}

export function renderTensorSliders(ctx, box, v) {
  const t = v.tensor;
  const key = JSON.stringify(t);
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  box.querySelector(".rr-slices")?.remove();
  if (!t) return;
  const dims = t.shape.map((n, d) => d).filter((d) => !t.axes.includes(d) && t.shape[d] > 1);
  if (!dims.length) return;
  const wrap = el("div", "rr-slices", box);
  for (const d of dims) {
    const row = el("label", null, wrap);
    const name = t.names[d] || `dim ${d}`;
    const out = el("span", null, row);
    const input = el("input", null, row);
    input.type = "range";
    input.min = "0";
    input.max = String(t.shape[d] - 1);
    input.value = String(t.slice[String(d)] ?? 0);
    out.textContent = `${name}: ${input.value}`;
    input.oninput = () => {
      out.textContent = `${name}: ${input.value}`;
      ctx.model.send({ type: "tensor_slice", view_id: v.id, dim: d, index: Number(input.value) });
    };
  }
}

export function renderTextLog(ctx, box, v) {
  let filter = box.querySelector(".rr-filter select");
  if (!filter) {
    const wrap = el("label", "rr-filter", box);
    wrap.textContent = "level ";
    filter = el("select", null, wrap);
    for (const lv of ["ALL", "CRITICAL", "ERROR", "WARN", "INFO", "DEBUG", "TRACE"]) {
      const o = el("option", null, filter);
      o.value = o.textContent = lv;
    }
    filter.onchange = () => {
      box.dataset.key = "";
      renderTextLog(ctx, box, v);
    };
    el("table", null, box);
  }
  const kind = v.time_kind ?? ctx.state?.time?.timelines?.find((x) => x.name === ctx.state.time.timeline)?.kind;
  const key = filter.value + "|" + kind + "|" + JSON.stringify(v.rows); // a timeline change reformats
  if (box.dataset.key === key) return followTimeCursor(ctx, box);
  box.dataset.key = key;
  const order = ["CRITICAL", "ERROR", "WARN", "INFO", "DEBUG", "TRACE"];
  const limit = filter.value === "ALL" ? order.length : order.indexOf(filter.value) + 1;
  const rows = v.rows.filter((r) => {
    const i = order.indexOf(String(r.level).toUpperCase());
    return i < 0 || i < limit;
  });
  const table = box.querySelector("table");
  table.rrTimes = rows.map((r) => r.time); // kept on the element: read on every cursor move, never re-parsed
  table.innerHTML = "<tr><th>time</th><th>entity</th><th>level</th><th>body</th></tr>" + rows.map((r) =>
    `<tr class="rr-level-${escapeHtml(String(r.level).toUpperCase())}"${r.color ? ` style="color:${escapeHtml(r.color)}"` : ""}><td>${escapeHtml(formatTime(kind, r.time))}</td>` +
    `<td>${escapeHtml(r.entity)}</td><td>${escapeHtml(r.level)}</td><td>${escapeHtml(r.text)}</td></tr>`).join("");
  box.dataset.cursor = "";
  followTimeCursor(ctx, box);
}

// A text view scrolls as a whole; its title and level filter stay at the top edge.
export function pinToTop(box) {
  for (const c of box.querySelectorAll(":scope > .rr-vtitle, :scope > .rr-filter")) {
    c.style.top = box.scrollTop + (c.classList.contains("rr-filter") ? 2 : 0) + "px";
  }
}

// The row Rerun's text log marks: the latest one at or before the time cursor (rows sorted by time);
// -1 when every row is later. A null cursor (no time yet) marks the last row.
export function currentRowIndex(times, cursor) {
  if (cursor == null) return times.length - 1;
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] != null && times[mid] > cursor) hi = mid;
    else lo = mid + 1;
  }
  return lo - 1;
}

// Highlight the row at the time cursor and scroll it into sight, as Rerun's text log does.
export function followTimeCursor(ctx, box) {
  const table = box.querySelector("table");
  if (!table) return;
  const times = table.rrTimes || [];
  const cursor = ctx.state?.time?.time ?? null;
  const idx = currentRowIndex(times, cursor);
  const key = `${idx}|${times.length}`;
  if (box.dataset.cursor === key) return;
  box.dataset.cursor = key;
  const rows = table.querySelectorAll("tr");
  for (const r of rows) r.classList.remove("rr-current");
  const row = idx >= 0 ? rows[idx + 1] : null; // rows[0] is the header
  if (!row) return;
  row.classList.add("rr-current");
  const r = row.getBoundingClientRect();
  const b = box.getBoundingClientRect();
  const header = (rows[0]?.getBoundingClientRect().height || 0) + 22; // title strip + sticky header
  if (r.bottom > b.top + box.clientHeight) box.scrollTop += r.bottom - (b.top + box.clientHeight) + 4;
  else if (r.top < b.top + header) box.scrollTop -= b.top + header - r.top;
  pinToTop(box);
}
