"""The inspection and editing half of ``rerun.experimental.ViewerClient`` (0.41 API).

``_viewer_client.py`` holds the client, its connection and the calls that move the viewer (state,
time, screenshots, open/close, spawn/quit); these are the rest of 0.41's surface: logs, schemas,
blueprints, commands, locations, tables. Each is one ``ViewerControl`` operation of 0.41's
``rerun.viewer_control.v1alpha1`` protocol, built and read here as canonical protobuf JSON (the
same shape rerun-sdk's bindings hand its Python side), so the two clients send the same messages.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

StoreId = str


@dataclass
class Timeline:
    """A timeline of a recording and the range the viewer holds (here, below the client, so
    both the client's state and the operations' schemas can build it)."""

    name: str
    time_type: str
    start: int | None
    end: int | None


@dataclass
class LogEntry:
    """One message the viewer logged."""

    sequence: int
    level: str
    target: str
    message: str


@dataclass
class ComponentSchema:
    """A component logged on an entity."""

    component: str
    archetype: str | None
    component_type: str | None
    datatype: str
    has_static: bool


@dataclass
class EntitySchema:
    """An entity, with every component ever logged on it."""

    entity_path: str
    components: list[ComponentSchema]


@dataclass
class RecordingSchema:
    """A recording's timelines, entities, and the components logged on them."""

    store_id: StoreId
    timelines: list[Timeline]
    entities: list[EntitySchema]
    omitted_entities: int


@dataclass
class DatasetSchema:
    """The entities of a dataset's segments, and the components logged on them."""

    timelines: list[str]
    entities: list[EntitySchema]
    omitted_entities: int
    asset_ids: list[str]


@dataclass
class DatasetAssetSchema:
    """An asset of a dataset: static data shared by its segments."""

    asset_id: str
    entities: list[EntitySchema]
    omitted_entities: int


@dataclass
class TableColumnSchema:
    """A column of a table."""

    name: str
    display_name: str
    datatype: str


@dataclass
class BlueprintInfo:
    """Which blueprint was read or written."""

    blueprint_id: str
    store_id: StoreId | None
    table_url: str | None


@dataclass
class Blueprint(BlueprintInfo):
    """A whole blueprint: blueprint entity path -> archetype -> field -> value."""

    blueprint: dict[str, Any]


@dataclass
class Command:
    """A command palette command."""

    id: str
    title: str
    description: str
    scope: str
    shortcuts: list[str]
    available: bool
    blocking_native_modal: bool
    destructive: bool
    target: str | None


@dataclass
class ProfileTrace:
    """A profile the viewer wrote."""

    num_frames: int
    file_path: str


def without_none(**fields: Any) -> dict[str, Any]:
    """The fields that are set (canonical protobuf JSON leaves the unset ones out)."""
    return {name: value for name, value in fields.items() if value is not None}


def timeline_from_json(raw: dict[str, Any]) -> Timeline:
    kind = str(raw.get("time_type", "")).removeprefix("TIME_TYPE_").removesuffix("_NS").lower()
    span = raw.get("time_range")
    return Timeline(
        name=raw.get("timeline", {}).get("name", ""),
        time_type=kind,
        start=None if span is None else int(span.get("start", 0)),
        end=None if span is None else int(span.get("end", 0)),
    )


def _entities(raw: list[dict[str, Any]]) -> list[EntitySchema]:
    return [
        EntitySchema(
            entity_path=entity.get("entity_path", ""),
            components=[
                ComponentSchema(
                    component=c.get("component", ""),
                    archetype=c.get("archetype"),
                    component_type=c.get("component_type"),
                    datatype=c.get("datatype", ""),
                    has_static=bool(c.get("has_static", False)),
                )
                for c in entity.get("components", [])
            ],
        )
        for entity in raw
    ]


