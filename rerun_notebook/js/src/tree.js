// The left panel, as Rerun's: the blueprint (viewport -> containers -> views -> the entities each view
// shows, with eye toggles, maximize and selection), then every entity of the recording (global toggles).

import { el } from "./util.js";

// 16x16 line icons (no icon font needed): view kinds, containers, eye, maximize, disclosure.
export const ICON_PATHS = {
  spatial3d: "M8 1.5l6 3.2v6.6l-6 3.2-6-3.2V4.7z M2 4.7l6 3.3 6-3.3 M8 8v6.5",
  spatial2d: "M2.5 2.5h11v11h-11z M4.5 11l3-4 2 2.5 1.5-1.5 2 3",
  timeseries: "M1.5 11.5l4-5 3 3 5.5-7 M1.5 14.5h13",
  text_log: "M2 3.5h12 M2 6.5h9 M2 9.5h12 M2 12.5h7",
  text_document: "M3.5 1.5h6l3 3v10h-9z M9.5 1.5v3h3 M5.5 8h5 M5.5 10.5h5",
  bar_chart: "M2 14.5h12 M4 14V9 M8 14V3.5 M12 14V7",
  tensor: "M2 2h12v12H2z M2 6h12 M2 10h12 M6 2v12 M10 2v12",
  placeholder: "M2.5 2.5h11v11h-11z M2.5 2.5l11 11",
  dataframe: "M2 2.5h12v11H2z M2 6h12 M2 9.5h12 M6 2.5v11",
  map: "M8 14.5s-4.5-4.6-4.5-8a4.5 4.5 0 0 1 9 0c0 3.4-4.5 8-4.5 8z M8 4.5a2 2 0 1 0 0 4a2 2 0 1 0 0-4z",
  graph: "M4 2.5a1.5 1.5 0 1 0 0 3a1.5 1.5 0 1 0 0-3z M12 6.5a1.5 1.5 0 1 0 0 3a1.5 1.5 0 1 0 0-3z M5 11a1.5 1.5 0 1 0 0 3a1.5 1.5 0 1 0 0-3z M5.4 4.6l5.2 2.8 M10.6 8.6l-4.3 3.2 M4.2 5.5l.6 5.5",
  grid: "M2 2h5v5H2z M9 2h5v5H9z M2 9h5v5H2z M9 9h5v5H9z",
  horizontal: "M2 3h12v10H2z M8 3v10",
  vertical: "M2 3h12v10H2z M2 8h12",
  tabs: "M2 5.5h12v8H2z M2 5.5V3h5.5v2.5",
  entity: "M8 5.5a2.5 2.5 0 1 0 0 5a2.5 2.5 0 1 0 0-5z",
  eye: "M1 8s2.5-4.5 7-4.5S15 8 15 8s-2.5 4.5-7 4.5S1 8 1 8z M8 6a2 2 0 1 0 0 4a2 2 0 1 0 0-4z",
  eye_off: "M1 8s2.5-4.5 7-4.5S15 8 15 8s-2.5 4.5-7 4.5S1 8 1 8z M2 2l12 12",
  maximize: "M2 6V2h4 M10 2h4v4 M14 10v4h-4 M6 14H2v-4",
  restore: "M6 2v4H2 M10 2v4h4 M14 10h-4v4 M2 10h4v4",
  help: "M8 1.5a6.5 6.5 0 1 0 0 13a6.5 6.5 0 1 0 0-13z M6.2 6.3a1.9 1.9 0 1 1 2.6 1.7c-.5.2-.8.6-.8 1.1v.5 M8 11.5v.3",
  open: "M4 6l4 4 4-4",
  closed: "M6 4l4 4-4 4",
};

export const VIEW_KIND_TITLES = {
  spatial3d: "3D view", spatial2d: "2D view", timeseries: "Time series view", text_log: "Text log view",
  text_document: "Text document view", bar_chart: "Bar chart view", tensor: "Tensor view",
  dataframe: "Dataframe view", map: "Map view", graph: "Graph view",
  grid: "Grid container", horizontal: "Horizontal container", vertical: "Vertical container", tabs: "Tabs container",
};

export function icon(name, parent, cls = "rr-ico") {
  const span = el("span", cls, parent);
  const d = ICON_PATHS[name] || ICON_PATHS.entity;
  span.innerHTML = `<svg viewBox="0 0 16 16" aria-hidden="true"><path d="${d}"/></svg>`;
  return span;
}

// Rows under a collapsed row are skipped (rows are depth-first with a `depth`; `collapsed` holds
// their `key` field: "key" for the blueprint tree, "path" for the time panel's streams).
export function visibleRows(rows, collapsed, key = "key") {
  const out = [];
  let skipBelow = Infinity; // depth of a collapsed ancestor
  for (const r of rows) {
    if (r.depth > skipBelow) continue;
    skipBelow = collapsed.has(r[key]) ? r.depth : Infinity;
    out.push(r);
  }
  return out;
}

// The kernel messages a blueprint row sends: click (select), eye (show/hide), maximize (views).
export function rowMessages(r) {
  const entity = r.type === "entity";
  return {
    select: entity ? { type: "select_node", node_id: r.view_id, entity_path: r.path } : { type: "select_node", node_id: r.id },
    eye: entity
      ? { type: "view_entity_visible", view_id: r.view_id, entity_path: r.path, visible: !r.visible }
      : { type: "node_visible", node_id: r.id, visible: !r.visible },
    maximize: r.type === "view" ? { type: "maximize", view_id: r.maximized ? null : r.id } : null,
  };
}

