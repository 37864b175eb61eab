"""Bad input to every ``rerun rrd`` tool: one clear line on stderr, non-zero exit, no traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from cli_samples import run_rerun

Cli = Callable[..., tuple[int, str, str]]

READERS = [
    ("print",),
    ("stats",),
    ("verify",),
    ("merge", "-o", "{out}"),
    ("filter", "--drop-timeline", "frame", "-o", "{out}"),
    ("optimize", "-o", "{out}"),
]


def _bad_files(tmp_path: Path, good: Path) -> dict[str, Path]:
    data = good.read_bytes()
    files = {
        "missing": tmp_path / "does_not_exist.rrd",
        "empty": tmp_path / "empty.rrd",
        "wrong_magic": tmp_path / "magic.rrd",
        "truncated": tmp_path / "truncated.rrd",
        "corrupt": tmp_path / "corrupt.rrd",
        "text": tmp_path / "text.rrd",
        "old_version": tmp_path / "old_version.rrd",
    }
    files["empty"].write_bytes(b"")
    files["wrong_magic"].write_bytes(b"XXXX" + data[4:])
    files["truncated"].write_bytes(data[: len(data) // 2])
    middle = len(data) // 3
    files["corrupt"].write_bytes(
        data[:middle] + bytes(b ^ 0xFF for b in data[middle : middle + 64]) + data[middle + 64 :]
    )
    files["text"].write_text("hello, this is not an rrd file\n" * 10)
    files["old_version"].write_bytes(data[:4] + bytes([0, 22, 0, 0]) + data[8:])
    return files


@pytest.mark.parametrize(
    "kind", ["missing", "empty", "wrong_magic", "truncated", "corrupt", "text", "old_version"]
)
@pytest.mark.parametrize("command", READERS, ids=lambda c: c[0])
def test_bad_input_gives_one_clear_line(
    cli: Cli, rec_path: Path, tmp_path: Path, kind: str, command: tuple[str, ...]
) -> None:
    bad = _bad_files(tmp_path, rec_path)[kind]
    out = tmp_path / "out.rrd"
    args = [a.format(out=out) for a in command]
    code, _, err = cli("rrd", *args, bad)
    if kind == "empty" and command[0] in ("merge", "filter", "optimize", "print", "stats"):
        # An empty stream holds no messages; tools that only transform or list may accept it.
        assert code in (0, 1)
        return
    assert code != 0, f"{kind}: {err}"
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert 1 <= len(lines) <= 2, err
    assert bad.name in err, err
    if command[0] != "verify":
        assert not out.exists(), "a failed command must not leave an output file"


def test_compare_with_missing_file(cli: Cli, rec_path: Path) -> None:
    code, _, err = cli("rrd", "compare", rec_path, "nope.rrd")
    assert code == 1 and "nope.rrd" in err and "Traceback" not in err


def test_verify_flags_a_missing_footer(cli: Cli, rec_path: Path, tmp_path: Path) -> None:
    no_footer = tmp_path / "no_footer.rrd"
    no_footer.write_bytes(rec_path.read_bytes()[:-32])
    code, _, err = cli("rrd", "verify", no_footer)
    assert code == 1 and "footer" in err.lower()


def test_continue_on_error_reads_the_other_inputs(cli: Cli, rec_path: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.rrd"
    bad.write_bytes(b"RRF2garbage")
    code, out, err = cli("rrd", "print", "--continue-on-error", bad, rec_path)
    assert code == 0 and "warning:" in err and out.count("Chunk(") == 21


def test_subprocess_errors_have_no_traceback(tmp_path: Path) -> None:
    proc = run_rerun("rrd", "stats", tmp_path / "missing.rrd")
    assert proc.returncode == 1
    assert b"Traceback" not in proc.stderr and b"missing.rrd" in proc.stderr
    proc = run_rerun("rrd", "stats", stdin=b"definitely not an rrd stream")
    assert proc.returncode == 1 and b"Traceback" not in proc.stderr


def test_usage_errors_exit_2(cli: Cli) -> None:
    with pytest.raises(SystemExit) as exc:
        cli("rrd", "frobnicate")
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        cli("rrd", "compare", "only_one.rrd")
    assert exc.value.code == 2


def test_bad_thresholds_are_reported(cli: Cli, rec_path: Path) -> None:
    code, _, err = cli("rrd", "optimize", "--max-size", "lots", rec_path, "-o", "x.rrd")
    assert code == 1 and "--max-size" in err


def test_a_truncated_recording_can_be_salvaged(cli: Cli, rec_path: Path, tmp_path: Path) -> None:
    truncated = tmp_path / "cut.rrd"
    truncated.write_bytes(rec_path.read_bytes()[: rec_path.stat().st_size * 2 // 3])
    fixed = tmp_path / "fixed.rrd"
    code, _, err = cli("rrd", "merge", "--continue-on-error", truncated, "-o", fixed)
    assert code == 0 and "warning:" in err and "cut.rrd" in err
    assert cli("rrd", "verify", fixed)[0] == 0
    code, out, _ = cli("rrd", "print", fixed)
    assert 0 < out.count("Chunk(") < 21
