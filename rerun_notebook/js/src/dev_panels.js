// The palette's developer panels (dev stats, chunk store browser) and page-side actions (clipboard,
// reset): built from `state.dev` (dev_panels.py, viewer_control_action_commands.py). Called on every
// state change by main.js. The × closes a panel (`dev_close`); the chunk browser pages with
// `dev_chunk_page`.

import { applyState } from "./main.js";
import { button, el, formatTime } from "./util.js";

const BOX_STYLE =
  "position:absolute;z-index:40;background:rgba(20,22,26,0.96);color:#ddd;border:1px solid #444;" +
  "border-radius:6px;padding:6px 8px;font:12px/1.4 monospace;box-shadow:0 4px 16px rgba(0,0,0,0.5);";

export function renderDevPanels(ctx, state) {
  const dev = state.dev || {};
  devForgetToggles(ctx, dev.reset_seq || 0);
  ctx.devPanel = devBox(ctx, ctx.devPanel, dev.dev_panel, "dev", devStatsFill);
  ctx.chunkBrowser = devBox(ctx, ctx.chunkBrowser, dev.chunks, "chunks", devChunksFill);
  devClipboard(ctx, dev.clipboard);
  devFullscreen(ctx, dev.fullscreen_seq || 0);
}

// The desktop window's bridge (desktop_bridge.py): Qt's fullscreen and clipboard, where the page
// runs in the window's web view.
function devDesktop() {
  return globalThis.pywebview?.api?.rr_copy ? globalThis.pywebview.api : null;
}

// `ui.toggle_fullscreen`, once per run: the desktop window goes fullscreen or back (Qt); a browser
// page leaves fullscreen, or asks for it. Browsers grant fullscreen only on a user's gesture, not on
// a message from the viewer, so a page that is refused shows a button that does it when clicked.
function devFullscreen(ctx, seq) {
  if (ctx.devFullSeq === undefined) ctx.devFullSeq = seq;
  if (seq === ctx.devFullSeq) return;
  ctx.devFullSeq = seq;
  const desktop = devDesktop();
  if (desktop) return void desktop.rr_toggle_fullscreen();
  ctx.devFullPrompt?.remove();
  ctx.devFullPrompt = null;
  const root = document.documentElement;
  if (document.fullscreenElement) return void document.exitFullscreen().catch(() => {});
  const result = (outcome) => (ctx.root.dataset.fullscreen = outcome);
  root.requestFullscreen().then(
    () => result("on"),
    () => {
      result("needs a click");
      const prompt = (ctx.devFullPrompt = el("div", "rr-dev-fullscreen", ctx.root));
      prompt.style.cssText = BOX_STYLE + "top:40px;left:50%;transform:translateX(-50%);z-index:42;display:flex;gap:8px;align-items:center;";
      el("span", "", prompt).textContent = "Fullscreen needs a click in the browser:";
      button(prompt, "rr-dev-fullscreen-go", "Go fullscreen", "Toggle fullscreen (F11)", () => {
        prompt.remove();
        root.requestFullscreen().then(() => result("on"), (err) => result(`failed: ${err?.message || err}`));
      });
      button(prompt, "rr-dev-close", "×", "Close", () => prompt.remove());
    },
  );
}

// `ui.reset_viewer`: the page forgets the panels it toggled itself, then draws again.
function devForgetToggles(ctx, seq) {
  if (ctx.devResetSeq === undefined) ctx.devResetSeq = seq;
  if (seq === ctx.devResetSeq) return;
  ctx.devResetSeq = seq;
  ctx.toggled = {};
  queueMicrotask(() => applyState(ctx));
}

// A panel box: made when its data comes, refilled on each state, removed when it goes.
function devBox(ctx, box, data, name, fill) {
  if (!data) {
    box?.remove();
    return null;
  }
  if (!box) {
    box = el("div", `rr-dev-box rr-dev-${name}`, ctx.root);
    box.style.cssText =
      BOX_STYLE + (name === "dev" ? "top:40px;right:12px;min-width:220px;z-index:41;" : "top:40px;left:12px;right:12px;bottom:12px;overflow:auto;");
    const head = el("div", "rr-dev-head", box);
    head.style.cssText = "display:flex;justify-content:space-between;align-items:center;margin-bottom:4px;font-weight:bold;";
    el("span", "rr-dev-title", head).textContent = name === "dev" ? "Dev panel" : "Chunk store browser";
    const close = button(head, "rr-dev-close", "×", "Close", () => ctx.model.send({ type: "dev_close", panel: name }));
    close.style.cssText = "background:none;border:none;color:#ddd;cursor:pointer;font-size:14px;";
    box.body = el("div", "rr-dev-body", box);
  }
  fill(ctx, box.body, data);
  return box;
}

