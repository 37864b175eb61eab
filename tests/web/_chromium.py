"""A `rerun --serve-web` process with its page up and Chromium to look at it (the browser tests)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from tests.e2e.lab import CHROMIUM, CHROMIUM_ARGS
from tests.server.rerun_procs import free_port, running

from .test_cli import _wait_page


@contextmanager
def serve_web_chromium() -> Iterator[tuple[int, int, Any]]:
    """(the process's gRPC port, its web page's port, a headless Chromium), both ended after;
    the test is skipped where Debian's chromium is not installed."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    port, web = free_port(), free_port()
    with running(["--serve-web", f"--web-viewer-port={web}"], port) as proc, sync_playwright() as pw:
        _wait_page(web, proc)
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield port, web, browser
        finally:
            browser.close()
