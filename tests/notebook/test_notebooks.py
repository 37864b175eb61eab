"""The example notebooks run clean under nbval (outputs not compared: frames are live)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_example_notebooks_run_under_nbval() -> None:
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert {p.stem for p in notebooks} >= {"quickstart", "3d_scene_with_cameras", "time_series"}
    env = dict(os.environ, RERUN_ANALYTICS="0")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "--nbval-lax", "-p", "no:cacheprovider", *map(str, notebooks)],
        capture_output=True,
        text=True,
        timeout=280,
        cwd=ROOT,
        env=env,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