def _command(raw: dict[str, Any]) -> Command:
    return Command(
        id=raw.get("id", ""),
        title=raw.get("title", ""),
        description=raw.get("description", ""),
        scope=raw.get("scope", ""),
        shortcuts=list(raw.get("shortcuts", [])),
        available=bool(raw.get("available", False)),
        blocking_native_modal=bool(raw.get("blocking_native_modal", False)),
        destructive=bool(raw.get("destructive", False)),
        target=raw.get("target"),
    )


def _blueprint_target(of: str | None, store_id: str | None, table_url: str | None) -> dict[str, Any]:
    """A blueprint request's target: a recording's, a table's, or (neither) what is on screen."""
    if of is None:
        of = "recording" if store_id is not None else "table" if table_url is not None else None
    if (of == "recording" and table_url is not None) or (of == "table" and store_id is not None):
        raise ValueError("A recording's blueprint takes a store_id, and a table's a table_url")
    if of == "recording":
        return {"recording": without_none(store_id=store_id)}
    if of == "table":
        return {"table": without_none(table_url=table_url)}
    if of is not None:
        raise ValueError(f"of={of!r}: expected 'recording' or 'table'")
    return {}


def _record_batch(table: Any) -> Any:
    """One Arrow record batch out of a batch, a list of batches, or a DataFrame (``to_arrow_table``)."""
    import pyarrow as pa

    if isinstance(table, pa.RecordBatch):
        return table
    if isinstance(table, list):
        if not table or not all(isinstance(b, pa.RecordBatch) for b in table):
            raise TypeError("send_table expects a RecordBatch, a non-empty list of them, or a DataFrame")
        return pa.Table.from_batches(table).combine_chunks().to_batches()[0]
    to_arrow = getattr(table, "to_arrow_table", None)
    if to_arrow is None:
        raise TypeError(
            f"send_table expects a RecordBatch, a list of them, or a DataFrame, not {type(table).__name__}"
        )
    whole = to_arrow().combine_chunks()
    batches = whole.to_batches()
    return batches[0] if batches else pa.RecordBatch.from_pylist([], schema=whole.schema)


def _schema_fields(
    entity_path: str | None, max_entities: int | None, paths_only: bool | None
) -> dict[str, Any]:
    return without_none(entity_path=entity_path, max_entities=max_entities, paths_only=paths_only)


