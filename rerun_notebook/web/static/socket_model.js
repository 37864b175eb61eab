// A stand-in for anywidget's model over a WebSocket, so the widget's modules run on a plain page.
// Text messages are JSON ({kind: "set" | "msg"}); binary ones are frames (see page.py).

export function splitFrame(buffer) {
  const view = new DataView(buffer);
  const n = view.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, n)));
  return [header, buffer.slice(4 + n)];
}

export class SocketModel {
  constructor(url, WebSocketImpl = globalThis.WebSocket) {
    this.attrs = { _state: "{}", _ticks: "{}", css_width: "100%", css_height: "100%" };
    this.handlers = new Map();
    this.queue = [];
    this.status = "connecting";
    const ws = (this.ws = new WebSocketImpl(url));
    ws.binaryType = "arraybuffer";
    ws.onopen = () => {
      this.status = "open";
      for (const text of this.queue) ws.send(text);
      this.queue = [];
      this.emit("status", "open");
    };
    ws.onclose = () => {
      this.status = "closed";
      this.emit("status", "closed");
    };
    ws.onmessage = (ev) => this.receive(ev.data);
  }

  get(name) {
    return this.attrs[name];
  }

  on(event, fn) {
    if (!this.handlers.has(event)) this.handlers.set(event, new Set());
    this.handlers.get(event).add(fn);
  }

  off(event, fn) {
    this.handlers.get(event)?.delete(fn);
  }

  emit(event, ...args) {
    for (const fn of [...(this.handlers.get(event) || [])]) fn(...args);
  }

  send(msg) {
    const text = JSON.stringify(msg);
    if (this.status === "open") this.ws.send(text);
    else if (this.status === "connecting") this.queue.push(text);
  }

  receive(data) {
    if (typeof data !== "string") {
      const [header, payload] = splitFrame(data);
      this.emit("msg:custom", header, [payload]);
      return;
    }
    const m = JSON.parse(data);
    if (m.kind === "set") {
      this.attrs[m.name] = m.value;
      this.emit(`change:${m.name}`);
    } else if (m.kind === "msg") {
      this.emit("msg:custom", m.content, []);
    }
  }
}
