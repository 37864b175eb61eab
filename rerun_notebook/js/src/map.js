// The map view (Rerun's MapView): geo points and line strings over OpenStreetMap tiles, drawn here in
// the browser (the user's browser may reach the tile server while the kernel cannot). Web Mercator;
// drag pans, the wheel zooms at the pointer, double click fits the data again. Tiles that do not load
// (offline) leave a plain background with a lat/lon graticule under the data.

import { CLICK_SLOP, el, localPoint, placeNear } from "./util.js";

export const MAP_TILE = 256;
export const MAP_MAX_LAT = 85.0511287798;
export const MAP_MIN_ZOOM = 0;
export const MAP_MAX_ZOOM = 22; // tiles stop at 19 and are scaled beyond
export const MAP_TILE_MAX_ZOOM = 19;
export const MAP_DEFAULT_ZOOM = 16; // Rerun's zoom for a single point
export const MAP_PICK_RADIUS = 5; // Rerun's UI_INTERACTION_RADIUS (ui points)
export const MAP_OSM_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
export const MAP_ATTRIBUTION = "© OpenStreetMap contributors";
export const MAP_EARTH_M = 40075016.686; // equator circumference
export const MAP_RETRY_MS = 20000; // a failed tile is asked for again after this long
export const MAP_TILES = new Map(); // url -> { img, state: "loading" | "ok" | "failed" }, shared by all views

// --- projection (pure; the kernel's map_data.py has the same formulas) ------------------------

// (lat, lon) degrees -> world coordinates in 0..1 (x east, y south).
export function mapProject(lat, lon) {
  const la = Math.max(-MAP_MAX_LAT, Math.min(MAP_MAX_LAT, lat));
  const x = (lon + 180) / 360;
  const y = (1 - Math.asinh(Math.tan((la * Math.PI) / 180)) / Math.PI) / 2;
  return [x, y];
}

export function mapUnproject(x, y) {
  const lon = x * 360 - 180;
  const lat = (Math.atan(Math.sinh(Math.PI * (1 - 2 * y))) * 180) / Math.PI;
  return [lat, lon];
}

// Rerun's fit: the zoom that shows span [minLat, minLon, maxLat, maxLon] in w x h (15 px margin);
// null when the span has no extent in latitude or longitude (then Rerun uses 16).
export function mapFitZoom(span, w, h) {
  if (!span) return null;
  const [lat0, lon0, lat1, lon1] = span;
  if (lat0 === lat1 || lon0 === lon1) return null;
  const dx = ((lon1 - lon0) / 360) * MAP_TILE;
  const dy = Math.abs(mapProject(lat0, 0)[1] - mapProject(lat1, 0)[1]) * MAP_TILE;
  const zx = Math.log2(Math.max(w - 15, 1) / dx);
  const zy = Math.log2(Math.max(h - 15, 1) / Math.max(dy, 1e-12));
  return Math.min(zx, zy);
}

export function mapClampZoom(z) {
  return Math.max(MAP_MIN_ZOOM, Math.min(MAP_MAX_ZOOM, z));
}

// The camera a view starts with: the blueprint's zoom (MapZoom), else a fit of the data, else 16;
// centered on the data (Rerun HQ when there is none).
export function mapInitialCamera(payload, w, h) {
  const [lat, lon] = payload.center || [59.319224, 18.075514];
  const zoom = payload.zoom ?? mapFitZoom(payload.span, w, h) ?? MAP_DEFAULT_ZOOM;
  return { lat, lon, zoom: mapClampZoom(zoom) };
}

// World (0..1) -> view pixels for camera {lat, lon, zoom} in a w x h view; and back.
export function mapToScreen(cam, w, h, x, y) {
  const s = MAP_TILE * 2 ** cam.zoom;
  const [cx, cy] = mapProject(cam.lat, cam.lon);
  return [(x - cx) * s + w / 2, (y - cy) * s + h / 2];
}

export function mapFromScreen(cam, w, h, px, py) {
  const s = MAP_TILE * 2 ** cam.zoom;
  const [cx, cy] = mapProject(cam.lat, cam.lon);
  return [cx + (px - w / 2) / s, cy + (py - h / 2) / s];
}

export function mapLatLonToScreen(cam, w, h, lat, lon) {
  const [x, y] = mapProject(lat, lon);
  return mapToScreen(cam, w, h, x, y);
}

