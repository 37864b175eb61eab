"""Tables sent to the viewer (``ViewerClient.send_table``, the message proxy's ``WriteTable``), kept
for viewer control as Rerun 0.41's viewer keeps them.

0.41's viewer shows a table it is sent (its location becomes ``about:table?id=<name>``, no recording
is active any more), describes its columns (``get_table_schema``) and gives it a blueprint of its
own (``get_blueprint`` / ``set_blueprint``). This viewer's pages (the window is one) draw the table
on screen in place of the recording's views, as one dataframe view filling the viewport, its columns
in its blueprint's order (``table_view``; ``session_state`` asks for it).
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus

import pyarrow as pa

SEGMENT_COLUMN = "rerun_segment_id"


def display_name(column: str) -> str:
    """A column's header as 0.41 writes it: ``rerun_`` dropped, words split (``_``, camelCase),
    lower case, the first letter capital (``rerun_segment_id`` -> ``Segment id``, ``ABC`` -> ``Abc``)."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", column.removeprefix("rerun_")).replace("_", " ")
    text = words.lower()
    return text[:1].upper() + text[1:]


def column_order(table: pa.Table) -> list[str]:
    """The columns as 0.41 lists them: the segment id first, the rest as sent."""
    names = list(table.column_names)
    return sorted(names, key=lambda name: name != SEGMENT_COLUMN)


@dataclass
class _Table:
    data: pa.Table
    blueprint_id: str
    blueprint: dict[str, Any]
    default: dict[str, Any] = field(default_factory=dict)  # the blueprint it came with
    undo: list[dict[str, Any]] = field(default_factory=list)  # earlier blueprints, newest last
    redo: list[dict[str, Any]] = field(default_factory=list)

    def edit(self, blueprint: dict[str, Any]) -> None:
        """A new blueprint, the old one kept for undo."""
        self.undo.append(self.blueprint)
        self.redo.clear()
        self.blueprint = blueprint

    def step(self, back: bool) -> None:
        """Undo (``back``) or redo one blueprint edit; nothing to undo or redo leaves it as it is."""
        source, target = (self.undo, self.redo) if back else (self.redo, self.undo)
        if source:
            target.append(self.blueprint)
            self.blueprint = source.pop()


@dataclass
class TableShelf:
    """The tables sent, by name (a name sent again replaces its table), and the one on screen."""

    enabled: bool = False  # only a viewer keeps tables; ``--serve-grpc`` refuses them, as before
    shown: str | None = None
    _tables: dict[str, _Table] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    listeners: list[Callable[[], None]] = field(default_factory=list)  # told when what is shown changes

    def changed(self) -> None:
        for listener in list(self.listeners):
            listener()

    def put(self, name: str, data: pa.Table) -> None:
        """Keep ``data`` as ``name`` and show it, with a new blueprint laying out its columns."""
        blueprint = {"/table/layouts/table": {"TableLayout": {"column_order": column_order(data)}}}
        entry = _Table(
            data,
            f"Blueprint:table-blueprint:rec_{uuid.uuid4().hex}",
            blueprint,
            json.loads(json.dumps(blueprint)),
        )
        with self._lock:
            self._tables[name] = entry
            self.shown = name
        self.changed()

    def get(self, name: str) -> _Table | None:
        with self._lock:
            return self._tables.get(name)

    def show(self, name: str | None) -> None:
        """Show the table ``name`` (None: none, a recording is shown instead)."""
        if name is not None and self.get(name) is None:
            raise LookupError(f"no table {json.dumps(name)} in the viewer")
        if name != self.shown:
            self.shown = name
            self.changed()

    def on_screen(self) -> _Table:
        """The table shown; refused as 0.41 (FAILED_PRECONDITION) when none is."""
        from rerun_notebook.viewer_control import precondition

        entry = self.get(self.shown) if self.shown is not None else None
        if entry is None:
            raise precondition("no table is on screen, and no `table_url`")
        return entry

    @staticmethod
    def location(name: str) -> str:
        return "about:table?id=" + quote_plus(name)

    def write_table(self, request: bytes, context: Any) -> bytes:
        """The proxy's ``WriteTable``: keep the table (``id.id`` names it), answer an empty response."""
        import grpc

        from rerun_core.proto.gen import sdk_comms_pb2
        from rerun_core.store.rrd.protocol import dataframe_part_to_table

        if not self.enabled:
            context.abort(
                grpc.StatusCode.UNIMPLEMENTED,
                "WriteTable is not implemented by this server: it proxies log messages only",
            )
        message = sdk_comms_pb2.WriteTableRequest.FromString(request)
        try:
            data = dataframe_part_to_table(message.data)
        except (ValueError, pa.ArrowException) as err:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"WriteTable: not an Arrow table: {err}")
        self.put(message.id.id, data)
        return bytes(sdk_comms_pb2.WriteTableResponse().SerializeToString())


