"""The viewer embedded in a notebook, rendered in the kernel (``rerun.notebook``'s content).

Recordings log into one kernel-wide hub of chunk stores (through `rerun.sinks.StoreSink`), so
several viewers of one recording share one store and nothing is copied; the widget
(`rerun_notebook.widget.Viewer`) renders that store here and streams frames to the browser.
Everything heavy (anywidget, pygfx, wgpu) is imported when a viewer is first made.
"""

from __future__ import annotations

import logging
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from rerun_core.store.messages import BlueprintActivationCommand
from rerun_core.store.store import ChunkStore
from rerun_notebook.kernel import kernel

from ._active_recording import get_data_recording
from ._blueprint_log import blueprint_messages
from ._time import to_nanos, to_nanos_since_epoch

if TYPE_CHECKING:
    from rerun_core.server.redap_open import PlanPrefetch

    from ._recording_stream import RecordingStream

log = logging.getLogger(__name__)

__all__ = [
    "ContainerSelectionItem",
    "EntitySelectionItem",
    "PauseEvent",
    "PlayEvent",
    "RecordingOpenEvent",
    "SelectionChangeEvent",
    "SelectionItem",
    "TimeUpdateEvent",
    "TimelineChangeEvent",
    "ViewSelectionItem",
    "Viewer",
    "ViewerEvent",
    "notebook_show",
    "set_default_size",
]

_default_width: int | None = None  # None: follow the cell's width
_default_height = 480

_PanelState = Literal["expanded", "collapsed", "hidden"]


def set_default_size(*, width: int | None, height: int | None) -> None:
    """Size for viewers made after this call (width None: as wide as the cell)."""
    global _default_width, _default_height
    _default_width = width
    if height is not None:
        _default_height = height


# --- events (the shapes rerun-sdk 0.41 hands to `on_event` callbacks) -----------------------------


@dataclass
class EntitySelectionItem:
    entity_path: str
    instance_id: int | None = None
    view_name: str | None = None
    position: list[float] | None = None

    @property
    def type(self) -> Literal["entity"]:
        return "entity"


@dataclass
class ViewSelectionItem:
    view_id: str
    view_name: str

    @property
    def type(self) -> Literal["view"]:
        return "view"


@dataclass
class ContainerSelectionItem:
    container_id: str
    container_name: str

    @property
    def type(self) -> Literal["container"]:
        return "container"


SelectionItem = EntitySelectionItem | ViewSelectionItem | ContainerSelectionItem


@dataclass
class _EventBase:
    application_id: str
    recording_id: str
    segment_id: str | None

    @property
    def partition_id(self) -> str | None:
        """Deprecated (as in 0.41): the old name of `segment_id`."""
        warnings.warn("Use `segment_id` instead.", DeprecationWarning, stacklevel=2)
        return self.segment_id


@dataclass
class PlayEvent(_EventBase):
    @property
    def type(self) -> Literal["play"]:
        return "play"


@dataclass
class PauseEvent(_EventBase):
    @property
    def type(self) -> Literal["pause"]:
        return "pause"


@dataclass
class TimeUpdateEvent(_EventBase):
    time: float

    @property
    def type(self) -> Literal["time_update"]:
        return "time_update"


@dataclass
class TimelineChangeEvent(_EventBase):
    timeline: str
    time: float

    @property
    def type(self) -> Literal["timeline_change"]:
        return "timeline_change"


@dataclass
class SelectionChangeEvent(_EventBase):
    items: list[SelectionItem]

    @property
    def type(self) -> Literal["selection_change"]:
        return "selection_change"


@dataclass
class RecordingOpenEvent(_EventBase):
    source: str
    version: str | None

    @property
    def type(self) -> Literal["recording_open"]:
        return "recording_open"


ViewerEvent = (
    PlayEvent | PauseEvent | TimeUpdateEvent | TimelineChangeEvent | SelectionChangeEvent | RecordingOpenEvent
)


def _selection_item(item: dict[str, Any]) -> SelectionItem:
    if item.get("type") == "view":
        return ViewSelectionItem(view_id=str(item["view_id"]), view_name=str(item["view_name"]))
    if item.get("type") == "container":
        return ContainerSelectionItem(
            container_id=str(item["container_id"]), container_name=str(item["container_name"])
        )
    return EntitySelectionItem(
        entity_path=str(item["entity_path"]),
        instance_id=item.get("instance_id"),
        view_name=item.get("view_name"),
        position=item.get("position"),
    )


