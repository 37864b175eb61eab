"""Every ``rerun rrd`` subcommand on recordings written by our own codec."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cli_samples import STORE, recording_messages, run_rerun, scalar_chunk, write_rrd

from rerun_core.store.messages import ArrowMsg, SetStoreInfo

Cli = Callable[..., tuple[int, str, str]]


def read_chunks(path: Path) -> list:
    from rerun_core.store.rrd import read_messages

    return [m.chunk for m in read_messages(str(path)) if isinstance(m, ArrowMsg)]


def test_print_summarises_every_message(cli: Cli, rec_path: Path) -> None:
    code, out, err = cli("rrd", "print", rec_path)
    assert code == 0, err
    assert "StoreInfo {" in out and '"cli_test"' in out
    lines = [line for line in out.splitlines() if line.startswith("Chunk(")]
    assert len(lines) == 21
    assert any("/plot/scalar - data columns: [Scalars:scalars]" in line for line in lines)
    code, out, _ = cli("rrd", "print", "-v", rec_path)
    assert "data columns: [/plot/scalar@Scalars:scalars]" in out


def test_print_vv_shows_schemas_and_vvv_the_data(cli: Cli, rec_path: Path) -> None:
    _, out2, _ = cli("rrd", "print", "-vv", "--entity", "/world/text", rec_path)
    assert "METADATA:" in out2 and "* entity_path: /world/text" in out2
    assert "type: List(Utf8)" in out2 and "component_type: Text" in out2
    assert "hello" not in out2
    _, out3, _ = cli("rrd", "print", "-vvv", "--entity", "/world/text", rec_path)
    assert "[hello]" in out3 and "row_" in out3
    _, full, _ = cli("rrd", "print", "-vvv", "--full-metadata", "--entity", "world/text", rec_path)
    assert "rerun:component_type: rerun.components.Text" in full


def test_stats_counts_chunks_entities_and_sizes(cli: Cli, rec_path: Path) -> None:
    code, out, err = cli("rrd", "stats", rec_path)
    assert code == 0, err
    assert "num_chunks = 21" in out
    assert "num_entity_paths = 3" in out
    assert "num_static = 1" in out
    assert "/plot/scalar: 10" in out and "frame: 20" in out
    assert "Size (schema + data, compressed)" in out and "ipc_size_bytes_total" in out


def test_verify_accepts_our_files(cli: Cli, rec_path: Path) -> None:
    code, _, err = cli("rrd", "verify", rec_path)
    assert code == 0 and "1 file verified without error" in err


def test_compare_equal_and_different(cli: Cli, rec_path: Path, tmp_path: Path) -> None:
    assert cli("rrd", "compare", rec_path, rec_path)[0] == 0
    other = write_rrd(tmp_path / "other.rrd", recording_messages(num_frames=3))
    code, _, err = cli("rrd", "compare", rec_path, other)
    assert code == 1 and "number of chunks does not match" in err
    code, _, err = cli("rrd", "compare", "--unordered", rec_path, other)
    assert code == 1 and "row(s) only in" in err


def test_compare_unordered_ignores_order_and_chunking(cli: Cli, rec_path: Path, tmp_path: Path) -> None:
    msgs = recording_messages()
    rec_path = write_rrd(tmp_path / "in_order.rrd", msgs)
    shuffled = write_rrd(tmp_path / "shuffled.rrd", [msgs[0], *reversed(msgs[1:])])
    assert cli("rrd", "compare", "--unordered", rec_path, shuffled)[0] == 0
    optimized = tmp_path / "opt.rrd"
    assert cli("rrd", "optimize", rec_path, "-o", optimized)[0] == 0
    assert cli("rrd", "compare", "--unordered", rec_path, optimized)[0] == 0
    assert cli("rrd", "compare", rec_path, optimized)[0] == 1


def test_merge_unites_recordings_and_dedups_chunk_ids(cli: Cli, rec_path: Path, tmp_path: Path) -> None:
    extra = write_rrd(tmp_path / "extra.rrd", [ArrowMsg(STORE, scalar_chunk([100, 101]))])
    out = tmp_path / "merged.rrd"
    code, _, err = cli("rrd", "merge", rec_path, extra, rec_path, "-o", out)
    assert code == 0, err
    chunks = read_chunks(out)
    assert len(chunks) == 22
    assert sum(c.num_rows for c in chunks) == 23


def test_filter_drops_entities_and_timelines(cli: Cli, rec_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "filtered.rrd"
    code, _, err = cli(
        "rrd", "filter", "--drop-entity", "world/points", "--drop-timeline", "log_time", rec_path, "-o", out
    )
    assert code == 0, err
    chunks = read_chunks(out)
    assert {c.entity_path.path for c in chunks} == {"/plot/scalar", "/world/text"}
    assert all("log_time" not in c.timelines for c in chunks)
    assert {c.id for c in chunks} <= {c.id for c in read_chunks(rec_path)}


def test_optimize_compacts_small_chunks(cli: Cli, rec_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "opt.rrd"
    code, _, err = cli("rrd", "optimize", rec_path, "-o", out)
    assert code == 0, err
    chunks = read_chunks(out)
    assert sorted((c.entity_path.path, c.num_rows) for c in chunks) == [
        ("/plot/scalar", 10),
        ("/world/points", 10),
        ("/world/text", 1),
    ]
    assert cli("rrd", "verify", out)[0] == 0
    out5 = tmp_path / "opt5.rrd"
    assert cli("rrd", "optimize", "--max-rows", "4", rec_path, "-o", out5)[0] == 0
    rows = sorted(c.num_rows for c in read_chunks(out5) if c.entity_path.path == "/plot/scalar")
    assert rows == [2, 4, 4]


def test_output_may_overwrite_its_input(cli: Cli, rec_path: Path) -> None:
    before = len(read_chunks(rec_path))
    assert cli("rrd", "optimize", rec_path, "-o", rec_path)[0] == 0
    assert len(read_chunks(rec_path)) < before


def test_pipes_compose_and_stdin_is_read(rec_path: Path) -> None:
    filtered = run_rerun("rrd", "filter", "--drop-entity", "/world/text", rec_path)
    assert filtered.returncode == 0, filtered.stderr
    optimized = run_rerun("rrd", "optimize", stdin=filtered.stdout)
    assert optimized.returncode == 0, optimized.stderr
    printed = run_rerun("rrd", "print", "-", stdin=optimized.stdout)
    lines = [line for line in printed.stdout.decode().splitlines() if line.startswith("Chunk(")]
    assert len(lines) == 2 and not any("/world/text" in line for line in lines)
    verified = run_rerun("rrd", "verify", stdin=optimized.stdout)
    assert verified.returncode == 0, verified.stderr
    assert filtered.stderr == b"" and optimized.stderr == b""  # no progress bars off a terminal


def test_store_info_survives_merge(cli: Cli, rec_path: Path, tmp_path: Path) -> None:
    from rerun_core.store.rrd import read_messages

    out = tmp_path / "m.rrd"
    cli("rrd", "merge", rec_path, "-o", out)
    first = next(iter(read_messages(str(out))))
    assert isinstance(first, SetStoreInfo) and first.store_id == STORE


def test_concatenated_files_merge_into_one_stream(cli: Cli, rec_path: Path, tmp_path: Path) -> None:
    other = write_rrd(tmp_path / "other.rrd", recording_messages(num_frames=3))
    both = tmp_path / "both.rrd"
    both.write_bytes(rec_path.read_bytes() + other.read_bytes())  # `cat rec.rrd other.rrd`
    code, out, err = cli("rrd", "print", both)
    assert code == 0, err
    assert out.count("Chunk(") == 21 + 7
    merged = tmp_path / "merged.rrd"
    assert cli("rrd", "merge", both, "-o", merged)[0] == 0
    assert cli("rrd", "verify", merged)[0] == 0
    code, _, err = cli("rrd", "verify", both)
    assert code == 1 and "concatenated" in err