// Pan so the world point under (px, py) moves by (dx, dy) pixels.
export function mapPan(cam, dx, dy) {
  const s = MAP_TILE * 2 ** cam.zoom;
  const [cx, cy] = mapProject(cam.lat, cam.lon);
  const ny = Math.max(0, Math.min(1, cy - dy / s));
  const [lat, lon] = mapUnproject(cx - dx / s, ny);
  return { ...cam, lat, lon: ((((lon + 180) % 360) + 360) % 360) - 180 };
}

// Zoom by `dz` keeping the world point under (px, py) in place.
export function mapZoomAt(cam, w, h, px, py, dz) {
  const zoom = mapClampZoom(cam.zoom + dz);
  const [wx, wy] = mapFromScreen(cam, w, h, px, py);
  const s = MAP_TILE * 2 ** zoom;
  const cx = wx - (px - w / 2) / s;
  const cy = Math.max(0, Math.min(1, wy - (py - h / 2) / s));
  const [lat, lon] = mapUnproject(cx, cy);
  return { lat, lon, zoom };
}

export function mapMetersPerPixel(lat, zoom) {
  return (MAP_EARTH_M * Math.cos((lat * Math.PI) / 180)) / (MAP_TILE * 2 ** zoom);
}

// Rerun's radii: negative = ui points, positive = meters on the ground.
export function mapRadiusPx(r, lat, zoom) {
  if (r < 0) return -r;
  return r / mapMetersPerPixel(lat, zoom);
}

// The tiles covering the view: {z, x, y, px, py, size} (x wrapped around the world, y clipped).
export function mapVisibleTiles(cam, w, h) {
  const z = Math.max(0, Math.min(MAP_TILE_MAX_ZOOM, Math.round(cam.zoom)));
  const n = 2 ** z;
  const size = MAP_TILE * 2 ** (cam.zoom - z);
  const [x0, y0] = mapFromScreen(cam, w, h, 0, 0);
  const [x1, y1] = mapFromScreen(cam, w, h, w, h);
  const out = [];
  for (let ty = Math.max(0, Math.floor(y0 * n)); ty <= Math.min(n - 1, Math.ceil(y1 * n) - 1); ty++) {
    for (let tx = Math.floor(x0 * n); tx <= Math.ceil(x1 * n) - 1; tx++) {
      const [px, py] = mapToScreen(cam, w, h, tx / n, ty / n);
      out.push({ z, x: ((tx % n) + n) % n, y: ty, px, py, size });
    }
  }
  return out;
}

export function mapTileUrl(t) {
  return MAP_OSM_URL.replace("{z}", t.z).replace("{x}", t.x).replace("{y}", t.y);
}

// A round graticule step (degrees) giving a few lines over `degrees`.
export function mapGraticuleStep(degrees) {
  const steps = [90, 45, 30, 20, 10, 5, 2, 1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001, 5e-4, 2e-4, 1e-4, 5e-5, 2e-5, 1e-5];
  for (const s of steps) if (degrees / s >= 3) return s;
  return steps[steps.length - 1];
}

// 0xRRGGBBAA -> a CSS color.
export function mapCss(c) {
  const v = Number(c) >>> 0;
  return `rgba(${v >>> 24},${(v >>> 16) & 255},${(v >>> 8) & 255},${((v & 255) / 255).toFixed(3)})`;
}

export function mapAt(values, i) {
  return Array.isArray(values) ? values[Math.min(i, values.length - 1)] : values;
}

export function mapPointToSegment(px, py, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const len = dx * dx + dy * dy;
  const t = len ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len)) : 0;
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

