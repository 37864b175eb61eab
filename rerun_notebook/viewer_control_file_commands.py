"""The palette's file commands on this viewer: save the recording, its blueprint or the loop
selection (``recording.save``, ``recording.save_blueprint``, ``recording.save_time_selection``), and
open a file as a new recording or into the current one (``ui.open_file``,
``ui.import_file_into_current_recording``).

0.41 asks for a path in a native file dialog; the viewer's pages are in a browser, whose own file
dialogs stand for it: a save is a browser download of the .rrd / .rbl our codec writes (the
``download`` page message), an open is the page's file picker (``modals.js``) sending the file to the
viewer process in parts (``upload`` messages), which loads it as ``ViewerClient.open`` loads a file.
Like 0.41's, these commands run for a client only with ``allow_blocking_native_modal``.
"""

from __future__ import annotations

import base64
import io
import logging
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from rerun_notebook.host import SessionHost, register
from rerun_notebook.viewer_control_screen_commands import attached, target_sessions

log = logging.getLogger(__name__)

Run = Callable[[Any, Any], None]  # (FullViewerControlHandler, the recording's StoreId or None)
RECORDING_FILE = "data.rrd"  # the name 0.41's save dialog proposes


def _first_row(chunk: Any) -> tuple[int, int]:
    """A chunk's smallest row id (its keys), for 0.41's order: roughly as logged."""
    hi, lo = chunk.row_id_keys
    return (int(hi.min()), int(lo[hi == hi.min()].min())) if len(hi) else (0, 0)


def recording_messages(
    hub: Any, sid: Any, selection: tuple[str, tuple[int, int]] | None = None
) -> Iterator[Any]:
    """The recording ``sid`` as 0.41 saves it (``EntityDb::to_messages``): its store info, then its
    chunks in the order their rows were logged; with a ``selection`` (timeline, (start, end)), the
    static chunks and the whole chunks whose times on that timeline reach into it."""
    from rerun_core.store.messages import ArrowMsg, SetStoreInfo
    from rerun_core.types.tuid import new_tuid

    store, info = hub.get(sid), hub.info(sid)
    if store is None or info is None:
        return
    yield SetStoreInfo(new_tuid(), info)
    for chunk in sorted(store.chunks(), key=_first_row):
        if selection is not None and not chunk.is_static:
            column = chunk.time_column(selection[0])
            span = column.time_range() if column is not None else None
            low, high = selection[1]
            if span is None or span[1] < low or span[0] > high:
                continue
        yield ArrowMsg(sid, chunk)


def rbl_name(application_id: str) -> str:
    """0.41's name for a saved blueprint: the application id, lower case, as a file name."""
    name = "".join("-" if c in '/\\:*?"<>|' or ord(c) < 32 else c for c in application_id.lower())
    return f"{name}.rbl"


def rrd_bytes(messages: Iterable[Any]) -> bytes:
    from rerun_core.store.rrd.writer import write_rrd

    out = io.BytesIO()
    write_rrd(out, messages)
    return out.getvalue()


def send_download(session: Any, name: str, data: bytes) -> None:
    """Hand the page a file to save (the browser's download: modals.js)."""
    payload = {"type": "download", "name": name, "data": base64.b64encode(data).decode()}
    with session._lock:
        session.replies.append(payload)
    session.session_change(lambda: True)  # published at the pump's next frame


def _save(*, selection: bool) -> Run:
    def run(handler: Any, sid: Any) -> None:
        for session in target_sessions(handler):
            chosen = None
            if selection and session.active == sid.recording_id and session.time.loop_selection is not None:
                chosen = (session.time.timeline, session.time.loop_selection)
            send_download(session, RECORDING_FILE, rrd_bytes(recording_messages(handler.hub, sid, chosen)))

    return run


def blueprint_messages(handler: Any, sid: Any) -> list[Any]:
    """The blueprint the recording is shown with, as 0.41 saves it: its active blueprint store (else
    the layout the heuristics choose, which 0.41 keeps in a store of its own) under a new random
    blueprint id, so that loading it back never merges into the one shown, then its activation."""
    import uuid

    from rerun_core.store import messages as msg
    from rerun_core.types.tuid import new_tuid
    from rerun_core.viewer.blueprint_tree import hub_blueprint
    from rerun_notebook import viewer_control_blueprint as written
    from rerun_notebook.viewer_control_heuristic import FIELD_TYPES, heuristic_json

    target = msg.StoreId(msg.StoreKind.BLUEPRINT, str(uuid.uuid4()), sid.application_id)
    store = hub_blueprint(handler.hub, sid.application_id)
    if store is not None:
        chunks = [msg.ArrowMsg(target, c) for c in sorted(store.chunks(), key=_first_row)]
    else:
        layout = heuristic_json(handler.hub.get(sid), handler._time_panel(sid))
        chunks = written.blueprint_messages(layout, FIELD_TYPES, target, 0)
    info = msg.StoreInfo(target, msg.StoreSource(msg.StoreSourceKind.OTHER))
    return [msg.SetStoreInfo(new_tuid(), info), *chunks, written.activation(target)]


def _save_blueprint(handler: Any, sid: Any) -> None:
    data = rrd_bytes(blueprint_messages(handler, sid))
    for session in target_sessions(handler):
        send_download(session, rbl_name(sid.application_id), data)


