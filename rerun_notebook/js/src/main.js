// Rerun notebook viewer: the browser half of a remote framebuffer (see widget.py).
// Panels are plain HTML built from `_state`. Bundled with the other modules by rerun_notebook/jsbundle.py.

import { setupCanvas, setupVisibility } from "./frames.js";
import { setupInput, showTooltip } from "./input.js";
import { renderSelectionPanel } from "./selection.js";
import { buildTimePanel } from "./time_panel.js";
import { renderTree } from "./tree.js";
import { el } from "./util.js";
import { renderViews } from "./views.js";

export function applyState(ctx) {
  let state;
  try {
    state = JSON.parse(ctx.model.get("_state") || "{}");
  } catch {
    return;
  }
  ctx.state = state;
  const p = state.panels || {};
  const root = ctx.root;
  root.classList.toggle("rr-no-top", p.top === "hidden" || p.top === "collapsed");
  root.classList.toggle("rr-no-tree", p.blueprint === "hidden" || p.blueprint === "collapsed" || ctx.treeClosed);
  root.classList.toggle("rr-no-time", p.time === "hidden");
  root.classList.toggle("rr-time-collapsed", p.time === "collapsed");
  const message = state.error || state.hint || "";
  ctx.errorBox.style.display = message ? "block" : "none";
  ctx.errorBox.classList.toggle("rr-hint", !state.error && !!state.hint);
  ctx.errorBox.textContent = message;
  ctx.updateTime(state.time);
  const selected = new Set((state.selection || []).map((s) => s.entity_path));
  renderTree(ctx, state.tree || [], selected);
  renderViews(ctx, state.views || []);
  const sel = state.selection || [];
  ctx.selLabel.textContent = sel.length
    ? "selected: " + sel.map((s) => s.entity_path + (s.instance_id != null ? ` #${s.instance_id}` : "")).join(", ")
    : "";
  renderSelectionPanel(ctx, sel, state.selection_values || {}, p.selection, state.selection_details);
  const recs = state.recordings || [];
  if (ctx.recSelect.dataset.names !== recs.join("\n")) {
    ctx.recSelect.dataset.names = recs.join("\n");
    ctx.recSelect.replaceChildren(...recs.map((r) => Object.assign(document.createElement("option"), { value: r, textContent: r })));
  }
  ctx.recSelect.value = state.active ?? "";
  ctx.recSelect.style.display = recs.length > 1 ? "" : "none";
}

export function buildTop(ctx) {
  const top = el("div", "rr-top", ctx.root);
  const toggle = el("button", null, top);
  toggle.textContent = "☰";
  toggle.title = "Entity tree";
  toggle.onclick = () => {
    ctx.treeClosed = !ctx.treeClosed;
    applyState(ctx);
  };
  el("span", "rr-title", top).textContent = "Rerun";
  ctx.recSelect = el("select", null, top);
  ctx.recSelect.onchange = () => ctx.model.send({ type: "recording", recording_id: ctx.recSelect.value });
  ctx.selLabel = el("span", "rr-sel", top);
  const info = el("button", null, top);
  info.textContent = "i";
  info.style.fontStyle = "italic";
  info.style.fontWeight = "bold";
  info.title = "Selection panel (recording summary when nothing is selected)";
  info.onclick = () => {
    ctx.selOpen = !ctx.selOpen;
    applyState(ctx);
  };
  const reset = el("button", null, top);
  reset.textContent = "⌂";
  reset.title = "Reset camera";
  reset.onclick = () => ctx.model.send({ type: "reset_camera" });
}

export function render({ model, el: host }) {
  const ctx = { model, cleanups: [], visible: false, viewId: Math.random().toString(36).slice(2), treeClosed: false };
  const root = (ctx.root = el("div", "rr-root", host));
  root.dataset.lmSuppressShortcuts = "true"; // keys typed into the viewer are not notebook commands
  const size = () => {
    root.style.width = model.get("css_width");
    const h = model.get("css_height");
    root.style.height = h === "auto" ? "" : h;
    root.style.aspectRatio = h === "auto" ? "16 / 9" : "";
  };
  size();
  buildTop(ctx);
  ctx.tree = el("div", "rr-tree", root);
  const view = (ctx.view = el("div", "rr-view", root));
  ctx.canvas = el("canvas", "rr-canvas", view);
  ctx.canvas.tabIndex = 0;
  ctx.overlay = el("div", "rr-overlay", view);
  ctx.tooltip = el("div", "rr-tooltip", view);
  ctx.selPanel = el("div", "rr-selpanel", view);
  ctx.errorBox = el("div", "rr-error", view);
  ctx.hideTooltip = () => (ctx.tooltip.style.display = "none");
  ctx.updateTime = buildTimePanel(ctx, el("div", "rr-time", root));

  setupCanvas(ctx);
  setupInput(ctx);
  const onMsg = (msg, buffers) => {
    if (msg.type === "frame") ctx.onFrame(msg, buffers);
    else if (msg.type === "hover") showTooltip(ctx, msg);
  };
  const onState = () => applyState(ctx);
  model.on("msg:custom", onMsg);
  model.on("change:_state", onState);
  model.on("change:css_width", size);
  model.on("change:css_height", size);
  applyState(ctx);
  setupVisibility(ctx);
  return () => {
    model.off("msg:custom", onMsg);
    model.off("change:_state", onState);
    model.off("change:css_width", size);
    model.off("change:css_height", size);
    for (const f of ctx.cleanups) f();
  };
}

export default { render };
