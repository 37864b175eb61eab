// Rerun notebook viewer: the browser half of a remote framebuffer (see widget.py).
// Frames arrive as binary custom messages, are decoded off the main thread, drawn, and acked.
// Input goes back as jupyter_rfb-style event dicts. Panels are plain HTML built from `_state`.

const MODIFIERS = ["Shift", "Control", "Alt", "Meta"];
const BUTTON = { 0: 1, 1: 3, 2: 2 }; // DOM button -> jupyter_rfb button (1 left, 2 right, 3 middle)
const CLICK_SLOP = 4; // pixels a press may move and still count as a click
const HOVER_MS = 80;

function el(tag, cls, parent) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (parent) parent.appendChild(node);
  return node;
}

function modifiers(ev) {
  return MODIFIERS.filter((m) => ev.getModifierState && ev.getModifierState(m));
}

function buttonsList(mask) {
  const out = [];
  if (mask & 1) out.push(1);
  if (mask & 2) out.push(2);
  if (mask & 4) out.push(3);
  return out;
}

// A time value as the selected timeline's type shows it: sequence "#n", duration "1.500s",
// timestamp as a UTC date-time. Rows without a value on that timeline show "–".
export function formatTime(kind, t) {
  if (t === null || t === undefined) return "–";
  if (kind === "sequence") return "#" + t;
  if (kind === "duration") return formatDuration(t);
  if (kind === "timestamp") {
    const d = new Date(t / 1e6);
    return isNaN(d) ? String(t) : d.toISOString().replace("T", " ").replace("Z", "");
  }
  return String(t); // unknown type: the raw value rather than a made-up date
}

