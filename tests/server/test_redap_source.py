"""Opening Rerun server URLs (`rerun_core.server.redap_source` / `redap_open`): URL forms, a
segment fetched into a StoreHub from our `rerun server` and the real one, and the CLI on them."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rerun_core.server.redap_open import open_url, plan_url
from rerun_core.server.redap_source import (
    InvalidUrlError,
    RedapClient,
    RedapError,
    TimeCursor,
    TimeSelection,
    is_redap_url,
    parse_time_value,
    parse_url,
)
from rerun_core.store.hub import StoreHub
from rerun_core.store.load import load_rrd
from tests.catalog.catalog_data import free_port, make_dataset_dir, serve_dataset_dir

DS = "18EEA4A5A85AC3877448c7da4acd6bd8"


# --- URL forms ------------------------------------------------------------------------------------


def test_url_kinds() -> None:
    server = parse_url("rerun+http://127.0.0.1:51234")
    assert (server.kind, server.target, server.tls, server.origin) == (
        "server",
        "127.0.0.1:51234",
        False,
        "rerun+http://127.0.0.1:51234",
    )
    assert parse_url("rerun+http://localhost:9/").kind == "server"
    assert parse_url("rerun+http://localhost").target == "localhost:51234"
    assert parse_url("rerun+https://example.com").target == "example.com:443"
    assert parse_url("rerun://example.com").tls
    ds = parse_url(f"rerun+http://h:1/dataset/{DS}")
    assert (ds.kind, ds.dataset_id, ds.segment_id) == ("dataset", DS, None)
    seg = parse_url(f"rerun+http://h:1/dataset/{DS}?segment_id=seg0")
    assert (seg.kind, seg.dataset_id, seg.segment_id, seg.when, seg.selection) == (
        "segment",
        DS,
        "seg0",
        None,
        None,
    )
    assert seg.segment_url(DS, "seg0") == f"rerun+http://h:1/dataset/{DS}?segment_id=seg0"
    proxy = parse_url("rerun+http://127.0.0.1:9876/proxy")
    assert (proxy.kind, proxy.target) == ("proxy", "127.0.0.1:9876")
    assert is_redap_url("rerun+http://x") and not is_redap_url("http://x/a.rrd") and not is_redap_url("a.rrd")


def test_segment_url_fragment_as_segment_url_writes_it() -> None:
    seg = parse_url(f"rerun+http://h:1/dataset/{DS}?segment_id=s#when=frame@5&time_selection=frame@2..9")
    assert seg.when == TimeCursor("frame", 5)
    assert seg.selection == TimeSelection("frame", 2, 9)
    stamp = parse_url(
        f"rerun+http://h:1/dataset/{DS}?segment_id=s#when=log_time@1970-01-01T00:00:01.5Z"
        "&time_selection=log_time@1970-01-01T00:00:01Z..1970-01-01T00:00:02Z"
    )
    assert stamp.when == TimeCursor("log_time", 1_500_000_000)
    assert stamp.selection == TimeSelection("log_time", 1_000_000_000, 2_000_000_000)
    assert parse_time_value("+1.5s") == 1_500_000_000
    assert parse_time_value("+0.000\u2009001s") == 1_000  # 0.41 groups digits with thin spaces
    assert parse_time_value("-2ms") == -2_000_000
    assert parse_time_value("-7") == -7


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.1:51234", "scheme"),
        ("rerun+http://127.0.0.1:51234/bogus", "expected /proxy"),
        ("rerun+http://127.0.0.1:51234/dataset/nothex", "expected /proxy"),
        ("rerun+http://127.0.0.1:99999999", "Port out of range"),
        ("rerun+http:///dataset", "host"),
        (f"rerun+http://h/dataset/{DS}?segment_id=s#when=frame", "timeline@value"),
        (f"rerun+http://h/dataset/{DS}?segment_id=s#when=frame@soon", "when"),
        (f"rerun+http://h/dataset/{DS}?segment_id=s#time_selection=frame@1", "time_selection"),
    ],
)
def test_bad_urls_are_one_line_value_errors(url: str, why: str) -> None:
    with pytest.raises(InvalidUrlError) as info:
        parse_url(url)
    assert isinstance(info.value, ValueError)
    assert why in str(info.value) and "\n" not in str(info.value)


def test_unreachable_server_is_one_line() -> None:
    with pytest.raises(RedapError) as info:
        open_url(f"rerun+http://127.0.0.1:{free_port()}", lambda m: None, timeout=5)
    assert "cannot reach the Rerun server" in str(info.value) and "\n" not in str(info.value)


# --- against servers ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_dataset_dir(tmp_path_factory.mktemp("redap") / "ds", 2)


@pytest.fixture(scope="module")
def ours(data_dir: Path) -> Iterator[str]:
    yield from serve_dataset_dir(Path(".venv/bin/rerun").resolve(), data_dir)


def _check_segment_matches_file(url: str, data_dir: Path) -> None:
    hub = StoreHub()
    seg_url = _segment_url(url, "seg1")
    plan = plan_url(seg_url)  # the manifest names what the viewer will draw (its warm-up's kinds)
    plan.client.close()
    assert plan.archetypes() == {"Points3D", "TextDocument"}
    result = open_url(seg_url + "#when=frame@1", hub.insert)
    (sid,) = result.opened
    assert (sid.recording_id, sid.application_id) == ("seg1", "mydata")
    assert hub.recordings() == [sid]
    source = load_rrd(data_dir / "seg1.rrd")
    (src_id,) = source.recordings()
    ours_store, theirs = hub.get(sid), source.get(src_id)
    assert ours_store is not None and theirs is not None
    for index in ("frame", None):
        got, want = ours_store.dataframe(index), theirs.dataframe(index)
        assert got.column_names == want.column_names
        assert got.to_pylist() == want.to_pylist()
    assert "opened segment 'seg1' of dataset 'mydata'" in result.summary()


def _segment_url(url: str, segment: str) -> str:
    with RedapClient(url) as client:
        (ds,) = client.datasets()
        return client.url.segment_url(ds.id, segment)


def test_segment_of_our_server_matches_its_file(ours: str, data_dir: Path) -> None:
    _check_segment_matches_file(ours, data_dir)


def test_server_and_dataset_urls(ours: str) -> None:
    listed = plan_url(ours)
    assert listed.to_fetch == [] and listed.result.opened == []
    listed.client.close()
    (ds,) = listed.result.datasets
    assert ds.dataset.name == "mydata" and sorted(s.id for s in ds.segments) == ["seg0", "seg1"]
    assert any("segment_id=seg0" in line for line in listed.result.lines())
    hub = StoreHub()
    opened = open_url(listed.result.url.dataset_url(ds.dataset.id), hub.insert)
    assert sorted(s.recording_id for s in opened.opened) == ["seg0", "seg1"]
    small = plan_url(listed.result.url.dataset_url(ds.dataset.id), budget=10)  # over budget: listed only
    small.client.close()
    assert small.to_fetch == [] and small.result.skipped_bytes > 10


def test_missing_segment_and_dataset_are_one_line(ours: str) -> None:
    seg_url = _segment_url(ours, "seg0")
    for bad in (seg_url.replace("seg0", "nope"), seg_url.replace("/dataset/1", "/dataset/2").split("?")[0]):
        with pytest.raises(RedapError) as info:
            open_url(bad, lambda m: None)
        assert "\n" not in str(info.value)


@pytest.mark.interop
@pytest.mark.slow
def test_segment_of_the_real_server_matches_its_file(oracle: Any, data_dir: Path) -> None:
    for url in serve_dataset_dir(oracle.rerun, data_dir, oracle.env()):
        _check_segment_matches_file(url, data_dir)


# --- the CLI --------------------------------------------------------------------------------------


def test_rerun_connect_bad_urls_exit_with_one_line(tmp_path: Path) -> None:
    exe = str(Path(".venv/bin/rerun").resolve())
    for args in (
        ["connect", "rerun+http://127.0.0.1:51234/bogus"],
        ["connect", f"rerun+http://127.0.0.1:{free_port()}"],
        ["connect", "not-a-url"],
        [f"rerun+http://127.0.0.1:{free_port()}/dataset/{DS}?segment_id=x", "--headless"],
    ):
        proc = subprocess.run([exe, *args], capture_output=True, text=True, timeout=60, cwd=tmp_path)
        assert proc.returncode != 0, args
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr


def test_prefetch_with_an_early_start_fetches_before_the_viewer_binds(ours: str) -> None:
    from rerun_core.server.redap_open import EarlyStart, PlanPrefetch

    seg_url = _segment_url(ours, "seg0")
    hub = StoreHub()
    kinds: list[set[str]] = []
    prefetch = PlanPrefetch(seg_url, on_plan=lambda p: kinds.append(p.archetypes()), early=EarlyStart(hub))
    prefetch.result()  # planned and started on the prefetch's thread
    (sid,) = hub.recordings()
    store = hub.get(sid)
    assert store is not None and len(store) > 0  # the data at the cursor, before any viewer
    assert kinds == [{"Points3D", "TextDocument"}]
    alive = [True]
    started = prefetch.started(lambda: alive[0])
    assert started is not None
    result, fetchers = started
    assert result.opened == [sid] and len(fetchers) == 1
    assert fetchers[0].running
    alive[0] = False  # the viewer closed: the background fetch ends by itself
    deadline = time.monotonic() + 20
    while fetchers[0].running and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not fetchers[0].running


def test_discarded_early_start_stops_its_fetch(ours: str) -> None:
    from rerun_core.server.redap_open import EarlyStart, PlanPrefetch

    prefetch = PlanPrefetch(_segment_url(ours, "seg1"), early=EarlyStart(StoreHub()))
    prefetch.result()
    prefetch.discard()
    started = prefetch.started(lambda: True)
    assert started is not None and started[1] and not any(f.running for f in started[1])
