// Rerun notebook viewer: the browser half of a remote framebuffer (see widget.py).
// Panels are plain HTML built from `_state`. Bundled with the other modules by rerun_notebook/jsbundle.py.

import { renderDevPanels } from "./dev_panels.js";
import { setupCanvas, setupVisibility } from "./frames.js";
import { setupInput, showTooltip } from "./input.js";
import { renderModals } from "./modals.js";
import { buildSelectionPanel, isLocked, panelStates, renderSelectionPanel, showHistoryMenu, togglePanel, updateHistoryButtons } from "./selection.js";
import { buildSourcesPanel, renderSources, sourcesOnState } from "./sources.js";
import { buildTimePanel } from "./time_panel.js";
import { renderTree } from "./tree.js";
import { button, el } from "./util.js";
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
  root.style.zoom = state.ui_zoom && state.ui_zoom !== 1 ? String(state.ui_zoom) : ""; // the palette's UI zoom
  const fromBlueprint = JSON.stringify(state.panel_defaults || {});
  if (fromBlueprint !== ctx.fromBlueprint) [ctx.fromBlueprint, ctx.toggled] = [fromBlueprint, {}]; // a new blueprint's panels win
  const ps = (ctx.panelStates = panelStates(p, root.clientWidth || 0, ctx.toggled, state.panel_defaults));
  root.classList.toggle("rr-no-top", ps.top !== "expanded");
  root.classList.toggle("rr-no-tree", ps.blueprint !== "expanded");
  root.classList.toggle("rr-sel-open", ps.selection === "expanded");
  root.classList.toggle("rr-no-time", ps.time === "hidden");
  root.classList.toggle("rr-time-collapsed", ps.time === "collapsed");
  for (const [name, btn] of Object.entries(ctx.panelButtons || {})) {
    btn.classList.toggle("rr-on", ps[name] === "expanded");
    btn.disabled = isLocked(p, name); // as Rerun: a state set from code is not toggled away
    btn.title = PANEL_BUTTONS.find((b) => b[0] === name)[2] + (btn.disabled ? ` (set to ${p[name]} by update_panels)` : "");
  }
  const message = state.error || state.hint || "";
  ctx.errorBox.style.display = message ? "block" : "none";
  ctx.errorBox.classList.toggle("rr-hint", !state.error && !!state.hint);
  ctx.errorBox.textContent = message;
  ctx.updateTime(state.time);
  const selected = new Set((state.selection || []).map((s) => s.entity_path));
  renderTree(ctx, state.tree || [], selected, state.blueprint || []);
  renderViews(ctx, state.views || []);
  const sel = state.selection || [];
  updateHistoryButtons(ctx, state.selection_history);
  renderSelectionPanel(ctx, sel, state.selection_values || {}, ps.selection === "expanded", state.selection_details);
  const recs = state.recordings || [];
  if (ctx.recSelect.dataset.names !== recs.join("\n")) {
    ctx.recSelect.dataset.names = recs.join("\n");
    ctx.recSelect.replaceChildren(...recs.map((r) => Object.assign(document.createElement("option"), { value: r, textContent: r })));
  }
  ctx.recSelect.value = state.active ?? "";
  ctx.recSelect.style.display = recs.length > 1 ? "" : "none";
  sourcesOnState(ctx, state);
  renderModals(ctx, state);
  renderDevPanels(ctx, state);
}

export const PANEL_BUTTONS = [
  ["blueprint", "rr-icon-left", "Toggle blueprint panel (the left panel; Ctrl+Shift+B)"],
  ["time", "rr-icon-bottom", "Toggle time panel (the bottom panel; Ctrl+Shift+T)"],
  ["selection", "rr-icon-right", "Toggle selection panel (the right panel; Ctrl+Shift+S)"],
];

// Rerun's panel shortcuts (Ctrl+Shift+B / S / T), while the viewer has the keyboard focus.
export const PANEL_KEYS = { b: "blueprint", s: "selection", t: "time" };

export function togglePanelByKey(ctx, ev) {
  const name = ev.ctrlKey && ev.shiftKey && !ev.altKey ? PANEL_KEYS[ev.key.toLowerCase()] : undefined;
  if (!name || ctx.panelButtons?.[name]?.disabled) return false;
  ctx.toggled = togglePanel(ctx.panelStates, ctx.toggled, name, ctx.root.clientWidth);
  applyState(ctx);
  ev.preventDefault();
  ev.stopPropagation();
  return true;
}

