"""Fixtures for the MCAP tests: ``rerun`` in-process (ours) and the real converter."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture
def ours(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run our ``rerun <args>`` in-process; returns (exit code, stdout, stderr)."""
    from rerun.__main__ import main

    def run(*args: str | Path) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return run
