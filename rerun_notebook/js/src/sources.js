// The sources panel (sources_panel.py), as in Rerun's viewer: local recordings, then Rerun servers
// with their datasets and (expanded, a page at a time) segments. A server is added by URL and
// removed with its ×; clicking a segment opens it (or shows it, when open); a recording shows it.
// The kernel answers every action with a {type: "sources"} message, drawn by renderSources.

import { button, el } from "./util.js";

export function buildSourcesPanel(ctx, top) {
  const panel = (ctx.sourcesPanel = el("div", "rr-sources", ctx.root));
  panel.style.display = "none";
  const send = (action, extra = {}) => ctx.model.send({ type: "sources", action, ...extra });
  ctx.sourcesSend = send;
  ctx.sourcesBtn = button(top, "rr-sources-btn", "Sources", "Recordings and Rerun servers (add one by URL)", () => {
    const open = panel.style.display === "none";
    panel.style.display = open ? "" : "none";
    ctx.sourcesBtn.classList.toggle("rr-on", open);
    if (open) send("refresh");
  });
  ctx.sourcesBody = el("div", "rr-sources-body", panel);
  const form = el("form", "rr-sources-add", panel);
  const input = el("input", null, form);
  input.placeholder = "rerun+http://127.0.0.1:51234";
  input.spellcheck = false;
  el("button", null, form).textContent = "Add server";
  form.onsubmit = (ev) => {
    ev.preventDefault();
    if (input.value.trim()) send("add_server", { url: input.value.trim() });
    input.value = "";
  };
  ctx.sourcesError = el("div", "rr-sources-error", panel);
}

function row(parent, cls, text, title, onclick) {
  const r = el("div", `rr-src-row ${cls}`, parent);
  const label = el("span", "rr-src-label", r);
  label.textContent = text;
  if (title) r.title = title;
  if (onclick) label.onclick = onclick;
  return r;
}

function closeButton(r, title, onclick) {
  const b = button(r, "rr-src-x", "×", title, (ev) => {
    ev.stopPropagation();
    onclick();
  });
  return b;
}

export function renderSources(ctx, msg) {
  const body = ctx.sourcesBody;
  if (!body) return;
  const send = ctx.sourcesSend;
  body.replaceChildren();
  el("div", "rr-src-head", body).textContent = "Recordings";
  const recs = msg.recordings || [];
  if (!recs.length) el("div", "rr-src-empty", body).textContent = "none yet";
  for (const r of recs) {
    const text = r.app ? `${r.app} / ${r.id}` : r.id;
    const item = row(body, "rr-src-rec" + (r.active ? " rr-src-active" : ""), text, r.source, () => {
      ctx.model.send({ type: "recording", recording_id: r.id });
      send("refresh");
    });
    el("span", "rr-src-note", item).textContent = r.source;
  }
  el("div", "rr-src-head", body).textContent = "Servers";
  const servers = msg.servers || [];
  if (!servers.length) el("div", "rr-src-empty", body).textContent = "add one by URL below";
  for (const s of servers) {
    const head = row(body, "rr-src-server", s.url, s.url, null);
    closeButton(head, "Remove this server (closes its segments)", () => send("remove_server", { url: s.url }));
    if (s.error) el("div", "rr-src-empty", body).textContent = s.error;
    for (const d of s.datasets || []) {
      const count = d.total == null ? "" : ` (${d.total})`;
      const arrow = d.expanded ? "▾ " : "▸ ";
      row(body, "rr-src-dataset", arrow + d.name + count, d.id, () =>
        send(d.expanded ? "collapse" : "expand", { server: s.url, dataset: d.id }),
      );
      if (!d.expanded) continue;
      for (const seg of d.segments || []) {
        const mark = seg.busy ? " …" : seg.open ? " ●" : "";
        const r = row(body, "rr-src-segment" + (seg.open ? " rr-src-open" : ""), seg.id + mark, seg.url, () =>
          send("open", { url: seg.url }),
        );
        r.dataset.segment = seg.id;
        if (seg.open) closeButton(r, "Close this segment", () => send("close", { url: seg.url }));
      }
      if (d.total != null && d.segments.length < d.total) {
        const more = `show more (${d.segments.length} of ${d.total})`;
        row(body, "rr-src-more", more, "", () => send("more", { server: s.url, dataset: d.id }));
      }
    }
  }
  ctx.sourcesError.textContent = msg.error || "";
  ctx.sourcesError.style.display = msg.error ? "" : "none";
}

// The panel is open and the recordings changed (one arrived, one closed): ask for a fresh list.
export function sourcesOnState(ctx, state) {
  const names = (state.recordings || []).join("\n") + "\n" + (state.active ?? "");
  if (names === ctx.sourcesSeen) return;
  ctx.sourcesSeen = names;
  if (ctx.sourcesPanel && ctx.sourcesPanel.style.display !== "none") ctx.sourcesSend("refresh");
}

