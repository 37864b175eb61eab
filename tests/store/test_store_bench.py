"""Smoke test: the store benchmark's in-process part runs (tiny sizes; no timings asserted)."""

from __future__ import annotations

import pytest

from benchmarks.bench_store import bench_latest_at, build_latest_at_store


def test_bench_store_latest_at_runs(capsys: pytest.CaptureFixture[str]) -> None:
    store = build_latest_at_store(num_entities=2, chunks=3, rows=10)
    assert store.stats().num_rows == 60
    bench_latest_at(50, chunks=2)
    out = capsys.readouterr().out
    assert "RESULT store_latest_at ours: p50" in out
