"""Small value types and errors of the catalog client."""

from __future__ import annotations

import enum
from typing import Any


class NotFoundError(Exception):
    """The server has no such entry (gRPC NOT_FOUND)."""


class AlreadyExistsError(Exception):
    """An entry of that name already exists (gRPC ALREADY_EXISTS)."""


class EntryKind(enum.Enum):
    DATASET = 1
    DATASET_VIEW = 2
    TABLE = 3
    TABLE_VIEW = 4
    BLUEPRINT_DATASET = 5
    ASSET_DATASET = 6


class OnDuplicateSegmentLayer(enum.StrEnum):
    ERROR = "error"
    SKIP = "skip"
    REPLACE = "replace"


class EntryId:
    """An entry's id (a TUID); ``str()`` gives the form the server's headers use."""

    def __init__(self, time_ns: int, inc: int) -> None:
        self.time_ns = time_ns
        self.inc = inc

    @classmethod
    def parse(cls, text: str) -> EntryId:
        from rerun_core.types.tuid import Tuid

        t = Tuid.parse(text)
        return cls(t.time_ns, t.inc)

    def as_bytes(self) -> bytes:
        return self.time_ns.to_bytes(8, "big") + self.inc.to_bytes(8, "big")

    def __str__(self) -> str:
        return f"{self.time_ns:016X}{self.inc:016x}"

    def __repr__(self) -> str:
        return f"EntryId({self})"

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, EntryId) and (self.time_ns, self.inc) == (other.time_ns, other.inc)

    def __hash__(self) -> int:
        return hash((self.time_ns, self.inc))
