// The docked selection panel (right), the panel states behind the top bar's toggles, and the
// selection history menu. Pure helpers (panelStates, togglePanel, selectionHtml) are unit-tested in node.

import { ICON_PATHS, VIEW_KIND_TITLES } from "./tree.js";
import { el, escapeHtml, localPoint } from "./util.js";

export const SIDE_PANELS = ["blueprint", "selection"];
export const SELECTION_WIDE = 1000; // Rerun expands the selection panel by default only on wider screens
export const NARROW = 600; // below this, opening one side panel hides the other (as Rerun)
export const SEL_MIN_W = 160;

// Each panel's state: set by `update_panels` (an override: the toggle cannot change it, as in Rerun),
// else by the user's toggle, else by a sent blueprint's PanelBlueprint, else the default for this widget size.
export function panelStates(overrides, width, toggled, fromBlueprint) {
  const defaults = {
    top: "expanded",
    blueprint: "expanded",
    selection: width > SELECTION_WIDE ? "expanded" : "collapsed",
    time: "expanded",
  };
  const out = {};
  for (const name of Object.keys(defaults)) {
    const o = overrides?.[name];
    out[name] = o && o !== "default" ? o : toggled?.[name] || fromBlueprint?.[name] || defaults[name];
  }
  return out;
}

export function isLocked(overrides, name) {
  const o = overrides?.[name];
  return !!o && o !== "default";
}

// The toggles after the user clicks one panel's button: expanded <-> collapsed (hidden opens);
// on a narrow widget, opening one side panel hides the other.
export function togglePanel(states, toggled, name, width) {
  const next = { ...toggled, [name]: states[name] === "expanded" ? "collapsed" : "expanded" };
  if (width < NARROW && next[name] === "expanded" && SIDE_PANELS.includes(name)) {
    next[SIDE_PANELS.find((p) => p !== name)] = "hidden";
  }
  return next;
}

export const COLOR_RE = /^#[0-9a-f]{8}$/;

// One value cell: packed colours (#rrggbbaa) get a swatch, also inside arrays of them.
export function cellText(v) {
  if (typeof v === "string" && COLOR_RE.test(v)) return `<span class="rr-swatch" style="background:${v}"></span>${v}`;
  if (Array.isArray(v) && v.some((x) => typeof x === "string" && COLOR_RE.test(x))) {
    return v.map((x) => (typeof x === "string" && COLOR_RE.test(x) ? cellText(x) : escapeHtml(x))).join(" ");
  }
  return escapeHtml(typeof v === "string" ? v : JSON.stringify(v));
}

