"""More of the viewer process's answers to Rerun 0.41's viewer control: logs, a recording's schema
and the command palette's commands.

``rerun_notebook.viewer_control`` answers the calls that move the viewer (state, time cursor,
screenshots, open, close); this adds the ones that inspect it and run commands, over the same store
hub and page sessions: ``FullViewerControlHandler``, what the ``rerun`` process installs.
"""

from __future__ import annotations

import collections
import json
import logging
import sys
import threading
from typing import Any

import pyarrow as pa

from rerun_core.proto.gen import viewer_control_pb2 as pb
from rerun_notebook import viewer_control_screen_commands as screens
from rerun_notebook.viewer_control import (
    ViewerControlHandler,
    precondition,
    store_id_text,
)
from rerun_notebook.viewer_control_action_commands import chunk_store_location, close_chunk_store
from rerun_notebook.viewer_control_schema import add_entities

log = logging.getLogger(__name__)

LOG_CAPACITY = 1000  # log entries the viewer keeps for get_logs
_LEVELS = {logging.DEBUG: "DEBUG", logging.INFO: "INFO", logging.WARNING: "WARN", logging.ERROR: "ERROR"}


class LogRing(logging.Handler):
    """The process's last ``LOG_CAPACITY`` log records, numbered from 1 (``get_logs``)."""

    def __init__(self, capacity: int = LOG_CAPACITY) -> None:
        super().__init__(logging.INFO)
        self._entries: collections.deque[pb.ViewerLogEntry] = collections.deque(maxlen=capacity)
        self._sequence = 0
        self._ring_lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        level = _LEVELS.get(record.levelno, "ERROR" if record.levelno > logging.ERROR else "INFO")
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep the raw text
            message = str(record.msg)
        with self._ring_lock:
            self._sequence += 1
            self._entries.append(
                pb.ViewerLogEntry(sequence=self._sequence, level=level, target=record.name, message=message)
            )

    def after(self, sequence: int) -> list[pb.ViewerLogEntry]:
        with self._ring_lock:
            return [e for e in self._entries if e.sequence > sequence]


_RING: LogRing | None = None


def log_ring() -> LogRing:
    """The process's ring, on the root logger from the first call (INFO and up).

    Lowering the root logger to INFO would print INFO records where Python's last-resort handler
    printed warnings only; a stderr handler at WARNING keeps what the terminal shows unchanged.
    """
    global _RING
    if _RING is None:
        root = logging.getLogger()
        if not root.handlers:
            stderr = logging.StreamHandler(sys.stderr)
            stderr.setLevel(logging.WARNING)
            root.addHandler(stderr)
        _RING = LogRing()
        root.addHandler(_RING)
        if root.level > logging.INFO or root.level == logging.NOTSET:
            root.setLevel(logging.INFO)
    return _RING


def _heuristic_id(sid: Any) -> str:
    """The id 0.41 gives the blueprint it lays out itself: the application id as its recording id."""
    from rerun_core.store.messages import StoreId, StoreKind

    return store_id_text(StoreId(StoreKind.BLUEPRINT, sid.application_id, sid.application_id))


