"""Compare what rerun-sdk 0.41's ViewerClient got from the real 0.41 viewer and from ours
(`_probe.py`'s results), call by call, allowing only the differences listed here with a reason."""

from __future__ import annotations

import json
import math
import re
import subprocess
from pathlib import Path
from typing import Any

PROBE = Path(__file__).with_name("_probe.py")

# call -> why ours answers otherwise (the rest must be equal, after `normalized`)
KNOWN: dict[str, str] = {
    "commands_available": "0.41 has 59 of its 67 palette commands available here; ours 56 of the 63 "
    "it runs (3 wait for a table, 4 for a `server_origin`): all of 0.41's but ui.open_profiler, "
    "ui.capture_profile_trace and ui.toggle_agent_panel (no puffin profiler, no coding agent here)",
    "set_blueprint_unknown_archetype": "refused by both (InvalidArgument); 0.41 lists every archetype "
    "it knows, ours names the field whose type it cannot tell",
}


def run_probe(oracle: Any, url: str, rrd: Path, out: Path) -> dict[str, Any]:
    """`_probe.py` under the oracle's Python against the viewer at `url`."""
    proc = subprocess.run(
        [str(oracle.python), "-P", str(PROBE), url, str(rrd), str(out)],
        capture_output=True,
        text=True,
        timeout=400,
        env=oracle.env(),
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(out.read_text())  # type: ignore[no-any-return]


def _app_ids(real: dict[str, Any], ours: dict[str, Any]) -> dict[str, str]:
    """0.41 registers a file it opens with its own catalog, as a dataset whose generated id becomes
    the recording's application id; ours keeps the file's. Real's id -> ours, from what `open` said."""
    pairs: dict[str, str] = {}
    for call in ("open", "open_blueprinted"):
        theirs, mine = real.get(call), ours.get(call)
        if isinstance(theirs, dict) and isinstance(mine, dict):
            for a, b in zip(theirs["store_ids"], mine["store_ids"], strict=False):
                pairs[a.split(":")[1]] = b.split(":")[1]
    return pairs


def normalized(results: dict[str, Any], app_ids: dict[str, str], shared: set[str]) -> dict[str, Any]:
    """What may differ between two viewers that behave the same, made equal.

    - App ids of opened files (see `_app_ids`).
    - UUIDs that only one viewer made (0.41's view and blueprint ids are random); the ones from a
      file both opened stay.
    - Where the viewer's page plays a recording on open, the cursor is timing; the streamed
      recording's `log_time` is when each viewer got it.
    - Ours hosts no catalog server (`catalog_url`), says it is not the Rust viewer
      (`viewer_version`), and has no welcome page of examples (the empty viewer's `location`).
    """
    text = json.dumps(results)
    for theirs, mine in app_ids.items():
        text = text.replace(theirs, mine)
    text = re.sub(
        r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b",
        lambda m: m.group(0) if m.group(0) in shared else "<uuid>",
        text,
    )
    text = re.sub(r"rec_[0-9a-f]{32}", "rec_<id>", text)
    text = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:<port>", text)  # each probe starts its own server
    out: dict[str, Any] = json.loads(text)
    for state in (out.get(k) for k in ("state_empty", "state", "state_table")):
        if isinstance(state, dict):
            state.update(catalog_url=None, viewer_version=None)
            for rec in state.get("recordings", []):
                # "state": timing. "state_table": ours forgets a recording's cursor once another
                # recording was shown in between (the streamed one): its page starts a new time
                # control; 0.41 keeps one per recording.
                rec["current_time"] = None
    if isinstance(out.get("state_empty"), dict):
        out["state_empty"]["location"] = None
    schema = out.get("recording_schema_streamed")
    if isinstance(schema, dict):
        schema["timelines"] = [t for t in schema["timelines"] if t["name"] != "log_time"]
    for call in ("blueprint", "blueprint_sent", "blueprint_after_set"):
        blueprint = out.get(call)
        blueprint = blueprint.get("blueprint", blueprint) if isinstance(blueprint, dict) else None
        if isinstance(blueprint, dict):
            # 0.41 writes its time panel's play state into the blueprint as it plays; ours keeps it
            # on the page. After a write 0.41 marks the viewport as laid out by hand.
            blueprint.get("/time_panel", {}).get("TimePanelBlueprint", {}).pop("play_state", None)
            viewport = blueprint.get("/viewport", {}).get("ViewportBlueprint", {})
            viewport.pop("auto_layout", None)
            viewport.pop("auto_views", None)
            # a hash 0.41 keeps of the views its heuristics proposed (of Rust values; ours has none)
            viewport.pop("past_viewer_recommendations", None)
    if isinstance(out.get("set_blueprint_full"), dict):
        # ours writes a whole blueprint as a new blueprint store, which it activates; 0.41 rewrites
        # the current one, keeping its id
        out["set_blueprint_full"]["blueprint_id"] = None
    return out


def close(a: Any, b: Any) -> bool:
    """Equal, floats to 1e-9 (0.41 turns a rotation in f32, ours in f64)."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def differences(real: dict[str, Any], ours: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The calls whose answers differ, beyond `KNOWN`, as (real, ours)."""
    uuid = r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"
    shared = set(re.findall(uuid, json.dumps(real))) & set(re.findall(uuid, json.dumps(ours)))
    app_ids = _app_ids(real, ours)
    real, ours = normalized(real, app_ids, shared), normalized(ours, {}, shared)
    assert real.keys() == ours.keys()
    return {k: (real[k], ours[k]) for k in real if k not in KNOWN and not close(real[k], ours[k])}
