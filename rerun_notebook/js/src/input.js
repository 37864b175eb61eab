// Input goes back to the kernel as jupyter_rfb-style event dicts; hover asks for a pick.

import { BUTTON, CLICK_SLOP, HOVER_MS, buttonsList, cssToKernel, localPoint, modifiers, placeNear, viewRectAt } from "./util.js";
import { timeKeyAction } from "./time_panel.js";

export function setupInput(ctx) {
  const { model, canvas } = ctx;
  let pendingMove = null;
  let pendingWheel = null;
  let press = null;
  let hoverTimer = 0;
  let hoverSeq = 0;
  const css = (ev) => localPoint(canvas, ev);
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
      model.send({ type: "click", x: p.x, y: p.y, add: ev.ctrlKey || ev.metaKey }); // Ctrl/Cmd: add to the selection
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

// Rerun's time keys (time_panel.js timeKeyAction): Space play/pause, arrows move, Ctrl+arrows step
// to the previous/next data, Alt+arrows restart/follow, Home/End.
export function timeKey(ctx, ev) {
  const t = ctx.state?.time;
  const action = t ? timeKeyAction(ev) : null;
  if (!action) return false;
  ctx.model.send({ type: "time", action: action[0], value: action[1] });
  ev.preventDefault();
  return true;
}

export function showTooltip(ctx, msg) {
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
