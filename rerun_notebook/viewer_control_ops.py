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
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from rerun_core.proto.gen import viewer_control_pb2 as pb
from rerun_notebook.viewer_control import ViewerControlHandler, _view_class

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


# --- schemas ------------------------------------------------------------------------------------

_SIMPLE_TYPES = {
    "null": "Null",
    "bool": "Boolean",
    "string": "Utf8",
    "large_string": "LargeUtf8",
    "binary": "Binary",
    "large_binary": "LargeBinary",
    "halffloat": "Float16",
    "float": "Float32",
    "double": "Float64",
}


def arrow_type_name(dtype: pa.DataType, nullable: bool = True) -> str:
    """An Arrow type as the Rust viewer names it (``FixedSizeList(3 x non-null Float32)``)."""
    prefix = "" if nullable else "non-null "
    name = str(dtype)
    if name in _SIMPLE_TYPES:
        return prefix + _SIMPLE_TYPES[name]
    if pa.types.is_integer(dtype):
        return prefix + ("UInt" if pa.types.is_unsigned_integer(dtype) else "Int") + str(dtype.bit_width)
    if pa.types.is_fixed_size_list(dtype):
        inner = arrow_type_name(dtype.value_type, dtype.value_field.nullable)
        return f"{prefix}FixedSizeList({dtype.list_size} x {inner})"
    if pa.types.is_list(dtype) or pa.types.is_large_list(dtype):
        kind = "LargeList" if pa.types.is_large_list(dtype) else "List"
        return f"{prefix}{kind}({arrow_type_name(dtype.value_type, dtype.value_field.nullable)})"
    if pa.types.is_struct(dtype):
        fields = ", ".join(f"{f.name}: {arrow_type_name(f.type, f.nullable)}" for f in dtype)
        return f"{prefix}Struct({fields})"
    return prefix + name


def _value_types(store: Any, entity: Any) -> dict[str, str]:
    """Each component's datatype of one value (its column is a list of them), from its chunks."""
    out: dict[str, str] = {}
    for slot in sorted(entity.slots):
        try:
            chunk = store.chunk(slot)
        except (KeyError, IndexError):
            continue
        for desc, column in chunk.components.items():
            if desc.component in out:
                continue
            dtype = column.type
            if pa.types.is_list(dtype) or pa.types.is_large_list(dtype):
                dtype = dtype.value_type
            out[desc.component] = arrow_type_name(dtype)
        if len(out) >= len(entity.descriptors):
            break
    return out


def _under(path: str, prefix: str | None) -> bool:
    if not prefix:
        return True
    prefix = "/" + prefix.strip("/")
    return prefix == "/" or path == prefix or path.startswith(prefix + "/")


# --- commands -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Command:
    id: str
    title: str
    description: str
    scope: str  # "recording" (acts on the active recording) or "global"
    shortcuts: tuple[str, ...]
    destructive: bool
    run: Callable[[FullViewerControlHandler, Any], None]  # (handler, recording's store id or None)


def _time(action: str) -> Callable[[FullViewerControlHandler, Any], None]:
    def run(handler: FullViewerControlHandler, sid: Any) -> None:
        for session in handler._sessions():
            if sid is not None and session.active == sid.recording_id:
                session.time_action(action)

    return run


def _close_current(handler: FullViewerControlHandler, sid: Any) -> None:
    if sid is not None:
        handler.hub.remove(sid)


def _close_all(handler: FullViewerControlHandler, _sid: Any) -> None:
    for sid in handler.hub.recordings():
        handler.hub.remove(sid)


COMMANDS = [
    _Command("recording.close", "Close current recording", "Close the active recording", "recording", (), True, _close_current),
    _Command("recording.seek_to_end_and_follow", "End of timeline", "Go to the end of the timeline and follow new data", "recording", ("Ctrl+Shift+Right",), False, _time("end")),
    _Command("recording.seek_to_start", "Start of timeline", "Go to the start of the timeline", "recording", ("Ctrl+Shift+Left",), False, _time("beginning")),
    _Command("recording.toggle_play_pause", "Toggle play/pause", "Play, or pause, the time cursor", "recording", ("Space",), False, _time("toggle")),
    _Command("ui.close_all_recordings", "Close all recordings", "Close every open recording", "global", (), True, _close_all),
]  # fmt: skip
_BY_ID = {c.id: c for c in COMMANDS}