def viewer_event_from_dict(data: dict[str, Any]) -> ViewerEvent:
    """The widget's raw event dicts as rerun-sdk's event classes."""
    base = {
        "application_id": data.get("application_id", ""),
        "recording_id": data.get("recording_id", ""),
        "segment_id": data.get("segment_id"),
    }
    kind = data["type"]
    if kind == "play":
        return PlayEvent(**base)
    if kind == "pause":
        return PauseEvent(**base)
    if kind == "time_update":
        return TimeUpdateEvent(**base, time=data["time"])
    if kind == "timeline_change":
        return TimelineChangeEvent(**base, timeline=data["timeline"], time=data["time"])
    if kind == "selection_change":
        return SelectionChangeEvent(**base, items=[_selection_item(i) for i in data["items"]])
    if kind == "recording_open":
        return RecordingOpenEvent(**base, source=data.get("source", ""), version=data.get("version"))
    raise ValueError(f"Unknown event type: '{kind}'")


# --- wiring recordings into the kernel's hub (``rerun_notebook.kernel``) --------------------------


def _attach(recording: RecordingStream) -> ChunkStore:
    """Tee the recording into the kernel's hub once; returns its (shared) store."""
    k = kernel()
    k.tee(recording._core, recording._add_sink)
    _attach_grpc_servers()
    k.watch(recording._core.batcher)
    return k.hub.store(recording.store_id)


def _attach_grpc_servers() -> None:
    """Data other processes send to this kernel's gRPC endpoints lands in the same hub."""
    if "rerun._grpc" not in sys.modules:  # only if serve_grpc ran: never import grpc here
        return
    from . import _grpc

    for server in _grpc.active_servers():
        kernel().attach_feed(server)


# --- the viewer --------------------------------------------------------------------------------


def _open_failed(url: str | None, plan: PlanPrefetch | None) -> None:
    """``Viewer(url=)`` failed, so no first frame comes to end what its opening began: the early
    fetch stops (`PlanPrefetch.discard`) and the cyclic collector is back on (`gc_pause`)."""
    if url is None:
        return
    from rerun_core import gc_pause

    if plan is not None:
        plan.discard()
    gc_pause.resume()


