"""Small value types and errors of the catalog client (0.41's ``rerun_bindings`` ones)."""

from __future__ import annotations

import enum
import re
from typing import Any

_HEX32 = re.compile(r"[0-9a-fA-F]{32}")


class NotFoundError(Exception):
    """Raised when the requested resource is not found (gRPC NOT_FOUND).

    As in 0.41 this is not a ``LookupError``: lookups *by name* raise a plain ``LookupError``.
    """


class AlreadyExistsError(Exception):
    """Raised when trying to create a resource that already exists (gRPC ALREADY_EXISTS)."""


class EntryKind:
    """The kinds of entries that can be stored in the catalog (``EntryKind.DATASET``...)."""

    __slots__ = ("_name", "_value")
    _name: str
    _value: int

    DATASET: EntryKind
    DATASET_VIEW: EntryKind
    TABLE: EntryKind
    TABLE_VIEW: EntryKind
    BLUEPRINT_DATASET: EntryKind
    ASSET_DATASET: EntryKind

    def __init__(self) -> None:
        raise TypeError("No constructor defined for EntryKind")

    @classmethod
    def _make(cls, name: str, value: int) -> EntryKind:
        out = object.__new__(cls)
        out._name, out._value = name, value
        return out

    @classmethod
    def _from_int(cls, value: int) -> EntryKind:
        for kind in _ENTRY_KINDS:
            if kind._value == value:
                return kind
        raise ValueError(f"unknown entry kind {value}")

    @property
    def name(self) -> str:
        return self._name

    def __str__(self) -> str:
        return f"EntryKind.{self._name}"

    def __repr__(self) -> str:
        return f"EntryKind.{self._name}"

    def __int__(self) -> int:
        return self._value

    def __eq__(self, other: object) -> bool:
        if isinstance(other, EntryKind):
            return self._value == other._value
        if isinstance(other, int) and not isinstance(other, bool):
            return self._value == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # 0.41's EntryKind is unhashable


_ENTRY_KINDS = [
    EntryKind._make(n, v)
    for n, v in (
        ("DATASET", 1),
        ("DATASET_VIEW", 2),
        ("TABLE", 3),
        ("TABLE_VIEW", 4),
        ("BLUEPRINT_DATASET", 5),
        ("ASSET_DATASET", 6),
    )
]
for _kind in _ENTRY_KINDS:
    setattr(EntryKind, _kind.name, _kind)


class OnDuplicateSegmentLayer(enum.StrEnum):
    """How to handle duplicate segment layers when registering recordings to a dataset."""

    ERROR = "error"
    SKIP = "skip"
    REPLACE = "replace"


class EntryId:
    """A unique identifier for an entry in the catalog (a TUID, 32 hex characters)."""

    __slots__ = ("_inc", "_time_ns")

    def __init__(self, id: str) -> None:  # 0.41's parameter name
        if not isinstance(id, str) or not _HEX32.fullmatch(id):
            got = len(id.encode()) if isinstance(id, str) else type(id).__name__
            raise TypeError(f"invalid Tuid: expected exactly 32 hex characters, got {got} bytes")
        self._time_ns = int(id[:16], 16)
        self._inc = int(id[16:], 16)

    @classmethod
    def _from_parts(cls, time_ns: int, inc: int) -> EntryId:
        out = object.__new__(cls)
        out._time_ns, out._inc = time_ns, inc
        return out

    @property
    def time_ns(self) -> int:
        return self._time_ns

    @property
    def inc(self) -> int:
        return self._inc

    def __str__(self) -> str:
        return f"{self._time_ns:016X}{self._inc:016x}"

    def as_bytes(self) -> bytes:
        """Return the raw 16-byte representation."""
        return self._time_ns.to_bytes(8, "big") + self._inc.to_bytes(8, "big")

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, EntryId) and (self._time_ns, self._inc) == (other._time_ns, other._inc)

    __hash__ = None  # type: ignore[assignment]  # 0.41's EntryId is unhashable
