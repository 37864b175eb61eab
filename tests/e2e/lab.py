"""Start JupyterLab on 127.0.0.1 (random free port, a token) and drive Debian's Chromium.

``notebook_page`` + ``run_all_until_frame`` are the usual start of a browser test; the other
helpers wait for cells, frames and the kernel.
"""

from __future__ import annotations

import contextlib
import json
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
from typing import Any

import pytest

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


# --- a notebook page in Chromium ----------------------------------------------------------------

FRAME_JS = "() => Number(document.querySelector('.rr-canvas')?.dataset.frame || 0)"


def clean_copy(src: Path, dst: Path) -> None:
    """Copy a notebook without its outputs (the test runs it afresh)."""
    nb = json.loads(src.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    dst.write_text(json.dumps(nb))


def write_notebook(path: Path, sources: list[str]) -> None:
    """A notebook of code cells with the given sources, on the default python3 kernel."""
    cells: list[dict[str, Any]] = [
        {"cell_type": "code", "metadata": {}, "source": s, "outputs": [], "execution_count": None}
        for s in sources
    ]
    meta = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    path.write_text(json.dumps({"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 5}))


@contextlib.contextmanager
def notebook_page(
    root: Path,
    notebook: str,
    *,
    viewport: tuple[int, int],
    artifacts: Path,
    timeout_ms: int = 60_000,
) -> Iterator[Any]:
    """JupyterLab serving ``root`` and headless Chromium on ``notebook``, its kernel idle.

    Skips when Chromium is missing; on a failure the whole page goes to ``artifacts/failure.png``;
    closes the browser and JupyterLab (with its kernels) on exit.
    """
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    artifacts.mkdir(parents=True, exist_ok=True)
    with jupyterlab(root) as lab, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
            page.set_default_timeout(timeout_ms)
            page.goto(lab.notebook_url(notebook))
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
            wait_kernel_idle(page)
            try:
                yield page
            except BaseException:
                with contextlib.suppress(Exception):
                    page.screenshot(path=str(artifacts / "failure.png"), full_page=True)
                raise
        finally:
            browser.close()


def run_all_until_frame(page: Any, timeout_ms: int = 180_000) -> None:
    """Run all cells; return once the first widget drew a frame and no cell is running."""
    run_all(page)
    page.wait_for_function(f"() => ({FRAME_JS})() > 0", timeout=timeout_ms)
    wait_cells_done(page, timeout_ms)


def frame_index(page: Any) -> int:
    """The index of the newest frame the first widget drew (0: none yet)."""
    return int(page.evaluate(FRAME_JS))


def wait_cells_done(page: Any, timeout_ms: int = 180_000) -> None:
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-InputArea-prompt')];
            return prompts.length > 0 && prompts.every(p => !p.textContent.includes('*'));
        }""",
        timeout=timeout_ms,
    )


def wait_settled(page: Any, timeout: float = 20.0) -> None:
    """Until the newest frame is the lossless one and no new frame came for a while."""
    deadline = time.monotonic() + timeout
    last, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        idx = frame_index(page)
        mime = page.evaluate("() => document.querySelector('.rr-canvas')?.dataset.mime || ''")
        if idx != last:
            last, since = idx, time.monotonic()
        elif mime == "image/png" and time.monotonic() - since > 1.0:
            return
        time.sleep(0.1)


def wait_kernel_idle(page: Any, timeout_ms: int = 90_000) -> None:
    page.wait_for_function(
        "() => /Idle/.test(document.querySelector('.jp-StatusBar-Widget, #jp-main-statusbar')?.textContent || '')"
        " || /Idle/.test(document.body.innerText.slice(-400))",
        timeout=timeout_ms,
    )


def run_all(page: Any) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()


def add_cell_and_run(page: Any, code: str) -> None:
    """Append a code cell below the last one, type ``code`` into it and run it."""
    page.locator(".jp-Notebook .jp-Cell").last.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Escape")
    page.keyboard.press("b")
    page.keyboard.press("Enter")
    page.keyboard.insert_text(code)
    page.keyboard.press("Shift+Enter")
