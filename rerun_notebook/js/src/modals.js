// The palette's screens and dialogs drawn over the viewer (about, settings, command palette, open from
// URL, connect to a server, share, open / import a file): built from `state.modal`
// (viewer_control_screen_commands.py). Called on every state change by main.js. Escape or the × closes
// one (the `close_modal` message); Ctrl+P / Ctrl+K toggle the command palette as in Rerun, whose
// entries run through the viewer's command dispatch (the `run_command` message).

import { button, el } from "./util.js";

// Rerun's shortcuts for the palette's screens (Linux spelling), sent to the viewer as commands.
const MODAL_KEYS = [
  [{ ctrl: true, key: "p" }, "ui.toggle_command_palette"],
  [{ ctrl: true, key: "k" }, "ui.toggle_command_palette"],
  [{ ctrl: true, key: "," }, "ui.open_settings"],
  [{ ctrl: true, shift: true, key: "l" }, "ui.open_url_dialog"],
  [{ ctrl: true, key: "l" }, "ui.open_share_dialog"],
  [{ ctrl: true, key: "o" }, "ui.open_file"],
  [{ ctrl: true, shift: true, key: "o" }, "ui.import_file_into_current_recording"],
  [{ ctrl: true, key: "s" }, "recording.save"],
  [{ ctrl: true, alt: true, key: "s" }, "recording.save_time_selection"],
];

export function renderModals(ctx, state) {
  if (!ctx.modalHooked) modalHook(ctx);
  const modal = state.modal || null;
  const key = JSON.stringify(modal);
  if (key !== ctx.modalKey) {
    ctx.modalKey = key;
    ctx.modalLayer?.remove();
    ctx.modalLayer = modal ? modalBuild(ctx, modal) : null;
  }
  if (ctx.modalZoom) ctx.modalZoom.textContent = `${Math.round((state.ui_zoom || 1) * 100)} %`;
}

// Once per view: the shortcuts and the viewer's download messages (a saved recording / blueprint).
function modalHook(ctx) {
  ctx.modalHooked = true;
  const onKey = (ev) => {
    if (ev.key === "Escape" && ctx.modalLayer) {
      ev.preventDefault();
      ev.stopPropagation();
      ctx.model.send({ type: "close_modal" });
      return;
    }
    const typed = ev.key.length === 1 ? ev.key.toLowerCase() : ev.key;
    const hit = MODAL_KEYS.find(
      ([k]) => k.key === typed && !!k.ctrl === (ev.ctrlKey || ev.metaKey) && !!k.shift === ev.shiftKey && !!k.alt === ev.altKey,
    );
    if (!hit || !ctx.state?.palette) return; // a notebook's widget has no palette: its keys stay the notebook's
    ev.preventDefault(); // Ctrl+P is not the browser's print here
    ev.stopPropagation();
    ctx.model.send({ type: "run_command", id: hit[1] });
  };
  ctx.root.addEventListener("keydown", onKey, true);
  const onMsg = (msg) => {
    if (msg?.type === "download") modalDownload(msg);
  };
  ctx.model.on("msg:custom", onMsg);
  ctx.cleanups.push(() => {
    ctx.root.removeEventListener("keydown", onKey, true);
    ctx.model.off("msg:custom", onMsg);
  });
}

