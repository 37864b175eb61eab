"""The palette's file commands, run in-process on the viewer-control handler: saves hand the page
the .rrd / .rbl our codec writes (a browser download), refused for a client without
`allow_blocking_native_modal` as 0.41 refuses them; a file sent from the page's picker loads as a new
recording or into the current one."""

from __future__ import annotations

import base64
import time
from pathlib import Path
from typing import Any

import pytest

from rerun_core.proto.gen import viewer_control_pb2 as pb
from rerun_core.store.hub import StoreHub
from rerun_core.store.messages import ArrowMsg, BlueprintActivationCommand, StoreKind
from rerun_core.store.rrd import read_messages
from rerun_notebook import viewer_control_file_commands as files
from rerun_notebook.viewer_control_ops import FullViewerControlHandler

from .conftest import write_steps
from .test_screens import _Page, _viewer, _Web


def _downloads(page: _Page) -> list[dict[str, Any]]:
    return [r for r in page.session.replies if r.get("type") == "download"]


def _rows(data: bytes, tmp_path: Path, timeline: str = "step") -> list[int]:
    """The `step` times of the recording rows in an .rrd's bytes."""
    path = tmp_path / "saved.rrd"
    path.write_bytes(data)
    times: list[int] = []
    for message in read_messages(path):
        if isinstance(message, ArrowMsg) and str(message.chunk.entity_path) == "/pts":
            column = message.chunk.time_column(timeline)
            times += [] if column is None else [int(t) for t in column.values]
    return sorted(times)


def test_a_save_asks_for_a_person_at_the_viewer(tmp_path: Path) -> None:
    handler, _pages = _viewer(tmp_path, 1)
    for command in (
        "recording.save",
        "recording.save_blueprint",
        "recording.save_time_selection",
        "ui.open_file",
    ):
        with pytest.raises(Exception, match="opens a native modal, which freezes the viewer"):
            handler.run_command(pb.RunCommandRequest(id=command))


def test_save_downloads_the_whole_recording(tmp_path: Path) -> None:
    handler, pages = _viewer(tmp_path, 2)
    handler.run_command(pb.RunCommandRequest(id="recording.save", allow_blocking_native_modal=True))
    for page in pages:
        [download] = _downloads(page)
        assert download["name"] == "data.rrd"
        assert _rows(base64.b64decode(download["data"]), tmp_path) == list(range(10))


def _chunk_per_step(path: Path) -> Path:
    """Steps 0-9 of /pts, each in a chunk of its own, and a static /label."""
    import rerun as rr

    rec = rr.RecordingStream("control_test", recording_id="steps")
    rec.save(path)
    rec.log("label", rr.TextDocument("static"), static=True)
    for t in range(10):
        rec.set_time("step", sequence=t)
        rec.log("pts", rr.Points3D([[t, 0, 0]]))
        rec.flush()
    rec.flush()
    return path


def test_save_time_selection_keeps_the_chunks_reaching_into_it(tmp_path: Path) -> None:
    """As 0.41's `to_messages(loop_selection)`: static chunks, and whole chunks whose times on
    the timeline reach into the selection."""
    hub = StoreHub()
    hub.insert_many(read_messages(_chunk_per_step(tmp_path / "steps.rrd")))
    page = _Page()
    handler = FullViewerControlHandler(hub, _Web([page]))
    [sid] = hub.recordings()
    page.session.add_store(sid.recording_id, hub.get(sid), application_id=sid.application_id)
    page.session.time.set_timeline("step")
    page.session.time.selections["step"] = (3, 6)
    handler.run_command(
        pb.RunCommandRequest(id="recording.save_time_selection", allow_blocking_native_modal=True)
    )
    [download] = _downloads(page)
    data = base64.b64decode(download["data"])
    assert _rows(data, tmp_path) == [3, 4, 5, 6]
    saved = tmp_path / "saved.rrd"
    assert "/label" in {str(m.chunk.entity_path) for m in read_messages(saved) if isinstance(m, ArrowMsg)}


def test_save_blueprint_writes_the_layout_shown(tmp_path: Path) -> None:
    handler, [page] = _viewer(tmp_path, 1)
    handler.run_command(pb.RunCommandRequest(id="recording.save_blueprint", allow_blocking_native_modal=True))
    [download] = _downloads(page)
    assert download["name"] == "control_test.rbl"
    path = tmp_path / "saved.rbl"
    path.write_bytes(base64.b64decode(download["data"]))
    messages = list(read_messages(path))
    assert messages and all(m.store_id.kind == StoreKind.BLUEPRINT for m in messages)
    [saved_id] = {m.store_id for m in messages}  # one new blueprint id, as 0.41 saves it
    assert saved_id not in handler.hub.blueprints() and saved_id.application_id == "control_test"
    assert isinstance(messages[-1], BlueprintActivationCommand) and messages[-1].make_active
    paths = {str(m.chunk.entity_path) for m in messages if isinstance(m, ArrowMsg)}
    assert "/viewport" in paths


def _upload(page: _Page, data: bytes, name: str, into: str) -> None:
    """What modals.js sends for a picked file: base64 parts of UPLOAD_PART bytes."""
    step = files.UPLOAD_PART
    parts = [data[i : i + step] for i in range(0, len(data), step)] or [b""]
    for index, part in enumerate(parts):
        message = {
            "type": "upload",
            "upload": "u1",
            "part": index,
            "parts": len(parts),
            "name": name,
            "into": into,
        }
        page._dispatch_msg({**message, "data": base64.b64encode(part).decode()})


def _wait(condition: Any) -> None:
    for _ in range(200):
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("the upload did not load")


