"""`rerun.notebook.Viewer(url=...)`, `open_url`, `close_url` on a segment of our `rerun server`,
with a fake renderer (no browser, no GPU)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rerun import notebook as nb
from rerun_core.server.redap_source import RedapClient
from rerun_notebook.selection import recording_summary
from tests.catalog.catalog_data import free_port, make_dataset_dir, server_process

from .test_rerun_notebook import fake_renderer as fake_renderer

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = make_dataset_dir(tmp_path_factory.mktemp("nb_url") / "ds", 2)
    port = free_port()
    cmd = [
        str(Path(".venv/bin/rerun").resolve()),
        "server",
        "--host",
        "127.0.0.1",
        "-p",
        str(port),
        "-d",
        f"mydata={root}",
    ]
    with server_process(cmd, port):
        yield f"rerun+http://127.0.0.1:{port}"


def _segment_url(server: str, segment: str) -> str:
    with RedapClient(server) as client:
        (ds,) = client.datasets()
        return client.url.segment_url(ds.id, segment)


def test_viewer_url_opens_the_segment_with_its_cursor(server: str, fake_renderer: list[Any]) -> None:
    url = _segment_url(server, "seg0") + "#when=frame@1&time_selection=frame@0..2"
    v = nb.Viewer(url=url, use_global_recording=False)
    try:
        session = v.widget.session
        assert session.active == "seg0" and session.app_ids["seg0"] == "mydata"
        assert {str(p) for p in session.stores["seg0"].entity_paths()} >= {"/points", "/static"}
        assert (session.time.timeline, session.time.time) == ("frame", 1)
        assert session.time.selections["frame"] == (0, 2)
        summary = recording_summary(session.stores["seg0"], "seg0", "mydata", "frame")
        assert summary["source"] == f"Rerun server {server}"
    finally:
        v.close()


def test_open_and_close_url(server: str, fake_renderer: list[Any]) -> None:
    v = nb.Viewer(use_global_recording=False)
    try:
        v.open_url(_segment_url(server, "seg0"))
        v.open_url(_segment_url(server, "seg1"))
        session = v.widget.session
        assert set(session.stores) == {"seg0", "seg1"} and session.active == "seg1"
        v.close_url(_segment_url(server, "seg1"))
        assert set(session.stores) == {"seg0"} and session.active == "seg0"
        v.close_url("rerun+http://127.0.0.1:1/never-opened")  # not open: nothing happens
        v.open_url(server)  # a server: listed, nothing fetched
        assert set(session.stores) == {"seg0"}
    finally:
        v.close()


def test_bad_urls_raise_one_line(server: str, fake_renderer: list[Any]) -> None:
    for bad, kind in (
        (f"rerun+http://127.0.0.1:{free_port()}", RuntimeError),
        (server + "/nope", ValueError),
        (_segment_url(server, "missing"), RuntimeError),
    ):
        with pytest.raises(kind) as info:
            nb.Viewer(url=bad)
        assert "\n" not in str(info.value)


def test_memory_limit_scrubs_a_segment_four_times_its_size(tmp_path: Path, fake_renderer: list[Any]) -> None:
    """Viewer(memory_limit=): the kernel store holds at most the limit while the time cursor
    scrubs start -> end -> start; each frame's data is there when the cursor is on it."""
    from tests.server.test_segment_fetch import FRAMES, POS, write_long_segment

    root = tmp_path / "ds"
    root.mkdir()
    size = write_long_segment(root / "long.rrd").stat().st_size
    port = free_port()
    cmd = [str(Path(".venv/bin/rerun").resolve()), "server", "--host", "127.0.0.1", "-p", str(port)]
    with server_process([*cmd, "-d", f"mydata={root}"], port):
        url = _segment_url(f"rerun+http://127.0.0.1:{port}", "long")
        limit = 4 * 5 * 400 * 12 // 4  # a quarter of the points' in-memory bytes (5 KB per frame)
        v = nb.Viewer(url=url, use_global_recording=False, memory_limit=limit)
        try:
            session = v.widget.session
            (fetcher,) = v.widget._sources.opened[url].fetchers  # type: ignore[union-attr]
            store = session.stores["long"]
            assert store.time_range("frame") == (0, FRAMES - 1)  # the whole segment, at once
            assert (session.time.timeline, session.time.time, session.time.playing) == ("frame", 0, False)
            peak = 0
            for frame in [*range(0, FRAMES, 7), FRAMES - 1, *range(FRAMES - 1, -1, -9), 0]:
                v.widget.set_time_ctrl("frame", frame)
                assert fetcher.wait_ready(30)
                cell = store.latest_at("/points", [POS.component], "frame", frame)[POS.component]
                assert cell.values.to_pylist()[0][0] == float(frame)
                peak = max(peak, store.num_bytes)
            stats = fetcher.stats
            assert max(peak, stats.peak_bytes) <= limit, (peak, stats)
            assert stats.chunks_evicted > 0 and stats.chunks_refetched > 0, stats
            assert stats.bytes_fetched > 4 * limit > size // 4, stats  # more than fits: refetched
        finally:
            v.close()
        fetcher._thread.join(5)  # type: ignore[union-attr]
        assert not fetcher._thread.is_alive()  # type: ignore[union-attr]  # closing the viewer ends its fetch