class FullViewerControlHandler(ViewerControlHandler):
    """Every operation this viewer answers (``ViewerControlBackend``): the base class's and
    ``get_logs``, ``get_recording_schema`` and the command operations."""

    def __init__(self, hub: Any, web: Any) -> None:
        super().__init__(hub, web)
        log_ring()

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
        by_id = {sid.recording_id: sid for sid in self.hub.recordings()}
        for rec in state.recordings:
            if rec.store_id in by_id:
                rec.location = self._location(by_id[rec.store_id])
        if state.HasField("active_store_id") and state.active_store_id in by_id:
            state.location = self._location(by_id[state.active_store_id])
        return state

    def get_location(self, request: pb.GetLocationRequest) -> pb.GetLocationResponse:
        location = self.get_state(pb.GetStateRequest()).location
        if not location:
            raise LookupError("what the viewer shows has no location (no recording is open)")
        return pb.GetLocationResponse(location=location)

    def set_location(self, request: pb.SetLocationRequest) -> pb.SetLocationResponse:
        from urllib.parse import parse_qs, urlsplit

        parts = urlsplit(request.location)
        if f"{parts.scheme}:{parts.path}" != "about:recording":
            raise ValueError(
                f"{request.location!r}: this viewer goes to recordings only (about:recording?...)"
            )
        query = parse_qs(parts.query)
        wanted = (query.get("app_id", [""])[0], query.get("recording_id", [""])[0])
        for sid in self.hub.recordings():
            if (sid.application_id, sid.recording_id) == wanted:
                self.hub.set_active_recording(sid)
                return pb.SetLocationResponse()
        raise LookupError(f"the viewer does not have {request.location!r} open")

    def get_logs(self, request: pb.GetLogsRequest) -> pb.GetLogsResponse:
        after = request.after_sequence if request.HasField("after_sequence") else 0
        return pb.GetLogsResponse(entries=log_ring().after(after))

    def get_recording_schema(self, request: pb.GetRecordingSchemaRequest) -> pb.GetRecordingSchemaResponse:
        from rerun_notebook.viewer_control import _TIME_TYPES

        sid = self._recording(request.store_id if request.HasField("store_id") else None)
        store = self.hub.get(sid)
        if store is None:
            raise LookupError(f"recording {sid.recording_id!r} is gone")
        answer = pb.GetRecordingSchemaResponse(store_id=sid.recording_id)
        for name, typ in store.timelines().items():
            timeline = answer.timelines.add(time_type=_TIME_TYPES.get(str(getattr(typ, "value", typ)), 0))
            timeline.timeline.name = name
            span = store.time_range(name)
            if span is not None:
                timeline.time_range.start, timeline.time_range.end = int(span[0]), int(span[1])
        prefix = request.entity_path if request.HasField("entity_path") else None
        # the recording's own entities first, its properties (``/__properties``) after, as 0.41
        paths = sorted(
            (str(p) for p in store.entity_paths() if _under(str(p), prefix)),
            key=lambda p: (p.startswith("/__"), p),
        )
        limit = request.max_entities if request.HasField("max_entities") else len(paths)
        answer.omitted_entities = max(0, len(paths) - limit)
        with_components = request.with_components if request.HasField("with_components") else True
        for path in paths[:limit]:
            entity = answer.entities.add(entity_path=path)
            if not with_components:
                continue
            data = store.entity(path)
            types = _value_types(store, data) if data is not None else {}
            for desc in store.entity_components(path):
                component = entity.components.add(
                    component=desc.component,
                    datatype=types.get(desc.component, ""),
                    has_static=data is not None and desc.component in data.static,
                )
                if desc.archetype:
                    component.archetype = desc.archetype
                if desc.component_type:
                    component.component_type = desc.component_type
        return answer

    def get_blueprint(self, request: pb.GetBlueprintRequest) -> pb.GetBlueprintResponse:
        """The blueprint sent for the recording (``rr.send_blueprint``), or, without one, the views
        the viewer laid out itself (their class, origin and visibility)."""
        from rerun_core.viewer.blueprint_tree import hub_blueprint

        if request.WhichOneof("target") == "table":
            raise ValueError("this viewer shows no tables: there is no table blueprint")
        store_id = request.recording.store_id if request.recording.HasField("store_id") else None
        sid = self._recording(store_id)
        answer = pb.GetBlueprintResponse(store_id=sid.recording_id)
        store = hub_blueprint(self.hub, sid.application_id)
        if store is not None:
            answer.blueprint_id = next(
                (b.recording_id for b in self.hub.blueprints() if self.hub.get(b) is store), ""
            )
            answer.json = json.dumps(blueprint_json(store))
            return answer
        shown: dict[str, Any] = {}
        for session in self._sessions():
            if session.active == sid.recording_id:
                for view in session.state().get("views", []):
                    shown[f"/view/{view.get('id', '')}"] = {
                        "ViewBlueprint": {
                            "class_identifier": _view_class(str(view.get("kind", ""))),
                            "space_origin": str(view.get("origin", "") or "/"),
                            "visible": True,
                        }
                    }
                break
        answer.json = json.dumps(shown)
        return answer

    def set_blueprint(self, request: pb.SetBlueprintRequest) -> pb.SetBlueprintResponse:
        """A recording's blueprint from the JSON form: a new one replacing it (full, the default), or
        the fields given written over it (partial). Field types come from the current blueprint."""
        from rerun_core.viewer.blueprint_tree import hub_blueprint
        from rerun_notebook import viewer_control_blueprint as written

        if request.WhichOneof("target") != "recording":
            raise ValueError("this viewer shows no tables: set_blueprint takes a recording")
        sid = self._recording(request.recording.store_id if request.recording.HasField("store_id") else None)
        current = hub_blueprint(self.hub, sid.application_id)
        if current is None:
            raise ValueError(
                f"recording {sid.recording_id!r} has no blueprint to take the field types from: send one first"
            )
        try:
            blueprint = json.loads(request.json)
        except json.JSONDecodeError as err:
            raise ValueError(f"the blueprint is not JSON: {err}") from None
        current_id = next(b for b in self.hub.blueprints() if self.hub.get(b) is current)
        if request.mode == pb.BLUEPRINT_UPDATE_MODE_PARTIAL:
            target, time = current_id, written.next_time(current)
        else:
            target, time = written.new_blueprint_id(sid.application_id), 0
        messages = written.blueprint_messages(blueprint, written.known_fields(current), target, time)
        if target != current_id:
            messages.append(written.activation(target))
        self.hub.insert_many(messages)
        for session in self._sessions():
            session.blueprint.mark()  # applied at the session's next frame, not the next poll
        had = {str(p) for p in current.entity_paths()}
        return pb.SetBlueprintResponse(
            blueprint_id=target.recording_id,
            store_id=sid.recording_id,
            created_entities=[str(p) for p in blueprint if str(p) not in had],
        )

    # --- commands -------------------------------------------------------------------------------

    def _active(self, store_id: str | None) -> Any:
        try:
            return self._recording(store_id or None)
        except LookupError:
            if store_id:
                raise
            return None

    def _describe(self, command: _Command, sid: Any) -> pb.ViewerCommand:
        available = command.scope == "global" or sid is not None
        described = pb.ViewerCommand(
            id=command.id,
            title=command.title,
            description=command.description,
            scope=command.scope,
            shortcuts=list(command.shortcuts),
            available=available,
            blocking_native_modal=False,
            destructive=command.destructive,
        )
        if command.scope == "recording" and sid is not None:
            described.target = sid.recording_id
        return described

    def list_commands(self, request: pb.ListCommandsRequest) -> pb.ListCommandsResponse:
        sid = self._active(request.store_id if request.HasField("store_id") else None)
        answer = pb.ListCommandsResponse()
        for command in COMMANDS:
            described = self._describe(command, sid)
            if described.available or request.include_unavailable:
                entry = answer.commands.add(id=command.id)
                if request.include_descriptions:
                    entry.description = command.description
        return answer

    def describe_commands(self, request: pb.DescribeCommandsRequest) -> pb.DescribeCommandsResponse:
        sid = self._active(request.store_id if request.HasField("store_id") else None)
        unknown = [i for i in request.ids if i not in _BY_ID]
        if unknown:
            raise LookupError(f"no command {unknown[0]!r} (commands: {', '.join(_BY_ID)})")
        return pb.DescribeCommandsResponse(commands=[self._describe(_BY_ID[i], sid) for i in request.ids])

    def run_command(self, request: pb.RunCommandRequest) -> pb.RunCommandResponse:
        command = _BY_ID.get(request.id)
        if command is None:
            raise LookupError(f"no command {request.id!r} (commands: {', '.join(_BY_ID)})")
        sid = self._active(request.store_id if request.HasField("store_id") else None)
        described = self._describe(command, sid)
        if not described.available:
            raise ValueError(f"command {command.id!r} is not available: the viewer has no recording")
        command.run(self, sid)
        return pb.RunCommandResponse(command=described)


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
    entity paths from the root, bytes as hex."""
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
        if kind in _PATHS and isinstance(v, str) and not v.startswith("/"):
            return "/" + v
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
    return items[0] if len(items) == 1 else items


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
