// The web viewer page: the notebook widget's module driven by a WebSocket model.

import widget from "./widget.js";
import { SocketModel } from "./socket_model.js";

const scheme = location.protocol === "https:" ? "wss:" : "ws:";
// The server lets a browser's socket in only with the session token it put into this page.
const token = document.querySelector('meta[name="rerun-session-token"]')?.content ?? "";
const model = new SocketModel(`${scheme}//${location.host}/ws?token=${encodeURIComponent(token)}`);
widget.render({ model, el: document.getElementById("app") });
// `?url=<Rerun server / dataset / segment URL or .rrd URL>` (repeatable): the server opens them.
for (const url of new URLSearchParams(location.search).getAll("url")) {
  model.send({ type: "open_url", url });
}
const banner = document.getElementById("status");

// When the server comes back (a restarted `rerun`), reload: the new server has a new session.
function reloadWhenBack() {
  fetch(location.href, { cache: "no-store" }).then(
    () => location.reload(),
    () => setTimeout(reloadWhenBack, 2000),
  );
}

model.on("status", (status) => {
  document.body.dataset.status = status;
  if (status === "closed") {
    banner.textContent = "Lost the connection to the Rerun viewer server; reconnecting when it is back.";
    banner.style.display = "block";
    setTimeout(reloadWhenBack, 2000);
  }
});
