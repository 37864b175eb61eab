// The time panel: play / pause / loop / speed / timeline / scrubber, built once, updated from state.

import { el, formatTime } from "./util.js";

export function buildTimePanel(ctx, parent) {
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
