"""Our ``rerun rrd`` tools against the real Rerun 0.41 CLI (files made and checked by the oracle)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from cli_samples import run_rerun

pytestmark = pytest.mark.interop

Cli = Callable[..., tuple[int, str, str]]

# Many one-row chunks (the batcher flushes every row), two entities, a static and a temporal
# timeline-less chunk, three timelines: enough for compaction to have real work.
SCRIPT = """
import sys
import numpy as np
import rerun as rr

rr.init("cli_interop", recording_id="interop")
rr.save(sys.argv[1])
rr.log("world/points", rr.Points3D(np.ones((4, 3)), colors=[255, 0, 0]))
rr.log("world/text", rr.TextDocument("hello"), static=True)
for i in range(30):
    rr.set_time("frame", sequence=i)
    rr.set_time("sim_time", duration=i * 0.1)
    rr.log("plot/scalar", rr.Scalars(np.sin(i / 3)))
    rr.log("world/points", rr.Points3D(np.full((5, 3), i, dtype=np.float32)))
rr.reset_time()
# Out-of-order frames (unsorted merges) and overlapping component sets (merged with nulls).
for i in np.random.default_rng(1).permutation(60):
    rr.set_time("frame", sequence=int(i))
    rr.log("plot/shuffled", rr.Scalars(float(i)))
    if i % 2:
        rr.log("plot/mixed", rr.Scalars(float(i)), rr.SeriesLines(colors=[255, 0, 0]))
    else:
        rr.log("plot/mixed", rr.Scalars(float(i)))
