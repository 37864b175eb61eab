"""The viewer process's answers to Rerun 0.41's viewer control calls (``ViewerClient``).

``rerun_core.server.viewer_control`` is the wire half; this is the viewer half, over the process's
store hub and the sessions of its open pages (the desktop window is one): state (recordings,
their timelines and time cursor, the views), the time cursor, screenshots, opening files and URLs,
closing recordings. The first open page stands for "the viewer" where one is needed.
"""

from __future__ import annotations

import io
import json
import logging
import uuid
from pathlib import Path
from typing import Any

from rerun_core.proto.gen import common_pb2
from rerun_core.proto.gen import viewer_control_pb2 as pb
from rerun_core.store.messages import StoreKind

log = logging.getLogger(__name__)

_TIME_TYPES = {
    "sequence": common_pb2.TIME_TYPE_SEQUENCE,
    "duration": common_pb2.TIME_TYPE_DURATION_NS,
    "timestamp": common_pb2.TIME_TYPE_TIMESTAMP_NS,
}
_PLAY_STATES = {
    "paused": pb.PLAY_STATE_PAUSED,
    "playing": pb.PLAY_STATE_PLAYING,
    "following": pb.PLAY_STATE_FOLLOWING,
}
VIEWER_VERSION = "0.41.0 (rerun-notebook-native)"


def _view_class(kind: str) -> str:
    """Rerun's view class identifier ("3D", "TimeSeries", ...) for one of our view kinds."""
    from rerun_core.viewer import view_registry

    known = view_registry.get(kind)
    return (known.class_identifier if known is not None else None) or kind


def _kind(typ: object) -> str:
    return str(getattr(typ, "value", typ))


def view_uuid(view_id: object) -> str:
    """A view's id as 0.41 gives it, a UUID: a sent blueprint's own, else one derived from the id
    this viewer gives a view it lays out itself (``spatial3d:/``), the same each time."""
    text = str(view_id)
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"rerun-view:{text}"))


def store_id_text(sid: Any) -> str:
    """0.41's store id, ``Recording:<application id>:<recording id>``: what its viewer reports and
    takes back. A colon in the application id is escaped (``\\:``, a backslash as ``\\\\``);
    the recording id is the rest, as it is."""
    kind = "Blueprint" if _kind(sid.kind) == _kind(StoreKind.BLUEPRINT) else "Recording"
    app = sid.application_id.replace("\\", "\\\\").replace(":", "\\:")
    return f"{kind}:{app}:{sid.recording_id}"


def parse_store_id(text: str) -> tuple[str, str, str]:
    """(kind, application id, recording id) of a store id as ``store_id_text`` writes it; a text
    of another form is refused with 0.41's words."""
    kind, sep, rest = text.partition(":")
    app: list[str] = []
    i = 0
    while sep and kind in ("Recording", "Blueprint") and i < len(rest):
        if rest[i] == "\\" and i + 1 < len(rest):
            app.append(rest[i + 1])
            i += 2
        elif rest[i] == ":":
            return kind, "".join(app), rest[i + 1 :]
        else:
            app.append(rest[i])
            i += 1
    raise ValueError(
        f"invalid store_id: {json.dumps(text)} is not a store id: expected `kind:application_id:recording_id`"
    )


class Precondition(LookupError):
    """What the viewer cannot do in the state it is in (0.41 answers FAILED_PRECONDITION), e.g. a
    call about the active recording while none is; a LookupError to the handler's own callers."""


def precondition(message: str) -> Exception:
    """A ``Precondition`` the viewer-control service answers with FAILED_PRECONDITION, as 0.41."""
    import grpc

    from rerun_core.server.viewer_control import _Refused

    class _Failed(_Refused, Precondition):
        pass

    return _Failed(grpc.StatusCode.FAILED_PRECONDITION, message)


