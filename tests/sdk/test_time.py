"""Time value conversion, as rerun-sdk 0.41 does it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pytest

import rerun as rr
from rerun._time import time_value, to_nanos, to_nanos_since_epoch
from rerun_core.types import TimeType


def test_duration_numbers_are_seconds() -> None:
    assert to_nanos(2) == 2_000_000_000
    assert to_nanos(0.25) == 250_000_000
    assert to_nanos(timedelta(seconds=1, microseconds=5)) == 1_000_005_000
    assert to_nanos(np.timedelta64(3, "ms")) == 3_000_000


def test_timestamps() -> None:
    assert to_nanos_since_epoch(1.5) == 1_500_000_000
    assert to_nanos_since_epoch(datetime(1970, 1, 1, 0, 0, 1)) == 1_000_000_000  # naive = UTC
    plus_one = timezone(timedelta(hours=1))
    assert to_nanos_since_epoch(datetime(1970, 1, 1, 1, 0, 0, tzinfo=plus_one)) == 0
    assert to_nanos_since_epoch(datetime(2000, 1, 1, tzinfo=UTC)) == 946684800 * 10**9
    assert to_nanos_since_epoch(np.datetime64("1970-01-01T00:00:02")) == 2_000_000_000
    with pytest.raises(ValueError, match="milliseconds"):
        to_nanos_since_epoch(1_700_000_000_000)


def test_exactly_one_kind() -> None:
    assert time_value("f", 3, None, None) == (TimeType.SEQUENCE, 3)
    with pytest.raises(ValueError, match="Exactly one"):
        time_value("f", 1, 1, None)
    with pytest.raises(TypeError, match="duration"):
        to_nanos("1s")


def test_time_column_conversions() -> None:
    assert rr.TimeColumn("t", duration=np.array([0.5, 1.0])).values.tolist() == [500_000_000, 1_000_000_000]
    ts = rr.TimeColumn("t", timestamp=np.array(["2000-01-01"], dtype="datetime64[s]"))
    assert ts.values.tolist() == [946684800 * 10**9]
    assert rr.TimeColumn("t", duration=[timedelta(seconds=1)]).values.tolist() == [10**9]
    assert rr.TimeColumn("t", sequence=range(3)).as_arrow_array().to_pylist() == [0, 1, 2]
    with pytest.raises(ValueError, match="Exactly one"):
        rr.TimeColumn("t")
