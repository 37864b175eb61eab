"""The widget's ES module parses, and its pure helpers behave (run under node when present)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

JS = Path(__file__).resolve().parents[2] / "rerun_notebook" / "js" / "widget.js"
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")


def test_module_parses_and_formats_times(tmp_path: Path) -> None:
    mod = tmp_path / "widget.mjs"
    shutil.copy(JS, mod)
    assert NODE is not None
    subprocess.run([NODE, "--check", str(mod)], check=True, timeout=30)
    code = (
        f"import w, {{ formatTime }} from '{mod.as_uri()}';"
        "console.log(typeof w.render, formatTime('sequence', 7), formatTime('duration', 1500000000),"
        " formatTime('timestamp', 0), formatTime('sequence', null));"
    )
    out = subprocess.run(
        [NODE, "--input-type=module", "-e", code], capture_output=True, text=True, timeout=30, check=True
    )
    assert out.stdout.split() == ["function", "#7", "1.500s", "1970-01-01", "00:00:00.000", "–"]
