"""A Python stand-in for the page in tests: read panel states and frames off the viewer socket."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from websockets.sync.client import ClientConnection

from rerun_notebook.web.page import split_packet


def state_of(msg: str | bytes) -> dict[str, Any] | None:
    """The panel state a message carries, if it is a `_state` update."""
    if not isinstance(msg, str):
        return None
    m = json.loads(msg)
    if m.get("kind") == "set" and m.get("name") == "_state":
        return dict(json.loads(m["value"]))
    return None


def recv_state(
    ws: ClientConnection, ok: Callable[[dict[str, Any]], bool] = lambda _s: True, timeout: float = 10.0
) -> dict[str, Any]:
    """The next panel state for which `ok` holds, skipping everything else."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = state_of(ws.recv(timeout=max(0.01, deadline - time.monotonic())))
        if state is not None and ok(state):
            return state
    raise AssertionError(f"no matching panel state within {timeout} s")


def recv_frame(ws: ClientConnection, timeout: float = 10.0) -> tuple[dict[str, Any], bytes]:
    """The next frame (header, picture), skipping text messages."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        msg = ws.recv(timeout=max(0.01, deadline - time.monotonic()))
        if isinstance(msg, bytes):
            return split_packet(msg)
    raise AssertionError(f"no frame within {timeout} s")


def showing(recording: str, entity: str | None = None) -> Callable[[dict[str, Any]], bool]:
    """A state test: `recording` is listed (and `entity` is in its entity tree)."""

    def ok(state: dict[str, Any]) -> bool:
        paths = [row.get("path") for row in state.get("tree", [])]
        return recording in state["recordings"] and (entity is None or entity in paths)

    return ok