function modalDownload(msg) {
  const api = window.pywebview?.api; // the desktop window: its web view drops downloads, Qt saves it
  if (api?.rr_save) return void api.rr_save(msg.name || "data.rrd", msg.data || "");
  const bytes = Uint8Array.from(atob(msg.data || ""), (c) => c.charCodeAt(0));
  const href = URL.createObjectURL(new Blob([bytes], { type: "application/octet-stream" }));
  const a = el("a", null, document.body);
  a.href = href;
  a.download = msg.name || "data.rrd";
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

function modalBuild(ctx, modal) {
  const layer = el("div", "rr-modal-layer", ctx.root);
  layer.dataset.modal = modal.kind;
  const close = () => ctx.model.send({ type: "close_modal" });
  layer.onmousedown = (ev) => ev.target === layer && close(); // a click beside the dialog closes it
  const box = el("div", `rr-modal rr-modal-${modal.kind}`, layer);
  const head = el("div", "rr-modal-head", box);
  el("span", "rr-modal-title", head).textContent = MODAL_TITLES[modal.kind] || modal.title || "";
  button(head, "rr-modal-close", "×", "Close (Escape)", close);
  const body = el("div", "rr-modal-body", box);
  ctx.modalZoom = null;
  (MODAL_BODIES[modal.kind] || modalError)(ctx, body, modal, close);
  setTimeout(() => (box.querySelector("input:not([readonly])") || box.querySelector("button"))?.focus(), 0);
  return layer;
}

const MODAL_TITLES = {
  about: "About Rerun",
  settings: "Settings",
  palette: "Command palette",
  open_url: "Open from URL",
  add_server: "Connect to a server",
  edit_server: "Edit server",
  share: "Share",
  error: "Command failed",
  open_file: "Open file",
  add_view: "Add view or container",
};

function modalRows(body, rows) {
  const table = el("table", "rr-modal-rows", body);
  for (const [name, value] of rows) {
    const tr = el("tr", null, table);
    el("th", null, tr).textContent = name;
    el("td", null, tr).textContent = value;
  }
  return table;
}

// A one-line form: a text field and its button; `submit` gets the trimmed text.
function modalForm(body, placeholder, label, submit) {
  const form = el("form", "rr-modal-form", body);
  const input = el("input", null, form);
  input.placeholder = placeholder;
  input.spellcheck = false;
  el("button", null, form).textContent = label;
  form.onsubmit = (ev) => {
    ev.preventDefault();
    if (input.value.trim()) submit(input.value.trim());
  };
  return input;
}

function modalError(ctx, body, modal) {
  el("div", "rr-modal-text", body).textContent = modal.message || "";
}

const UPLOAD_PART = 512 * 1024; // bytes per `upload` message (viewer_control_file_commands.py)

// Send a picked file to the viewer in parts; the viewer loads it once the last one is in.
async function modalUpload(ctx, file, into) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const parts = Math.max(1, Math.ceil(bytes.length / UPLOAD_PART));
  const upload = Math.random().toString(36).slice(2);
  for (let part = 0; part < parts; part++) {
    const slice = bytes.subarray(part * UPLOAD_PART, (part + 1) * UPLOAD_PART);
    let text = "";
    for (let i = 0; i < slice.length; i += 0x8000) text += String.fromCharCode(...slice.subarray(i, i + 0x8000));
    ctx.model.send({ type: "upload", upload, part, parts, name: file.name, into, data: btoa(text) });
  }
}

