"""Catalog table blueprints (`rerun.blueprint.table`) and the blueprint names 0.41 added with them.

The interop tests save the same table blueprint with both SDKs and compare every logged
component (view ids, which are random, normalised), and the SQL of every filter builder.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import ClassVar

import pyarrow as pa
import pytest

import rerun as rr
import rerun.blueprint as rrb
from rerun.blueprint.table import CardLayout, Column, PreviewCell, SortBy, TableLayout, col
from rerun_core.store.messages import BlueprintActivationCommand
from rerun_core.store.rrd.reader import read_chunks, read_messages
from tests.conftest import Oracle

SAVE_SCRIPT = """
import sys
from datetime import datetime
import rerun as rr
import rerun.blueprint as rrb
from rerun.blueprint.table import CardLayout, Column, PreviewCell, PreviewsConfig, SortBy, TableLayout, col

preview = PreviewCell(rrb.Spatial2DView(origin="/cam", name="Cam"), rrb.TextLogView(origin="/log"))
bp = rrb.TableBlueprint(
    table_layout=TableLayout(columns=[
        Column("score", name="Score", editable=True),
        Column("ok", column_type=rr.components.Flag),
        Column("doc", column_type=rr.TextDocument.descriptor_text(), visible=False),
        Column("url/with space", column_type="rerun.components.Url"),
        Column("recording", column_type=preview),
    ]),
    card_layout=CardLayout(title="task", link="recording", fields=[Column("task"), Column("recording", column_type=preview)]),
    default_layout="cards",
    column_display_mode="full",
    previews_config=PreviewsConfig(timeline="frame", play_state="playing", playback_speed=2.0, start_point=0.25),
    filters=[col("score") >= 3, col("task").str.contains("pi%ck"), '"x" > 1'],
    sort_by=SortBy("score", direction="descending"),
)
bp.save("rerun_example_table_bp", sys.argv[1])
"""

SQL_SCRIPT = """
import math
from datetime import datetime, timedelta, timezone
from rerun.blueprint.table import col

t0, t1 = datetime(2024, 1, 2, 3, 4, 5, 6), datetime(2024, 5, 1, tzinfo=timezone(timedelta(hours=2)))
built = []
for c in (col("c"), col('q"uote').list):
    built += [c == 3, c != 2.5, c < -1, c <= 0, c > 10**20, c >= float("nan"), c.ge(float("-inf"))]
    built += [c.is_true(), c.is_false(), c.is_not_true(), c.is_not_false(), c.is_null(), c.is_not_null()]
    built += [c.before(t0), c.after(t1), c.between(t0, t1), c.not_between(t0, t1)]
    built += [c.today(), c.yesterday(), c.last_24_hours(), c.this_week(), c.last_week()]
    built += [c.not_today(), c.not_yesterday(), c.not_last_24_hours(), c.not_this_week(), c.not_last_week()]
    built += [c.str.contains("a_b"), c.str.does_not_contain("it's"), c.str.starts_with("x\\\\y"), c.str.ends_with("z")]