class FullViewerControlHandler(ViewerControlHandler):
    """Every operation this viewer answers (``ViewerControlBackend``): the base class's and
    ``get_logs``, ``get_recording_schema`` and the command operations."""

    def __init__(self, hub: Any, web: Any, tables: Any = None) -> None:
        super().__init__(hub, web, tables)
        log_ring()
        from rerun_notebook.viewer_control_tables import show_on_pages
        from rerun_notebook.viewer_control_undo import BlueprintHistory

        self.history = BlueprintHistory()  # the recordings' blueprint edits, for undo / redo
        self.ui_zoom = 1.0  # the palette's UI zoom (``viewer_control_ui_commands``)
        screens.attach(self)  # the pages' command palettes run commands through this handler
        show_on_pages(self.tables)  # the pages draw the table on screen (``table_view``)
        self.tables.listeners.append(self._redraw)

    def _redraw(self) -> None:
        """The pages publish their state anew (a table came on or off screen, or was laid out anew)."""
        for session in self._sessions():
            session.session_change(lambda: True)

    def open(self, request: pb.OpenRequest) -> pb.OpenResponse:
        log.info("Loading %s…", request.url)  # as 0.41's viewer logs it (get_logs)
        return super().open(request)

    # --- locations (0.41's ``about:recording?app_id=..&recording_id=..``) ------------------------

    @staticmethod
    def _location(sid: Any) -> str:
        from urllib.parse import urlencode

        return "about:recording?" + urlencode(
            {"app_id": sid.application_id, "recording_id": sid.recording_id}
        )

    def get_state(self, request: pb.GetStateRequest) -> pb.GetStateResponse:
        state = super().get_state(request)
        by_id = {store_id_text(sid): sid for sid in self.hub.recordings()}
        for rec in state.recordings:
            if rec.store_id in by_id:
                rec.location = self._location(by_id[rec.store_id])
        if state.HasField("active_store_id") and state.active_store_id in by_id:
            state.location = self._location(by_id[state.active_store_id])
        if self.tables.shown is not None:
            state.location = self.tables.location(self.tables.shown)
        if screens.on_settings_screen(self):
            state.location = screens.SETTINGS_LOCATION
        state.location = chunk_store_location(self) or state.location
        return state

    def _active_sid(self) -> Any:
        """The recording shown; none while the settings screen is (0.41's ``about:settings``) or
        the chunk store browser (``about:chunk_store?..``, ``viewer_control_action_commands``)."""
        if screens.on_settings_screen(self) or chunk_store_location(self) is not None:
            return None
        return super()._active_sid()

    def get_location(self, request: pb.GetLocationRequest) -> pb.GetLocationResponse:
        return pb.GetLocationResponse(location=self.get_state(pb.GetStateRequest()).location)

    def set_location(self, request: pb.SetLocationRequest) -> pb.SetLocationResponse:
        """Go to a recording (``about:recording?app_id=..&recording_id=..``) or a table sent to the
        viewer (``about:table?id=..``) that is open, or to the settings screen (``about:settings``);
        this viewer has no other locations."""
        from urllib.parse import parse_qs, urlsplit

        if request.location == screens.SETTINGS_LOCATION:
            screens.open_settings(self)
            return pb.SetLocationResponse()
        parts = urlsplit(request.location)
        query = parse_qs(parts.query)
        where = f"{parts.scheme}:{parts.path}"
        if where == "about:table":
            self.tables.show(query.get("id", [""])[0])
            screens.leave_settings(self)
            close_chunk_store(self)
            return pb.SetLocationResponse()
        if where != "about:recording":
            raise ValueError(
                f"Not a location: Failed to parse URL: {request.location}"
                f"\nLocation: {json.dumps(request.location)}"
            )
        wanted = (query.get("app_id", [""])[0], query.get("recording_id", [""])[0])
        for sid in self.hub.recordings():
            if (sid.application_id, sid.recording_id) == wanted:
                self.tables.show(None)
                self.hub.set_active_recording(sid)
                screens.leave_settings(self)
                close_chunk_store(self)
                return pb.SetLocationResponse()
        raise LookupError(f"the viewer does not have {request.location!r} open")

    # --- tables, datasets, highlights ---------------------------------------------------------

    def get_table_schema(self, request: pb.GetTableSchemaRequest) -> pb.GetTableSchemaResponse:
        from rerun_notebook.viewer_control_tables import table_schema

        return table_schema(self.tables, request.table_url if request.HasField("table_url") else None)  # type: ignore[no-any-return]

    def _dataset(self, request: Any) -> Any:
        """The store of the recording shown, if it came from a file: 0.41's viewer registers such a
        file with its catalog and shows it as a dataset. This viewer reaches no other datasets."""
        if request.HasField("dataset_url"):
            raise ValueError(
                f"invalid `dataset_url` {json.dumps(request.dataset_url)}: this viewer opens no datasets"
            )
        sid = self._active_sid()
        store = self.hub.get(sid) if sid in self.from_files else None
        if store is None:
            raise precondition("no dataset is on screen, and no `dataset_url`")
        return store

    def get_dataset_schema(self, request: pb.GetDatasetSchemaRequest) -> pb.GetDatasetSchemaResponse:
        from rerun_notebook.viewer_control_schema import dataset_schema

        return dataset_schema(self._dataset(request), request)

    def get_dataset_assets_schema(
        self, request: pb.GetDatasetAssetsSchemaRequest
    ) -> pb.GetDatasetAssetsSchemaResponse:
        """A file's dataset has no assets (0.41: an empty list)."""
        self._dataset(request)
        return pb.GetDatasetAssetsSchemaResponse()

    def get_transform_graph(self, request: pb.GetTransformGraphRequest) -> pb.GetTransformGraphResponse:
        """The recording's transform graph at the time cursor of the page that shows it."""
        from rerun_notebook.viewer_control_transforms import transform_graph

        sid = self._recording(request.store_id if request.HasField("store_id") else None)
        store = self.hub.get(sid)
        if store is None:
            raise LookupError(f"no such recording: {store_id_text(sid)}")
        shown = next((s for s in self._sessions() if s.active == sid.recording_id), None)
        timeline = shown.time.timeline if shown is not None else None
        time = shown.time.time if shown is not None else None
        kind = shown.time.kinds.get(timeline or "", "") if shown is not None else ""
        graph = transform_graph(store, (timeline, None if time is None else int(time)), kind, request)
        return pb.GetTransformGraphResponse(store_id=store_id_text(sid), json=json.dumps(graph))

    def highlight_rect(self, request: pb.HighlightRectRequest) -> pb.HighlightRectResponse:
        """Taken, as 0.41 takes it; this viewer draws no pulsing outline (it is logged instead)."""
        if request.HasField("rect"):
            r = request.rect
            log.info("highlight (%g, %g, %g, %g) %s", r.x, r.y, r.w, r.h, request.label)
        return pb.HighlightRectResponse()

    def capture_profile_trace(self, request: pb.CaptureProfileTraceRequest) -> pb.CaptureProfileTraceResponse:
        """A profile of the next frames of the first page (``viewer_control_profile``)."""
        from rerun_notebook.viewer_control_profile import capture

        sessions = self._sessions()
        return capture(sessions[0] if sessions else None, request)

    def get_logs(self, request: pb.GetLogsRequest) -> pb.GetLogsResponse:
        after = request.after_sequence if request.HasField("after_sequence") else 0
        return pb.GetLogsResponse(entries=log_ring().after(after))

    def get_recording_schema(self, request: pb.GetRecordingSchemaRequest) -> pb.GetRecordingSchemaResponse:
        from rerun_notebook.viewer_control import _TIME_TYPES

        sid = self._recording(
            request.store_id if request.HasField("store_id") else None,
            what="no active recording to describe",
            missing="recording {} is not open",
        )
        store = self.hub.get(sid)
        if store is None:
            raise LookupError(f"recording {store_id_text(sid)} is not open")
        answer = pb.GetRecordingSchemaResponse(store_id=store_id_text(sid))
        for name, typ in store.timelines().items():
            timeline = answer.timelines.add(time_type=_TIME_TYPES.get(str(getattr(typ, "value", typ)), 0))
            timeline.timeline.name = name
            span = store.time_range(name)
            if span is not None:
                timeline.time_range.start, timeline.time_range.end = int(span[0]), int(span[1])
        add_entities(
            answer,
            store,
            request.entity_path if request.HasField("entity_path") else None,
            request.max_entities if request.HasField("max_entities") else None,
            request.with_components if request.HasField("with_components") else True,
        )
        return answer

    def get_blueprint(self, request: pb.GetBlueprintRequest) -> pb.GetBlueprintResponse:
        """The blueprint sent for the recording (``rr.send_blueprint``), or, without one, the whole
        layout the viewer made itself (``viewer_control_heuristic``), as 0.41."""
        from rerun_core.viewer.blueprint_tree import hub_blueprint
        from rerun_notebook.viewer_control_tables import table_blueprint

        target = request.WhichOneof("target")
        if target == "table" or (target is None and self.tables.shown is not None):
            return table_blueprint(self.tables)  # type: ignore[no-any-return]
        store_id = request.recording.store_id if request.recording.HasField("store_id") else None
        sid = self._recording(store_id)
        answer = pb.GetBlueprintResponse(store_id=store_id_text(sid), blueprint_id=_heuristic_id(sid))
        store = hub_blueprint(self.hub, sid.application_id)
        if store is not None:
            answer.blueprint_id = next(
                (store_id_text(b) for b in self.hub.blueprints() if self.hub.get(b) is store), ""
            )
            written = blueprint_json(store)
            recording = self.hub.get(sid)
            if "/viewport" not in written and recording is not None:  # panels only: the layout is ours
                from rerun_notebook.viewer_control_heuristic import heuristic_json

                laid_out = heuristic_json(recording, self._time_panel(sid))
                for path, archetypes in written.items():
                    for archetype, values in archetypes.items():
                        laid_out.setdefault(path, {}).setdefault(archetype, {}).update(values)
                written = dict(sorted(laid_out.items()))
            answer.json = json.dumps(written)
            return answer
        from rerun_notebook.viewer_control_heuristic import heuristic_json

        recording = self.hub.get(sid)
        if recording is None:
            raise LookupError(f"no such recording: {store_id_text(sid)}")
        answer.json = json.dumps(heuristic_json(recording, self._time_panel(sid)))
        return answer

    def _time_panel(self, sid: Any) -> dict[str, Any]:
        """What 0.41's time panel blueprint holds for the page showing ``sid``: the play state by
        0.41's name, and the timeline once one was picked (``set_time``, the timeline menu)."""
        shown = next((s for s in self._sessions() if s.active == sid.recording_id), None)
        if shown is None:
            return {"play_state": "Paused"}
        fields = {"play_state": str(shown.time.play_state).title()}
        if getattr(shown.time, "_user_timeline", False) and shown.time.timeline:
            fields["timeline"] = shown.time.timeline
        return fields

    def set_blueprint(self, request: pb.SetBlueprintRequest) -> pb.SetBlueprintResponse:
        """A recording's blueprint from the JSON form: a new one replacing it (full, the default), or
        the fields given written over it (partial). Field types are 0.41's, or the current
        blueprint's where it has the field."""
        from rerun_core.viewer.blueprint_tree import hub_blueprint
        from rerun_notebook import viewer_control_blueprint as written
        from rerun_notebook.viewer_control_heuristic import FIELD_TYPES
        from rerun_notebook.viewer_control_tables import set_table_blueprint
        from rerun_notebook.viewer_control_undo import clear_target, rewrite_target

        if request.WhichOneof("target") == "table":
            return set_table_blueprint(self.tables, request)  # type: ignore[no-any-return]
        sid = self._recording(request.recording.store_id if request.recording.HasField("store_id") else None)
        current = hub_blueprint(self.hub, sid.application_id)
        try:
            blueprint = json.loads(request.json)
        except json.JSONDecodeError as err:
            raise ValueError(f"the blueprint is not JSON: {err}") from None
        partial = request.mode == pb.BLUEPRINT_UPDATE_MODE_PARTIAL
        if current is None:  # the heuristic layout, written into 0.41's store for it first
            return self._set_over_heuristic(sid, blueprint, partial)
        fields = FIELD_TYPES | written.known_fields(current)
        current_id = next(b for b in self.hub.blueprints() if self.hub.get(b) is current)
        had = {str(p) for p in current.entity_paths()}
        if partial:
            target, time = current_id, written.next_time(current)
        else:  # a whole new one: written afresh, under the same id as in 0.41 (``rewrite_target``)
            target, time = rewrite_target(self.hub, sid.application_id), 0
        # made first: a blueprint refused here (a field of unknown type) leaves the one shown as it is
        messages = written.blueprint_messages(blueprint, fields, target, time)
        self.history.record(self.hub, sid.application_id)  # an edit, undone to the blueprint before it
        if not partial:
            clear_target(self.hub, target)
            messages.append(written.activation(target))
        self._write_blueprint(messages)
        return pb.SetBlueprintResponse(
            blueprint_id=store_id_text(target),
            store_id=store_id_text(sid),
            created_entities=[str(p) for p in blueprint if str(p) not in had],
        )

    def _set_over_heuristic(self, sid: Any, blueprint: Any, partial: bool) -> pb.SetBlueprintResponse:
        """``set_blueprint`` where no blueprint was sent: 0.41 keeps its heuristic layout in a store
        of its own (``Blueprint:<app>:<app>``) and writes there, over that layout (partial) or in its
        place (full); the field types are 0.41's (``viewer_control_heuristic.FIELD_TYPES``)."""
        from rerun_core.store.messages import StoreId, StoreKind
        from rerun_notebook import viewer_control_blueprint as written
        from rerun_notebook.viewer_control_heuristic import FIELD_TYPES, heuristic_json

        recording = self.hub.get(sid)
        heuristic = heuristic_json(recording, self._time_panel(sid)) if recording is not None else {}
        target = StoreId(StoreKind.BLUEPRINT, sid.application_id, sid.application_id)
        messages = written.blueprint_messages(heuristic, FIELD_TYPES, target, 0) if partial else []
        messages += written.blueprint_messages(blueprint, FIELD_TYPES, target, int(partial))
        self._write_blueprint([*messages, written.activation(target)], sid.application_id)
        return pb.SetBlueprintResponse(
            blueprint_id=store_id_text(target),
            store_id=store_id_text(sid),
            created_entities=[str(p) for p in blueprint if str(p) not in heuristic],
        )

    def _write_blueprint(self, messages: list[Any], edit_of: str | None = None) -> None:
        """Write blueprint messages; ``edit_of``: an edit of that application's blueprint, which
        ``recording.undo_blueprint_edit`` can take back (``viewer_control_undo``)."""
        if edit_of is not None:
            self.history.record(self.hub, edit_of)
        self.hub.insert_many(messages)
        for session in self._sessions():
            session.blueprint.mark()  # applied at the session's next frame, not the next poll

    # --- commands (``viewer_control_commands``) -------------------------------------------------

    def _active(self, store_id: str | None) -> Any:
        """The recording a command acts on: ``store_id``'s, else the one shown; None if none."""
        return self._recording(store_id) if store_id else self._active_sid()

    def _describe(self, command_id: str, sid: Any, origin: str | None = None) -> pb.ViewerCommand:
        """The command as 0.41 describes it now: for ``sid`` (a recording command's recording), or
        ``origin`` (a server command's server, ``viewer_control_action_commands.server_target``)."""
        from rerun_notebook.viewer_control_commands import BY_ID, RUNNABLE

        _, title, description, scope, shortcuts, modal, destructive = BY_ID[command_id]
        described = pb.ViewerCommand(
            id=command_id,
            title=title,
            description=description,
            scope=scope,
            shortcuts=list(shortcuts),
            available=command_id in RUNNABLE
            and (scope != "recording" or sid is not None)
            and (scope != "table" or self.tables.shown is not None)
            and (scope != "server" or origin is not None),
            blocking_native_modal=modal,
            destructive=destructive,
        )
        if scope == "recording" and sid is not None:
            described.target = store_id_text(sid)
        if scope == "table" and described.available and self.tables.shown is not None:
            described.target = self.tables.shown  # 0.41 names no target for one it cannot run
        if scope == "server" and described.available and origin is not None:
            described.target = origin
        return described

    def list_commands(self, request: pb.ListCommandsRequest) -> pb.ListCommandsResponse:
        from rerun_notebook.viewer_control_commands import CATALOG

        sid = self._active(request.store_id if request.HasField("store_id") else None)
        answer = pb.ListCommandsResponse()
        for entry in CATALOG:
            origin = self._server(entry[0], request) if entry[3] == "server" else None
            if self._describe(entry[0], sid, origin).available or request.include_unavailable:
                listed = answer.commands.add(id=entry[0])
                if request.include_descriptions:
                    listed.description = entry[2]
        return answer

    def describe_commands(self, request: pb.DescribeCommandsRequest) -> pb.DescribeCommandsResponse:
        from rerun_notebook.viewer_control_commands import BY_ID

        sid = self._active(request.store_id if request.HasField("store_id") else None)
        unknown = [i for i in request.ids if i not in BY_ID]
        if unknown:
            named = ", ".join(json.dumps(i) for i in unknown)
            raise LookupError(f"Unknown command ids: {named}. Call `list_commands` for the valid ids.")
        described = [
            self._describe(i, sid, self._server(i, request) if i.startswith("server.") else None)
            for i in request.ids
        ]
        return pb.DescribeCommandsResponse(commands=described)

    def run_command(self, request: pb.RunCommandRequest) -> pb.RunCommandResponse:
        """Run a command the viewer has, as 0.41: refused, naming why, where it cannot run now."""
        from rerun_notebook.viewer_control_commands import BY_ID, RUNNABLE

        if request.id not in BY_ID:
            raise LookupError(
                f"Unknown command id {json.dumps(request.id)}. Call `list_commands` for the valid ids."
            )
        sid = self._active(request.store_id if request.HasField("store_id") else None)
        origin = self._server(request.id, request)
        described = self._describe(request.id, sid, origin)
        if not described.available:
            why = (
                "this viewer does not have it"
                if request.id not in RUNNABLE
                else "no table is on screen"
                if described.scope == "table"
                else "no server is selected; pass `server_origin`"
                if described.scope == "server"
                else "no recording is active; open one, or pass `store_id`"
            )
            raise precondition(f"{json.dumps(request.id)} cannot run right now: {why}")
        if described.blocking_native_modal and not request.allow_blocking_native_modal:
            raise precondition(
                f"{json.dumps(request.id)} opens a native modal, which freezes the viewer until a person"
                " answers it. Set `allow_blocking_native_modal` only if someone is at the viewer to do that."
            )
        RUNNABLE[request.id](self, origin if described.scope == "server" else sid)
        return pb.RunCommandResponse(command=described)

    def _server(self, command_id: str, request: Any) -> str | None:
        """The server a request names (``server_origin``) for ``command_id``, checked as 0.41."""
        from rerun_notebook.viewer_control_action_commands import server_target

        return server_target(
            self, command_id, request.server_origin if request.HasField("server_origin") else None
        )


