// The selection panel: the selected entity's components, or a recording summary.

import { escapeHtml, placeNear, viewRectAt } from "./util.js";

export function cellText(v) {
  return escapeHtml(typeof v === "string" ? v : JSON.stringify(v));
}

export function rowsHtml(obj) {
  return Object.entries(obj || {}).map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${cellText(v)}</td></tr>`).join("");
}

// The selection panel's HTML, as Rerun's: the selected entity's components (latest-at values at the
// time cursor) and the picked instance's values, or with nothing selected a recording summary.
export function selectionHtml(sel, values, details) {
  const d = details || {};
  if (!sel.length) {
    return d.kind === "recording" ? `<div class="rr-seltitle">Recording</div><table>${rowsHtml(d.summary)}</table>` : "";
  }
  const head = sel.map((s) => escapeHtml(s.entity_path + (s.instance_id != null ? `  #${s.instance_id}` : ""))).join("<br>");
  let html = `<div class="rr-seltitle">${head}</div>`;
  if (sel[0].instance_id != null && Object.keys(values || {}).length) html += `<table>${rowsHtml(values)}</table>`;
  if (d.kind === "entity" && d.entity_path === sel[0].entity_path) {
    html += `<div class="rr-selsub">Components</div><table>${rowsHtml(d.components)}</table>`;
  }
  return html;
}

export function renderSelectionPanel(ctx, sel, values, mode, details) {
  const panel = ctx.selPanel;
  const open = sel.length > 0 || ctx.selOpen || mode === "expanded";
  const show = open && mode !== "hidden" && mode !== "collapsed";
  panel.style.display = show ? "block" : "none";
  if (!show) return;
  const html = selectionHtml(sel, values, details);
  if (panel.dataset.html !== html) {
    panel.dataset.html = html;
    panel.innerHTML = html;
  }
  // In the top-right corner of the view that was clicked, so it covers no other view's header.
  const at = sel.length ? ctx.clickAt : null;
  if (!at) {
    Object.assign(panel.style, { left: "auto", right: "6px", top: "6px" });
    return;
  }
  const rect = viewRectAt(ctx, at.x, at.y);
  placeNear(panel, rect, rect.x + rect.w, rect.y + 6);
}