def test_memory_goes_to_the_segment_shown(tmp_path: Path, fake_renderer: list[Any]) -> None:
    """Two segments open under one memory limit: the one not shown keeps only its data at its
    cursor, the shown one gets the rest; switching back refetches around its cursor."""
    from tests.server.test_segment_fetch import write_long_segment

    root = tmp_path / "ds"
    root.mkdir()
    for name in ("a", "b"):
        write_long_segment(root / f"{name}.rrd", name)
    port = free_port()
    cmd = [str(Path(".venv/bin/rerun").resolve()), "server", "--host", "127.0.0.1", "-p", str(port)]
    with server_process([*cmd, "-d", f"two={root}"], port):
        server = f"rerun+http://127.0.0.1:{port}"
        limit = 120_000
        v = nb.Viewer(use_global_recording=False, memory_limit=limit)
        try:
            for name in ("a", "b"):
                v.open_url(_segment_url(server, name))
            session = v.widget.session
            opened = v.widget._sources.opened  # type: ignore[union-attr]
            (fa,) = opened[_segment_url(server, "a")].fetchers
            (fb,) = opened[_segment_url(server, "b")].fetchers
            assert session.active == "b"
            assert fb.wait_idle(30) and fa.wait_idle(30)
            a_hidden, b_shown = fa.store.num_bytes, fb.store.num_bytes
            assert not fa.shown and fb.shown and a_hidden < b_shown <= limit, (a_hidden, b_shown)
            assert fa.ready()  # its data at its cursor stays
            session.set_active("a")
            assert fa.wait_ready(30) and fa.wait_idle(30) and fb.wait_idle(30)
            assert fa.shown and not fb.shown and fb.store.num_bytes < fa.store.num_bytes <= limit
        finally:
            v.close()


def test_each_recording_is_credited_to_where_it_came_from(
    server: str, tmp_path: Path, fake_renderer: list[Any]
) -> None:
    """A followed proxy, a file and a server segment open in one viewer: the summary and the
    sources panel name each recording's own source (the proxy is credited only with what it
    streamed), and closing the proxy URL leaves the others open."""
    import time

    import rerun as rr
    from rerun_core.server.proxy import ProxyServer

    path = tmp_path / "local.rrd"
    local = rr.RecordingStream("where", recording_id="credit_file")
    local.save(path)
    local.log("pts", rr.Points3D([[0, 0, 0]]))
    local.disconnect()

    proxy = ProxyServer(port=free_port()).start()
    live = rr.RecordingStream("where", recording_id="credit_grpc")
    v = nb.Viewer(use_global_recording=False)
    try:
        live.connect_grpc(proxy.url)
        live.log("pts", rr.Points3D([[1, 1, 1]]))
        live.flush()
        v.open_url(proxy.url)
        session = v.widget.session
        deadline = time.monotonic() + 30
        while "credit_grpc" not in session.stores and time.monotonic() < deadline:
            time.sleep(0.05)
        v.open_url(str(path))  # read into the hub the proxy's feed also fills
        seg_url = _segment_url(server, "seg1")
        v.open_url(seg_url)
        expected = {
            "credit_grpc": f"gRPC {proxy.url}",
            "credit_file": f"File {path}",
            "seg1": f"Rerun server {server}",
        }
        assert set(session.stores) == set(expected)
        for rid, source in expected.items():
            summary = recording_summary(session.stores[rid], rid, session.app_ids[rid], None)
            assert summary["source"] == source, rid
        panel = v.widget._sources.panel  # type: ignore[union-attr]
        assert {r["id"]: r["source"] for r in panel.payload()["recordings"]} == expected
        v.close_url(proxy.url)  # only what the proxy streamed goes
        assert set(session.stores) == {"credit_file", "seg1"}
    finally:
        live.disconnect()
        v.close()
        proxy.stop(0.1)


def test_a_failed_open_gives_the_collector_back(server: str, fake_renderer: list[Any]) -> None:
    """`Viewer(url=)` pauses the cyclic collector until its first frame; an open that fails (no
    frame will come) resumes it at once instead of at the pause's deadline."""
    import gc

    from rerun_core import gc_pause

    gc_pause.resume()  # an earlier test's viewer that drew no frame may still hold a pause
    assert gc.isenabled()
    for bad in (server + "/nope", _segment_url(server, "missing")):
        with pytest.raises((ValueError, RuntimeError)):
            nb.Viewer(url=bad)
        assert gc.isenabled() and not gc_pause.paused(), bad