class ViewerClientOperations:
    """0.41's ``ViewerClient`` methods beyond moving the viewer; mixed into ``ViewerClient``."""

    def _viewer_control(self, operation: str, request: dict[str, Any]) -> dict[str, Any]:
        """One operation as canonical protobuf JSON in and out (``ViewerClient`` implements it)."""
        raise NotImplementedError

    def send_table(self, name: str, table: Any) -> None:
        """Send a table (an Arrow record batch, a list of them, or a DataFrame) to the viewer."""
        self._send_table(name, _record_batch(table))

    def _send_table(self, name: str, batch: Any) -> None:
        raise NotImplementedError

    def get_location(self) -> str:
        """Where the viewer is, as a location ``set_location`` takes."""
        return str(self._viewer_control("get_location", {}).get("location", ""))

    def set_location(self, location: str) -> None:
        """Show a location the viewer already has open (navigates only, loads nothing)."""
        self._viewer_control("set_location", {"location": location})

    def get_logs(self, after_sequence: int | None = None) -> list[LogEntry]:
        """The viewer's buffered log messages, those after ``after_sequence`` when given."""
        raw = self._viewer_control("get_logs", without_none(after_sequence=after_sequence))
        return [
            LogEntry(
                sequence=int(e.get("sequence", 0)),
                level=e.get("level", ""),
                target=e.get("target", ""),
                message=e.get("message", ""),
            )
            for e in raw.get("entries", [])
        ]

    def get_recording_schema(
        self,
        store_id: StoreId | None = None,
        *,
        entity_path: str | None = None,
        max_entities: int | None = None,
        paths_only: bool | None = None,
    ) -> RecordingSchema:
        """A recording's timelines, entities and components (the active one without ``store_id``)."""
        raw = self._viewer_control(
            "get_recording_schema",
            without_none(store_id=store_id, entity_path=entity_path, max_entities=max_entities)
            | {"with_archetypes": False, "with_components": not paths_only},
        )
        return RecordingSchema(
            store_id=raw.get("store_id", ""),
            timelines=[timeline_from_json(t) for t in raw.get("timelines", [])],
            entities=_entities(raw.get("entities", [])),
            omitted_entities=int(raw.get("omitted_entities", 0)),
        )

    def get_dataset_schema(
        self,
        dataset_url: str | None = None,
        *,
        entity_path: str | None = None,
        max_entities: int | None = None,
        paths_only: bool | None = None,
    ) -> DatasetSchema:
        """A catalog dataset's timelines, entities and components."""
        raw = self._viewer_control(
            "get_dataset_schema",
            without_none(dataset_url=dataset_url) | _schema_fields(entity_path, max_entities, paths_only),
        )
        return DatasetSchema(
            timelines=list(raw.get("timelines", [])),
            entities=_entities(raw.get("entities", [])),
            omitted_entities=int(raw.get("omitted_entities", 0)),
            asset_ids=list(raw.get("asset_ids", [])),
        )

    def get_dataset_assets_schema(
        self,
        dataset_url: str | None = None,
        *,
        entity_path: str | None = None,
        max_entities: int | None = None,
        paths_only: bool | None = None,
    ) -> list[DatasetAssetSchema]:
        """The entities and components of a dataset's assets."""
        raw = self._viewer_control(
            "get_dataset_assets_schema",
            without_none(dataset_url=dataset_url) | _schema_fields(entity_path, max_entities, paths_only),
        )
        return [
            DatasetAssetSchema(
                asset_id=a.get("asset_id", ""),
                entities=_entities(a.get("entities", [])),
                omitted_entities=int(a.get("omitted_entities", 0)),
            )
            for a in raw.get("assets", [])
        ]

    def get_table_schema(self, table_url: str | None = None) -> list[TableColumnSchema]:
        """The columns of a table the viewer shows."""
        raw = self._viewer_control("get_table_schema", without_none(table_url=table_url))
        return [
            TableColumnSchema(c.get("name", ""), c.get("display_name", ""), c.get("datatype", ""))
            for c in raw.get("columns", [])
        ]

    def get_blueprint(
        self,
        of: Literal["recording", "table"] | None = None,
        *,
        store_id: StoreId | None = None,
        table_url: str | None = None,
    ) -> Blueprint:
        """The blueprint of a recording, a table, or (neither given) what the viewer shows."""
        raw = self._viewer_control("get_blueprint", _blueprint_target(of, store_id, table_url))
        return Blueprint(
            blueprint_id=raw.get("blueprint_id", ""),
            store_id=raw.get("store_id"),
            table_url=raw.get("table_url"),
            blueprint=json.loads(raw.get("json", "{}") or "{}"),
        )

    def set_blueprint(
        self,
        blueprint: dict[str, Any],
        of: Literal["recording", "table"] | None = None,
        *,
        store_id: StoreId | None = None,
        table_url: str | None = None,
    ) -> BlueprintInfo:
        """Replace a recording's or a table's blueprint with ``blueprint`` (``get_blueprint``'s form)."""
        target = _blueprint_target(of, store_id, table_url)
        if not target:
            raise ValueError("ViewerClient.set_blueprint expects `of`, `store_id`, or `table_url`")
        raw = self._viewer_control("set_blueprint", {"json": json.dumps(blueprint)} | target)
        return BlueprintInfo(raw.get("blueprint_id", ""), raw.get("store_id"), raw.get("table_url"))

    def get_transform_graph(
        self,
        store_id: StoreId | None = None,
        *,
        frame_filter: Literal["entity_path", "named", "all"] | None = None,
        edge_filter: Literal["static", "temporal", "all"] | None = None,
        include_transforms: bool | None = None,
    ) -> dict[str, Any]:
        """A recording's transform frames and the edges between them."""
        raw = self._viewer_control(
            "get_transform_graph",
            without_none(
                store_id=store_id,
                frame_filter=None if frame_filter is None else f"FRAME_FILTER_{frame_filter.upper()}",
                edge_filter=None if edge_filter is None else f"EDGE_FILTER_{edge_filter.upper()}",
                include_transforms=include_transforms,
            ),
        )
        graph: dict[str, Any] = json.loads(raw.get("json", "{}") or "{}")
        return graph

    def highlight_rect(
        self, rect: tuple[float, float, float, float] | None, label: str | None = None
    ) -> None:
        """Outline ``rect`` (x, y, w, h in points) on the viewer; None clears it."""
        request = without_none(label=label)
        if rect is not None:
            x, y, w, h = rect
            request["rect"] = {"x": x, "y": y, "w": w, "h": h}
        self._viewer_control("highlight_rect", request)

    def list_commands(
        self,
        ids: Sequence[str] | None = None,
        *,
        include_unavailable: bool | None = None,
        store_id: StoreId | None = None,
        server_origin: str | None = None,
    ) -> list[Command]:
        """The command palette's commands (those given by ``ids``), described."""
        target = without_none(store_id=store_id, server_origin=server_origin)
        if ids is None:
            listed = self._viewer_control(
                "list_commands", without_none(include_unavailable=include_unavailable) | target
            )
            ids = [c.get("id", "") for c in listed.get("commands", [])]
        raw = self._viewer_control("describe_commands", {"ids": list(ids)} | target)
        return [_command(c) for c in raw.get("commands", [])]

    def run_command(
        self,
        id: str,
        *,
        store_id: StoreId | None = None,
        server_origin: str | None = None,
        allow_blocking_native_modal: bool | None = None,
    ) -> Command:
        """Run a command palette command; returns it as described before it ran."""
        raw = self._viewer_control(
            "run_command",
            {"id": id}
            | without_none(
                store_id=store_id,
                server_origin=server_origin,
                allow_blocking_native_modal=allow_blocking_native_modal,
            ),
        )
        return _command(raw.get("command", {}))

    def capture_profile_trace(self, file_path: str, *, num_frames: int | None = None) -> ProfileTrace:
        """Profile the viewer's next frames into ``file_path``."""
        raw = self._viewer_control(
            "capture_profile_trace", without_none(file_path=file_path, num_frames=num_frames)
        )
        return ProfileTrace(int(raw.get("num_frames", 0)), raw.get("file_path", ""))

    def viewer_logs(self, after_sequence: int | None = None) -> list[LogEntry]:
        """Deprecated: use ``get_logs``."""
        import warnings

        warnings.warn("Use `get_logs` instead.", DeprecationWarning, stacklevel=2)
        return self.get_logs(after_sequence)


