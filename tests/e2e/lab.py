"""Start JupyterLab on 127.0.0.1 (random free port, a token) and drive Debian's Chromium."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Lab:
    url: str
    token: str
    root: Path
    proc: subprocess.Popen[bytes]
    log_path: Path

    def notebook_url(self, name: str) -> str:
        return f"{self.url}/lab/tree/{name}?token={self.token}&reset"


def _wait_ready(url: str, token: str, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"JupyterLab exited early with {proc.returncode}; see its log")
        try:
            with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"JupyterLab did not answer within {timeout}s")


@contextlib.contextmanager
def jupyterlab(
    root: Path, *, timeout: float = 90, python: Path | None = None, env_extra: dict[str, str] | None = None
) -> Iterator[Lab]:
    """JupyterLab serving `root`, killed (with its kernels) on exit.

    `python` picks another venv's interpreter (its `jupyter` and kernel); `env_extra` adds to the environment.
    """
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ)
    env.setdefault("XDG_RUNTIME_DIR", f"/tmp/xdg-runtime-{os.getuid()}")
    Path(env["XDG_RUNTIME_DIR"]).mkdir(parents=True, exist_ok=True)
    env["JUPYTER_CONFIG_DIR"] = str(root / ".jupyter-config")
    env["RERUN_ANALYTICS"] = "0"
    env.update(env_extra or {})
    bindir = Path(python or sys.executable).parent
    env["PATH"] = f"{bindir}:{env.get('PATH', '')}"
    cmd = [
        str(bindir / "jupyter"),
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.workspaces_dir={root / '.workspaces'}",
        f"--LabApp.user_settings_dir={root / '.settings'}",
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if os.getuid() == 0:
        cmd.append("--allow-root")
    _write_quiet_settings(root / ".settings")
    log_path = root / "jupyterlab.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        try:
            _wait_ready(url, token, proc, timeout)
        except (RuntimeError, TimeoutError) as err:
            tail = log_path.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"{err}\n--- jupyterlab.log ---\n{tail}") from err
        yield Lab(url, token, root, proc, log_path)
    finally:
        _kill_group(proc)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """JupyterLab and the kernels it started share one process group (start_new_session)."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)  # kernels left behind by a clean shutdown


def _write_quiet_settings(settings: Path) -> None:
    """No news/update toasts, no autoclosing brackets (the test types code)."""
    ann = settings / "@jupyterlab" / "apputils-extension"
    ann.mkdir(parents=True, exist_ok=True)
    (ann / "notification.jupyterlab-settings").write_text('{"fetchNews": "false", "checkForUpdates": false}')
    nbs = settings / "@jupyterlab" / "notebook-extension"
    nbs.mkdir(parents=True, exist_ok=True)
    (nbs / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
