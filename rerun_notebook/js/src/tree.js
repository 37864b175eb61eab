// The left panel: the entity tree with visibility toggles.

import { el } from "./util.js";

export function renderTree(ctx, rows, selected) {
  const { model, tree } = ctx;
  const key = JSON.stringify([rows, [...selected]]);
  if (tree.dataset.key === key) return;
  tree.dataset.key = key;
  tree.replaceChildren();
  for (const r of rows) {
    const row = el("div", "rr-row", tree);
    row.classList.toggle("rr-hidden", !r.visible);
    row.classList.toggle("rr-nodata", !r.has_data);
    row.classList.toggle("rr-selected", selected.has(r.path));
    row.style.paddingLeft = 6 + 12 * r.depth + "px";
    row.dataset.path = r.path;
    const box = el("input", null, row);
    box.type = "checkbox";
    box.checked = r.own_toggle;
    box.title = "Visible";
    box.onclick = (ev) => {
      ev.stopPropagation();
      model.send({ type: "entity_visible", entity_path: r.path, visible: box.checked });
    };
    const name = el("span", "rr-name", row);
    name.textContent = r.name;
    row.title = r.path;
    row.onclick = () => model.send({ type: "select", entity_path: selected.has(r.path) ? null : r.path });
  }
}