def _open_picker(into: str) -> Run:
    """The page's file picker (modals.js), for a new recording or the current one."""

    def run(handler: Any, sid: Any) -> None:
        for session in target_sessions(handler):
            session.set_modal({"kind": "open_file", "into": into, "accept": accepted()})

    return run


RUNNABLE: dict[str, Run] = {
    "recording.save": _save(selection=False),
    "recording.save_time_selection": _save(selection=True),
    "recording.save_blueprint": _save_blueprint,
    "ui.open_file": _open_picker("new"),
    "ui.import_file_into_current_recording": _open_picker("current"),
}


# --- page -> viewer: a file picked on the page, in parts ------------------------------------------

UPLOAD_PART = 512 * 1024  # raw bytes per `upload` message: under the page socket's 1 MiB limit
MAX_PARTS = 16384  # an upload of at most 8 GiB
MAX_PENDING = 4  # unfinished uploads held at once (a page gone mid-upload): a fifth drops the oldest
_uploads: dict[tuple[int, str], list[bytes | None]] = {}
_uploads_lock = threading.Lock()


Importer = Callable[[Path], Iterable[Any]]  # a file -> the log messages it stands for
RERUN_FILES = (".rrd", ".rbl")
_importer: list[tuple[Importer, tuple[str, ...]]] = []  # what `rerun FILE` imports (set_importer)


def set_importer(importer: Importer, suffixes: Iterable[str]) -> None:
    """Let picked files of ``suffixes`` (images, meshes, .mcap, ...) load through ``importer``, as
    ``rerun FILE`` loads them (the CLI sets it: the importers are the SDK's, above this layer)."""
    _importer[:] = [(importer, tuple(sorted({x.lower() for x in suffixes})))]


def accepted() -> list[str]:
    """The file types a picked file may be."""
    return sorted(set(RERUN_FILES) | set(_importer[0][1] if _importer else ()))


def _messages(path: Path) -> Iterable[Any]:
    from rerun_core.store.rrd import read_messages

    suffix = path.suffix.lower()
    if suffix in RERUN_FILES:
        return read_messages(path)
    if _importer and suffix in _importer[0][1]:
        return _importer[0][0](path)
    raise ValueError(f"cannot load {path.name}: this viewer opens {', '.join(accepted())} files")


def load_file(handler: Any, path: Path, into: Any = None) -> list[Any]:
    """Load a file as ``rerun FILE`` does and show its first recording; with ``into`` (a
    recording's StoreId), its recording data goes into that recording instead, as 0.41's import."""
    from rerun_core.store.messages import ArrowMsg, StoreKind

    seen: dict[Any, None] = {}

    def placed(messages: Iterable[Any]) -> Iterator[Any]:
        for message in messages:
            sid = getattr(message, "store_id", None)
            recording = sid is not None and sid.kind == StoreKind.RECORDING
            if into is None:
                if recording:
                    seen.setdefault(sid)
                yield message
            elif isinstance(message, ArrowMsg) and recording:
                yield ArrowMsg(into, message.chunk)
            elif not recording:
                yield message

    handler.hub.insert_many(placed(_messages(path)))
    opened = [into] if into is not None else [sid for sid in seen if handler.hub.get(sid) is not None]
    handler.from_files.update(opened if into is None else ())
    if opened:
        handler.tables.show(None)
        handler.hub.set_active_recording(opened[0])
    return list(opened)


def _upload_msg(host: SessionHost, content: dict[str, Any]) -> None:
    """One part of a file picked on the page; the last one loads it (off the page's thread)."""
    key = (id(host), str(content.get("upload", "")))
    parts, index = int(content.get("parts", 1)), int(content.get("part", 0))
    if not 1 <= parts <= MAX_PARTS:
        raise ValueError(f"an upload of {parts} parts (1 to {MAX_PARTS})")
    part = base64.b64decode(str(content.get("data", "")))
    if len(part) > UPLOAD_PART:
        raise ValueError(f"upload part of {len(part)} bytes (at most {UPLOAD_PART})")
    with _uploads_lock:
        got = _uploads.get(key)
        if got is None:
            while len(_uploads) >= MAX_PENDING:  # the oldest unfinished one (in insertion order)
                log.warning(
                    "dropping an unfinished upload from a page (%d parts)",
                    len(_uploads.pop(next(iter(_uploads)))),
                )
            got = _uploads[key] = [None] * parts
        if not 0 <= index < len(got):
            raise ValueError(f"upload part {index} of {len(got)}")
        got[index] = part
        if any(part is None for part in got):
            return
        data = b"".join(part or b"" for part in _uploads.pop(key))
    name = Path(str(content.get("name", "upload.rrd"))).name
    into = str(content.get("into", "new"))
    threading.Thread(
        target=_load_upload, args=(host, name, data, into), name="rerun-upload", daemon=True
    ).start()


def _load_upload(host: SessionHost, name: str, data: bytes, into: str) -> None:
    handler = attached()
    try:
        if handler is None:
            raise RuntimeError("no viewer control here to load it")
        with tempfile.TemporaryDirectory(prefix="rerun-upload-") as folder:
            path = Path(folder) / name
            path.write_bytes(data)
            current = handler._active_sid() if into == "current" else None
            if not load_file(handler, path, current):
                raise ValueError(f"no recording in {name}")
        log.info("Loaded %s from the page", name)
    except Exception as err:
        log.warning("opening %s from the page failed: %s", name, err)
        host.session.set_modal(
            {"kind": "error", "title": "Open file", "message": f"Cannot open {name}: {err}"}
        )


register("upload", _upload_msg)
