"""Shared fixtures: the oracle (real rerun-sdk 0.41 in .venv-oracle), temp paths."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ORACLE_BIN = ROOT / ".venv-oracle" / "bin"
OURS_BIN = Path(sys.executable).parent

os.environ.setdefault("XDG_RUNTIME_DIR", f"/tmp/xdg-runtime-{os.getuid()}")
Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(parents=True, exist_ok=True)


class Oracle:
    """Runs the real Rerun 0.41 (python + CLI) in its own venv, through subprocesses."""

    python = ORACLE_BIN / "python"
    rerun = ORACLE_BIN / "rerun"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["PATH"] = f"{ORACLE_BIN}:{env.get('PATH', '')}"
        env.pop("PYTHONPATH", None)
        env.pop("VIRTUAL_ENV", None)
        env["RERUN_ANALYTICS"] = "0"
        return env

    def run_script(self, code: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """Run a Python script under the real SDK; raises with its stderr if it fails."""
        proc = subprocess.run(
            [str(self.python), "-P", "-c", textwrap.dedent(code), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=self.env(),
        )
        if proc.returncode != 0:
            raise AssertionError(f"oracle script failed ({proc.returncode}):\n{proc.stderr}")
        return proc

    def cli(self, *args: str, timeout: float = 120, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run the real `rerun` CLI."""
        proc = subprocess.run(
            [str(self.rerun), *args], capture_output=True, text=True, timeout=timeout, env=self.env()
        )
        if check and proc.returncode != 0:
            raise AssertionError(f"rerun {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr}")
        return proc


def ours_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{OURS_BIN}:{env.get('PATH', '')}"
    return env


@pytest.fixture(scope="session")
def oracle() -> Oracle:
    if not Oracle.rerun.exists():
        pytest.fail(".venv-oracle is missing: run `make install` (scripts/install.sh) first")
    return Oracle()
