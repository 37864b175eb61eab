"""Blueprint building blocks: views, containers, panels and the Blueprint that logs them.

A blueprint is logged like data, into a blueprint recording stream: each part logs its
blueprint archetype at its own path (`view/<uuid>`, `container/<uuid>`, `viewport`, panels).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from .archetypes import (
    ActiveVisualizers,
    ContainerBlueprint,
    PanelBlueprint,
    TimePanelBlueprint,
    ViewBlueprint,
    ViewContents,
    ViewportBlueprint,
    VisualizerInstruction,
)
from .components import ContainerKind, PanelState
from .visualizers import Visualizer, visualizer_of


class View:
    """A view of part of the data, rooted at `origin` and filtered by `contents` queries."""

    def __init__(
        self,
        *,
        class_identifier: str,
        origin: Any,
        contents: Any,
        name: Any,
        visible: Any = None,
        titlebar: Any = None,
        properties: dict[str, Any] | None = None,
        defaults: Iterable[Any] | None = None,
        overrides: Mapping[Any, Any] | None = None,
    ) -> None:
        self.id = uuid.uuid4()
        self.class_identifier = class_identifier
        self.origin = origin
        self.contents = contents
        self.name = name
        self.visible = visible
        self.titlebar = titlebar
        self.properties = properties or {}
        self.defaults = list(defaults or [])
        self.overrides = dict(overrides or {})

    def blueprint_path(self) -> str:
        return f"view/{self.id}"

    def to_container(self) -> Container:
        return Tabs(self)

    def to_blueprint(self) -> Blueprint:
        return Blueprint(self)

    def _log_to_stream(self, stream: Any) -> None:
        path = self.blueprint_path()
        contents = (
            self.contents if isinstance(self.contents, ViewContents) else ViewContents(query=self.contents)
        )
        stream.log(path + "/ViewContents", contents)
        arch = ViewBlueprint(
            class_identifier=self.class_identifier,
            display_name=self.name,
            space_origin=self.origin,
            visible=self.visible,
            titlebar=self.titlebar,
        )
        stream.log(path, arch)
        for prop_name, prop in self.properties.items():
            stream.log(f"{path}/{prop_name}", prop)
        for default in self.defaults:
            stream.log(f"{path}/defaults", default if hasattr(default, "as_component_batches") else [default])
        for entity, visualizers in self.overrides.items():
            base = f"{path}/ViewContents/overrides/{str(entity).removeprefix('/')}/visualizers"
            items = visualizers if isinstance(visualizers, (list, tuple)) else [visualizers]
            ids = [vid for item in items if (vid := _log_visualizer(stream, base, item)) is not None]
            if ids:
                stream.log(base, ActiveVisualizers([vid.bytes for vid in ids]))


def _log_visualizer(stream: Any, base: str, item: Any) -> uuid.UUID | None:
    """Log one override: a visualizer (or archetype standing for one) gets an instruction entry."""
    visualizer = item if isinstance(item, Visualizer) else visualizer_of(item)
    if visualizer is None:  # plain components, e.g. EntityBehavior or VisibleTimeRanges
        stream.log(base, item)
        return None
    path = f"{base}/{visualizer.id}"
    stream.log(path, VisualizerInstruction(visualizer.visualizer_type))
    if visualizer.mappings:
        from .encodings import component_map_batch

        stream.log(path, [component_map_batch(visualizer.mappings)])
    if visualizer.overrides:
        stream.log(path, visualizer.overrides)
    return visualizer.id


class Container:
    """A layout of views and containers."""

    def __init__(
        self,
        *args: Container | View,
        contents: Iterable[Container | View] | None = None,
        kind: Any,
        column_shares: Any = None,
        row_shares: Any = None,
        grid_columns: int | None = None,
        active_tab: int | str | None = None,
        name: Any,
        visible: Any = None,
    ) -> None:
        if args and contents is not None:
            raise ValueError("Cannot provide both positional and keyword arguments for contents")
        self.contents = list(contents) if contents is not None else list(args)
        self.id = uuid.uuid4()
        self.kind = kind
        self.column_shares = column_shares
        self.row_shares = row_shares
        self.grid_columns = grid_columns
        self.active_tab = active_tab
        self.name = name
        self.visible = visible

    def blueprint_path(self) -> str:
        return f"container/{self.id}"

    def to_container(self) -> Container:
        return self

    def to_blueprint(self) -> Blueprint:
        return Blueprint(self)

    def _log_to_stream(self, stream: Any) -> None:
        active_path = None
        for i, sub in enumerate(self.contents):
            sub._log_to_stream(stream)
            if i == self.active_tab or (isinstance(sub, View) and sub.name == self.active_tab):
                active_path = sub.blueprint_path()
        if self.active_tab is not None and active_path is None:
            raise ValueError(f"Active tab '{self.active_tab}' not found in the container contents.")
        arch = ContainerBlueprint(
            container_kind=self.kind,
            contents=[sub.blueprint_path() for sub in self.contents],
            col_shares=self.column_shares,
            row_shares=self.row_shares,
            visible=self.visible,
            grid_columns=self.grid_columns,
            active_tab=active_path,
            display_name=self.name,
        )
        stream.log(self.blueprint_path(), arch)


class Horizontal(Container):
    """Views side by side."""

    def __init__(
        self,
        *args: Container | View,
        contents: Any = None,
        column_shares: Any = None,
        name: Any = None,
        visible: Any = None,
    ) -> None:
        super().__init__(
            *args,
            contents=contents,
            kind=ContainerKind.Horizontal,
            column_shares=column_shares,
            name=name,
            visible=visible,
        )


class Vertical(Container):
    """Views stacked top to bottom."""

    def __init__(
        self,
        *args: Container | View,
        contents: Any = None,
        row_shares: Any = None,
        name: Any = None,
        visible: Any = None,
    ) -> None:
        super().__init__(
            *args,
            contents=contents,
            kind=ContainerKind.Vertical,
            row_shares=row_shares,
            name=name,
            visible=visible,
        )


class Grid(Container):
    """Views in a grid."""

    def __init__(
        self,
        *args: Container | View,
        contents: Any = None,
        column_shares: Any = None,
        row_shares: Any = None,
        grid_columns: int | None = None,
        name: Any = None,
        visible: Any = None,
    ) -> None:
        super().__init__(
            *args,
            contents=contents,
            kind=ContainerKind.Grid,
            column_shares=column_shares,
            row_shares=row_shares,
            grid_columns=grid_columns,
            name=name,
            visible=visible,
        )


class Tabs(Container):
    """Views as tabs, one visible at a time."""

    def __init__(
        self,
        *args: Container | View,
        contents: Any = None,
        active_tab: int | str | None = None,
        name: Any = None,
        visible: Any = None,
    ) -> None:
        super().__init__(
            *args,
            contents=contents,
            kind=ContainerKind.Tabs,
            active_tab=active_tab,
            name=name,
            visible=visible,
        )


def _to_state(expanded: bool | None, state: Any) -> Any:
    if expanded is not None and state is not None:
        raise ValueError("Cannot set both 'expanded' and 'state'")
    if state is not None:
        return state
    if expanded is not None:
        return PanelState.Expanded if expanded else PanelState.Collapsed
    return None


class Panel:
    """One of the viewer's side panels, logged at `blueprint_path` (`time_panel`, ...)."""

    _PATH = ""

    def __init__(self, *, blueprint_path: str, expanded: bool | None = None, state: Any = None) -> None:
        self._blueprint_path = blueprint_path
        self.state = _to_state(expanded, state)

    def blueprint_path(self) -> str:
        return self._blueprint_path

    def _log_to_stream(self, stream: Any) -> None:
        stream.log(self.blueprint_path(), PanelBlueprint(state=self.state))