def table_schema(shelf: TableShelf, table_url: str | None) -> Any:
    """``get_table_schema``: the shown table's columns (a local table has no URL, as in 0.41)."""
    from rerun_core.proto.gen import viewer_control_pb2 as pb
    from rerun_core.types.arrow_names import format_type

    if table_url:
        raise ValueError(f"invalid `table_url` {json.dumps(table_url)}: this viewer holds no server's tables")
    data = shelf.on_screen().data
    answer = pb.GetTableSchemaResponse()
    for name in column_order(data):
        column = data.schema.field(name)
        answer.columns.add(
            name=name, display_name=display_name(name), datatype=format_type(column.type, column.nullable)
        )
    return answer


def table_blueprint(shelf: TableShelf) -> Any:
    """``get_blueprint`` of the shown table: its layout, as 0.41 reads a local table's."""
    from rerun_core.proto.gen import viewer_control_pb2 as pb

    entry = shelf.on_screen()
    return pb.GetBlueprintResponse(blueprint_id=entry.blueprint_id, json=json.dumps(entry.blueprint))


def set_table_blueprint(shelf: TableShelf, request: Any) -> Any:
    """``set_blueprint`` of the shown table: the whole blueprint replaced, or the fields given written over it."""
    from rerun_core.proto.gen import viewer_control_pb2 as pb

    entry = shelf.on_screen()
    try:
        blueprint = json.loads(request.json)
    except json.JSONDecodeError as err:
        raise ValueError(f"the blueprint is not JSON: {err}") from None
    if request.mode == pb.BLUEPRINT_UPDATE_MODE_PARTIAL:
        merged = json.loads(json.dumps(entry.blueprint))
        for path, archetypes in blueprint.items():
            for archetype, fields in archetypes.items():
                merged.setdefault(path, {}).setdefault(archetype, {}).update(fields)
        blueprint = merged
    entry.edit(blueprint)
    shelf.changed()
    return pb.SetBlueprintResponse(blueprint_id=entry.blueprint_id)


def undo_edit(shelf: TableShelf) -> None:
    shelf.on_screen().step(back=True)
    shelf.changed()


def redo_edit(shelf: TableShelf) -> None:
    shelf.on_screen().step(back=False)
    shelf.changed()


def reset_to_default(shelf: TableShelf) -> None:
    entry = shelf.on_screen()
    entry.edit(json.loads(json.dumps(entry.default)))
    shelf.changed()


# --- on the pages -------------------------------------------------------------------------------

_ON_PAGES: list[TableShelf] = []  # the shelf whose table this process's pages draw (the viewer's)


def show_on_pages(shelf: TableShelf) -> None:
    _ON_PAGES[:] = [shelf]


def table_view(session: Any) -> dict[str, Any] | None:
    """The state's view entry for the table on screen: a dataframe view over the whole viewport
    (the rows of the window the page scrolled to), named as the table; None when none is shown."""
    from rerun_core.viewer.dataframe_view import DataframeTable
    from rerun_notebook.dataframe_panel import DEFAULT_WINDOW

    shelf = getattr(session, "tables", None)  # a notebook viewer's own (`Viewer.send_table`)
    if shelf is None:
        shelf = _ON_PAGES[0] if _ON_PAGES else None
    name = shelf.shown if shelf is not None else None
    entry = shelf.get(name) if shelf is not None and name is not None else None
    if entry is None or name is None:
        return None
    layout = entry.blueprint.get("/table/layouts/table", {}).get("TableLayout", {})
    order = layout.get("column_order") or column_order(entry.data)
    order = [order] if isinstance(order, str) else order
    names = [c for c in order if c in entry.data.column_names]
    columns = [
        {"name": c, "kind": "component", "entity": "", "component": display_name(c), "timeline_kind": None}
        for c in names
    ]
    table = DataframeTable(None, None, columns, entry.data.select(names))
    view_id = "table:" + name
    offset, count = session.dataframes.windows.get(view_id, (0, DEFAULT_WINDOW))
    offset = min(offset, max(0, table.total - count))
    width, height = session.size
    rows = table.page(offset, count)
    return {
        "id": view_id,
        "kind": "dataframe",
        "rect": [0.0, 0.0, float(width), float(height)],
        "name": name,
        "header": 0.0,
        "tab_bar": None,
        "dataframe": {
            "timeline": None,
            "time_kind": None,
            "columns": columns,
            "total": table.total,
            "offset": offset,
            "rows": rows,
            "times": [None] * len(rows),
            "cursor_row": -1,
            "auto_scroll": False,
        },
    }