class Viewer:
    """A Rerun viewer in a notebook cell, rendering this kernel's stores."""

    def __init__(
        self,
        *,
        width: int | Literal["auto"] | None = None,
        height: int | Literal["auto"] | None = None,
        url: str | None = None,
        blueprint: Any = None,
        recording: RecordingStream | None = None,
        use_global_recording: bool | None = None,
        theme: Literal["dark", "light", "system"] | None = None,
        memory_limit: int | str | None = None,
    ) -> None:
        """
        Make a viewer; data logged to the recording afterwards shows up live.

        width/height: pixels, or "auto" (width: the cell's; height: 16:9 of the width).
        recording: defaults to the active data recording (unless use_global_recording=False).
        blueprint: sent to the recording first, as `rr.send_blueprint` would.
        url: a Rerun server / dataset / segment URL (``DatasetEntry.segment_url``), a viewer's
        proxy URL or an .rrd file, opened as `open_url` does; then the global recording is not
        shown unless use_global_recording=True.
        memory_limit: bytes or e.g. "500MB" / "10%" (not in 0.41): server segments this viewer
        opens are fetched on demand within it, far-away chunks evicted and fetched again.
        """
        if blueprint is not None and not hasattr(blueprint, "to_blueprint"):  # before any widget exists
            raise TypeError(
                f"expected a rerun.blueprint Blueprint, View or Container, got {type(blueprint).__name__}"
            )
        self._theme = theme
        self._event_callbacks: list[Callable[[ViewerEvent], None]] = []
        plan = self._make_widget(url, width, height, memory_limit)
        from rerun_notebook.viewer_control_tables import TableShelf

        self._tables = TableShelf()
        self._widget.on_event(self._on_raw_event)
        self._widget.set_blueprint_source(kernel().blueprint_store_for)
        kernel().add_viewer(self._widget)  # before add_recording: the live flusher runs while viewers live
        if url is not None:
            try:
                self._open_url(url, plan)
            except BaseException:
                _open_failed(url, plan)
                self.close()
                raise
        if use_global_recording is None:
            use_global_recording = url is None
        if use_global_recording:
            recording = get_data_recording(recording)
        if recording is not None:
            self.add_recording(recording, blueprint=blueprint)
        elif blueprint is not None:
            raise ValueError(
                "Can only set a blueprint if there's either an active recording or a recording passed in"
            )

    def _make_widget(
        self,
        url: str | None,
        width: int | Literal["auto"] | None,
        height: int | Literal["auto"] | None,
        memory_limit: int | str | None,
    ) -> PlanPrefetch | None:
        """The widget; for a server ``url`` also its plan, whose round trips and first fetch
        overlap the widget's making (the renderer's imports), into the kernel's hub where
        `open_url` opens it."""
        if url is not None:  # no cyclic collections walking the imports below (see gc_pause)
            from rerun_core import gc_pause

            gc_pause.pause()
        from rerun_notebook.sources import prefetch_plan
        from rerun_notebook.widget import Viewer as _Widget

        plan = None
        try:
            if url is not None:
                from rerun_core.server.limits import parse_memory_limit

                plan = prefetch_plan(url, kernel().hub, parse_memory_limit(memory_limit))
            self._widget = _Widget(
                width=width if width is not None else _default_width,
                height=height if height is not None else _default_height,
                memory_limit=memory_limit,
            )
        except BaseException:
            _open_failed(url, plan)
            raise
        return plan

    def _on_raw_event(self, raw: dict[str, Any]) -> None:
        event = viewer_event_from_dict(raw)
        for cb in list(self._event_callbacks):
            cb(event)

    def add_recording(self, recording: RecordingStream | None = None, blueprint: Any = None) -> None:
        """Show another recording (default: the active one) and make it the active one."""
        recording = get_data_recording(recording)
        if recording is None:
            raise ValueError("No recording specified and no active recording found")
        store = _attach(recording)  # first: the blueprint must reach this kernel's hub too
        if blueprint is not None:
            recording.send_blueprint(blueprint)
        recording.flush()
        self._widget.add_store(
            recording.get_recording_id(),
            store,
            application_id=recording.get_application_id(),
            make_active=True,
        )
        self._put_table_away()

    def set_application_blueprint(
        self, application_id: str, blueprint: Any, *, make_active: bool = True, make_default: bool = True
    ) -> None:
        """Use ``blueprint`` for every recording of ``application_id`` this kernel shows."""
        sink = kernel().sink()
        msgs = blueprint_messages(blueprint, application_id)
        for msg in msgs:
            sink.send(msg)
        if msgs:
            cmd = BlueprintActivationCommand(
                msgs[0].store_id, make_active=make_active, make_default=make_default
            )
            sink.send(cmd)

    def set_active_recording(self, *, recording_id: str) -> None:
        """Switch the view to another recording this viewer shows."""
        self._widget.set_active_recording(recording_id)
        self._put_table_away()

    def _put_table_away(self) -> None:
        """A recording is shown again: no table over the views (they stay in `tables`)."""
        if self._tables.shown is not None:
            self._tables.show(None)
            self._widget.session.show_tables(self._tables)

    def open_url(self, url: str) -> None:
        """Open a data source: a Rerun server (listed, nothing fetched), a dataset (its segments
        when small), a segment URL (fetched as a recording, its ``#when`` / ``time_selection``
        applied), a viewer's proxy URL (followed live) or an .rrd path / http(s) URL.

        Raises ValueError (a bad URL) or RuntimeError / OSError (unreachable, not found), with a
        one-line message."""
        self._open_url(url, None)

    def _open_url(self, url: str, plan: PlanPrefetch | None) -> None:
        try:
            summary = self._widget.open_url(url, kernel().hub, plan)
        except (ValueError, RuntimeError, OSError) as err:
            raise type(err)(" ".join(str(err).split())) from None
        log.info("%s", summary)

    def close_url(self, url: str) -> None:
        """Stop showing what `open_url(url)` opened; does nothing if the URL is not open."""
        self._widget.close_url(url)

    def display(self, block_until_ready: bool = False) -> None:
        """Show the viewer in the cell now (with a static PNG for saved notebooks)."""
        from IPython.display import display

        display(self._widget)

    def _ipython_display_(self) -> None:
        self.display()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self._widget._repr_mimebundle_(**kwargs)

    def update_panels(
        self,
        *,
        top: _PanelState | Literal["default"] | None = None,
        blueprint: _PanelState | Literal["default"] | None = None,
        selection: _PanelState | Literal["default"] | None = None,
        time: _PanelState | Literal["default"] | None = None,
    ) -> None:
        """Expand, collapse or hide panels (None leaves one as is; "default" resets it)."""
        states = {"top": top, "blueprint": blueprint, "selection": selection, "time": time}
        valid = ("expanded", "collapsed", "hidden", "default")
        for name, state in states.items():
            if state is not None and state not in valid:
                raise ValueError(f"update_panels: {name}={state!r} is not one of {', '.join(valid)}")
        self._widget.update_panel_states({k: v for k, v in states.items() if v is not None})

    def set_time_ctrl(
        self,
        *,
        sequence: int | None = None,
        duration: Any = None,
        timestamp: Any = None,
        timeline: str | None = None,
        play: bool = False,
    ) -> None:
        """Move the time cursor (at most one of sequence/duration/timestamp) and play or pause."""
        if sum(x is not None for x in (sequence, duration, timestamp)) > 1:
            raise ValueError(
                f"set_time_ctrl: Exactly one of `sequence`, `duration`, and `timestamp` must be set (timeline='{timeline}')"
            )
        value: int | None = sequence
        if duration is not None:
            value = int(to_nanos(duration))
        elif timestamp is not None:
            value = int(to_nanos_since_epoch(timestamp))
        self._widget.set_time_ctrl(timeline, value, play=play)

    def send_table(self, id: str, table: Any) -> None:
        """Send a table (an Arrow RecordBatch, a list of them, or a datafusion DataFrame) to the
        viewer as `id` and show it: one table view over the viewport, in place of the views,
        until a recording is shown again (`add_recording`, `set_active_recording`). A name sent
        again replaces its table; the tables sent are kept in `tables`."""
        import pyarrow as pa

        if isinstance(table, pa.RecordBatch):
            batch = table
        elif isinstance(table, list):
            batch = pa.concat_batches(table)
        else:  # a datafusion DataFrame
            batch = pa.concat_batches(table.collect())
        metadata = {**(batch.schema.metadata or {}), b"__table_id": id.encode()}
        self._tables.put(id, pa.Table.from_batches([batch.replace_schema_metadata(metadata)]))
        self._widget.session.show_tables(self._tables)

    @property
    def tables(self) -> Any:
        """The tables sent with `send_table` (a `TableShelf`: `get(id).data` is one)."""
        return self._tables

    def set_credentials(self, access_token: str, email: str) -> None:
        """Sign the requests to the catalog servers this kernel's viewers open with
        ``access_token`` (sent as ``authorization: Bearer ...``), as 0.41's viewer does."""
        from rerun_core.server.redap_source import set_credentials

        set_credentials(access_token, email)

    def on_event(self, callback: Callable[[ViewerEvent], None]) -> None:
        """Call `callback(event)` on play, pause, time, timeline and selection changes."""
        self._event_callbacks.append(callback)

    def screenshot(self) -> Any:
        """The current picture as a PIL image (RGBA), rendered now, text views' text included."""
        from PIL import Image

        array = self._widget.snapshot()
        if array is None:
            raise RuntimeError(self._widget.error or "the viewer has nothing to show yet")
        return Image.fromarray(array[:, :, :4] if array.shape[2] == 4 else array)

    def export_video(
        self,
        path: str | Path,
        *,
        timeline: str,
        start: int | None = None,
        end: int | None = None,
        fps: float = 30.0,
        size: tuple[int, int] | None = None,
        view: str | None = None,
    ) -> Any:
        """Beyond Rerun: render ``timeline`` from ``start`` to ``end`` (default: all of it) of the
        active recording into an MP4 at ``path``, headless: the whole viewport, or one ``view``
        (name or id) filling it; ``size`` (width, height) defaults to this viewer's. One frame per
        sequence step, or per ``1/fps`` s of a temporal timeline. Returns what was written."""
        return self._widget.export_video(
            path, timeline=timeline, start=start, end=end, fps=fps, size=size, view=view
        )

    def close(self) -> None:
        """Free the renderer and stop streaming (the recording's store stays for other viewers)."""
        self._widget.close()
        kernel().remove_viewer(self._widget)

    @property
    def widget(self) -> Any:
        return self._widget


def notebook_show(
    *,
    width: int | None = None,
    height: int | None = None,
    blueprint: Any = None,
    recording: RecordingStream | None = None,
) -> None:
    """Show the recording's viewer in this cell; data logged afterwards appears live.

    (0.41's signature exactly: to open a server URL, use ``rerun.notebook.Viewer(url=...)``.)"""
    Viewer(width=width, height=height, blueprint=blueprint, recording=recording).display()
