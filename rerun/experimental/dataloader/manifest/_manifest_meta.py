"""The manifest file's vocabulary: its column names, format version and header (`ManifestMeta`,
stored as schema metadata strings), shared by the table builder, the reader and `Manifest`."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

MANIFEST_FORMAT_VERSION = "1"

COL_RANK = "rank"
COL_WORKER = "worker"
COL_FETCH_GROUP = "fetch_group"
COL_EMIT_RANK = "emit_rank"
COL_SEGMENT_ID = "segment_id"
COL_ANCHOR = "anchor"
RANGE_LO = "lo"
RANGE_HI = "hi"


@dataclass(frozen=True)
class ManifestMeta:
    """A manifest's header."""

    format_version: str
    dataset_name: str
    dataset_id: str
    index_name: str
    ns_per_sample: int | None
    ns_dtype: str | None
    recipe: dict[str, Any]
    required_fields: list[str]
    fetch_block_size: int
    buffer_size: int | None
    min_fill: int | None
    num_ranks: int
    num_workers_per_rank: int
    seed: int
    shuffle_strategy: str


_JSON_KEYS = {"recipe", "required_fields"}
_INT_KEYS = {"fetch_block_size", "num_ranks", "num_workers_per_rank", "seed"}
_OPTIONAL_INT_KEYS = {"ns_per_sample", "buffer_size", "min_fill"}
_DEFAULTS = {"recipe": "{}", "required_fields": "[]", "fetch_block_size": "0", "seed": "0"}
_DEFAULTS |= {"num_ranks": "1", "num_workers_per_rank": "1"}


def meta_from_schema(schema: pa.Schema) -> ManifestMeta:
    """The header of a manifest table or file (missing keys get 0.41's defaults)."""
    raw = {k.decode(): v.decode() for k, v in (schema.metadata or {}).items()}
    values: dict[str, Any] = {}
    for f in dataclasses.fields(ManifestMeta):
        text = raw.get(f.name if f.name != "format_version" else "manifest_format_version")
        text = _DEFAULTS.get(f.name, "") if text is None else text
        if f.name in _JSON_KEYS:
            values[f.name] = json.loads(text)
        elif f.name in _INT_KEYS:
            values[f.name] = int(text)
        elif f.name in _OPTIONAL_INT_KEYS:
            values[f.name] = None if text in ("", "None") else int(text)
        elif f.name == "ns_dtype":
            values[f.name] = None if text in ("", "None") else text
        else:
            values[f.name] = text
    return ManifestMeta(**values)


def meta_to_schema_metadata(meta: ManifestMeta) -> dict[str, str]:
    """The header as schema metadata: every value a string (None as ``"None"``), JSON for the
    recipe and required fields."""
    out: dict[str, str] = {}
    for f in dataclasses.fields(ManifestMeta):
        value = getattr(meta, f.name)
        key = "manifest_format_version" if f.name == "format_version" else f.name
        out[key] = json.dumps(value) if f.name in _JSON_KEYS else str(value)
    return out
