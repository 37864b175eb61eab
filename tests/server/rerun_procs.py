"""Start and stop `rerun` processes (ours or the oracle's) on 127.0.0.1 for tests."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

OURS = Path(sys.executable).parent / "rerun"


_HANDED_OUT: set[int] = set()


def free_port() -> int:
    """A free port on 127.0.0.1, never one this process handed out before.

    The OS may give the same ephemeral port to two back-to-back binds; two servers in one test
    would then race for it (seen once in CI: the second `rerun` failed to bind, silently).
    """
    for _ in range(100):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port
    raise AssertionError("no fresh free port after 100 tries")


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def wait_listening(port: int, proc: subprocess.Popen[str] | None = None, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not listening(port):
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"process exited early ({proc.returncode}): {proc.communicate()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"nothing listens on port {port} after {timeout} s")
        time.sleep(0.05)


def _signal(proc: subprocess.Popen[str], sig: int) -> None:
    """`sig` to `proc`, and to its whole process group when it leads one (as Ctrl-C reaches a
    launcher and the viewer it started: the real `rerun` is a Python shim over a native binary)."""
    try:
        if os.getpgid(proc.pid) == proc.pid:
            os.killpg(proc.pid, sig)
        else:
            proc.send_signal(sig)
    except ProcessLookupError:
        pass


def stop(proc: subprocess.Popen[str], sig: int = signal.SIGINT, timeout: float = 30) -> tuple[int, str]:
    """Signal `proc` and wait for it; kills it if it does not stop. Returns (code, stderr)."""
    if proc.poll() is None:
        _signal(proc, sig)
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _signal(proc, signal.SIGKILL)  # the group too: a child left alive would hold the pipes
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.communicate(timeout=30)
        raise AssertionError(f"did not stop on signal {sig} within {timeout} s") from None
    return proc.returncode, err or ""


@contextlib.contextmanager
def running(
    args: list[str], port: int, *, exe: Path | str = OURS, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[str]]:
    """A `rerun` process listening on `port`, stopped (SIGINT, then kill) on exit."""
    proc = subprocess.Popen(
        [str(exe), *args, f"--port={port}"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env or dict(os.environ),
        start_new_session=True,  # its own group: stop() signals the launcher and its children
    )
    try:
        wait_listening(port, proc)
        yield proc
    finally:
        if proc.poll() is None:
            with contextlib.suppress(AssertionError):
                stop(proc, timeout=15)
        if proc.poll() is None:
            _signal(proc, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.communicate(timeout=30)


def kill_listeners_of(port: int) -> None:
    """Stop processes started for `port` by a spawn() (found by their command line)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if f"--port={port}".encode() in cmdline:
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(entry.name), signal.SIGTERM)