class ViewerControlHandler:
    """Implements ``rerun_core.server.viewer_control.ViewerControlBackend``."""

    def __init__(self, hub: Any, web: Any, tables: Any = None) -> None:
        from rerun_notebook.viewer_control_tables import TableShelf

        self.hub = hub
        self.web = web
        self.tables = tables if tables is not None else TableShelf()
        self.from_files: set[Any] = set()  # opened from a file: 0.41 makes each a catalog dataset
        self.loaded_from: dict[str, list[Any]] = {}  # URL -> the recordings loaded from it

    # --- helpers ------------------------------------------------------------------------------

    def _sessions(self) -> list[Any]:
        return [page.session for page in self.web.page_sessions()] if self.web is not None else []

    def _session(self) -> Any:
        sessions = self._sessions()
        if not sessions:
            raise LookupError("no viewer window or page is open to answer this")
        return sessions[0]

    def _active_sid(self) -> Any:
        """The recording the viewer shows (its first page's), else the hub's newest; None if none,
        or if a table is on screen (``send_table``), as 0.41."""
        if self.tables.shown is not None:
            return None
        sessions = self._sessions()
        active = sessions[0].active if sessions else None
        recordings = self.hub.recordings()
        shown = [sid for sid in recordings if sid.recording_id == active]
        return (shown or recordings[-1:] or [None])[0]

    def _recording(
        self,
        store_id: str | None,
        *,
        what: str = "no active recording, and no `store_id`",
        missing: str = "no such recording: {}",
    ) -> Any:
        """The hub's recording for ``store_id`` (0.41's ``Recording:<app>:<id>``); None: the one
        the viewer shows, or ``what`` refused as 0.41 (FAILED_PRECONDITION) when there is none."""
        if not store_id:
            sid = self._active_sid()
            if sid is None:
                raise precondition(what)
            return sid
        _kind_name, app, recording = parse_store_id(store_id)
        for sid in self.hub.recordings():
            if (sid.application_id, sid.recording_id) == (app, recording):
                return sid
        raise LookupError(missing.format(store_id))

    def _timelines(self, store: Any, session: Any) -> list[pb.ViewerTimeline]:
        out = []
        for name, typ in sorted(store.timelines().items()):
            entry = pb.ViewerTimeline(time_type=_TIME_TYPES.get(_kind(typ), common_pb2.TIME_TYPE_UNSPECIFIED))
            entry.timeline.name = name
            rng = store.time_range(name)
            if rng is not None:
                entry.time_range.start, entry.time_range.end = int(rng[0]), int(rng[1])
            if session is not None and session.time.timeline == name and session.time.time is not None:
                entry.current_time.time = int(session.time.time)
            out.append(entry)
        return out

    # --- operations ---------------------------------------------------------------------------

    def get_state(self, request: pb.GetStateRequest) -> pb.GetStateResponse:
        sessions = self._sessions()
        first = sessions[0] if sessions else None
        state = pb.GetStateResponse(viewer_version=VIEWER_VERSION)
        for sid in self.hub.recordings():
            store = self.hub.get(sid)
            if store is None:
                continue
            shown = next((s for s in sessions if s.active == sid.recording_id), None)
            rec = pb.ViewerRecording(store_id=store_id_text(sid), timelines=self._timelines(store, shown))
            if shown is not None and shown.time.timeline:
                rec.current_time.timeline.name = shown.time.timeline
                kind = shown.time.kinds.get(shown.time.timeline, "")
                rec.current_time.time_type = _TIME_TYPES.get(kind, common_pb2.TIME_TYPE_UNSPECIFIED)
                if shown.time.time is not None:
                    rec.current_time.time.time = int(shown.time.time)
                rec.play_state = _PLAY_STATES.get(shown.time.play_state, pb.PLAY_STATE_UNSPECIFIED)
            state.recordings.append(rec)
        active = self._active_sid()
        if first is not None and active is not None and active.recording_id == first.active:
            state.active_store_id = store_id_text(active)
            for view in first.state().get("views", []):
                state.views.append(
                    pb.ViewerView(
                        view_id=view_uuid(view.get("id", "")),
                        name=str(view.get("name", "")),
                        origin=str(view.get("origin", "") or "/"),
                        visible=True,
                        **{"class": _view_class(str(view.get("kind", "")))},
                    )
                )
        return state

    def set_time_cursor(self, request: pb.SetTimeCursorRequest) -> pb.SetTimeCursorResponse:
        sid = self._recording(request.store_id if request.HasField("store_id") else None)
        targets = [s for s in self._sessions() if s.active == sid.recording_id]
        if not targets:
            raise precondition(f"recording {store_id_text(sid)} is not shown in the viewer")
        timeline = request.timeline.name if request.HasField("timeline") else None
        time = int(request.time.time) if request.HasField("time") else None
        state = request.play_state if request.HasField("play_state") else None
        if state == pb.PLAY_STATE_FOLLOWING and time is not None:
            raise ValueError("cannot follow the latest data and also set a time")
        for session in targets:
            kinds = session.time.kinds
            if timeline is not None and timeline not in kinds:
                raise ValueError(
                    f"recording {sid.recording_id} has no timeline {json.dumps(timeline)};"
                    f" available: {json.dumps(sorted(kinds), separators=(', ', ': '))}"
                )
            if state is None:  # left as it is; but a time given stops following the newest data
                playing = session.time.play_state == "playing" or (
                    session.time.play_state == "following" and time is None
                )
            else:
                playing = state == pb.PLAY_STATE_PLAYING
            session.set_time_ctrl(timeline, time, playing)
            if state == pb.PLAY_STATE_FOLLOWING:
                session.time_action("follow")
        session = targets[0]
        answer = pb.SetTimeCursorResponse(store_id=store_id_text(sid))
        name = session.time.timeline or ""
        answer.timeline.name = name
        answer.time_type = _TIME_TYPES.get(session.time.kinds.get(name, ""), common_pb2.TIME_TYPE_UNSPECIFIED)
        answer.time.time = int(time if time is not None else (session.time.time or 0))
        return answer

    def save_screenshot(self, request: pb.SaveScreenshotRequest) -> pb.SaveScreenshotResponse:
        import time as _time

        from PIL import Image

        session = self._session()
        session.prepare(_time.monotonic())
        picture = session.render()
        if picture is None:
            raise LookupError(session.error or "the viewer shows nothing yet")
        image = Image.fromarray(self._with_html_views(session, picture))
        if request.HasField("view_id") and request.view_id:
            shown = session.state().get("views", [])
            views = {view_uuid(v.get("id")): v for v in shown} | {str(v.get("id")): v for v in shown}
            view = views.get(request.view_id)
            if view is None:
                raise LookupError(
                    f"no view {request.view_id!r} (views: {', '.join(view_uuid(v.get('id')) for v in shown) or 'none'})"
                )
            x, y, w, h = (int(v) for v in view["rect"])
            image = image.crop((x, y, x + w, y + h))
        if request.HasField("max_size") and request.max_size:
            image.thumbnail((request.max_size, request.max_size))
        buf = io.BytesIO()
        image.save(buf, format="PNG")
        if request.HasField("file_path") and request.file_path:
            Path(request.file_path).write_bytes(buf.getvalue())
            return pb.SaveScreenshotResponse()
        return pb.SaveScreenshotResponse(png=buf.getvalue())

    def _with_html_views(self, session: Any, picture: Any) -> Any:
        """What the page shows as HTML drawn into the rendered picture (text logs, documents,
        dataframes; a table on screen over an empty viewport), as a screenshot of 0.41 shows all."""
        from rerun_notebook.snapshot import draw_html_views

        views = session.state().get("views", [])
        if self.tables.shown is not None:
            picture = picture.copy()
            picture[..., :3] = (13, 16, 17)  # the table is all the page shows
        try:
            return draw_html_views(picture, views)
        except Exception:  # the text is a nicety; the 3D / 2D picture is what counts
            log.debug("drawing the HTML views into the screenshot failed", exc_info=True)
            return picture

    def open(self, request: pb.OpenRequest) -> pb.OpenResponse:
        """The recordings at ``url``: the ones it holds, also those already open (0.41 answers them
        again); a file that is missing or no recording answers none, with an error in the log."""
        url = request.url
        if url.startswith(("rerun://", "rerun+http://", "rerun+https://")):
            before = set(self.hub.recordings())
            sessions = self.web.page_sessions() if self.web is not None else []
            if not sessions:
                raise LookupError("no viewer window or page is open to open a server URL in")
            sessions[0].sources.open(url)
            opened = [sid for sid in self.hub.recordings() if sid not in before]
        else:
            opened = self._open_file(url)
        if url.startswith(("rerun://", "rerun+http://", "rerun+https://", "http://", "https://")):
            self.loaded_from.setdefault(url, []).extend(opened)  # closable by URL; a file is not (0.41)
        if opened and request.navigate:
            self.tables.show(None)
            self.hub.set_active_recording(opened[0])
        return pb.OpenResponse(store_ids=[store_id_text(sid) for sid in opened])

    def _open_file(self, url: str) -> list[Any]:
        from rerun_core.store.rrd import read_messages

        source = url if url.startswith(("http://", "https://")) else Path(url.removeprefix("file://"))
        seen: dict[Any, None] = {}

        def noting(messages: Any) -> Any:
            for message in messages:
                sid = getattr(message, "store_id", None)
                if sid is not None and _kind(sid.kind) == _kind(StoreKind.RECORDING):
                    seen.setdefault(sid)
                yield message

        # a directory: the recordings of its files, as 0.41 (which loads them side by side)
        files = sorted(source.iterdir()) if isinstance(source, Path) and source.is_dir() else [source]
        for file in files:
            try:
                if isinstance(file, Path) and not file.is_file():
                    raise OSError(f"no such file: {file}")
                self.hub.insert_many(noting(read_messages(file)))
            except (OSError, ValueError) as err:
                log.error(
                    "Failed to load file via the Viewer catalog: failed to open RRD (%s: %s)", file, err
                )
        opened = [sid for sid in seen if self.hub.get(sid) is not None]
        self.from_files.update(opened)
        return opened

    def _loaded_from(self, urls: list[str], recordings: list[Any]) -> list[Any]:
        """The recordings loaded from ``urls`` (a server's, a web file's), all or refused, as 0.41;
        a local file is registered with 0.41's catalog rather than loaded from a URL."""
        pages = self.web.page_sessions() if self.web is not None else []
        sources = pages[0].sources if pages else None
        found: list[tuple[str, list[Any]]] = []
        for url in urls:
            entry = sources.opened.get(url) if sources is not None else None
            if entry is not None:  # a followed server's stream counts every recording that arrived
                entry.store_ids[:] = [sid for sid in entry.store_ids if sid not in self.from_files]
            loaded = list(entry.store_ids) if entry is not None else self.loaded_from.get(url, [])
            loaded = [sid for sid in loaded if sid in recordings]
            if not loaded:
                named = url if "://" in url else Path(url).absolute().as_uri()
                raise LookupError(f"Nothing is loaded from {named}")
            found.append((url, loaded))
        for url, _ in found:  # a server's stream stops too
            if sources is not None and url in sources.opened:
                sources.close(url)
            self.loaded_from.pop(url, None)
        return [sid for _, loaded in found for sid in loaded]

    def close(self, request: pb.CloseRequest) -> pb.CloseResponse:
        """Close recordings; one not open (or no active one for ``current``) refuses the whole call,
        closing nothing, as 0.41."""
        target = request.WhichOneof("target")
        recordings = self.hub.recordings()
        if target == "all":
            chosen = recordings
        elif target == "store_ids":
            chosen = [self._recording(text) for text in request.store_ids.store_ids]
        elif target == "urls":
            chosen = self._loaded_from(list(request.urls.urls), recordings)
        else:  # current
            active = self._active_sid()
            if active is None:
                raise LookupError("no active recording to close")
            chosen = [active]
        for sid in chosen:
            self.hub.remove(sid)
        return pb.CloseResponse(closed=[store_id_text(sid) for sid in chosen])