"""


@pytest.fixture(scope="module")
def oracle_rrd(oracle, tmp_path_factory: pytest.TempPathFactory) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("interop") / "oracle.rrd"
    env_script = "import os; os.environ['RERUN_FLUSH_NUM_ROWS'] = '1'\n" + SCRIPT
    oracle.run_script(env_script, str(path))
    return path


def _verify(oracle, path: Path) -> None:  # type: ignore[no-untyped-def]
    proc = oracle.cli("rrd", "verify", str(path), check=False)
    assert proc.returncode == 0, proc.stderr


def test_we_read_what_the_real_sdk_writes(cli: Cli, oracle_rrd: Path) -> None:
    code, out, err = cli("rrd", "print", "-vvv", oracle_rrd)
    assert code == 0, err
    assert "/plot/scalar" in out and "[hello]" in out and "PT0.1S" in out
    code, out, err = cli("rrd", "stats", oracle_rrd)
    assert code == 0 and "num_entity_paths = 6" in out
    assert cli("rrd", "verify", oracle_rrd)[0] == 0


@pytest.mark.parametrize(
    "args",
    [
        ("merge",),
        ("filter", "--drop-entity", "/world/points", "--drop-timeline", "sim_time"),
        ("optimize",),
        ("optimize", "--max-rows", "7"),
    ],
    ids=["merge", "filter", "optimize", "optimize-max-rows"],
)
def test_our_outputs_pass_the_real_verify(oracle, cli: Cli, oracle_rrd: Path, tmp_path: Path, args) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out.rrd"
    code, _, err = cli("rrd", *args, oracle_rrd, "-o", out)
    assert code == 0, err
    _verify(oracle, out)


def test_our_optimize_equals_the_real_optimize(oracle, cli: Cli, oracle_rrd: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ours, theirs = tmp_path / "ours.rrd", tmp_path / "theirs.rrd"
    assert cli("rrd", "optimize", oracle_rrd, "-o", ours)[0] == 0
    oracle.cli("rrd", "optimize", str(oracle_rrd), "-o", str(theirs))
    proc = oracle.cli("rrd", "compare", "--unordered", str(theirs), str(ours), check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    # Ours says the same, and also that optimizing changed nothing semantically.
    assert cli("rrd", "compare", "--unordered", theirs, ours)[0] == 0
    assert cli("rrd", "compare", "--unordered", oracle_rrd, ours)[0] == 0


def test_real_compare_says_optimized_compact_input_is_unchanged(
    oracle, cli: Cli, oracle_rrd: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    compact, again = tmp_path / "compact.rrd", tmp_path / "again.rrd"
    oracle.cli("rrd", "optimize", str(oracle_rrd), "-o", str(compact))
    assert cli("rrd", "optimize", compact, "-o", again)[0] == 0
    proc = oracle.cli("rrd", "compare", "--unordered", str(compact), str(again), check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]


def test_pipe_filter_then_optimize_passes_the_real_verify(oracle, oracle_rrd: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    filtered = run_rerun("rrd", "filter", "--drop-timeline", "log_time", oracle_rrd)
    assert filtered.returncode == 0, filtered.stderr
    optimized = run_rerun("rrd", "optimize", stdin=filtered.stdout)
    assert optimized.returncode == 0, optimized.stderr
    out = tmp_path / "piped.rrd"
    out.write_bytes(optimized.stdout)
    _verify(oracle, out)


def test_real_merge_of_ours_matches_our_merge(oracle, cli: Cli, oracle_rrd: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ours, theirs = tmp_path / "ours.rrd", tmp_path / "theirs.rrd"
    assert cli("rrd", "merge", oracle_rrd, oracle_rrd, "-o", ours)[0] == 0
    oracle.cli("rrd", "merge", str(oracle_rrd), str(oracle_rrd), "-o", str(theirs))
    proc = oracle.cli("rrd", "compare", "--unordered", str(theirs), str(ours), check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]


def test_two_runs_of_one_script_compare_equal(oracle, cli: Cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Same data, different row ids, log times and start time: equal for the real CLI and for ours.
    # One row per chunk, so chunking (which the real compare sees) does not depend on timing.
    script = "import os; os.environ['RERUN_FLUSH_NUM_ROWS'] = '1'\n" + SCRIPT.replace(
        "np.sin(i / 3)", "float(i)"
    )
    first, second = tmp_path / "first.rrd", tmp_path / "second.rrd"
    oracle.run_script(script, str(first))
    oracle.run_script(script, str(second))
    assert oracle.cli("rrd", "compare", "--unordered", str(first), str(second), check=False).returncode == 0
    assert cli("rrd", "compare", "--unordered", first, second)[0] == 0
    assert cli("rrd", "compare", first, second)[0] == 0


def _all_archetypes_script() -> str:
    """The codec's one-of-every-archetype script (tests/interop/test_rrd_interop.py)."""
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "interop" / "test_rrd_interop.py"
    spec = importlib.util.spec_from_file_location("_rrd_interop_cases", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(module.ALL_ARCHETYPES_SCRIPT)


@pytest.mark.slow
def test_every_archetype_prints_like_the_real_cli_and_survives_our_tools(  # type: ignore[no-untyped-def]
    oracle, cli: Cli, tmp_path: Path
) -> None:
    src = tmp_path / "all.rrd"
    oracle.run_script(_all_archetypes_script(), str(src))
    # Our verify (with column type checks) accepts every archetype the real SDK writes.
    code, _, err = cli("rrd", "verify", src)
    assert code == 0, err
    # -vvv tables match the real CLI's line for line, except the chunk size estimates.
    code, ours, _ = cli("rrd", "print", "-vvv", src)
    theirs = oracle.cli("rrd", "print", "-vvv", str(src)).stdout
    strip = lambda text: [  # noqa: E731
        line.split(" rows (")[0] if line.startswith("Chunk(") else line
        for line in text.splitlines()
        if not line.startswith("Showing data after migration")
    ]
    assert strip(ours) == strip(theirs)
    for args in (("optimize",), ("merge",), ("filter", "--drop-timeline", "frame")):
        out = tmp_path / f"{args[0]}.rrd"
        assert cli("rrd", *args, src, "-o", out)[0] == 0
        _verify(oracle, out)
    theirs_opt = tmp_path / "theirs_opt.rrd"
    oracle.cli("rrd", "optimize", str(src), "-o", str(theirs_opt))
    proc = oracle.cli(
        "rrd", "compare", "--unordered", str(theirs_opt), str(tmp_path / "optimize.rrd"), check=False
    )
    assert proc.returncode == 0, proc.stderr[-3000:]


def test_verify_rejects_a_column_of_the_wrong_type(oracle, cli: Cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import pyarrow as pa
    from cli_samples import POSITIONS, STORE, write_rrd

    from rerun_core.store.chunk import Chunk, TimeColumn
    from rerun_core.store.messages import ArrowMsg, SetStoreInfo, StoreInfo
    from rerun_core.types import TimeType, new_tuid, new_tuids

    wrong = pa.array([[1.0], [2.0]], pa.list_(pa.float64()))
    chunk = Chunk.from_columns(
        "/p", new_tuids(2), [TimeColumn.from_values("frame", TimeType.SEQUENCE, [1, 2])], {POSITIONS: wrong}
    )
    path = write_rrd(
        tmp_path / "wrong.rrd", [SetStoreInfo(new_tuid(), StoreInfo(STORE)), ArrowMsg(STORE, chunk)]
    )
    assert oracle.cli("rrd", "verify", str(path), check=False).returncode != 0
    code, _, err = cli("rrd", "verify", path)
    assert code == 1 and "Points3D:positions" in err and "FixedSizeList(3 x non-null Float32)" in err


@pytest.mark.parametrize("newest_first", [False, True])
def test_merging_two_runs_of_one_recording_matches_the_real_merge(  # type: ignore[no-untyped-def]
    oracle, cli: Cli, oracle_rrd: Path, tmp_path: Path, newest_first: bool
) -> None:
    # Same store id, newer static data: the store rule decides which static chunks survive.
    newer = tmp_path / "newer.rrd"
    oracle.run_script("import os; os.environ['RERUN_FLUSH_NUM_ROWS'] = '1'\n" + SCRIPT, str(newer))
    inputs = [str(newer), str(oracle_rrd)] if newest_first else [str(oracle_rrd), str(newer)]
    for tool in ("merge", "optimize"):
        ours, theirs = tmp_path / f"ours_{tool}.rrd", tmp_path / f"theirs_{tool}.rrd"
        assert cli("rrd", tool, *inputs, "-o", ours)[0] == 0
        oracle.cli("rrd", tool, *inputs, "-o", str(theirs))
        proc = oracle.cli("rrd", "compare", "--unordered", str(theirs), str(ours), check=False)
        assert proc.returncode == 0, f"{tool}: {proc.stderr[-2000:]}"


def test_stats_counts_match_the_real_cli(oracle, cli: Cli, oracle_rrd: Path) -> None:  # type: ignore[no-untyped-def]
    def counts(text: str) -> list[str]:
        # Everything up to the footer-based "Chunk index" sections, minus byte sizes (checked
        # below where they are comparable).
        head = text.split("\nChunk index\n")[0]
        return [line for line in head.splitlines() if not line.startswith("ipc_size_bytes")]

    def stored_sizes(text: str) -> list[str]:
        # The two sections measured on the stored payloads (ours come from ArrowMsg.wire_size);
        # "schema only" differs by a few bytes (the Rust flatbuffer encodes schemas differently).
        out = []
        for title in ("Size (schema + data, compressed)", "Size (schema + data, uncompressed)"):
            out.append(text.split(title + "\n")[1].split("\n\n")[0])
        return out

    code, ours, err = cli("rrd", "stats", oracle_rrd)
    assert code == 0, err
    theirs = oracle.cli("rrd", "stats", str(oracle_rrd)).stdout
    assert counts(ours) == counts(theirs)
    assert stored_sizes(ours) == stored_sizes(theirs)