function devBytes(n) {
  const units = ["B", "KiB", "MiB", "GiB"];
  let i = 0;
  let v = n || 0;
  while (v >= 1024 && i < units.length - 1) [v, i] = [v / 1024, i + 1];
  return `${i ? v.toFixed(1) : v} ${units[i]}`;
}

const DEV_STATS = [
  ["ram_bytes", "RAM (viewer process)", devBytes],
  ["store_bytes", "Store size", devBytes],
  ["chunks", "Chunks", String],
  ["rows", "Rows", String],
  ["entities", "Entities", String],
  ["timelines", "Timelines", String],
  ["fps", "Frames / s", (v) => v.toFixed(1)],
  ["render_ms", "Render time", (v) => `${v.toFixed(1)} ms`],
  ["encode_ms", "Encode time", (v) => `${v.toFixed(1)} ms`],
  ["frames", "Frames sent", String],
];

function devStatsFill(ctx, body, stats) {
  void ctx;
  body.replaceChildren();
  for (const [key, label, fmt] of DEV_STATS) {
    if (stats[key] === undefined) continue;
    const row = el("div", "rr-dev-stat", body);
    row.dataset.stat = key;
    row.dataset.value = String(stats[key]);
    row.style.cssText = "display:flex;justify-content:space-between;gap:16px;";
    el("span", "", row).textContent = label;
    el("span", "rr-dev-value", row).textContent = fmt(stats[key]);
  }
}

function devTimelines(timelines, kinds) {
  const when = (name, t) => formatTime((kinds || {})[name], t);
  const parts = Object.entries(timelines || {}).map(([name, r]) => (r ? `${name}: ${when(name, r[0])} – ${when(name, r[1])}` : name));
  return parts.join("; ");
}

function devChunksFill(ctx, body, page) {
  const key = JSON.stringify(page);
  if (body.dataset.key === key) return;
  body.dataset.key = key;
  body.replaceChildren();
  const nav = el("div", "rr-dev-nav", body);
  nav.style.cssText = "display:flex;gap:8px;align-items:center;margin-bottom:6px;";
  el("span", "rr-dev-summary", nav).textContent =
    `${page.recording ?? "no recording"}: ${page.total} chunks, page ${page.page + 1} of ${page.pages}`;
  const go = (p) => ctx.model.send({ type: "dev_chunk_page", page: p });
  const prev = button(nav, "rr-dev-prev", "‹ Prev", "Previous page", () => go(page.page - 1));
  const next = button(nav, "rr-dev-next", "Next ›", "Next page", () => go(page.page + 1));
  prev.disabled = page.page <= 0;
  next.disabled = page.page >= page.pages - 1;
  const table = el("table", "rr-dev-chunks", body);
  table.style.cssText = "border-collapse:collapse;width:100%;";
  const head = el("tr", "", el("thead", "", table));
  for (const h of ["Entity", "Chunk id", "Rows", "Timelines", "Components", "Size"]) {
    const th = el("th", "", head);
    th.textContent = h;
    th.style.cssText = "text-align:left;border-bottom:1px solid #555;padding:2px 6px;";
  }
  const tbody = el("tbody", "", table);
  for (const c of page.rows) {
    const tr = el("tr", "rr-dev-chunk", tbody);
    tr.dataset.chunkId = c.id;
    const cells = [c.entity, c.id, String(c.rows), c.static ? "static" : devTimelines(c.timelines, c.kinds), c.components.join(", "), devBytes(c.bytes)];
    for (const text of cells) {
      const td = el("td", "", tr);
      td.textContent = text;
      td.style.cssText = "padding:1px 6px;vertical-align:top;border-bottom:1px solid #333;";
    }
  }
}

// A copy the viewer asked for (`ui.copy_*`): once per payload, into this page's clipboard. The
// outcome goes on the root (`data-clipboard`): the browser may refuse a page without focus.
function devClipboard(ctx, clip) {
  if (!clip || clip.seq === ctx.devClipSeq) return;
  ctx.devClipSeq = clip.seq;
  const clipboard = globalThis.navigator?.clipboard;
  const done = (outcome) => (ctx.root.dataset.clipboard = `${clip.seq}:${outcome}`);
  const desktop = devDesktop();
  let write;
  if (desktop) {
    write = desktop.rr_copy(clip.text !== undefined ? "text" : "png", clip.text ?? clip.png);
    return void write.then(() => done("ok"), (err) => done(`failed: ${err?.message || err}`));
  }
  if (!clipboard) return done("no clipboard");
  if (clip.text !== undefined) {
    write = clipboard.writeText(clip.text);
  } else {
    const bytes = Uint8Array.from(atob(clip.png), (ch) => ch.charCodeAt(0));
    write = clipboard.write([new ClipboardItem({ "image/png": new Blob([bytes], { type: "image/png" }) })]);
  }
  write.then(
    () => done("ok"),
    (err) => done(`failed: ${err?.message || err}`),
  );
}