print("\\n".join(f.sql for f in built))
print(repr(col("c")), repr(col("c").list), repr(col("c").str), repr(col("c").list.str))
"""

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _rows(path: Path) -> list[tuple[str, ...]]:
    """Every logged component of a blueprint file, view ids replaced by their order of appearance."""
    ids: dict[str, str] = {}

    def stable(text: str) -> str:
        return _UUID.sub(lambda m: ids.setdefault(m.group(0), f"<view{len(ids)}>"), text)

    rows = []
    for _, batch in read_chunks(path):
        entity = (batch.schema.metadata or {})[b"rerun:entity_path"].decode()
        for field, column in zip(batch.schema, batch.columns, strict=True):
            meta = field.metadata or {}
            if meta.get(b"rerun:kind") != b"data":
                continue
            component = meta[b"rerun:component"].decode()
            rows.append((entity, component, str(column.type), str(column.to_pylist())))
    # Views get their ids in creation order in both SDKs; sort by path shape, then number them.
    return sorted(tuple(stable(x) for x in row) for row in sorted(rows, key=lambda r: _UUID.sub("", r[0])))


def _save(python: str, out: Path, env: dict[str, str] | None, cwd: str) -> None:
    proc = subprocess.run(
        [python, "-c", textwrap.dedent(SAVE_SCRIPT), str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=cwd,
    )
    assert proc.returncode == 0, proc.stderr


@pytest.mark.interop
def test_saved_table_blueprint_matches_0_41(oracle: Oracle, tmp_path: Path) -> None:
    _save(str(oracle.python), tmp_path / "oracle.rbl", oracle.env(), "/")
    _save(sys.executable, tmp_path / "ours.rbl", None, str(Path(__file__).resolve().parents[2]))
    theirs, ours = _rows(tmp_path / "oracle.rbl"), _rows(tmp_path / "ours.rbl")
    assert [r[:2] for r in ours] == [r[:2] for r in theirs]
    assert ours == theirs
    kinds = [type(m).__name__ for m in read_messages(tmp_path / "ours.rbl")]
    assert kinds == [type(m).__name__ for m in read_messages(tmp_path / "oracle.rbl")]


@pytest.mark.interop
def test_filter_sql_matches_0_41(oracle: Oracle) -> None:
    theirs = oracle.run_script(SQL_SCRIPT).stdout
    ours = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(SQL_SCRIPT)], capture_output=True, text=True, check=True
    ).stdout
    assert ours.splitlines() == theirs.splitlines()


def test_filters_write_the_viewers_sql() -> None:
    assert (col("score") >= 3).sql == '"score" >= 3'
    assert col("score").ne(2).sql == '("score" = 2) IS NOT TRUE'
    assert (
        col("tags").list.str.contains("a_b").sql == "any_match(\"tags\", x -> x ILIKE '%a\\_b%' ESCAPE '\\')"
    )
    when = datetime(2024, 1, 1, 12, tzinfo=timezone(timedelta(hours=1)))
    assert col("t").before(when).sql == "\"t\" < TIMESTAMPTZ '2024-01-01T11:00:00Z'"


def test_filters_refuse_what_would_go_wrong_silently() -> None:
    with pytest.raises(TypeError, match="truth value"):
        bool(col("a") > 1)
    with pytest.raises(TypeError, match="bool"):
        col("a") == True  # noqa: B015, E712 - comparing to a bool is a mistake the filter names
    with pytest.raises(ValueError, match="non-empty"):
        col("a").str.contains("")
    with pytest.raises(ValueError, match="empty"):
        col("")


def test_table_blueprint_checks_its_arguments() -> None:
    with pytest.raises(ValueError, match="at most once"):
        TableLayout(columns=[Column("a"), Column("a")])
    with pytest.raises(ValueError, match="requires card_layout"):
        rrb.TableBlueprint(default_layout="cards")
    with pytest.raises(TypeError, match="sequence of filters"):
        rrb.TableBlueprint(filters='"a" > 1')  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="column_type"):
        Column("a", column_type=3)
    with pytest.raises(ValueError, match="at least one view"):
        PreviewCell()
    bp = rrb.TableBlueprint(sort_by="score", card_layout=CardLayout(title="t"))
    assert bp.sort_by == SortBy("score")


def test_enum_component_classes_are_column_types() -> None:
    assert Column("c", column_type=rr.components.Colormap)._column_type() == rrb.encodings.ColumnType(
        component_type_name="rerun.components.Colormap"
    )


def test_save_writes_an_active_default_blueprint(tmp_path: Path) -> None:
    rrb.TableBlueprint(table_layout=TableLayout(columns=[Column("a")])).save("app", tmp_path / "t.rbl")
    messages = list(read_messages(tmp_path / "t.rbl"))
    assert isinstance(messages[-1], BlueprintActivationCommand) and messages[-1].make_default
    entities = {
        (b.schema.metadata or {})[b"rerun:entity_path"].decode() for _, b in read_chunks(tmp_path / "t.rbl")
    }
    assert entities == {"/table/layouts/table"}


def test_audio_view_logs_its_playback_property() -> None:
    view = rrb.AudioView(origin="audio", playback=rrb.AudioPlayback(volume=0.5))
    assert view.class_identifier == "Audio"
    assert list(view.properties) == ["AudioPlayback"]


def test_visualizer_instruction_takes_a_component_map() -> None:
    mapping = rrb.encodings.VisualizerComponentMapping("Scalars:scalars", "Default")
    arch = rrb.archetypes.VisualizerInstruction("SeriesLines", component_map=[mapping])
    components = [b.component_descriptor().component for b in arch.as_component_batches()]
    assert components == ["VisualizerInstruction:visualizer_type", "VisualizerInstruction:component_map"]


def test_sort_by_batch_leaves_an_unset_direction_null() -> None:
    batch = rrb.components.SortByBatch([SortBy("a"), SortBy("b", direction="Descending")])
    assert batch.as_arrow_array().to_pylist() == [
        {"column": "a", "direction": None},
        {"column": "b", "direction": 2},
    ]


def test_panels_take_their_path_and_containers_their_name() -> None:
    assert rrb.Panel(blueprint_path="time_panel", expanded=False).blueprint_path() == "time_panel"
    assert rrb.SelectionPanel(state="hidden").blueprint_path() == "selection_panel"
    with pytest.raises(TypeError):
        rrb.Panel(expanded=True)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        rrb.Container(kind=rrb.ContainerKind.Tabs)  # type: ignore[call-arg]


def test_in_memory_blueprint_holds_the_blueprint_store() -> None:
    from rerun.blueprint.api import create_in_memory_blueprint

    memory = create_in_memory_blueprint(application_id="app", blueprint=rrb.Spatial3DView(origin="/x"))
    assert memory.num_msgs() == 6  # as 0.41: store info, view, contents, container, viewport, panel
    assert memory.drain_as_bytes().startswith(b"RRF2")


class _FakeSink:
    sent: ClassVar[list[tuple[str | None, object]]] = []

    def __init__(self, url: str | None = None) -> None:
        self.url = url

    def send(self, msg: object) -> None:
        self.sent.append((self.url, msg))

    def close(self) -> None:
        self.sent.append((self.url, "closed"))


def test_blueprint_spawn_and_connect_send_the_store_then_activate(monkeypatch: pytest.MonkeyPatch) -> None:
    from rerun import _grpc

    spawned: list[dict[str, object]] = []
    monkeypatch.setattr(_grpc, "GrpcSink", _FakeSink)
    monkeypatch.setattr(_grpc, "spawn_viewer", lambda **kw: spawned.append(kw))
    _FakeSink.sent = []
    rrb.Blueprint(rrb.TextLogView()).spawn("app", port=9999, hide_welcome_screen=True)
    assert spawned == [
        {"port": 9999, "memory_limit": "75%", "hide_welcome_screen": True, "detach_process": True}
    ]
    urls = {url for url, _ in _FakeSink.sent}
    assert urls == {"rerun+http://127.0.0.1:9999/proxy"}
    activation = _FakeSink.sent[-2][1]
    assert isinstance(activation, BlueprintActivationCommand) and activation.make_active
    assert _FakeSink.sent[-1][1] == "closed"
    _FakeSink.sent = []
    rrb.Blueprint(rrb.TextLogView()).connect_grpc("app", url="rerun+http://h:1/proxy", make_default=False)
    activation = _FakeSink.sent[-2][1]
    assert isinstance(activation, BlueprintActivationCommand) and not activation.make_default


def test_time_types_are_blueprint_components() -> None:
    bpc = rrb.components
    assert bpc.TimeInt(seq=5).as_arrow_array().to_pylist() == [5]
    assert bpc.TimeIntBatch([bpc.TimeInt(seconds=1.0)]).as_arrow_array().to_pylist() == [1_000_000_000]
    assert bpc.TimeRange.component_type() == "rerun.blueprint.components.TimeRange"
    visible = bpc.VisibleTimeRange(
        "frame", start=rrb.TimeRangeBoundary.absolute(seq=1), end=rrb.TimeRangeBoundary.infinite()
    )
    assert isinstance(visible, rrb.VisibleTimeRange)
    assert visible.as_arrow_array().type == bpc.VisibleTimeRangeBatch._ARROW_DATATYPE


def test_selected_columns_split_like_0_41() -> None:
    """A string is a component column only with exactly one colon (`/path:Component`)."""
    bpc = rrb.components
    selector = bpc.ComponentColumnSelector(entity_path="/a", component="Points3D:positions")
    selected = bpc.SelectedColumns(["frame", "/a:Points3D:positions", "/b:Comp", selector])
    assert selected.time_columns == ["frame", "/a:Points3D:positions"]
    assert selected.component_columns == [("/b", "Comp"), ("/a", "Points3D:positions")]
    with pytest.raises(ValueError, match="Invalid component column specifier"):
        bpc.ComponentColumnSelector("/a:Points3D:positions")


def test_component_mapping_is_a_component_too() -> None:
    mapping = rrb.components.VisualizerComponentMapping("Scalars:scalars", "Default")
    assert (
        mapping is not None
        and rrb.encodings.VisualizerComponentMapping is rrb.components.VisualizerComponentMapping
    )
    assert mapping.component_type() == "rerun.blueprint.components.VisualizerComponentMapping"
    assert mapping.as_arrow_array().to_pylist()[0]["source_kind"] == 3


def test_component_column_selector_converts_alone_and_in_batches() -> None:
    bpc = rrb.components
    selector = bpc.ComponentColumnSelector("/a:Comp")
    assert selector.as_arrow_array().to_pylist() == [{"entity_path": "/a", "component": "Comp"}]
    rows = bpc.ComponentColumnSelectorBatch([selector, "/b:Other"]).as_arrow_array().to_pylist()
    assert rows == [{"entity_path": "/a", "component": "Comp"}, {"entity_path": "/b", "component": "Other"}]
    # A list of selectors is still one selection of several columns.
    selected = bpc.SelectedColumnsBatch([selector, "/b:Other"]).as_arrow_array().to_pylist()
    assert len(selected) == 1 and len(selected[0]["component_columns"]) == 2


def test_any_values_keep_their_first_type_in_the_registry() -> None:
    from rerun._errors import RerunWarning
    from rerun.any_batch_value import ANY_VALUE_TYPE_REGISTRY, ArrowTypeOnly, TypeRegistry

    descriptor = rr.ComponentDescriptor("registry_test_value")
    first = rr.AnyBatchValue(descriptor, [1, 2])
    assert ANY_VALUE_TYPE_REGISTRY.get(descriptor) == ArrowTypeOnly(first.as_arrow_array().type)
    as_column = ANY_VALUE_TYPE_REGISTRY.get(descriptor, expect_column=True)
    assert as_column == ArrowTypeOnly(pa.list_(first.as_arrow_array().type))
    assert rr.AnyBatchValue(descriptor, []).as_arrow_array().type == first.as_arrow_array().type
    registry = TypeRegistry()
    registry.register(descriptor, ArrowTypeOnly(pa.list_(pa.int8())), expect_column=True)
    assert registry.get(descriptor) == ArrowTypeOnly(pa.int8())
    with pytest.warns(RerunWarning, match="changed from"):
        registry.register(descriptor, ArrowTypeOnly(pa.utf8()))