// What is under (px, py): the nearest point within its radius + 5 px (points first, the topmost
// entity wins ties), else the nearest line string. {entity_path, instance, kind, lat, lon, label?}.
export function mapHitTest(payload, cam, w, h, px, py) {
  let best = null;
  const ents = payload?.entities || [];
  for (const ent of ents) {
    const p = ent.points;
    if (!p) continue;
    p.pos.forEach(([lat, lon], i) => {
      const [sx, sy] = mapLatLonToScreen(cam, w, h, lat, lon);
      const d = Math.hypot(sx - px, sy - py);
      const reach = mapRadiusPx(mapAt(p.r, i), lat, cam.zoom) + MAP_PICK_RADIUS;
      if (d <= reach && (!best || d <= best.d)) {
        best = { d, entity_path: ent.path, instance: i, kind: "point", lat, lon, label: mapAt(p.labels, i) || null };
      }
    });
  }
  if (best) return best;
  for (const ent of ents) {
    const l = ent.lines;
    if (!l) continue;
    l.strips.forEach((strip, i) => {
      const pts = strip.map(([lat, lon]) => mapLatLonToScreen(cam, w, h, lat, lon));
      for (let k = 0; k + 1 < pts.length; k++) {
        const d = mapPointToSegment(px, py, ...pts[k], ...pts[k + 1]);
        const reach = mapRadiusPx(mapAt(l.r, i), strip[k][0], cam.zoom) + MAP_PICK_RADIUS;
        if (d <= reach && (!best || d <= best.d)) {
          const [lat, lon] = mapUnproject(...mapFromScreen(cam, w, h, px, py));
          best = { d, entity_path: ent.path, instance: i, kind: "line", lat, lon, label: null };
        }
      }
    });
  }
  return best;
}

// --- drawing -----------------------------------------------------------------------------------

export function mapTile(url, redraw) {
  let t = MAP_TILES.get(url);
  if (t && t.state === "failed" && Date.now() - t.failedAt > MAP_RETRY_MS) t = null; // back online?
  if (!t) {
    const img = new Image();
    t = { img, state: "loading", waiting: new Set(), failedAt: 0 };
    MAP_TILES.set(url, t);
    const settle = (state) => {
      t.state = state;
      t.failedAt = state === "failed" ? Date.now() : 0;
      for (const f of t.waiting) f(); // the views redraw: the tile, or the offline note
      t.waiting.clear();
    };
    img.onload = () => settle("ok");
    img.onerror = () => settle("failed");
    img.src = url;
  }
  if (t.state === "loading") t.waiting.add(redraw);
  return t;
}

export function mapDrawGraticule(g, cam, w, h) {
  const [lat0, lon0] = mapUnproject(...mapFromScreen(cam, w, h, 0, h));
  const [lat1, lon1] = mapUnproject(...mapFromScreen(cam, w, h, w, 0));
  const step = mapGraticuleStep(Math.max(lon1 - lon0, lat1 - lat0, 1e-9));
  g.strokeStyle = "rgba(120,140,150,0.35)";
  g.fillStyle = "rgba(150,165,172,0.8)";
  g.lineWidth = 1;
  g.font = "10px ui-monospace, monospace";
  const digits = Math.max(0, Math.ceil(-Math.log10(step)));
  for (let lon = Math.ceil(lon0 / step) * step; lon <= lon1; lon += step) {
    const [x] = mapLatLonToScreen(cam, w, h, 0, lon);
    g.beginPath();
    g.moveTo(Math.round(x) + 0.5, 0);
    g.lineTo(Math.round(x) + 0.5, h);
    g.stroke();
    g.fillText(`${lon.toFixed(digits)}°`, x + 3, 12); // on top: the attribution sits bottom right
  }
  for (let lat = Math.ceil(lat0 / step) * step; lat <= lat1; lat += step) {
    const [, y] = mapLatLonToScreen(cam, w, h, lat, 0);
    g.beginPath();
    g.moveTo(0, Math.round(y) + 0.5);
    g.lineTo(w, Math.round(y) + 0.5);
    g.stroke();
    g.fillText(`${lat.toFixed(digits)}°`, 3, y - 3);
  }
}

// Tiles drawn (the graticule shows through where they are missing); true when all are loaded.
export function mapDrawTiles(g, cam, w, h, redraw) {
  let all = true;
  for (const t of mapVisibleTiles(cam, w, h)) {
    const tile = mapTile(mapTileUrl(t), redraw);
    if (tile.state === "ok") g.drawImage(tile.img, t.px, t.py, t.size + 0.5, t.size + 0.5);
    else all = false;
  }
  return all;
}

