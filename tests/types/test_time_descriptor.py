"""Timelines, time points and component descriptors (Rerun 0.41's names and Arrow types)."""

from __future__ import annotations

import pyarrow as pa
import pytest

from rerun_core.types import ComponentDescriptor, TimeType
from rerun_core.types.time import LOG_TICK, LOG_TIME, STATIC_TIME, TIME_MAX, TIME_MIN, Timeline, TimePoint


@pytest.mark.parametrize(
    ("typ", "arrow"),
    [
        (TimeType.SEQUENCE, pa.int64()),
        (TimeType.DURATION, pa.duration("ns")),
        (TimeType.TIMESTAMP, pa.timestamp("ns")),
    ],
)
def test_time_types_are_rerun_index_arrow_types(typ: TimeType, arrow: pa.DataType) -> None:
    assert typ.arrow_type == arrow
    assert TimeType.from_arrow(arrow) is typ


def test_non_index_arrow_type_is_rejected() -> None:
    with pytest.raises(TypeError, match="not an index type"):
        TimeType.from_arrow(pa.float64())


def test_builtin_timelines_and_sentinels() -> None:
    assert LOG_TIME == Timeline("log_time", TimeType.TIMESTAMP)
    assert LOG_TICK == Timeline("log_tick", TimeType.SEQUENCE)
    assert str(LOG_TIME) == "log_time"
    # Rerun's TimeInt: MIN is i64::MIN + 1; i64::MIN itself means "static".
    assert STATIC_TIME < TIME_MIN < 0 < TIME_MAX == 2**63 - 1
    assert STATIC_TIME == -(2**63)


def test_time_point_set_replace_remove() -> None:
    tp = TimePoint()
    assert not tp
    tp = tp.with_time("frame", TimeType.SEQUENCE, 1).with_time("t", TimeType.DURATION, 5)
    tp = tp.with_time("frame", TimeType.SEQUENCE, 2)  # replaces, never duplicates
    assert tp.as_dict() == {"t": (TimeType.DURATION, 5), "frame": (TimeType.SEQUENCE, 2)}
    assert tp.without("t").as_dict() == {"frame": (TimeType.SEQUENCE, 2)}
    assert hash(tp) == hash(TimePoint(tp.times))  # immutable, usable as a key


def test_component_descriptor_parts_and_short_forms() -> None:
    d = ComponentDescriptor("Points3D:positions", "rerun.archetypes.Points3D", "rerun.components.Position3D")
    assert (d.short_archetype, d.short_component_type, d.field_name) == (
        "Points3D",
        "Position3D",
        "positions",
    )
    assert str(d) == "Points3D:positions"
    bare = ComponentDescriptor("confidence")  # AnyValues: no archetype, no type
    assert (bare.short_archetype, bare.short_component_type, bare.field_name) == (None, None, "confidence")
    custom = ComponentDescriptor("x", "my.Arch", "my.Type")
    assert (custom.short_archetype, custom.short_component_type) == ("my.Arch", "my.Type")


def test_component_descriptor_overrides() -> None:
    d = ComponentDescriptor("c", None, "rerun.components.Color")
    assert d.with_overrides(archetype="A") == ComponentDescriptor("c", "A", "rerun.components.Color")
    assert d.or_with_overrides("A", "T") == ComponentDescriptor("c", "A", "rerun.components.Color")
    assert d.with_builtin_archetype("rerun.archetypes.Points3D").component == "rerun.archetypes.Points3D:c"
    assert len({d, ComponentDescriptor("c", None, "rerun.components.Color")}) == 1