export function rowsHtml(obj) {
  const rows = Array.isArray(obj) ? obj : Object.entries(obj || {});
  return rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${cellText(v)}</td></tr>`).join("");
}

const KIND_NAMES = { entity: "Entity", instance: "Instance", view: "View", container: "Container", recording: "Recording" };

// The blueprint panel's line icon for a view / container kind (or an entity), as inline SVG.
export function iconHtml(name) {
  const d = ICON_PATHS[name] || ICON_PATHS.entity;
  return `<span class="rr-ico"><svg viewBox="0 0 16 16" aria-hidden="true"><path d="${d}"/></svg></span>`;
}

// The entity path as clickable parents ("/", "world", "boxes"), each selecting that entity.
export function breadcrumbHtml(path) {
  const parts = String(path).split("/").filter(Boolean);
  const crumbs = parts.map((p, i) => {
    const full = "/" + parts.slice(0, i + 1).join("/");
    return `<a class="rr-crumb" data-path="${escapeHtml(full)}">${escapeHtml(p)}</a>`;
  });
  return `<a class="rr-crumb" data-path="/">/</a>` + crumbs.join('<span class="rr-dim">/</span>');
}

function dataHtml(d) {
  const groups = d.archetypes || [];
  if (!groups.length) return `<div class="rr-selsub">Data</div><div class="rr-dim">No data at this time</div>`;
  return `<div class="rr-selsub">Data</div>` + groups.map((g) =>
    `<div class="rr-arch">${escapeHtml(g.archetype)}</div><table>${rowsHtml(g.components)}</table>`).join("");
}

// What the click in the view hit beyond the stored values (`d`'s components): the 3D position, an
// image's pixel and value.
export function pickedHtml(item, values, d) {
  const known = new Set((d?.archetypes || []).flatMap((g) => g.components.map(([field]) => field)));
  const rows = Object.entries(values || {}).filter(([k]) => !k.includes(":") && !known.has(k));
  if (item?.position) rows.unshift(["position", item.position]);
  return rows.length ? `<div class="rr-selsub">At the pointer</div><table>${rowsHtml(rows)}</table>` : "";
}

function containerHtml(d) {
  if (d.found === false) return `<div class="rr-dim">This container is no longer in the layout</div>`;
  const kids = (d.children || []).map(([type, name]) => `<div>${escapeHtml(name)} <span class="rr-dim">(${escapeHtml(type)})</span></div>`);
  const kindName = VIEW_KIND_TITLES[d.container_kind] || d.container_kind || "–";
  return `<table>${rowsHtml([["Container kind", kindName]])}</table><div class="rr-selsub">Contents</div>` +
    `<div class="rr-ents">${kids.join("") || '<div class="rr-dim">–</div>'}</div>`;
}

function viewHtml(d) {
  if (d.found === false) return `<div class="rr-dim">This view is no longer in the layout</div>`;
  const rows = [["View type", VIEW_KIND_TITLES[d.view_kind] || d.view_kind || "–"], ["Space origin", d.origin ?? "–"]];
  const ents = (d.entities || []).map((e) => `<div>${escapeHtml(e)}</div>`).join("") || `<div class="rr-dim">–</div>`;
  return `<table>${rowsHtml(rows)}</table><div class="rr-selsub">Entities</div><div class="rr-ents">${ents}</div>`;
}

// The panel's body, as Rerun's: what is selected (kind + name, entity paths as breadcrumbs) and its
// details; with nothing selected, the recording summary.
export function selectionHtml(sel, values, details) {
  const d = details || {};
  if (!sel.length) {
    if (d.kind !== "recording") return "";
    const title = escapeHtml(d.title ?? d.summary?.["recording id"] ?? "");
    return `<div class="rr-selkind">Recording</div><div class="rr-seltitle">${title}</div><table>${rowsHtml(d.summary)}</table>`;
  }
  const kind = d.kind || (sel[0].instance_id != null ? "instance" : sel[0].type || "entity");
  let title = escapeHtml(d.title || sel[0].entity_path || sel[0].view_name || "");
  if ((kind === "entity" || kind === "instance") && d.entity_path) {
    title = breadcrumbHtml(d.entity_path) + (d.instance_id != null ? `<span class="rr-dim">[${escapeHtml(d.instance_id)}]</span>` : "");
  }
  const ico = iconHtml(kind === "view" ? d.view_kind : kind === "container" ? d.container_kind : "entity");
  let html = `<div class="rr-selkind">${KIND_NAMES[kind] || escapeHtml(kind)}</div><div class="rr-seltitle">${ico}${title}</div>`;
  if (d.view_name && (kind === "entity" || kind === "instance")) html += `<div class="rr-dim">in view ${escapeHtml(d.view_name)}</div>`;
  if (kind === "view") html += viewHtml(d);
  else if (kind === "container") html += containerHtml(d);
  else if (kind === "entity" || kind === "instance") html += dataHtml(d);
  if (kind === "instance") html += pickedHtml(sel[0], values, d);
  else if (!d.kind && Object.keys(values || {}).length) html += `<table>${rowsHtml(values)}</table>`;
  if (d.others?.length) html += `<div class="rr-selsub">Also selected</div>` + d.others.map((o) => `<div>${escapeHtml(o)}</div>`).join("");
  return html;
}

// Build the panel once: a drag handle on its left edge (resizes it) and the body.
export function buildSelectionPanel(ctx) {
  const panel = (ctx.selPanel = el("div", "rr-selpanel", ctx.root));
  const handle = el("div", "rr-selgrip", panel);
  handle.title = "Drag to resize";
  const head = el("div", "rr-selhead", panel);
  head.textContent = "Selection";
  ctx.selBody = el("div", "rr-selbody", panel);
  ctx.selBody.addEventListener("click", (ev) => {
    const crumb = ev.target.closest?.(".rr-crumb");
    if (crumb) ctx.model.send({ type: "select", entity_path: crumb.dataset.path });
  });
  handle.addEventListener("pointerdown", (ev) => {
    handle.setPointerCapture(ev.pointerId);
    const startX = ev.clientX;
    const startW = panel.getBoundingClientRect().width;
    const move = (e) => {
      const max = Math.max(SEL_MIN_W, ctx.root.clientWidth * 0.6);
      ctx.selWidth = Math.round(Math.min(max, Math.max(SEL_MIN_W, startW + startX - e.clientX)));
      ctx.root.style.setProperty("--rr-sel-width", ctx.selWidth + "px");
    };
    const up = () => {
      handle.removeEventListener("pointermove", move);
      handle.removeEventListener("pointerup", up);
    };
    handle.addEventListener("pointermove", move);
    handle.addEventListener("pointerup", up);
    ev.preventDefault();
  });
}

export function renderSelectionPanel(ctx, sel, values, open, details) {
  if (!open) return;
  const html = selectionHtml(sel, values, details);
  if (ctx.selBody.dataset.html !== html) {
    ctx.selBody.dataset.html = html;
    ctx.selBody.innerHTML = html || `<div class="rr-dim">Nothing selected</div>`;
  }
}

// --- selection history: the top bar's back / forward buttons, right-click lists every entry ----

export function historyTitle(label, dir) {
  if (label == null) return dir === "back" ? "No previous selections" : "No future selections";
  return `${dir === "back" ? "Previous" : "Next"} selection: ${label}\n\nRight-click for more.`;
}

export function updateHistoryButtons(ctx, h) {
  for (const [btn, dir] of [[ctx.backBtn, "back"], [ctx.fwdBtn, "forward"]]) {
    const label = h ? h[dir] : null;
    btn.disabled = label == null;
    btn.title = historyTitle(label, dir);
  }
}

export function showHistoryMenu(ctx, dir, ev) {
  ev.preventDefault();
  ev.stopPropagation(); // not JupyterLab's cell context menu too
  ctx.historyMenu?.remove();
  const h = ctx.state?.selection_history;
  const entries = h ? (dir === "back" ? h.past : h.future) : [];
  if (!entries?.length) return;
  const menu = (ctx.historyMenu = el("div", "rr-menu", ctx.root));
  const at = localPoint(ctx.root, ev);
  Object.assign(menu.style, { left: at.x + "px", top: at.y + "px" });
  for (const [index, label, kind] of entries) {
    const row = el("div", "rr-menuitem", menu);
    row.innerHTML = `${escapeHtml(label)} <span class="rr-dim">(${escapeHtml(kind)})</span>`;
    row.onclick = () => {
      ctx.model.send({ type: "selection_history", action: "goto", index });
      menu.remove();
    };
  }
  const close = (e) => {
    if (!menu.contains(e.target)) {
      menu.remove();
      document.removeEventListener("pointerdown", close, true);
    }
  };
  document.addEventListener("pointerdown", close, true);
}