export function mapDrawData(g, payload, cam, w, h, selected) {
  for (const ent of payload.entities || []) {
    const l = ent.lines;
    if (!l) continue;
    l.strips.forEach((strip, i) => {
      if (strip.length < 2) return;
      g.beginPath();
      strip.forEach(([lat, lon], k) => g[k ? "lineTo" : "moveTo"](...mapLatLonToScreen(cam, w, h, lat, lon)));
      g.strokeStyle = mapCss(mapAt(l.c, i));
      g.lineWidth = Math.max(1, 2 * mapRadiusPx(mapAt(l.r, i), strip[0][0], cam.zoom));
      g.lineJoin = g.lineCap = "round";
      g.stroke();
    });
  }
  for (const ent of payload.entities || []) if (ent.points) mapDrawPoints(g, ent, cam, w, h, selected.get(ent.path));
}

// One entity's points: consecutive points of one color share a path (one fill for a whole
// single-colored cloud); the selected ones (all for an entity selection: null) get a white ring.
export function mapDrawPoints(g, ent, cam, w, h, sel) {
  const p = ent.points;
  const ring = [];
  let color = null;
  const flush = () => {
    if (color !== null) {
      g.fillStyle = mapCss(color);
      g.fill();
    }
  };
  p.pos.forEach(([lat, lon], i) => {
    const [x, y] = mapLatLonToScreen(cam, w, h, lat, lon);
    const r = Math.max(0.5, mapRadiusPx(mapAt(p.r, i), lat, cam.zoom));
    if (x < -r || y < -r || x > w + r || y > h + r) return;
    const c = mapAt(p.c, i);
    if (c !== color) {
      flush();
      g.beginPath();
      color = c;
    }
    g.moveTo(x + r, y);
    g.arc(x, y, r, 0, 2 * Math.PI);
    if (sel !== undefined && (sel === null || sel === i)) ring.push([x, y, r]);
  });
  flush();
  g.lineWidth = 2;
  g.strokeStyle = "#ffffff";
  for (const [x, y, r] of ring) {
    g.beginPath();
    g.arc(x, y, r, 0, 2 * Math.PI);
    g.stroke();
  }
}

// The whole picture of one view into a 2D canvas context.
export function mapDraw(g, payload, cam, w, h, { tiles = true, redraw = () => {}, selected = new Map() } = {}) {
  g.fillStyle = "#1b2226";
  g.fillRect(0, 0, w, h);
  mapDrawGraticule(g, cam, w, h);
  const complete = tiles ? mapDrawTiles(g, cam, w, h, redraw) : false;
  mapDrawData(g, payload, cam, w, h, selected);
  return complete;
}

// --- the view in the widget -----------------------------------------------------------------------

export function mapSelected(ctx) {
  const out = new Map();
  for (const s of ctx.state?.selection || []) if (s.entity_path) out.set(s.entity_path, s.instance_id ?? null);
  return out;
}

export function mapRedraw(ctx, box) {
  const m = box._map;
  const canvas = m.canvas;
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  if (!w || !h) return;
  const dpr = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  if (!m.cam) m.cam = mapInitialCamera(m.payload, w, h);
  const g = canvas.getContext("2d");
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  m.redraw ||= () => {
    if (m.frameQueued) return;
    m.frameQueued = true;
    requestAnimationFrame(() => {
      m.frameQueued = false;
      mapRedraw(ctx, box);
    });
  };
  const complete = mapDraw(g, m.payload, m.cam, w, h, { redraw: m.redraw, selected: mapSelected(ctx) });
  m.offline.style.display = !complete && mapTilesFailed(m.cam, w, h) ? "" : "none";
}

export function mapTilesFailed(cam, w, h) {
  return mapVisibleTiles(cam, w, h).some((t) => MAP_TILES.get(mapTileUrl(t))?.state === "failed");
}