def test_a_picked_file_opens_as_a_new_recording(tmp_path: Path) -> None:
    handler, [page] = _viewer(tmp_path, 1)
    handler.run_command(pb.RunCommandRequest(id="ui.open_file", allow_blocking_native_modal=True))
    modal = page.session.modal
    assert (modal["kind"], modal["into"]) == ("open_file", "new") and ".rrd" in modal["accept"]
    data = write_steps(tmp_path / "other.rrd", recording_id="other").read_bytes()
    _upload(page, data, "other.rrd", "new")
    _wait(lambda: any(s.recording_id == "other" for s in handler.hub.recordings()))
    assert handler.hub.active_recording_id.recording_id == "other"


def test_a_picked_file_imports_into_the_current_recording(tmp_path: Path) -> None:
    handler, [page] = _viewer(tmp_path, 1)
    [sid] = handler.hub.recordings()
    data = write_steps(tmp_path / "more.rrd", recording_id="more").read_bytes()
    chunks = len(list(handler.hub.get(sid).chunks()))
    _upload(page, data, "more.rrd", "current")
    _wait(lambda: len(list(handler.hub.get(sid).chunks())) > chunks)
    assert [s.recording_id for s in handler.hub.recordings()] == ["steps"]  # no new recording


def test_a_picked_file_of_another_kind_says_why(tmp_path: Path) -> None:
    _handler, [page] = _viewer(tmp_path, 1)
    _upload(page, b"not an image", "notes.txt", "new")
    _wait(lambda: (page.session.modal or {}).get("kind") == "error")
    assert "Cannot open notes.txt: cannot load notes.txt: this viewer opens" in page.session.modal["message"]


def test_a_picked_image_imports_as_rerun_file_does(tmp_path: Path) -> None:
    """The CLI's importers (set by `rerun`'s viewer control) load what `rerun FILE` loads: an image
    becomes a recording of its own, application id the file's stem; into the current recording,
    its image goes there."""
    from PIL import Image

    from rerun.cli.control import _picked_files_import_as_rerun_file_does

    _picked_files_import_as_rerun_file_does()
    assert ".png" in files.accepted() and ".rrd" in files.accepted()
    picture = tmp_path / "picture.png"
    Image.new("RGB", (4, 3), (255, 0, 0)).save(picture)
    handler, [page] = _viewer(tmp_path, 1)
    _upload(page, picture.read_bytes(), "picture.png", "new")
    _wait(lambda: any(s.application_id == "picture" for s in handler.hub.recordings()))
    assert handler.hub.active_recording_id.application_id == "picture"

    [steps] = [s for s in handler.hub.recordings() if s.recording_id == "steps"]
    files.load_file(handler, picture, steps)
    assert any("picture" in str(p) for p in handler.hub.get(steps).entity_paths())


def test_an_upload_of_too_many_parts_is_refused(tmp_path: Path) -> None:
    _handler, [page] = _viewer(tmp_path, 1)
    with pytest.raises(ValueError, match="an upload of 99999999 parts"):
        files._upload_msg(page, {"type": "upload", "upload": "big", "part": 0, "parts": 99999999, "data": ""})


def test_the_desktop_window_saves_through_its_save_dialog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window's page hands a save to Qt's save dialog (pywebview's), which writes the file
    where the person chose; a cancelled dialog writes nothing."""
    from rerun_notebook.desktop_bridge import bridge

    class Window:
        def __init__(self, answer: Any) -> None:
            self.answer, self.asked = answer, []

        def create_file_dialog(self, kind: Any, save_filename: str) -> Any:
            self.asked.append((kind, save_filename))
            return self.answer

    target = tmp_path / "chosen.rrd"
    window = Window((str(target),))
    rr_save = {f.__name__: f for f in bridge(window)}["rr_save"]
    assert rr_save("data.rrd", base64.b64encode(b"RRF2...").decode())
    assert target.read_bytes() == b"RRF2..." and window.asked[0][1] == "data.rrd"
    cancelled = {f.__name__: f for f in bridge(Window(None))}["rr_save"]
    assert cancelled("data.rrd", base64.b64encode(b"x").decode()) is False


def test_uploads_a_page_leaves_unfinished_are_bounded(tmp_path: Path) -> None:
    """A page gone mid-upload (or one sending parts it never finishes) leaves at most MAX_PENDING
    uploads held, the oldest dropped first; a part over UPLOAD_PART bytes is refused."""
    _handler, [page] = _viewer(tmp_path, 1)
    files._uploads.clear()
    with pytest.raises(ValueError, match="upload part of"):
        too_big = base64.b64encode(bytes(files.UPLOAD_PART + 1)).decode()
        files._upload_msg(page, {"upload": "big", "part": 0, "parts": 2, "data": too_big})
    for n in range(files.MAX_PENDING + 3):
        files._upload_msg(page, {"upload": f"left{n}", "part": 0, "parts": 2, "data": "AAAA"})
    held = [key[1] for key in files._uploads]
    assert held == [f"left{n}" for n in range(3, files.MAX_PENDING + 3)]
    files._uploads.clear()


def test_a_headless_viewer_holds_no_saves(tmp_path: Path) -> None:
    """`rerun --headless` has no page to take a save's download: the recording's bytes are not kept
    in its offscreen page's outbox, save after save."""
    from rerun_notebook.web.headless import HeadlessViewer

    hub = StoreHub()
    hub.insert_many(read_messages(write_steps(tmp_path / "steps.rrd")))
    web = HeadlessViewer(hub)
    try:
        handler = FullViewerControlHandler(hub, web)
        for _ in range(3):
            handler.run_command(pb.RunCommandRequest(id="recording.save", allow_blocking_native_modal=True))
        [page] = web.page_sessions()
        assert not page.session.replies
    finally:
        web.stop()
