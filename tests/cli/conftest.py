"""Fixtures for the ``rerun`` CLI tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from cli_samples import recording_messages, write_rrd


@pytest.fixture
def rec_path(tmp_path: Path) -> Path:
    """A small recording of 21 chunks (1 static, 20 one-row temporal)."""
    return write_rrd(tmp_path / "rec.rrd", recording_messages())


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run ``rerun <args>`` in-process; returns (exit code, stdout, stderr)."""
    from rerun.__main__ import main

    def run(*args: str | Path) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return run