export function mapSetupInput(ctx, box) {
  const m = box._map;
  const c = m.canvas;
  const local = (ev) => {
    const p = localPoint(c, ev);
    return [p.x, p.y];
  };
  let press = null;
  c.addEventListener("pointerdown", (ev) => {
    c.setPointerCapture(ev.pointerId);
    press = { at: local(ev), last: local(ev) };
    ctx.hideTooltip();
    ev.preventDefault();
  });
  c.addEventListener("pointermove", (ev) => {
    const p = local(ev);
    if (press && ev.buttons) {
      m.cam = mapPan(m.cam, p[0] - press.last[0], p[1] - press.last[1]);
      press.last = p;
      m.moved = true;
      mapRedraw(ctx, box);
      return;
    }
    if (!m.hoverAt) {
      requestAnimationFrame(() => {
        const at = m.hoverAt;
        m.hoverAt = null;
        if (at) mapHover(ctx, box, at);
      });
    }
    m.hoverAt = p; // one hit test per frame, at the newest pointer position
  });
  c.addEventListener("pointerup", (ev) => {
    const p = local(ev);
    if (press && Math.hypot(p[0] - press.at[0], p[1] - press.at[1]) < CLICK_SLOP && ev.button === 0) {
      const hit = mapHitTest(m.payload, m.cam, c.clientWidth, c.clientHeight, p[0], p[1]);
      const add = ev.ctrlKey || ev.metaKey;
      if (hit || !add) ctx.model.send({ type: "select", entity_path: hit?.entity_path ?? null, instance: hit?.instance ?? null, view_name: m.name, add });
    }
    press = null;
  });
  c.addEventListener("pointerleave", () => {
    m.hoverAt = null;
    ctx.hideTooltip();
  });
  c.addEventListener("wheel", (ev) => {
    ev.preventDefault();
    const unit = ev.deltaMode === 1 ? 16 : ev.deltaMode === 2 ? 100 : 1;
    const [x, y] = local(ev);
    m.cam = mapZoomAt(m.cam, c.clientWidth, c.clientHeight, x, y, (-ev.deltaY * unit) / 240);
    m.moved = true;
    mapRedraw(ctx, box);
  }, { passive: false });
  c.addEventListener("dblclick", () => {
    m.cam = null; // Rerun: a double click goes back to the fitted view
    m.moved = false;
    mapRedraw(ctx, box);
  });
  c.addEventListener("contextmenu", (ev) => ev.preventDefault());
}

export function mapHover(ctx, box, p) {
  const m = box._map;
  const c = m.canvas;
  const hit = mapHitTest(m.payload, m.cam, c.clientWidth, c.clientHeight, p[0], p[1]);
  const tip = ctx.tooltip;
  if (!hit) {
    ctx.hideTooltip();
    return;
  }
  const lines = [`${hit.entity_path}  #${hit.instance}`, `view: ${m.name}`, `${hit.kind === "point" ? "position" : "at"}: ${hit.lat.toFixed(6)}°, ${hit.lon.toFixed(6)}°`];
  if (hit.label) lines.push(`label: ${hit.label}`);
  tip.textContent = lines.join("\n");
  tip.style.display = "block";
  const left = parseFloat(box.style.left) || 0;
  const top = parseFloat(box.style.top) || 0;
  placeNear(tip, { x: left, y: top, w: c.clientWidth, h: c.clientHeight }, left + p[0], top + p[1]);
}

// Build (once) and refresh the map view inside its overlay box; the camera stays as the user left it.
export function renderMapView(ctx, box, v) {
  if (!box._map) {
    const canvas = el("canvas", "rr-mapcanvas", box);
    const attribution = el("a", "rr-mapattr", box);
    Object.assign(attribution, { href: "https://www.openstreetmap.org/copyright", target: "_blank", rel: "noopener noreferrer", textContent: MAP_ATTRIBUTION });
    const offline = el("div", "rr-mapoffline", box);
    offline.textContent = "map tiles unavailable (offline?): graticule only";
    box.classList.add("rr-mapview");
    box._map = { canvas, attribution, offline, cam: null, moved: false, payload: {}, key: "" };
    mapSetupInput(ctx, box);
    new ResizeObserver(() => mapRedraw(ctx, box)).observe(canvas);
  }
  const m = box._map;
  const payload = v.map || { entities: [] };
  const key = JSON.stringify(payload);
  m.viewId = v.id;
  m.name = v.name;
  if (key !== m.key) {
    const zoomChanged = JSON.stringify([payload.zoom, payload.span]) !== JSON.stringify([m.payload.zoom, m.payload.span]);
    m.key = key;
    m.payload = payload;
    if (!m.moved && zoomChanged) m.cam = null; // follow the data until the user moves the map
  }
  m.attribution.title = payload.provider && payload.provider !== "OpenStreetMap" ? `${payload.provider} needs a Mapbox token here: showing OpenStreetMap` : "";
  const drawn = key + "|" + JSON.stringify(ctx.state?.selection || []);
  if (drawn === m.drawn) return; // a state change elsewhere (e.g. the time panel): nothing new here
  m.drawn = drawn;
  mapRedraw(ctx, box);
}