class _NamedPanel(Panel):
    """A panel whose path is fixed by its class (`_PATH`), so callers give only its state."""

    def __init__(self, *, expanded: bool | None = None, state: Any = None) -> None:
        super().__init__(blueprint_path=self._PATH, expanded=expanded, state=state)


class TopPanel(_NamedPanel):
    _PATH = "top_panel"


class BlueprintPanel(_NamedPanel):
    _PATH = "blueprint_panel"


class SelectionPanel(_NamedPanel):
    _PATH = "selection_panel"


class TimePanel(_NamedPanel):
    """The time panel: state plus timeline, playback and selection settings."""

    _PATH = "time_panel"

    def __init__(
        self,
        *,
        expanded: bool | None = None,
        state: Any = None,
        timeline: Any = None,
        playback_speed: float | None = None,
        fps: float | None = None,
        play_state: Any = None,
        loop_mode: Any = None,
        time_selection: Any = None,
    ) -> None:
        super().__init__(expanded=expanded, state=state)
        self.timeline = timeline
        self.playback_speed = playback_speed
        self.fps = fps
        self.play_state = play_state
        self.loop_mode = loop_mode
        self.time_selection = time_selection

    def _log_to_stream(self, stream: Any) -> None:
        arch = TimePanelBlueprint(
            state=self.state,
            timeline=self.timeline,
            playback_speed=self.playback_speed,
            fps=self.fps,
            loop_mode=self.loop_mode,
            time_selection=self.time_selection,
        )
        stream.log(self.blueprint_path(), arch)
        if self.play_state is not None:
            stream.log(self.blueprint_path(), TimePanelBlueprint(play_state=self.play_state), static=True)


_PANELS = {
    TopPanel: "top_panel",
    BlueprintPanel: "blueprint_panel",
    SelectionPanel: "selection_panel",
    TimePanel: "time_panel",
}


