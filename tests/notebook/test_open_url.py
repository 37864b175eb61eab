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
