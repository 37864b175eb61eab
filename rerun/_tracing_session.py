"""`rr.tracing_session()`: tag a block's catalog requests with one session id (as 0.41).

Inside the ``with`` block every gRPC request the catalog client makes carries
``tracestate: rerun_session_id=rs_<8 hex digits>``, so a server's traces of those requests can be
found by that id. As in 0.41 it only does so when telemetry is enabled (``TELEMETRY_ENABLED``
set to true); otherwise it warns and yields ``""``. The id is logged to the ``rerun`` logger at
INFO when the block starts, and its elapsed / CPU / network figures when it ends.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import os
import secrets
import time
from collections.abc import Iterator
from typing import Any

log = logging.getLogger("rerun")

_SESSION: contextvars.ContextVar[str | None] = contextvars.ContextVar("rerun_session_id", default=None)
_PREFIX = "rs_"


def telemetry_enabled() -> bool:
    return os.environ.get("TELEMETRY_ENABLED", "").strip().lower() in ("1", "true", "yes", "on")


def tracestate() -> list[tuple[str, str]]:
    """The gRPC header naming the current tracing session (none outside one)."""
    sid = _SESSION.get()
    return [("tracestate", f"rerun_session_id={sid}")] if sid else []


def _usage() -> tuple[Any, Any]:
    """This process's CPU times and the host's network counters (None where unreadable)."""
    import psutil

    try:
        cpu = psutil.Process().cpu_times()
    except Exception:
        cpu = None
    try:
        net = psutil.net_io_counters()
    except Exception:
        net = None
    return cpu, net


def _finished(sid: str, t0: float, before: tuple[Any, Any]) -> None:
    (cpu0, net0), (cpu1, net1) = before, _usage()
    fields = {"rerun_session_id": sid, "elapsed_s": f"{time.perf_counter() - t0:.3f}"}
    if cpu0 is not None and cpu1 is not None:
        fields["cpu_user_s"] = f"{cpu1.user - cpu0.user:.3f}"
        fields["cpu_system_s"] = f"{cpu1.system - cpu0.system:.3f}"
        if getattr(cpu1, "iowait", None) is not None and getattr(cpu0, "iowait", None) is not None:
            fields["cpu_iowait_s"] = f"{cpu1.iowait - cpu0.iowait:.3f}"
    if net0 is not None and net1 is not None:  # host-wide, as 0.41 reports it
        fields["net_rx_mb"] = f"{(net1.bytes_recv - net0.bytes_recv) / (1024 * 1024):.3f}"
    log.info("rerun tracing session finished, %s", ", ".join(f"{k}: {v!r}" for k, v in fields.items()))


@contextlib.contextmanager
def tracing_session() -> Iterator[str]:
    """Tag every catalog gRPC request inside the ``with`` block with a fresh session id
    (``rs_`` and 8 hex digits), which is yielded and logged at INFO on entry. Without telemetry
    enabled (``TELEMETRY_ENABLED=true``) this warns and yields ``""``, tagging nothing."""
    if not telemetry_enabled():
        log.warning(
            "tracing_session() is a no-op: the rerun telemetry stack is not active. "
            "Set the environment variable TELEMETRY_ENABLED=true before importing "
            "rerun to enable session correlation."
        )
        yield ""
        return
    sid = _PREFIX + secrets.token_hex(4)
    token = _SESSION.set(sid)
    try:
        log.info("rerun tracing session started: %s", sid)
        t0, before = time.perf_counter(), _usage()
        yield sid
        try:
            _finished(sid, t0, before)
        except Exception:  # informational only: never mask the block's own success
            pass
    finally:
        _SESSION.reset(token)