const MODAL_BODIES = {
  about(ctx, body, modal) {
    modalRows(body, modal.rows || []);
  },
  settings(ctx, body, modal) {
    const table = modalRows(body, [["Memory limit", modal.memory_limit]]);
    const tr = el("tr", null, table);
    el("th", null, tr).textContent = "UI zoom";
    const td = el("td", "rr-modal-zoom", tr);
    const run = (id) => () => ctx.model.send({ type: "run_command", id });
    button(td, "rr-zoom-out", "−", "Zoom out (Ctrl+Minus)", run("ui.zoom_out_ui"));
    ctx.modalZoom = el("span", "rr-zoom-value", td);
    button(td, "rr-zoom-in", "+", "Zoom in (Ctrl+Plus)", run("ui.zoom_in_ui"));
    button(td, "rr-zoom-reset", "Reset", "Reset zoom (Ctrl+0)", run("ui.reset_ui_zoom"));
    table.prepend(tr);
  },
  palette(ctx, body, modal) {
    const input = el("input", "rr-palette-filter", body);
    input.placeholder = "Type a command…";
    input.spellcheck = false;
    const list = el("div", "rr-palette-list", body);
    const commands = modal.commands || [];
    let shown = commands;
    let chosen = 0;
    const run = (c) => ctx.model.send({ type: "run_command", id: c.id });
    const draw = () => {
      const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      shown = commands.filter((c) => words.every((w) => `${c.title} ${c.id}`.toLowerCase().includes(w)));
      chosen = Math.min(chosen, Math.max(0, shown.length - 1));
      list.replaceChildren(
        ...shown.map((c, i) => {
          const row = el("div", `rr-palette-row${i === chosen ? " rr-on" : ""}`);
          row.dataset.id = c.id;
          row.title = c.description;
          el("span", "rr-palette-name", row).textContent = c.title;
          el("span", "rr-palette-keys", row).textContent = (c.shortcuts || []).join("  ");
          row.onclick = () => run(c);
          return row;
        }),
      );
      list.children[chosen]?.scrollIntoView?.({ block: "nearest" });
    };
    input.oninput = () => {
      chosen = 0;
      draw();
    };
    input.onkeydown = (ev) => {
      if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
        chosen = Math.max(0, Math.min(shown.length - 1, chosen + (ev.key === "ArrowDown" ? 1 : -1)));
        draw();
        ev.preventDefault();
      } else if (ev.key === "Enter" && shown[chosen]) {
        run(shown[chosen]);
        ev.preventDefault();
      }
    };
    draw();
  },
  open_url(ctx, body, modal, close) {
    el("div", "rr-modal-text", body).textContent = "A Rerun server, dataset or segment URL, or the http(s) URL of an .rrd file";
    modalForm(body, "rerun+http://127.0.0.1:51234/… or https://…/data.rrd", "Open", (url) => {
      ctx.model.send({ type: "open_url", url });
      close();
    });
  },
  add_server(ctx, body, modal, close) {
    el("div", "rr-modal-text", body).textContent = "The URL of a Rerun server: its datasets are listed in the sources panel";
    modalForm(body, "rerun+http://127.0.0.1:51234", "Add server", (url) => {
      if (ctx.sourcesPanel) ctx.sourcesPanel.style.display = ""; // show where it goes: the answer redraws it
      ctx.sourcesBtn?.classList.add("rr-on");
      ctx.sourcesSend?.("add_server", { url });
      close();
    });
  },
  add_view(ctx, body, modal) {
    const add = (what, cls) => () => ctx.model.send({ type: "add_to_viewport", store_id: modal.store_id, what, class: cls });
    for (const [what, title, items] of [
      ["container", "Containers", (modal.containers || []).map((c) => ({ class: c, name: c }))],
      ["view", "Views", modal.views || []],
    ]) {
      el("div", "rr-modal-text", body).textContent = title;
      const list = el("div", "rr-add-list", body);
      for (const item of items) button(list, `rr-add-${what}`, item.name, `Add a ${item.name} ${what} to the viewport`, add(what, item.class)).dataset.class = item.class;
    }
  },
  open_file(ctx, body, modal, close) {
    const kinds = (modal.accept || [".rrd", ".rbl"]).join(", ");
    el("div", "rr-modal-text", body).textContent =
      modal.into === "current" ? `Import a file into the current recording (${kinds})` : `Open a file as a new recording (${kinds})`;
    const input = el("input", "rr-open-file", body);
    input.type = "file";
    input.accept = (modal.accept || [".rrd", ".rbl"]).join(",");
    input.onchange = async () => {
      const file = input.files?.[0];
      if (!file) return;
      await modalUpload(ctx, file, modal.into);
      close();
    };
  },
  edit_server(ctx, body, modal, close) {
    el("div", "rr-modal-text", body).textContent = "The server's URL (the sources panel lists it in place of this one)";
    const input = modalForm(body, "rerun+http://127.0.0.1:51234", "Save", (url) => {
      ctx.model.send({ type: "edit_server", origin: modal.origin, url });
      if (ctx.sourcesPanel) ctx.sourcesPanel.style.display = "";
      ctx.sourcesBtn?.classList.add("rr-on");
      close();
    });
    input.value = modal.origin || "";
  },
  share(ctx, body, modal) {
    if (!modal.source) {
      el("div", "rr-modal-text", body).textContent =
        "This screen cannot be shared as a link: its data was not opened from a URL (it was logged to this viewer or read from a local file).";
      return;
    }
    el("div", "rr-modal-text", body).textContent = "A link that opens this screen's data in the viewer:";
    const form = el("div", "rr-modal-form", body);
    const link = el("input", "rr-share-link", form);
    link.readOnly = true;
    const page = location.protocol.startsWith("http") ? location.origin + location.pathname : "";
    link.value = page ? `${page}?url=${encodeURIComponent(modal.source)}` : modal.source;
    const copy = button(form, "rr-share-copy", "Copy link", "Copy the link to the clipboard", async () => {
      try {
        await navigator.clipboard.writeText(link.value);
      } catch {
        link.select();
        document.execCommand?.("copy");
      }
      copy.textContent = "Copied";
    });
  },
};
