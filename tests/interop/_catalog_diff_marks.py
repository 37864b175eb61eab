"""What both catalog differential tests share: the recordings, and the cases marked as listed.

``test_catalog_differential`` (the real client on both servers) and
``test_catalog_client_differential`` (both clients on the real server) run the same driver over the
same recordings; each lists its own known differences.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.interop._catalog_diff_driver import cases

if TYPE_CHECKING:
    from tests.conftest import Oracle

HERE = Path(__file__).resolve().parent


def write_diff_data(tmp_path_factory: pytest.TempPathFactory, oracle: Oracle, name: str) -> Path:
    """A fresh directory with the recordings the real SDK writes (``_catalog_diff_data.py``)."""
    root = tmp_path_factory.mktemp(name)
    oracle.run_script((HERE / "_catalog_diff_data.py").read_text(), str(root), timeout=120)
    return root


def marked_cases(different: dict[str, str], not_yet: dict[str, str]) -> list[Any]:
    """Every driver case as a pytest param; a listed one is an xfail (not strict) with its reason."""
    out = []
    for name, _ in cases():
        marks = []
        if (why := different.get(name)) is not None:
            marks.append(pytest.mark.xfail(strict=False, reason=f"on purpose: {why}"))
        elif (why := not_yet.get(name)) is not None:
            marks.append(pytest.mark.xfail(strict=False, reason=f"not yet: {why}"))
        out.append(pytest.param(name, id=name, marks=marks))
    return out


def run_driver(
    python: Path, env: dict[str, str], url: str, data_dir: Path, out: Path, tag: str
) -> dict[str, Any]:
    """The driver's outcomes: ``python`` (a client's) runs every case on the server at ``url``.

    It runs with ``-P`` from the data directory, never the repository, so the real client's run
    cannot import our package."""
    driver = str(HERE / "_catalog_diff_driver.py")
    proc = subprocess.run(
        [str(python), "-P", driver, url, data_dir.as_uri(), str(out), tag],
        capture_output=True,
        text=True,
        timeout=400,
        env=env,
        cwd=str(data_dir),
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(out.read_text())  # type: ignore[no-any-return]
