"""Log messages as plain values, independent of their protobuf encoding.

These are what travels in a .rrd file or over gRPC: store infos, Arrow chunks and blueprint
activation commands. The codec (``rerun_core.store.rrd``) and the gRPC services convert them
to and from protobuf; everything else works with these.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from rerun_core.types import Tuid

from .chunk import Chunk


class StoreKind(enum.IntEnum):
    RECORDING = 1
    BLUEPRINT = 2


class StoreSourceKind(enum.IntEnum):
    UNKNOWN = 0
    C_SDK = 1
    PYTHON_SDK = 2
    RUST_SDK = 3
    FILE = 4
    VIEWER = 5
    OTHER = 6


@dataclass(frozen=True, slots=True)
class StoreId:
    kind: StoreKind
    recording_id: str
    application_id: str

    def __str__(self) -> str:
        return f"{self.kind.name.lower()}:{self.application_id}/{self.recording_id}"


@dataclass(frozen=True, slots=True)
class StoreSource:
    kind: StoreSourceKind = StoreSourceKind.PYTHON_SDK
    extra: bytes = b""  # encoded PythonVersion / file source details, kept verbatim


# Rerun 0.41.0, as [major, minor, patch, meta].
CRATE_VERSION = (0, 41, 0, 0)


@dataclass(frozen=True, slots=True)
class StoreInfo:
    store_id: StoreId
    store_source: StoreSource = field(default_factory=StoreSource)
    store_version: tuple[int, int, int, int] | None = CRATE_VERSION


@dataclass(frozen=True, slots=True)
class SetStoreInfo:
    row_id: Tuid
    info: StoreInfo

    @property
    def store_id(self) -> StoreId:
        return self.info.store_id


@dataclass(frozen=True, slots=True)
class ArrowMsg:
    store_id: StoreId
    chunk: Chunk
    # (payload bytes, uncompressed IPC bytes) as read from a file or stream; None when built
    # in memory. Lets `rrd stats` report the stored sizes, as the real CLI does.
    wire_size: tuple[int, int] | None = field(default=None, compare=False, repr=False)

    @property
    def is_static(self) -> bool:
        return self.chunk.is_static


@dataclass(frozen=True, slots=True)
class BlueprintActivationCommand:
    blueprint_id: StoreId
    make_active: bool = True
    make_default: bool = True

    @property
    def store_id(self) -> StoreId:
        return self.blueprint_id


LogMsg = SetStoreInfo | ArrowMsg | BlueprintActivationCommand