# --- blueprints ---------------------------------------------------------------------------------


# The blueprint enums by component type, value -> name (0.41 writes the name)
_ENUMS: dict[str, tuple[str, ...]] = {
    "BackgroundKind": ("GradientDark", "GradientBright", "SolidColor"),
    "ColumnDisplayMode": ("Compact", "Component", "Full"),
    "ContainerKind": ("Tabs", "Horizontal", "Vertical", "Grid"),
    "Corner2D": ("LeftTop", "RightTop", "LeftBottom", "RightBottom"),
    "Eye3DKind": ("FirstPerson", "Orbital"),
    "LinkAxis": ("Independent", "LinkToGlobal"),
    "LoopMode": ("Off", "Selection", "All"),
    "PanelState": ("Hidden", "Collapsed", "Expanded"),
    "PlayState": ("Paused", "Playing", "Following"),
    "PointsDisplay": ("OnHover", "Always"),
    "TableLayoutKind": ("Table", "Cards"),
    "TooltipMode": ("Nearest", "All"),
    "ViewFit": ("Original", "Fill", "FillKeepAspectRatio"),
}
_PATHS = {"IncludedContent", "ActiveTab", "EntityPath"}  # entity paths, written from the root


def _json_value(values: pa.Array, component_type: str | None = None) -> Any:
    """One component's latest cell as JSON: a lone value unwrapped, enums by name, UUIDs as text,
    colors as ``#rrggbb``, a lone entity path from the root, bytes as hex."""
    import uuid

    kind = (component_type or "").rsplit(".", 1)[-1]
    names = _ENUMS.get(kind)
    dtype = values.type
    uuids = (
        pa.types.is_fixed_size_list(dtype) and dtype.list_size == 16 and pa.types.is_uint8(dtype.value_type)
    )

    def plain(v: Any) -> Any:
        if names is not None and isinstance(v, int) and 1 <= v <= len(names):
            return names[v - 1]
        if kind == "Color" and isinstance(v, int):  # 0xRRGGBBAA -> "#rrggbb", as 0.41 writes it
            return f"#{v >> 8:06x}" if v & 0xFF == 0xFF else f"#{v:08x}"
        if uuids and isinstance(v, list):
            return str(uuid.UUID(bytes=bytes(v)))
        if (
            isinstance(v, dict)
            and set(v) == {"bytes"}
            and isinstance(v["bytes"], list)
            and len(v["bytes"]) == 16
        ):
            return str(uuid.UUID(bytes=bytes(v["bytes"])))
        if isinstance(v, bytes):
            return v.hex()
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        if isinstance(v, list):
            return [plain(x) for x in v]
        return v

    items = [plain(v) for v in values.to_pylist()]
    if len(items) != 1:
        return items  # several entity paths: as stored (0.41 shows a list's paths so)
    lone = items[0]
    if kind in _PATHS and isinstance(lone, str) and not lone.startswith("/"):
        return "/" + lone  # one entity path: from the root, as 0.41 shows it
    return lone


def blueprint_json(store: Any) -> dict[str, Any]:
    """A blueprint store's latest state: entity path -> archetype (short name) -> field -> value."""
    timeline, time = None, None
    if "blueprint" in store.timelines():
        span = store.time_range("blueprint")
        if span is not None:
            timeline, time = "blueprint", int(span[1])
    out: dict[str, Any] = {}
    for path in sorted(str(p) for p in store.entity_paths()):
        descriptors = store.entity_components(path)
        cells = store.latest_at(path, descriptors, timeline, time)
        for desc in descriptors:
            cell = cells.get(desc.component)
            if cell is None or len(cell.values) == 0:
                continue
            archetype = (desc.archetype or desc.component.split(":", 1)[0]).rsplit(".", 1)[-1]
            field = desc.component.split(":", 1)[-1]
            out.setdefault(path, {}).setdefault(archetype, {})[field] = _json_value(
                cell.values, desc.component_type
            )
    return out
