"""LeRobot feature columns beyond scalars and videos, as 0.41's reader emits them, and the
recordings ``rerun DIR`` makes of a dataset folder.

- ``image`` features (``struct<bytes, path>`` columns): ``EncodedImage:blob`` per frame, or
  ``EncodedDepthImage:blob`` for 1-channel ones; other channel counts are skipped with a warning.
- ``string`` features: a ``TextDocument`` under the feature's key.
- ``subtask_index``: the subtask's text (``meta/subtasks.parquet``) as a ``TextDocument`` at ``/subtask``.
- ``language`` features (lists of annotation rows): one ``TextDocument`` track per
  ``{feature}/{style}/{role}/{camera}`` (absent parts left out), tool calls on ``…/tool_calls``.
  ``language_persistent`` repeats its rows on every frame: they are placed once, at their own
  ``timestamp``; other language columns place each row on the frame that holds it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from rerun_core.store.chunk import Chunk, TimeColumn
from rerun_core.store.messages import (
    ArrowMsg,
    LogMsg,
    SetStoreInfo,
    StoreId,
    StoreInfo,
    StoreKind,
    StoreSource,
    StoreSourceKind,
)
from rerun_core.types import ComponentDescriptor, TimeType, new_tuids
from rerun_core.types.entity_path import format_entity_path, parse_entity_path
from rerun_core.types.tuid import new_tuid

from ._common import as_list_column
from .mp4 import blob_column

log = logging.getLogger(__name__)

TEXT = ComponentDescriptor("TextDocument:text", "rerun.archetypes.TextDocument", "rerun.components.Text")
_IMAGE = ComponentDescriptor("EncodedImage:blob", "rerun.archetypes.EncodedImage", "rerun.components.Blob")
_DEPTH = ComponentDescriptor(
    "EncodedDepthImage:blob", "rerun.archetypes.EncodedDepthImage", "rerun.components.Blob"
)
LANGUAGE_PERSISTENT = "language_persistent"


def entity_under(prefix: str | None, path: str) -> str:
    """``path`` (parsed leniently, as Rerun's ``parse_forgiving``) below ``prefix``."""
    base = parse_entity_path(prefix) if prefix else ()
    return format_entity_path((*base, *parse_entity_path(path)))


def image_channels(feature: dict[str, Any]) -> int | None:
    """The channel count of an image feature: the ``channel(s)`` axis of its shape, else the last."""
    shape = list(feature.get("shape") or [])
    if not shape:
        return None
    names = feature.get("names")
    if isinstance(names, list) and len(names) == len(shape):
        for i, name in enumerate(names):
            if str(name).lower() in ("channel", "channels"):
                return int(shape[i])
    return int(shape[-1])


def image_chunks(
    ent: str, key: str, feature: dict[str, Any], col: pa.ChunkedArray, tl: TimeColumn
) -> Iterator[Chunk]:
    """One ``EncodedImage`` (3 channels) or ``EncodedDepthImage`` (1 channel) blob per frame."""
    channels = image_channels(feature)
    if channels is None:
        log.warning("Skipping LeRobot image feature `%s`: its shape is empty", key)
        return
    if channels not in (1, 3):
        log.warning(
            "Unsupported channel count %d (shape: %s) for LeRobot image feature `%s`; "
            "only 1- and 3-channel images are supported",
            channels,
            feature.get("shape"),
            key,
        )
        return
    arr = col.combine_chunks()
    if not pa.types.is_struct(arr.type) or arr.type.get_field_index("bytes") < 0:
        log.warning("Skipping LeRobot image feature `%s`: column type `%s` has no image bytes", key, arr.type)
        return
    blobs = [b or b"" for b in arr.field("bytes").to_pylist()]
    comps = {(_DEPTH if channels == 1 else _IMAGE): blob_column(blobs)}
    yield Chunk.from_columns(ent, new_tuids(len(blobs)), [tl], comps)


def text_chunk(ent: str, texts: list[str], tl: TimeColumn) -> Chunk:
    return Chunk.from_columns(
        ent, new_tuids(len(texts)), [tl], {TEXT: as_list_column(pa.array(texts, pa.utf8()))}
    )


def string_chunks(ent: str, col: pa.ChunkedArray, tl: TimeColumn) -> Iterator[Chunk]:
    """A ``string`` feature as text, one document per frame (a null one ``[null]``, as 0.41)."""
    values = col.combine_chunks().cast(pa.utf8())
    yield Chunk.from_columns(ent, new_tuids(len(values)), [tl], {TEXT: as_list_column(values)})


def label_chunks(ent: str, col: pa.ChunkedArray, labels: dict[int, str], tl: TimeColumn) -> Iterator[Chunk]:
    """An index column (``task_index``, ``subtask_index``) as the text it names, frames with
    no known label left out."""
    indices = col.combine_chunks().to_pylist()
    keep = [i for i, v in enumerate(indices) if v is not None and int(v) in labels]
    if keep:
        yield text_chunk(ent, [labels[int(indices[i])] for i in keep], _rows(tl, keep))


def _rows(tl: TimeColumn, rows: list[int]) -> TimeColumn:
    if len(rows) == len(tl.values):
        return tl
    return TimeColumn.from_values(tl.name, tl.typ, np.asarray(tl.values)[rows])


def language_chunks(
    prefix: str | None, key: str, col: pa.ChunkedArray, tl: TimeColumn, fps: float
) -> Iterator[Chunk]:
    """A language column fanned out to per-entity text tracks, in entity-path order."""
    frames = col.combine_chunks().to_pylist()
    first = next((i for i, rows in enumerate(frames) if rows), None)
    if first is None:
        return
    if not all(isinstance(r, dict) for r in frames[first]):
        log.warning("LeRobot language feature `%s` is not a list of annotation rows; skipping", key)
        return
    times = [int(t) for t in tl.values]
    tracks: dict[str, list[tuple[int, str]]] = {}
    if key == LANGUAGE_PERSISTENT:  # every frame repeats the rows: each placed at its timestamp
        rows = frames[first]
        _collect(key, rows, tracks, [_persistent_time(r.get("timestamp"), tl.typ, fps) for r in rows])
    else:
        for i, rows in enumerate(frames):
            _collect(key, rows or [], tracks, [times[i]] * len(rows or []))
    for sub in sorted(tracks):
        rows = sorted(tracks[sub], key=lambda r: r[0])
        values = np.asarray([t for t, _ in rows], dtype=np.int64)
        tcol = TimeColumn.from_values(tl.name, tl.typ, values)
        yield text_chunk(entity_under(prefix, sub), [text for _, text in rows], tcol)


def _persistent_time(ts: float | None, typ: TimeType, fps: float) -> int:
    """An annotation's emission timestamp (s) on the episode timeline: frames at the dataset's
    fps on a sequence timeline, nanoseconds on a duration one."""
    if ts is None:
        return 0
    return round(ts * fps) if typ == TimeType.SEQUENCE else round(ts * 1e9)


def _collect(
    key: str, rows: list[dict[str, Any]], tracks: dict[str, list[tuple[int, str]]], times: list[int]
) -> None:
    for row, t in zip(rows, times, strict=True):
        parts = [row.get(k) for k in ("style", "role", "camera")]
        path = "/".join([key, *(str(p) for p in parts if p is not None)])
        calls = row.get("tool_calls")
        if calls:
            tracks.setdefault(f"{path}/tool_calls", []).append((t, "\n".join(_display(c) for c in calls)))
        if row.get("content") is not None:
            tracks.setdefault(path, []).append((t, str(row["content"])))


def _display(value: Any) -> str:
    """A value as Arrow's display formatter writes it (``{k: v, ...}``, ``[a, b]``, nulls empty)."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_display(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_display(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def is_dataset_dir(path: Path) -> bool:
    """A folder ``rerun DIR`` loads as a LeRobot dataset rather than as the files under it."""
    return path.is_dir() and (path / "meta" / "info.json").is_file()


_NAME = ComponentDescriptor("RecordingInfo:name", "rerun.archetypes.RecordingInfo", "rerun.components.Name")


def dataset_log_msgs(path: Path, application_id: str | None = None) -> Iterator[LogMsg]:
    """What ``rerun DIR`` loads from a LeRobot dataset folder, as 0.41's importer: one recording
    per episode (application id: the folder's name; recording id ``episode_N``), the store infos
    first, then each episode's ``RecordingInfo`` name (``Episode N``) and chunks. An episode that
    fails to load is left out with a warning."""
    from .lerobot import LeRobotDataset, iter_episode_chunks

    ds = LeRobotDataset(path)
    app = application_id or path.resolve().name
    stores = {e: StoreId(StoreKind.RECORDING, f"episode_{e}", app) for e in sorted(ds.episodes)}
    for sid in stores.values():
        yield SetStoreInfo(new_tuid(), StoreInfo(sid, StoreSource(StoreSourceKind.FILE)))
    for episode, sid in stores.items():
        try:
            chunks = list(iter_episode_chunks(ds, episode))
        except (OSError, ValueError, pa.ArrowException) as err:
            log.warning("Failed to load episode %d from LeRobot dataset: %s", episode, err)
            continue
        name = as_list_column(pa.array([f"Episode {episode}"], pa.utf8()))
        yield ArrowMsg(sid, Chunk.from_columns("/__properties", new_tuids(1), [], {_NAME: name}))
        for chunk in chunks:
            yield ArrowMsg(sid, chunk)
