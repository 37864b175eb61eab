"""`rerun mcap info` and `rerun mcap check`: ours print what the real 0.41 CLI prints."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from mcap_protobuf_samples import write_protobuf_corner_cases
from mcap_samples import (
    MESSAGES,
    write_attachments_and_metadata,
    write_edge_cases,
    write_image_variants,
    write_raw,
    write_ros2,
)

pytestmark = pytest.mark.interop

Writer = Callable[[Path], Path]
FILES: dict[str, Writer] = {
    "ros2_small_chunks": lambda p: write_ros2(p, list(MESSAGES), count=5, chunk_size=2000),
    "images": write_image_variants,
    "attachments": write_attachments_and_metadata,
    "edge_cases": write_edge_cases,
    "raw": write_raw,
    "protobuf": write_protobuf_corner_cases,
}


def _truncated(tmp_path: Path) -> Path:
    src = write_ros2(tmp_path / "whole.mcap", list(MESSAGES), count=5, chunk_size=2000)
    cut = tmp_path / "cut.mcap"
    data = src.read_bytes()
    cut.write_bytes(data[: len(data) * 2 // 3])
    return cut


@pytest.mark.parametrize("name", sorted(FILES))
@pytest.mark.parametrize("command", [("info",), ("check",), ("check", "--full"), ("info", "--recover")])
def test_info_and_check_print_as_rerun_does(
    oracle, ours, tmp_path: Path, name: str, command: tuple[str, ...]
) -> None:  # type: ignore[no-untyped-def]
    src = FILES[name](tmp_path / f"{name}.mcap")
    theirs = oracle.cli("mcap", *command, str(src))
    code, out, _err = ours("mcap", *command, str(src))
    assert code == 0
    assert out == theirs.stdout


@pytest.mark.parametrize(
    "command", [("info", "--recover"), ("check", "--recover"), ("check", "--full", "--recover")]
)
def test_truncated_file_with_recover(oracle, ours, tmp_path: Path, command: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    cut = _truncated(tmp_path)
    theirs = oracle.cli("mcap", *command, str(cut))
    code, out, _err = ours("mcap", *command, str(cut))
    assert code == 0
    assert out == theirs.stdout


@pytest.mark.parametrize("command", ["info", "check"])
@pytest.mark.parametrize("case", ["missing", "not_mcap", "truncated"])
def test_bad_input_is_one_line_error(oracle, ours, tmp_path: Path, command: str, case: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "x.mcap"
    if case == "not_mcap":
        path.write_bytes(b"not an mcap file")
    elif case == "truncated":
        path = _truncated(tmp_path)
    theirs = oracle.cli("mcap", command, str(path), check=False)
    code, out, err = ours("mcap", command, str(path))
    assert theirs.returncode == 1
    assert (code, out) == (1, "")
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), err
