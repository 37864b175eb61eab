"""``rerun.experimental.dataloader`` without torch: imports stay torch-free, ``Field`` checks its
options, and the epoch orders (every shuffle strategy, DDP / worker shards, fetch blocks, the
shuffle buffer) equal 0.41's for generated sample spaces and seeds (the real ones run in
``.venv-oracle``: those modules need no torch there either)."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from rerun.experimental.dataloader import (
    BlockShuffle,
    Field,
    NoShuffle,
    SampleIndex,
    SampleShuffle,
    SegmentMetadata,
)
from rerun.experimental.dataloader._shuffle import ShuffleBuffer, contiguous_shard, fetch_blocks
from tests.conftest import Oracle


def test_importing_rerun_does_not_import_torch() -> None:
    code = (
        "import sys, rerun, rerun.experimental, rerun.catalog, rerun.experimental.dataloader as dl\n"
        "dl.DataSource, dl.Field, dl.SampleShuffle, dl.FixedRateSampling\n"
        "print('torch' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout.strip() == "False"


class _Decoder:
    fill_latest_at = True

    def prior_keyframe_path(self, path: str) -> None:
        return None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"window": ()}, "at least one offset"),
        ({"window": (0, float("nan"))}, "must be finite"),
        ({"max_staleness": -1}, "non-negative"),
        ({"max_staleness": float("inf")}, "must be finite"),
    ],
)
def test_field_refuses_bad_options(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Field("/a:Scalars:scalars", decode=_Decoder(), **kwargs)  # type: ignore[arg-type]


def test_block_shuffle_checks_its_buffer() -> None:
    with pytest.raises(ValueError, match="min_fill requires buffer_size"):
        BlockShuffle(min_fill=2)
    with pytest.raises(ValueError, match="at least 2"):
        BlockShuffle(buffer_size=1)
    with pytest.raises(ValueError, match=r"min_fill must be in \[1, buffer_size\]"):
        BlockShuffle(buffer_size=4, min_fill=5)


ORDERS = r"""
import json, sys
import numpy as np
from rerun.experimental.dataloader import BlockShuffle, NoShuffle, SampleIndex, SampleShuffle, SegmentMetadata
from rerun.experimental.dataloader._shuffle import ShuffleBuffer
try:
    from rerun.experimental.dataloader._shuffle import _contiguous_shard as shard, _fetch_blocks as blocks
except ImportError:
    from rerun.experimental.dataloader._shuffle import contiguous_shard as shard, fetch_blocks as blocks
out = []
for case in json.loads(sys.argv[1]):
    segs = [SegmentMetadata(f"s{i}", 0, n - 1, n) for i, n in enumerate(case["sizes"])]
    index = SampleIndex(segs)
    strategy = {"sample": SampleShuffle(), "block": BlockShuffle(), "none": NoShuffle()}[case["strategy"]]
    idx, bounds = strategy.epoch_order(index, fetch_block_size=case["block"], seed=case["seed"])
    row = {"order": idx.tolist(), "bounds": bounds.tolist(), "shards": []}
    for rank in range(case["world"]):
        i2, b2 = shard(idx, bounds, rank=rank, world_size=case["world"])
        row["shards"].append([i2.tolist(), b2.tolist(), [b.tolist() for b in blocks(i2, b2, fetch_block_size=case["block"])]])
    buf = ShuffleBuffer(case["buffer"], min_fill=case["min_fill"])
    row["emit"] = buf.emit_order(len(idx), rng=np.random.default_rng([case["seed"], 1, 2])).tolist()
    row["locate"] = [[s.segment_id, int(v)] for s, v in (index.global_to_local(int(g)) for g in idx[:5])]
    out.append(row)
print(json.dumps(out))
"""


def _cases() -> list[dict[str, object]]:
    rng = np.random.default_rng(7)
    cases: list[dict[str, object]] = []
    for i in range(24):
        buffer = int(rng.integers(2, 12))
        cases.append(
            {
                "sizes": [int(n) for n in rng.integers(0, 40, size=int(rng.integers(1, 6)))],
                "strategy": ["sample", "block", "none"][i % 3],
                "block": int(rng.integers(1, 17)),
                "seed": int(rng.integers(0, 1000)),
                "world": int(rng.integers(1, 5)),
                "buffer": buffer,
                "min_fill": None if i % 2 else int(rng.integers(1, buffer + 1)),
            }
        )
    return [c for c in cases if sum(c["sizes"]) > 0]  # type: ignore[call-overload]


@pytest.mark.interop
def test_epoch_orders_shards_and_buffers_match_0_41(oracle: Oracle) -> None:
    cases = _cases()
    arg = json.dumps(cases)
    theirs = json.loads(oracle.run_script(ORDERS, arg).stdout.strip().splitlines()[-1])
    ours = json.loads(
        subprocess.run(
            [sys.executable, "-c", ORDERS, arg], capture_output=True, text=True, timeout=120, check=True
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    assert len(theirs) == len(cases)
    assert ours == theirs


def test_orders_are_permutations_with_segment_local_blocks() -> None:
    index = SampleIndex([SegmentMetadata("a", 0, 9, 10), SegmentMetadata("b", 5, 11, 7)])
    for strategy in (SampleShuffle(), BlockShuffle(), NoShuffle()):
        idx, bounds = strategy.epoch_order(index, fetch_block_size=4, seed=1)
        assert sorted(idx.tolist()) == list(range(17))
        starts = [0, *bounds[:-1].tolist()]
        for lo, hi in zip(starts, bounds.tolist(), strict=True):
            block = idx[lo:hi]
            assert len({int(g) >= 10 for g in block}) == 1  # one segment per block
    idx, bounds = NoShuffle().epoch_order(index, fetch_block_size=4, seed=0)
    assert idx.tolist() == list(range(17)) and bounds.tolist() == [4, 8, 10, 14, 17]
    shard, shard_bounds = contiguous_shard(idx, bounds, rank=1, world_size=2)
    assert shard.tolist() == list(range(8, 17)) and shard_bounds.tolist() == [2, 6, 9]
    assert [b.tolist() for b in fetch_blocks(shard, shard_bounds, fetch_block_size=4)] == [
        [8, 9],
        [10, 11, 12, 13],
        [14, 15, 16],
    ]
    assert sorted(ShuffleBuffer(4).emit_order(9, rng=np.random.default_rng(0)).tolist()) == list(range(9))
