"""Run the same reader script under our SDK and the real 0.41 one; compare the .rrd files."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

PRELUDE = """
import sys
import rerun as rr
from rerun.chunk import IndexColumn
from rerun.experimental import *
out = sys.argv[1]
"""


def run_ours(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` under our SDK in a fresh interpreter; raises with its stderr if it fails."""
    proc = subprocess.run(
        [sys.executable, "-P", "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if proc.returncode != 0:
        raise AssertionError(f"our script failed ({proc.returncode}):\n{proc.stderr}")
    return proc


def compare_streams(oracle: Any, tmp_path: Path, stream_expr: str, name: str = "case") -> None:
    """``stream_expr`` (a LazyChunkStream expression) written by both SDKs must compare equal."""
    code = PRELUDE + f"({stream_expr}).write_rrd(out, application_id='app', recording_id='rec')\n"
    theirs, ours = tmp_path / f"{name}_theirs.rrd", tmp_path / f"{name}_ours.rrd"
    oracle.run_script(code, str(theirs))
    run_ours(code, str(ours))
    proc = oracle.cli("rrd", "compare", "--unordered", str(theirs), str(ours), check=False)
    assert proc.returncode == 0, f"{stream_expr}:\n{proc.stdout}\n{proc.stderr}"
