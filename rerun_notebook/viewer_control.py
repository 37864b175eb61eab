"""The viewer process's answers to Rerun 0.41's viewer control calls (``ViewerClient``).

``rerun_core.server.viewer_control`` is the wire half; this is the viewer half, over the process's
store hub and the sessions of its open pages (the desktop window is one): state (recordings,
their timelines and time cursor, the views), the time cursor, screenshots, opening files and URLs,
closing recordings. The first open page stands for "the viewer" where one is needed.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from rerun_core.proto.gen import common_pb2
from rerun_core.proto.gen import viewer_control_pb2 as pb

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


class ViewerControlHandler:
    """Implements ``rerun_core.server.viewer_control.ViewerControlBackend``."""

    def __init__(self, hub: Any, web: Any) -> None:
        self.hub = hub
        self.web = web

    # --- helpers ------------------------------------------------------------------------------

    def _sessions(self) -> list[Any]:
        return [page.session for page in self.web.page_sessions()] if self.web is not None else []

    def _session(self) -> Any:
        sessions = self._sessions()
        if not sessions:
            raise LookupError("no viewer window or page is open to answer this")
        return sessions[0]

    def _recording(self, store_id: str | None) -> Any:
        """The hub's recording id for ``store_id`` (ours: the recording id; a ``kind:app:id`` form
        is read by its last part); None: the viewer's active recording."""
        if not store_id:
            sessions = self._sessions()
            active = sessions[0].active if sessions else None
            for sid in self.hub.recordings():
                if sid.recording_id == active:
                    return sid
            recordings = self.hub.recordings()
            if not recordings:
                raise LookupError("the viewer has no recording")
            return recordings[-1]
        wanted = store_id.rsplit(":", 1)[-1]
        for sid in self.hub.recordings():
            if sid.recording_id == wanted:
                return sid
        raise LookupError(f"no recording {store_id!r} in the viewer")

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
            rec = pb.ViewerRecording(store_id=sid.recording_id, timelines=self._timelines(store, shown))
            if shown is not None and shown.time.timeline:
                rec.current_time.timeline.name = shown.time.timeline
                kind = shown.time.kinds.get(shown.time.timeline, "")
                rec.current_time.time_type = _TIME_TYPES.get(kind, common_pb2.TIME_TYPE_UNSPECIFIED)
                if shown.time.time is not None:
                    rec.current_time.time.time = int(shown.time.time)
                rec.play_state = _PLAY_STATES.get(shown.time.play_state, pb.PLAY_STATE_UNSPECIFIED)
            state.recordings.append(rec)
        if first is not None and first.active:
            state.active_store_id = first.active
            for view in first.state().get("views", []):
                state.views.append(
                    pb.ViewerView(
                        view_id=str(view.get("id", "")),
                        name=str(view.get("name", "")),
                        origin=str(view.get("origin", "") or ""),
                        visible=True,
                        **{"class": _view_class(str(view.get("kind", "")))},
                    )
                )
        return state

    def set_time_cursor(self, request: pb.SetTimeCursorRequest) -> pb.SetTimeCursorResponse:
        sid = self._recording(request.store_id if request.HasField("store_id") else None)
        targets = [s for s in self._sessions() if s.active == sid.recording_id]
        if not targets:
            raise LookupError(f"recording {sid.recording_id!r} is not shown in the viewer")
        timeline = request.timeline.name if request.HasField("timeline") else None
        time = int(request.time.time) if request.HasField("time") else None
        state = request.play_state if request.HasField("play_state") else None
        if state == pb.PLAY_STATE_FOLLOWING and time is not None:
            raise ValueError("cannot follow the latest data and also set a time")
        for session in targets:
            kinds = session.time.kinds
            if timeline is not None and timeline not in kinds:
                raise LookupError(f"no timeline {timeline!r} (the recording has: {', '.join(sorted(kinds))})")
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
        answer = pb.SetTimeCursorResponse(store_id=sid.recording_id)
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
        image = Image.fromarray(picture)
        if request.HasField("view_id") and request.view_id:
            views = {str(v.get("id")): v for v in session.state().get("views", [])}
            view = views.get(request.view_id)
            if view is None:
                raise LookupError(f"no view {request.view_id!r} (views: {', '.join(views) or 'none'})")
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

    def open(self, request: pb.OpenRequest) -> pb.OpenResponse:
        url = request.url
        before = {sid.recording_id for sid in self.hub.recordings()}
        if url.startswith(("rerun://", "rerun+http://", "rerun+https://")):
            sessions = self.web.page_sessions() if self.web is not None else []
            if not sessions:
                raise LookupError("no viewer window or page is open to open a server URL in")
            sessions[0].sources.open(url)
        else:
            from rerun_core.store.rrd import read_messages

            source = url if url.startswith(("http://", "https://")) else Path(url.removeprefix("file://"))
            if isinstance(source, Path) and not source.is_file():
                raise LookupError(f"no such file: {source}")
            try:
                self.hub.insert_many(read_messages(source))
            except (OSError, ValueError) as err:
                raise ValueError(f"cannot open {url}: {err}") from None
        opened = [sid.recording_id for sid in self.hub.recordings() if sid.recording_id not in before]
        if opened and request.navigate:
            for sid in self.hub.recordings():
                if sid.recording_id == opened[-1]:
                    self.hub.set_active_recording(sid)
        return pb.OpenResponse(store_ids=opened)

    def close(self, request: pb.CloseRequest) -> pb.CloseResponse:
        target = request.WhichOneof("target")
        recordings = self.hub.recordings()
        if target == "all":
            chosen = recordings
        elif target == "store_ids":
            wanted = {s.rsplit(":", 1)[-1] for s in request.store_ids.store_ids}
            chosen = [sid for sid in recordings if sid.recording_id in wanted]
        elif target == "urls":
            raise ValueError("closing by source URL is not supported by this viewer")
        else:  # current
            chosen = [self._recording(None)] if recordings else []
        for sid in chosen:
            self.hub.remove(sid)
        return pb.CloseResponse(closed=[sid.recording_id for sid in chosen])
