"""Run a matrix script under rerun-sdk 0.41, then ours on the plan 0.41 printed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import Oracle, ours_env


def run_under_both(oracle: Oracle, runner: Path, tmp_path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """(0.41's results, ours): ``runner`` with no argument plans the cases and runs them under
    0.41 (from ``tmp_path``, outside the checkout, so ``rerun`` is the real SDK); with the plan's
    path it runs the same cases under ours."""
    theirs = subprocess.run(
        [str(oracle.python), "-P", "-W", "ignore", str(runner)],
        capture_output=True,
        text=True,
        timeout=600,
        env=oracle.env(),
        cwd=tmp_path,
        check=True,
    ).stdout
    plan = tmp_path / "plan.json"
    plan.write_text(theirs)
    ours = subprocess.run(
        [sys.executable, "-W", "ignore", str(runner), str(plan)],
        capture_output=True,
        text=True,
        timeout=600,
        env=ours_env(),
        check=True,
    ).stdout
    return json.loads(theirs)["results"], json.loads(ours)["results"]
