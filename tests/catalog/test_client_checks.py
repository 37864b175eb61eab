"""What our catalog client checks before calling the server, pinned to 0.41's observed answers.

Names: 0.41's client refuses a bad entry name itself (the server's rule, without the server's
"invalid entry name: " prefix); ``create_table`` first parses the name as a SQL identifier.
Index values: ``using_index_values`` is checked when the reader is made. Every expected message
below is what the real 0.41 client said (run against the real ``rerun server``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pytest

from rerun.catalog._index_values import checked_using, index_values
from rerun.catalog._names import check_name, check_table_name

_SQL = "Invalid table name. sql parser error: "
TABLE_NAMES: list[tuple[str, str | None]] = [
    ("a.b", None),
    ("MyTable", None),
    ("select", None),
    ("_x", None),
    ("a.b.c.d", None),
    ("données", "name 'données' contains invalid character 'é'"),
    ("semi;colon", _SQL + "Unexpected token in identifier: ;"),
    ('"quoted name"', "name '\"quoted name\"' contains invalid character '\"'"),
    ("a b", _SQL + "Unexpected token in identifier: b"),
    ("1abc", _SQL + "Unexpected token in identifier: 1"),
    ("a-b", _SQL + "Unexpected token in identifier: -"),
    ("a.", _SQL + "Trailing period in identifier"),
    ("a..b", _SQL + "Unexpected token following period in identifier: ."),
    ("`bt`", "name '`bt`' contains invalid character '`'"),
    ("[sq]", _SQL + "Unexpected token in identifier: ["),
    ("a$b", "name 'a$b' contains invalid character '$'"),
    ("#h", "name '#h' contains invalid character '#'"),
    ("'s'", _SQL + "Unexpected token in identifier: 's'"),
    ("a::b", _SQL + "Unexpected token in identifier: ::"),
    ("a>=b", _SQL + "Unexpected token in identifier: >="),
    ("a\xa0b", _SQL + "Unexpected token in identifier: b"),
    ("", _SQL + "Empty input when parsing identifier"),
    ("a/b", _SQL + "Unexpected token in identifier: /"),
    ("..", _SQL + "Unexpected token in identifier: ."),
    ("tab\tname", _SQL + "Unexpected token in identifier: name"),
    ("t é/x", _SQL + "Unexpected token in identifier: é"),
    ("x" * 200, f"name '{'x' * 200}' exceeds maximum length of 180 characters (got 200)"),
]


@pytest.mark.parametrize(("name", "error"), TABLE_NAMES, ids=[repr(n[:20]) for n, _ in TABLE_NAMES])
def test_table_names_as_0_41(name: str, error: str | None) -> None:
    _answers(check_table_name, name, error)


def _answers(check: Callable[[str], str], name: str, error: str | None) -> None:
    """``check`` accepts ``name`` (error None) or raises a plain ValueError saying ``error``."""
    if error is None:
        assert check(name) == name
        return
    with pytest.raises(ValueError) as info:
        check(name)
    assert type(info.value) is ValueError and str(info.value) == error


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("", "name '' must not be empty"),
        ("a/b", "name 'a/b' contains invalid character '/'"),
        ("emoji🙂", "name 'emoji🙂' contains invalid character '🙂'"),
        ("a b", None),
        ("a-b.c_d", None),
    ],
)
def test_entry_names_as_0_41(name: str, error: str | None) -> None:
    _answers(check_name, name, error)


_TAKES = (
    "IndexValuesLike must be a pyarrow.Array, pyarrow.ChunkedArray, numpy.ndarray of int64, "
    "or numpy.ndarray of datetime64. AttributeError: "
)
_ARROW_TYPES = "pyarrow.Array for IndexValuesLike must be of type int64, timestamp, or duration."


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ((1, 2), [1, 2]),
        ([], []),
        ([True], [1]),
        ([np.int64(3)], [3]),
        (range(3), [0, 1, 2]),
        (np.array([1], "datetime64[s]"), [1_000_000_000]),
        (pa.chunked_array([[1]]), [1]),
        (pa.array([1], pa.duration("s")), [1]),
        (pa.array([1], pa.timestamp("ms")), [1]),  # raw values: 0.41 does not convert arrow units
    ],
)
def test_index_values_taken_as_0_41(values: object, expected: list[int]) -> None:
    out = index_values(values)
    assert out.dtype == np.int64 and out.tolist() == expected


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ("x", _TAKES + "'str' object has no attribute 'chunks'"),
        (["a"], _TAKES + "'list' object has no attribute 'chunks'"),
        ([1.5], _TAKES + "'list' object has no attribute 'chunks'"),
        (3, _TAKES + "'int' object has no attribute 'chunks'"),
        (None, _TAKES + "'NoneType' object has no attribute 'chunks'"),
        (np.array([1.5]), _TAKES + "'numpy.ndarray' object has no attribute 'chunks'"),
        (np.array([1], np.int32), _TAKES + "'numpy.ndarray' object has no attribute 'chunks'"),
        (pa.array(["a"]), _ARROW_TYPES),
        (pa.array([1], pa.int32()), _ARROW_TYPES),
    ],
)
def test_index_values_refused_as_0_41(values: object, message: str) -> None:
    with pytest.raises(TypeError) as info:
        index_values(values)
    assert str(info.value) == message


def test_using_index_values_checked_per_segment_and_plain() -> None:
    assert {k: v.tolist() for k, v in checked_using({"a": [1, 2]}, "frame").items()} == {"a": [1, 2]}
    with pytest.raises(TypeError, match=r"^using_index_values must be index values, .*'frame' columns: "):
        checked_using("x", "frame")
    with pytest.raises(ValueError, match="index must be provided"):
        checked_using([1], None)


def test_failed_call_worded_as_0_41() -> None:
    """A failed call's text: the server's message and code, the server, the endpoint."""
    import grpc

    from rerun.catalog._conn import error_text

    text = error_text("Entry id 'x' not found", grpc.StatusCode.NOT_FOUND, "rerun+http://h:1", "DeleteEntry")
    assert text == "Entry id 'x' not found (NotFound)\n- Server: rerun+http://h:1\n- Endpoint: /DeleteEntry"
    text = error_text("no", grpc.StatusCode.INVALID_ARGUMENT, "rerun+http://h:1", None)
    assert text == "no (InvalidArgument)\n- Server: rerun+http://h:1"


class _Tasks:
    """A task queue whose one task failed, on a server that sends trace ids (as the real one)."""

    url = "rerun+http://h:1"
    trace_id = "abba000000000000000000000000abba"

    def wait(self, task_ids: list[str], timeout_secs: int | None) -> dict[str, str | None]:
        return {
            "t": 'Registration failed for the segments/layers listed below.\n- Segment "a", layer "base": x'
        }

    def cancel(self, task_ids: list[str]) -> None:
        pass


def test_failed_registration_worded_as_0_41() -> None:
    """As the real client said against the real server (its trace ids are a constant there)."""
    from rerun.catalog._registration import RegistrationOperation, RegistrationRows

    op = RegistrationOperation(RegistrationRows([("u", "a", "t")], _Tasks(), _Tasks.trace_id))
    with pytest.raises(ValueError) as info:
        op.wait()
    assert str(info.value) == (
        f"Registration failed.\nRegistration request trace-id: {_Tasks.trace_id}\n"
        f"Task-completion query trace-id: {_Tasks.trace_id}\n\nThe following segments failed:\n"
        "Registration failed for the segments/layers listed below. (InvalidArguments)\n"
        '- Server: rerun+http://h:1\n- Segment "a", layer "base": x'
    )
