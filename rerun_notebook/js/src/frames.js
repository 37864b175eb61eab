// The picture: frames arrive as binary custom messages, are decoded off the main thread, drawn,
// and acked; visibility is reported so a hidden widget costs the kernel nothing.

import { renderViews } from "./views.js";

export function setupCanvas(ctx) {
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

export function setupVisibility(ctx) {
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
