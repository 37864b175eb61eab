"""The sources panel (`rerun_notebook.sources_panel`) on a viewer with a fake renderer: local
recordings listed, a server added by URL lists its datasets, a dataset's segments come a page
at a time, a clicked segment opens (several at once, switching as recordings do), removing the
server closes its segments, bad URLs are one-line panel errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rerun import notebook as nb
from rerun_notebook import sources_panel
from rerun_notebook.host import _HANDLERS
from tests.catalog.catalog_data import free_port, make_dataset_dir, server_process

from .test_rerun_notebook import fake_renderer as fake_renderer

pytestmark = pytest.mark.timeout(120)
N_SEGMENTS = sources_panel.PAGE + 5


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = make_dataset_dir(tmp_path_factory.mktemp("panel") / "ds", N_SEGMENTS)
    port = free_port()
    cmd = [str(Path(".venv/bin/rerun").resolve()), "server", "--host", "127.0.0.1", "-p", str(port)]
    with server_process([*cmd, "-d", f"many={root}"], port):
        yield f"rerun+http://127.0.0.1:{port}"


def _panel(v: nb.Viewer) -> sources_panel.SourcesPanel:
    from rerun_notebook.sources import UrlSources

    sources = v.widget._url_sources(None)
    assert isinstance(sources, UrlSources)
    return sources.panel


def test_panel_lists_pages_opens_and_removes(server: str, fake_renderer: list[Any]) -> None:
    assert "sources" in _HANDLERS  # the browser's message reaches the panel
    v = nb.Viewer(use_global_recording=False)
    try:
        panel = _panel(v)
        pushed: list[dict[str, Any]] = []
        panel.push = pushed.append
        panel.handle({"action": "add_server", "url": server})
        state = pushed[-1]
        assert state["type"] == "sources" and state["error"] is None and state["recordings"] == []
        ((srv),) = state["servers"]
        ((ds),) = srv["datasets"]
        assert (srv["url"], ds["name"], ds["expanded"], ds["total"]) == (server, "many", False, None)

        panel.handle({"action": "expand", "server": server, "dataset": ds["id"]})
        ds = pushed[-1]["servers"][0]["datasets"][0]
        assert ds["total"] == N_SEGMENTS and len(ds["segments"]) == sources_panel.PAGE  # one page
        panel.handle({"action": "more", "server": server, "dataset": ds["id"]})
        ds = pushed[-1]["servers"][0]["datasets"][0]
        assert len(ds["segments"]) == N_SEGMENTS

        by_id = {s["id"]: s["url"] for s in ds["segments"]}
        for seg in ("seg0", "seg1"):
            panel.open_segment(by_id[seg]).join(60)
        state = pushed[-1]
        assert state["error"] is None
        assert [(r["id"], r["active"]) for r in state["recordings"]] == [("seg0", False), ("seg1", True)]
        assert all(r["source"] == f"Rerun server {server}" for r in state["recordings"])
        opened = {s["id"] for s in state["servers"][0]["datasets"][0]["segments"] if s["open"]}
        assert opened == {"seg0", "seg1"}
        panel.handle({"action": "activate", "recording_id": "seg0"})  # switching, as recordings do
        assert v.widget.session.active == "seg0"

        panel.handle({"action": "remove_server", "url": server})
        state = pushed[-1]
        assert state["servers"] == [] and state["recordings"] == []
        assert v.widget.session.stores == {}
    finally:
        v.close()


def test_panel_errors_are_one_line(server: str, fake_renderer: list[Any]) -> None:
    v = nb.Viewer(use_global_recording=False)
    try:
        panel = _panel(v)
        pushed: list[dict[str, Any]] = []
        panel.push = pushed.append
        panel.handle({"action": "add_server", "url": "http://not-rerun"})
        assert "scheme" in pushed[-1]["error"] and "\n" not in pushed[-1]["error"]
        panel.handle({"action": "add_server", "url": f"rerun+http://127.0.0.1:{free_port()}"})
        (srv,) = pushed[-1]["servers"]
        assert "cannot reach" in srv["error"] and pushed[-1]["error"] is None
        panel.handle({"action": "nonsense"})
        assert "unknown sources action" in pushed[-1]["error"]
    finally:
        v.close()