class Blueprint:
    """The whole layout: one root container (several parts become tabs) plus panel settings."""

    def __init__(
        self,
        *parts: Any,
        auto_layout: bool | None = None,
        auto_views: bool | None = None,
        collapse_panels: bool = False,
    ) -> None:
        self.collapse_panels = collapse_panels
        self.panels: dict[str, Panel] = {}
        contents: list[Container | View] = []
        for part in parts:
            if isinstance(part, (Container, View)):
                contents.append(part)
            elif type(part) in _PANELS:
                key = _PANELS[type(part)]
                if key in self.panels:
                    raise ValueError(f"Only one {key.replace('_', ' ')} can be provided")
                self.panels[key] = part
            else:
                raise ValueError(f"Unknown part type: {part}")
        self.auto_views = auto_views
        self.auto_layout = auto_layout
        self.root_container: Container | None = None
        if not contents:
            self.auto_views = True if auto_views is None else auto_views
            self.auto_layout = True if auto_layout is None else auto_layout
        elif len(contents) == 1:
            self.root_container = contents[0].to_container()
        else:
            self.root_container = Tabs(contents=contents)

    def to_blueprint(self) -> Blueprint:
        return self

    def save(self, application_id: str, path: str | os.PathLike[str] | None = None) -> None:
        """Write this blueprint to an `.rbl` file (default `<application_id>.rbl`) the viewer can open.

        Like 0.41: the blueprint store's messages, then a command making it active and default.
        """
        from rerun_core.store.messages import BlueprintActivationCommand
        from rerun_core.store.rrd.writer import write_rrd

        from .._blueprint_log import blueprint_messages

        msgs = blueprint_messages(self, application_id)
        activate = BlueprintActivationCommand(msgs[0].store_id, make_active=True, make_default=True)
        write_rrd(f"{application_id}.rbl" if path is None else path, [*msgs, activate])

    def connect_grpc(
        self,
        application_id: str,
        *,
        url: str | None = None,
        make_active: bool = True,
        make_default: bool = True,
    ) -> None:
        """Send this blueprint alone to a viewer at `url` (default the local one), no data stream.

        Its own connection: the blueprint store's messages and the activation command, then closed.
        """
        from rerun_core.store.messages import BlueprintActivationCommand

        from .._blueprint_log import blueprint_messages
        from .._grpc import GrpcSink  # grpcio loads only when used

        msgs = blueprint_messages(self, application_id)
        sink = GrpcSink(url)
        for msg in msgs:
            sink.send(msg)
        sink.send(
            BlueprintActivationCommand(msgs[0].store_id, make_active=make_active, make_default=make_default)
        )
        sink.close()

    def spawn(
        self,
        application_id: str,
        *,
        port: int = 9876,
        memory_limit: str = "75%",
        hide_welcome_screen: bool = False,
        detach_process: bool = True,
    ) -> None:
        """Start a viewer on `port` (unless one listens there already) and send it this blueprint."""
        from .._grpc import spawn_viewer

        spawn_viewer(
            port=port,
            memory_limit=memory_limit,
            hide_welcome_screen=hide_welcome_screen,
            detach_process=detach_process,
        )
        self.connect_grpc(application_id, url=f"rerun+http://127.0.0.1:{port}/proxy")

    def _log_to_stream(self, stream: Any) -> None:
        root_id = None
        if self.root_container is not None:
            self.root_container._log_to_stream(stream)
            root_id = self.root_container.id.bytes
        stream.log(
            "viewport",
            ViewportBlueprint(
                root_container=root_id, auto_layout=self.auto_layout, auto_views=self.auto_views
            ),
        )
        for key, cls in (("top_panel", None), ("blueprint_panel", BlueprintPanel)):
            self._log_panel(stream, key, cls)
        self._log_panel(stream, "selection_panel", SelectionPanel)
        self._log_panel(stream, "time_panel", TimePanel)

    def _log_panel(self, stream: Any, key: str, default: type[_NamedPanel] | None) -> None:
        if key in self.panels:
            self.panels[key]._log_to_stream(stream)
        elif self.collapse_panels and default is not None:
            default(state="collapsed")._log_to_stream(stream)


BlueprintLike = Blueprint | View | Container


def create_in_memory_blueprint(*, application_id: str, blueprint: BlueprintLike) -> Any:
    """The blueprint store of `blueprint` held in memory (a `MemoryRecording`), to send or drain."""
    from .._blueprint_log import BlueprintStream
    from .._memory import MemoryRecording, MemorySinkStorage

    stream = BlueprintStream(application_id)
    blueprint.to_blueprint()._log_to_stream(stream)
    return MemoryRecording(MemorySinkStorage(stream._sink, stream.core))


ContainerLike = Container | View
BlueprintPart = ContainerLike | BlueprintPanel | SelectionPanel | TimePanel | TopPanel
PanelStateLike = Any  # a PanelState, or its name ("expanded", "collapsed", "hidden")
Float32ArrayLike = Any  # what a float batch accepts (numbers, sequences, numpy arrays)
Utf8ArrayLike = Any  # what a text batch accepts (a string or a sequence of them)
ViewContentsLike = Any  # a query expression or a list of them
VisualizerLike = Any  # a visualizer name or a Visualizer