export function iconButton(parent, name, title, onclick, cls = "rr-ico rr-ibtn") {
  const b = icon(name, parent, cls);
  b.title = title;
  b.onclick = (ev) => {
    ev.stopPropagation();
    onclick();
  };
  return b;
}

function sectionHeader(tree, text, title) {
  const h = el("div", "rr-section", tree);
  h.textContent = text;
  h.title = title;
}

function blueprintRow(ctx, tree, r) {
  const { model } = ctx;
  const row = el("div", "rr-row rr-bp-" + r.type, tree);
  row.classList.toggle("rr-hidden", !r.shown);
  row.classList.toggle("rr-selected", r.selected);
  row.classList.toggle("rr-nodata", r.type === "entity" && !r.has_data);
  row.style.paddingLeft = 4 + 10 * r.depth + "px";
  row.dataset.key = r.key;
  if (r.type === "entity") row.dataset.path = r.path;
  const msgs = rowMessages(r);
  const twisty = icon(r.has_children ? (ctx.collapsed.has(r.key) ? "closed" : "open") : "", row, "rr-twisty");
  if (!r.has_children) twisty.innerHTML = "";
  twisty.onclick = (ev) => {
    ev.stopPropagation();
    if (!r.has_children) return;
    if (ctx.collapsed.has(r.key)) ctx.collapsed.delete(r.key);
    else ctx.collapsed.add(r.key);
    ctx.tree.dataset.key = "";
    renderTree(ctx, ctx.lastTree.rows, ctx.lastTree.selected, ctx.lastTree.blueprint);
  };
  icon(r.type === "entity" ? "entity" : r.kind, row, "rr-ico rr-kind");
  const name = el("span", "rr-name", row);
  name.textContent = r.root ? "Viewport" : r.name;
  row.title = r.type === "entity" ? r.path : `${VIEW_KIND_TITLES[r.kind] || r.kind}: ${r.name}` + (r.origin ? ` (origin ${r.origin})` : "");
  if (msgs.maximize) {
    const mx = iconButton(row, r.maximized ? "restore" : "maximize", r.maximized ? "Restore" : "Maximize view", () => model.send(msgs.maximize));
    mx.classList.toggle("rr-on", r.maximized);
  }
  if (!r.root) {
    const eye = iconButton(row, r.visible ? "eye" : "eye_off", r.visible ? "Hide" : "Show", () => model.send(msgs.eye), "rr-ico rr-ibtn rr-eye");
    eye.classList.toggle("rr-off", !r.visible); // its own toggle is off (not just hidden by a parent)
  }
  row.onclick = () => model.send(msgs.select);
  if (r.type === "view") {
    // Hovering a view row outlines that view and its header, as Rerun's blueprint panel does.
    const mark = (on) => {
      for (const id of ["v" + r.id, "h" + r.id]) {
        for (const node of ctx.overlay?.children || []) if (node.dataset.vid === id) node.classList.toggle("rr-hover", on);
      }
    };
    row.onmouseenter = () => mark(true);
    row.onmouseleave = () => mark(false);
  }
}

function entityRow(ctx, tree, r, selected) {
  const { model } = ctx;
  const row = el("div", "rr-row", tree);
  row.classList.toggle("rr-hidden", !r.visible);
  row.classList.toggle("rr-nodata", !r.has_data);
  row.classList.toggle("rr-selected", selected.has(r.path));
  row.style.paddingLeft = 16 + 10 * r.depth + "px";
  row.dataset.path = r.path;
  icon("entity", row, "rr-ico rr-kind");
  const name = el("span", "rr-name", row);
  name.textContent = r.name;
  row.title = r.path;
  const eye = iconButton(row, r.own_toggle ? "eye" : "eye_off", r.own_toggle ? "Hide in every view" : "Show", () =>
    model.send({ type: "entity_visible", entity_path: r.path, visible: !r.own_toggle }), "rr-ico rr-ibtn rr-eye");
  eye.classList.toggle("rr-off", !r.own_toggle);
  row.onclick = (ev) => {
    const add = ev.ctrlKey || ev.metaKey; // Ctrl/Cmd+click toggles the entity in the selection, as Rerun
    model.send({ type: "select", entity_path: add || !selected.has(r.path) ? r.path : null, add });
  };
}

export function renderTree(ctx, rows, selected, blueprint = []) {
  const { tree } = ctx;
  ctx.collapsed ??= new Set();
  ctx.lastTree = { rows, selected, blueprint };
  const key = JSON.stringify([rows, [...selected], blueprint, [...ctx.collapsed]]);
  if (tree.dataset.key === key) return;
  tree.dataset.key = key;
  const scroll = tree.scrollTop;
  tree.replaceChildren();
  if (blueprint.length) {
    sectionHeader(tree, "Blueprint", "The viewport: containers, their views, and the entities each view shows");
    for (const r of visibleRows(blueprint, ctx.collapsed)) blueprintRow(ctx, tree, r);
    sectionHeader(tree, "Entities", "Every entity of the recording; hiding one here hides it in all views");
  }
  for (const r of rows) entityRow(ctx, tree, r, selected);
  tree.scrollTop = scroll;
}