function formatDuration(ns) {
  const s = ns / 1e9;
  if (Math.abs(s) < 60) return s.toFixed(3) + "s";
  const sign = s < 0 ? "-" : "";
  const a = Math.abs(s);
  const h = Math.floor(a / 3600);
  const m = Math.floor((a % 3600) / 60);
  const sec = (a % 60).toFixed(3).padStart(6, "0");
  return sign + (h ? `${h}h${String(m).padStart(2, "0")}m` : `${m}m`) + sec + "s";
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function cssToKernel(ctx) {
  const size = ctx.state?.size;
  const w = ctx.canvas.clientWidth;
  const h = ctx.canvas.clientHeight;
  if (!size || !w || !h) return [1, 1];
  return [size[0] / w, size[1] / h];
}

// --- the picture ---------------------------------------------------------------------------

function setupCanvas(ctx) {
  const { model, view, canvas } = ctx;
  const g = canvas.getContext("2d");
  let newest = 0;
  ctx.onFrame = async (msg, buffers) => {
    const blob = new Blob([buffers[0]], { type: msg.mime });
    let bitmap = null;
    try {
      bitmap = await createImageBitmap(blob);
    } catch (e) {
      console.warn("rerun: could not decode a frame", e);
    }
    if (bitmap && msg.index > newest) {
      newest = msg.index;
      if (canvas.width !== bitmap.width || canvas.height !== bitmap.height) {
        canvas.width = bitmap.width;
        canvas.height = bitmap.height;
      }
      g.drawImage(bitmap, 0, 0);
      canvas.dataset.frame = String(msg.index);
      canvas.dataset.mime = msg.mime;
    }
    if (bitmap) bitmap.close();
    model.send({ type: "ack", index: msg.index, localtime: Date.now() / 1000 });
  };

  const ro = new ResizeObserver(() => {
    if (ctx.state) renderViews(ctx, ctx.state.views || []); // overlays follow the stretched picture
    clearTimeout(ctx.resizeTimer);
    ctx.resizeTimer = setTimeout(() => {
      const w = Math.round(view.clientWidth);
      const h = Math.round(view.clientHeight);
      if (w > 0 && h > 0) model.send({ type: "resize", width: w, height: h, pixel_ratio: 1 });
    }, 60);
  });
  ro.observe(view);
  ctx.cleanups.push(() => ro.disconnect());
}

function setupVisibility(ctx) {
  const { model, root, viewId } = ctx;
  let onScreen = false;
  const report = () => {
    const visible = onScreen && document.visibilityState === "visible";
    if (visible !== ctx.visible) {
      ctx.visible = visible;
      model.send({ type: "visible", view: viewId, visible });
    }
  };
  const io = new IntersectionObserver((entries) => {
    for (const e of entries) onScreen = e.isIntersecting;
    report();
  });
  io.observe(root);
  document.addEventListener("visibilitychange", report);
  ctx.cleanups.push(() => {
    io.disconnect();
    document.removeEventListener("visibilitychange", report);
    model.send({ type: "visible", view: viewId, visible: false });
  });
}

// --- input -----------------------------------------------------------------------------------

function setupInput(ctx) {
  const { model, canvas } = ctx;
  let pendingMove = null;
  let pendingWheel = null;
  let press = null;
  let hoverTimer = 0;
  let hoverSeq = 0;
  const css = (ev) => {
    const r = canvas.getBoundingClientRect();
    return { x: ev.clientX - r.left, y: ev.clientY - r.top };
  };
  const pos = (ev) => {
    // Kernel pixels: the frame may be stretched while a resize has not reached a busy kernel.
    const c = css(ev);
    const [sx, sy] = cssToKernel(ctx);
    return { x: c.x * sx, y: c.y * sy };
  };
  const pointer = (type, ev) => ({
    event_type: type, ...pos(ev), button: BUTTON[ev.button] ?? 0, buttons: buttonsList(ev.buttons),
    modifiers: modifiers(ev), ntouches: 0, touches: {}, time_stamp: ev.timeStamp / 1000,
  });
  const send = (event) => model.send({ type: "input", event });
  const flush = () => {
    if (pendingMove) send(pendingMove);
    if (pendingWheel) send(pendingWheel);
    pendingMove = pendingWheel = null;
  };
  const schedule = () => requestAnimationFrame(flush);

  canvas.addEventListener("pointerdown", (ev) => {
    canvas.setPointerCapture(ev.pointerId);
    canvas.focus({ preventScroll: true });
    press = { ...css(ev), button: ev.button };
    ctx.hideTooltip();
    flush();
    send(pointer("pointer_down", ev));
    ev.preventDefault();
  });
  canvas.addEventListener("pointermove", (ev) => {
    if (ev.buttons) {
      if (!pendingMove && !pendingWheel) schedule();
      pendingMove = pointer("pointer_move", ev);
      return;
    }
    const p = pos(ev);
    clearTimeout(hoverTimer);
    hoverTimer = setTimeout(() => model.send({ type: "hover", x: p.x, y: p.y, seq: ++hoverSeq }), HOVER_MS);
    ctx.pointerAt = css(ev);
  });
  canvas.addEventListener("pointerup", (ev) => {
    flush();
    send(pointer("pointer_up", ev));
    const c = css(ev);
    if (press && press.button === 0 && Math.hypot(c.x - press.x, c.y - press.y) < CLICK_SLOP) {
      const p = pos(ev);
      ctx.clickAt = c;
      model.send({ type: "click", x: p.x, y: p.y });
    }
    press = null;
  });
  canvas.addEventListener("pointerleave", () => {
    clearTimeout(hoverTimer);
    ctx.hideTooltip();
  });
  canvas.addEventListener("dblclick", (ev) => {
    send({ event_type: "double_click", ...pos(ev), button: BUTTON[ev.button] ?? 0, buttons: [], modifiers: modifiers(ev) });
  });
  canvas.addEventListener("wheel", (ev) => {
    ev.preventDefault();
    const scale = ev.deltaMode === 1 ? 16 : ev.deltaMode === 2 ? 100 : 1;
    if (!pendingMove && !pendingWheel) schedule();
    const prev = pendingWheel || { dx: 0, dy: 0 };
    pendingWheel = {
      event_type: "wheel", ...pos(ev), dx: prev.dx + ev.deltaX * scale, dy: prev.dy + ev.deltaY * scale,
      buttons: buttonsList(ev.buttons), modifiers: modifiers(ev), time_stamp: ev.timeStamp / 1000,
    };
  }, { passive: false });
  canvas.addEventListener("contextmenu", (ev) => ev.preventDefault());
  for (const [dom, rfb] of [["keydown", "key_down"], ["keyup", "key_up"]]) {
    canvas.addEventListener(dom, (ev) => {
      if (dom === "keydown" && timeKey(ctx, ev)) return;
      send({ event_type: rfb, key: ev.key, modifiers: modifiers(ev) });
    });
  }
  ctx.hoverSeq = () => hoverSeq;
}

// Space plays/pauses and the arrow keys step the time cursor, as in Rerun's viewer.
function timeKey(ctx, ev) {
  const t = ctx.state?.time;
  if (!t || ev.ctrlKey || ev.metaKey || ev.altKey) return false;
  const act = (action, value) => ctx.model.send({ type: "time", action, value });
  if (ev.key === " ") {
    act(t.playing ? "pause" : "play");
  } else if ((ev.key === "ArrowLeft" || ev.key === "ArrowRight") && t.time !== null) {
    const cur = t.timelines.find((x) => x.name === t.timeline);
    if (!cur?.range) return false;
    const step = cur.kind === "sequence" ? 1 : Math.max(1, Math.round((cur.range[1] - cur.range[0]) / 100));
    const next = t.time + (ev.key === "ArrowRight" ? step : -step);
    act("seek", Math.min(cur.range[1], Math.max(cur.range[0], next)));
  } else {
    return false;
  }
  ev.preventDefault();
  return true;
}

function showTooltip(ctx, msg) {
  const tip = ctx.tooltip;
  if (!msg.info || msg.seq !== ctx.hoverSeq() || !ctx.pointerAt) {
    tip.style.display = "none";
    return;
  }
  const info = msg.info;
  const lines = [info.entity_path + (info.instance !== null && info.instance !== undefined ? `  #${info.instance}` : "")];
  if (info.view) lines.push(`view: ${info.view}`);
  if (info.position) lines.push(`position: ${JSON.stringify(info.position)}`);
  for (const [k, v] of Object.entries(info.values || {})) lines.push(`${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`);
  tip.textContent = lines.join("\n");
  tip.style.display = "block";
  const { x, y } = ctx.pointerAt;
  placeNear(tip, viewRectAt(ctx, x, y), x, y);
}

// The CSS-pixel rect of the view under a canvas point (the whole canvas when none is).
export function viewRectAt(ctx, x, y) {
  const [sx, sy] = cssToKernel(ctx);
  for (const v of ctx.state?.views || []) {
    const r = { x: v.rect[0] / sx, y: v.rect[1] / sy, w: v.rect[2] / sx, h: v.rect[3] / sy };
    if (x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h) return r;
  }
  return { x: 0, y: 0, w: ctx.canvas.clientWidth, h: ctx.canvas.clientHeight };
}

// Put a floating box beside (x, y), flipped and clamped so it stays inside `rect`.
export function placeNear(box, rect, x, y, gap = 14) {
  box.style.right = "auto";
  box.style.maxWidth = Math.max(80, rect.w - 8) + "px";
  box.style.maxHeight = Math.max(40, rect.h - 8) + "px";
  const w = box.offsetWidth;
  const h = box.offsetHeight;
  let left = x + gap + w <= rect.x + rect.w ? x + gap : x - gap - w;
  let top = y + gap + h <= rect.y + rect.h ? y + gap : y - gap - h;
  left = Math.min(Math.max(left, rect.x + 4), rect.x + rect.w - w - 4);
  top = Math.min(Math.max(top, rect.y + 4), rect.y + rect.h - h - 4);
  box.style.left = Math.max(rect.x, left) + "px";
  box.style.top = Math.max(rect.y, top) + "px";
}

// --- panels ----------------------------------------------------------------------------------

function buildTimePanel(ctx, parent) {
  const { model } = ctx;
  const act = (action, value) => model.send({ type: "time", action, value });
  const controls = el("div", "rr-controls", parent);
  const play = el("button", "rr-play", controls);
  play.title = "Play / pause";
  play.onclick = () => act(ctx.state?.time?.playing ? "pause" : "play");
  const follow = el("button", "rr-follow", controls);
  follow.textContent = "● live";
  follow.title = "Follow the newest data";
  follow.onclick = () => act("follow");
  const loop = el("button", "rr-loop", controls);
  loop.textContent = "⟲";
  loop.title = "Loop";
  loop.onclick = () => act("loop", !ctx.state?.time?.looping);
  const speed = el("select", "rr-speed", controls);
  for (const s of [0.25, 0.5, 1, 2, 4, 8]) {
    const o = el("option", null, speed);
    o.value = String(s);
    o.textContent = s + "×";
  }
  speed.onchange = () => act("speed", Number(speed.value));
  const timeline = el("select", "rr-timeline", controls);
  timeline.onchange = () => act("timeline", timeline.value);
  const now = el("span", "rr-now", controls);
  const scrub = el("input", "rr-scrub", parent);
  scrub.type = "range";
  let scrubbing = false;
  scrub.oninput = () => {
    scrubbing = true;
    act("seek", Number(scrub.value));
  };
  scrub.onchange = () => (scrubbing = false);
  return (t) => {
    if (!t) return;
    play.textContent = t.playing ? "⏸" : "▶";
    play.classList.toggle("rr-on", t.playing);
    follow.classList.toggle("rr-on", t.following);
    loop.classList.toggle("rr-on", t.looping);
    speed.value = String(t.speed);
    const names = t.timelines.map((x) => x.name).join("\n");
    if (timeline.dataset.names !== names) {
      timeline.dataset.names = names;
      timeline.replaceChildren(...t.timelines.map((x) => Object.assign(document.createElement("option"), { value: x.name, textContent: x.name })));
    }
    timeline.value = t.timeline ?? "";
    const cur = t.timelines.find((x) => x.name === t.timeline);
    now.textContent = formatTime(cur?.kind, t.time);
    if (cur?.range) {
      scrub.min = String(cur.range[0]);
      scrub.max = String(cur.range[1]);
      scrub.step = cur.kind === "sequence" ? "1" : "any";
      scrub.disabled = false;
      if (!scrubbing) scrub.value = String(t.time ?? cur.range[1]);
    } else {
      scrub.disabled = true;
    }
  };
}

function renderTree(ctx, rows, selected) {
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

function renderViews(ctx, views) {
  const { overlay } = ctx;
  const seen = new Set();
  for (const v of views) {
    const id = "v" + v.id;
    seen.add(id);
    let box = [...overlay.children].find((c) => c.dataset.vid === id);
    const isText = v.kind === "text_log" || v.kind === "text_document";
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
    title.textContent = v.name;
    Object.assign(title.style, isText ? { left: "0", top: box.scrollTop + "px" } : {});
    if (v.kind === "text_log") renderTextLog(ctx, box, v);
    if (v.kind === "tensor") renderTensorSliders(ctx, box, v);
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

function renderTensorSliders(ctx, box, v) {
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

function renderTextLog(ctx, box, v) {
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
  table.dataset.times = JSON.stringify(rows.map((r) => r.time));
  table.innerHTML = "<tr><th>time</th><th>entity</th><th>level</th><th>body</th></tr>" + rows.map((r) =>
    `<tr class="rr-level-${escapeHtml(String(r.level).toUpperCase())}"${r.color ? ` style="color:${escapeHtml(r.color)}"` : ""}><td>${escapeHtml(formatTime(kind, r.time))}</td>` +
    `<td>${escapeHtml(r.entity)}</td><td>${escapeHtml(r.level)}</td><td>${escapeHtml(r.text)}</td></tr>`).join("");
  box.dataset.cursor = "";
  followTimeCursor(ctx, box);
}

// A text view scrolls as a whole; its title and level filter stay at the top edge.
function pinToTop(box) {
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
function followTimeCursor(ctx, box) {
  const table = box.querySelector("table");
  if (!table) return;
  const times = JSON.parse(table.dataset.times || "[]");
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

function cellText(v) {
  return escapeHtml(typeof v === "string" ? v : JSON.stringify(v));
}

function rowsHtml(obj) {
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

function renderSelectionPanel(ctx, sel, values, mode, details) {
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

function applyState(ctx) {
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

function buildTop(ctx) {
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

function render({ model, el: host }) {
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
