"""CLI plumbing: input checks, progress line, output files."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from rerun.cli.common import CliError, Progress, check_source, open_output


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_on_stdin_is_refused_not_waited_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", _Tty())
    with pytest.raises(CliError, match="no input"):
        check_source("-")


def test_directories_and_missing_paths_are_named(tmp_path: Path) -> None:
    with pytest.raises(CliError, match="is a directory"):
        check_source(str(tmp_path))
    with pytest.raises(CliError, match="no such file"):
        check_source(str(tmp_path / "nope.rrd"))


def test_progress_draws_only_when_enabled(capsys: pytest.CaptureFixture[str]) -> None:
    quiet = Progress("merge", enabled=False)
    quiet.tick()
    assert capsys.readouterr().err == ""
    loud = Progress("merge", enabled=True)
    loud.num_chunks, loud.num_rows = 1200, 65536
    loud.tick()
    loud.done()
    err = capsys.readouterr().err
    assert "merge: 1 200 chunks, 65 536 rows" in err and err.startswith("\r")


def test_failed_output_leaves_no_file_and_success_is_atomic(tmp_path: Path) -> None:
    target = tmp_path / "out.rrd"
    with pytest.raises(RuntimeError), open_output(str(target)) as fh:
        fh.write(b"partial")
        raise RuntimeError("boom")
    assert not target.exists() and os.listdir(tmp_path) == []
    with open_output(str(target)) as fh:
        fh.write(b"whole")
    assert target.read_bytes() == b"whole"
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_missing_output_directory_is_reported(tmp_path: Path) -> None:
    with pytest.raises(CliError, match="output directory"), open_output(str(tmp_path / "no" / "x.rrd")):
        pass


def test_progress_bar_shows_the_share_of_input_bytes_read(capsys: pytest.CaptureFixture[str]) -> None:
    bar = Progress("optimize", enabled=True)
    bar.set_total(1000)
    bar.offset(500)
    bar.tick(force=True)
    bar.end_source()
    bar.offset(250)  # a second input: counts on from the first
    bar.tick(force=True)
    err = capsys.readouterr().err
    assert "[############------------]  50%" in err and "75%" in err


def test_iter_messages_feeds_the_bar_from_file_offsets(tmp_path: Path) -> None:
    from cli_samples import recording_messages, write_rrd

    from rerun.cli.common import iter_messages

    path = write_rrd(tmp_path / "a.rrd", recording_messages())
    bar = Progress("stats", enabled=False)
    n = sum(1 for _ in iter_messages([str(path), str(path)], progress=bar))
    assert n == 2 * len(recording_messages())
    assert bar.total_bytes == 2 * path.stat().st_size
    assert 0 < bar.bytes_done <= bar.total_bytes


def test_format_bytes_follows_rerun_decimals() -> None:
    from rerun.cli.common import format_bytes

    assert [format_bytes(v) for v in (0, 5.5, 903, 1500, 102 * 1024, 217.1 * 1024)] == [
        "0 B",
        "5.5 B",
        "903 B",
        "1.5 KiB",
        "102.0 KiB",  # one decimal below 102.4 of a unit ...
        "217 KiB",  # ... none above, as re_format does
    ]
    assert format_bytes(2 * 2**20) == "2.0 MiB" and format_bytes(3 * 2**30) == "3.0 GiB"