// Escape clears the selection, as in Rerun (a menu open, or typing in a field, takes it first).
export function deselectOnEscape(ctx, ev) {
  if (ev.key !== "Escape" || ev.ctrlKey || ev.altKey || ev.metaKey || ev.shiftKey) return false;
  if (/^(INPUT|SELECT|TEXTAREA)$/.test(ev.target?.tagName || "")) return false;
  if (ctx.historyMenu?.isConnected) {
    ctx.historyMenu.remove();
  } else if (ctx.state?.selection?.length) {
    ctx.model.send({ type: "select", entity_path: null });
  } else {
    return false;
  }
  ev.preventDefault();
  return true;
}

// Rerun's top bar: selection back / forward (right-click: the whole history), the recording picker,
// and on the right reset camera and the three panel toggles (left, bottom, right).
export function buildTop(ctx) {
  const top = el("div", "rr-top", ctx.root);
  el("span", "rr-title", top).textContent = "Rerun";
  const nav = (dir) => () => ctx.model.send({ type: "selection_history", action: dir });
  ctx.backBtn = button(top, "rr-back", "←", "", nav("back"));
  ctx.fwdBtn = button(top, "rr-fwd", "→", "", nav("forward"));
  ctx.backBtn.oncontextmenu = (ev) => showHistoryMenu(ctx, "back", ev);
  ctx.fwdBtn.oncontextmenu = (ev) => showHistoryMenu(ctx, "forward", ev);
  ctx.recSelect = el("select", null, top);
  ctx.recSelect.onchange = () => ctx.model.send({ type: "recording", recording_id: ctx.recSelect.value });
  buildSourcesPanel(ctx, top);
  el("span", "rr-spacer", top);
  button(top, "rr-reset", "⌂", "Reset camera", () => ctx.model.send({ type: "reset_camera" }));
  ctx.panelButtons = {};
  for (const [name, icon, title] of PANEL_BUTTONS) {
    const b = button(top, "rr-ptoggle", "", title, () => {
      ctx.toggled = togglePanel(ctx.panelStates, ctx.toggled, name, ctx.root.clientWidth);
      applyState(ctx);
    });
    el("i", icon, b);
    ctx.panelButtons[name] = b;
  }
}

export function render({ model, el: host }) {
  const ctx = { model, cleanups: [], visible: false, viewId: Math.random().toString(36).slice(2), toggled: {} };
  const root = (ctx.root = el("div", "rr-root", host));
  root.dataset.lmSuppressShortcuts = "true"; // keys typed into the viewer are not notebook commands
  root.addEventListener("keydown", (ev) => togglePanelByKey(ctx, ev) || deselectOnEscape(ctx, ev), true);
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
  ctx.errorBox = el("div", "rr-error", view);
  ctx.hideTooltip = () => (ctx.tooltip.style.display = "none");
  ctx.updateTime = buildTimePanel(ctx, el("div", "rr-time", root));
  buildSelectionPanel(ctx);

  setupCanvas(ctx);
  setupInput(ctx);
  const onMsg = (msg, buffers) => {
    if (msg.type === "frame") ctx.onFrame(msg, buffers);
    else if (msg.type === "hover") showTooltip(ctx, msg);
    else if (msg.type === "sources") renderSources(ctx, msg);
  };
  const onState = () => applyState(ctx);
  model.on("msg:custom", onMsg);
  model.on("change:_state", onState);
  model.on("change:css_width", size);
  model.on("change:css_height", size);
  applyState(ctx);
  // Default panel states depend on the widget's width (Rerun's): re-apply when a threshold is crossed.
  const rootRo = new ResizeObserver(() => {
    const now = panelStates(ctx.state?.panels || {}, root.clientWidth, ctx.toggled, ctx.state?.panel_defaults);
    if (JSON.stringify(now) !== JSON.stringify(ctx.panelStates)) applyState(ctx);
  });
  rootRo.observe(root);
  ctx.cleanups.push(() => rootRo.disconnect());
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
