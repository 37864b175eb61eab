"""Differential test: our client sees from the real 0.41 ``rerun server`` what the real client sees.

The other direction of ``test_catalog_differential`` (the real client on both servers): here the
server is always the real one, and the generated call sequence of ``_catalog_diff_driver.py`` runs
once with the real SDK's python (``.venv-oracle``) and once with ours, each on its own fresh
server, over the recordings the real SDK wrote (``_catalog_diff_data.py``). Every case's
normalised outcome (value, or exception class and message) must be equal, except the differences
listed in ``DIFFERENT`` / ``NOT_YET`` with their reason.

Run: ``timeout 600 .venv/bin/pytest -q -m interop tests/interop/test_catalog_client_differential.py``
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.catalog.catalog_data import fresh_catalog_server
from tests.conftest import OURS_BIN, Oracle, ours_env
from tests.interop._catalog_diff_marks import marked_cases, run_driver, write_diff_data

pytestmark = [pytest.mark.interop, pytest.mark.slow]

# case -> why our client answers differently on purpose.
DIFFERENT: dict[str, str] = {}
# case -> what our client does not answer as 0.41 yet (xfail, not strict: delete the line when it passes).
NOT_YET: dict[str, str] = {}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory, oracle: Oracle) -> Path:
    return write_diff_data(tmp_path_factory, oracle, "catalog_client_diff")


def _drive(oracle: Oracle, which: str, data_dir: Path, out: Path) -> dict[str, Any]:
    """The driver run by `which` client ("real": the oracle's python, "ours": ours) on a fresh real server."""
    python, env = (oracle.python, oracle.env()) if which == "real" else (OURS_BIN / "python", ours_env())
    with fresh_catalog_server("theirs", oracle) as url:
        return run_driver(python, env, url, data_dir, out, which)


@pytest.fixture(scope="module")
def outcomes(oracle: Oracle, data_dir: Path) -> dict[str, dict[str, Any]]:
    """Each client's outcomes ("real", "ours"), each run on its own fresh real server."""
    return {c: _drive(oracle, c, data_dir, data_dir / f"{c}_client.json") for c in ("real", "ours")}


@pytest.mark.parametrize("case", marked_cases(DIFFERENT, NOT_YET))
def test_our_client_sees_the_same(case: str, outcomes: dict[str, dict[str, Any]]) -> None:
    assert outcomes["ours"][case] == outcomes["real"][case]


def test_our_client_is_ours(oracle: Oracle) -> None:
    """The "ours" run imports our package, not the oracle's (else the test compares 0.41 with itself)."""
    probe = "import rerun, sys; sys.stdout.write(rerun.__file__)"
    proc = subprocess.run(
        [str(OURS_BIN / "python"), "-P", "-c", probe],
        capture_output=True,
        text=True,
        timeout=60,
        env=ours_env(),
        cwd="/",
    )
    assert proc.returncode == 0, proc.stderr
    assert ".venv-oracle" not in proc.stdout and Path(proc.stdout).parent.name == "rerun"