def spawn_headless(
    *,
    port: int,
    memory_limit: str,
    server_memory_limit: str,
    hide_welcome_screen: bool,
    detach_process: bool,
    executable_name: str,
    executable_path: str | None,
) -> int | None:
    """Start ``rerun --headless`` on ``port`` (unless something listens there); returns its pid."""
    import os
    import subprocess
    import time

    from rerun._grpc import SPAWN_TIMEOUT_S, find_viewer_executable, port_is_listening

    if port_is_listening(port):
        return None
    exe = find_viewer_executable(executable_name, executable_path)
    cmd = [exe, "--headless", f"--port={port}", f"--memory-limit={memory_limit}"]
    cmd += [f"--server-memory-limit={server_memory_limit}", "--expect-data-soon"]
    if hide_welcome_screen:
        cmd.append("--hide-welcome-screen")
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, which quit() ends whole (as 0.41)
        env={**os.environ, "RERUN_APP_ONLY": "true"},
    )
    deadline = time.monotonic() + SPAWN_TIMEOUT_S
    while not port_is_listening(port, timeout=0.2):
        if proc.poll() is not None:
            raise RuntimeError(f"the headless Rerun Viewer ({exe}) exited with code {proc.returncode}")
        if time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"the headless Rerun Viewer ({exe}) did not listen on port {port}")
        time.sleep(0.05)
    return proc.pid
