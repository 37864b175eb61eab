"""LeRobot datasets (v2 and v3 folder layouts) as chunks, one episode at a time (0.41).

Per episode: a ``frame_index`` sequence timeline (else a ``timestamp`` duration); float features
as ``Scalars`` (plus a static ``SeriesLines:names`` chunk when the feature names its elements);
``task_index`` as a ``TextDocument`` at ``/task``; video features as a ``VideoStream`` (v2: the
episode's file; v3: the episode's window of a shared file) on the episode's timeline. ``meta/info.json`` (and ``meta/stats.json``)
are the dataset's metadata, verbatim, at ``/__lerobot``.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from rerun_core.store.chunk import Chunk, TimeColumn
from rerun_core.types import ComponentDescriptor, TimeType, new_tuids

from . import lerobot_columns as columns
from ._common import FormatError, as_list_column, entity

if TYPE_CHECKING:
    from .mp4 import Sample


log = logging.getLogger(__name__)

IGNORED_COLUMNS = ("episode_index", "index", "frame_index", "timestamp")
_SCALARS = ComponentDescriptor("Scalars:scalars", "rerun.archetypes.Scalars", "rerun.components.Scalar")
_NAMES = ComponentDescriptor("SeriesLines:names", "rerun.archetypes.SeriesLines", "rerun.components.Name")
_TEXT = ComponentDescriptor("TextDocument:text", "rerun.archetypes.TextDocument", "rerun.components.Text")
_warned: set[str] = set()


def _warn_once(msg: str) -> None:
    if msg not in _warned:
        _warned.add(msg)
        log.warning("%s", msg)


@dataclass
class Episode:
    index: int
    length: int
    data_file: Path
    videos: dict[str, tuple[Path, float, float]] = field(default_factory=dict)  # key -> (file, from s, to s)


class LeRobotDataset:
    """The metadata of a v2 / v3 dataset folder and where each episode's rows live."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.exists():
            raise FileNotFoundError(f"LeRobot dataset not found: {path}")
        info_path = path / "meta" / "info.json"
        if not info_path.is_file():
            raise FormatError(f"{path}: not a LeRobot dataset (no meta/info.json)")
        self.info_text = info_path.read_text()
        try:
            self.info = json.loads(self.info_text)
        except json.JSONDecodeError as err:
            raise FormatError(f"{info_path}: invalid JSON ({err})") from None
        version = str(self.info.get("codebase_version", ""))
        if version.startswith("v2"):
            self.version = "v2"
        elif version.startswith("v3"):
            self.version = "v3"
        else:
            raise FormatError(f"{path}: not a v2 or v3 LeRobot dataset (codebase_version {version!r})")
        for key in ("features", "fps", "data_path"):
            if key not in self.info:
                raise FormatError(f"{info_path}: missing field `{key}`")
        self.features: dict[str, Any] = self.info["features"]
        if self.version == "v2":
            for key, feature in self.features.items():
                if isinstance(feature, dict) and feature.get("dtype") == "language":
                    raise FormatError(
                        f"The `Language` dtype is not supported for V2 datasets (feature: {key})\nPath: {path}"
                    )
        stats = path / "meta" / "stats.json"
        self.stats_text = stats.read_text() if stats.is_file() else None
        self.tasks, self.episodes = self._load_v2() if self.version == "v2" else self._load_v3()
        # (a v3 table; 0.41 reads no subtasks for the v2 layout)
        self.subtasks = _load_subtasks(path / "meta" / "subtasks.parquet") if self.version == "v3" else {}

    def _load_v2(self) -> tuple[dict[int, str], dict[int, Episode]]:
        meta = self.path / "meta"
        tasks = {}
        for line in (
            (meta / "tasks.jsonl").read_text().splitlines() if (meta / "tasks.jsonl").is_file() else []
        ):
            if line.strip():
                row = json.loads(line)
                tasks[int(row["task_index"])] = str(row["task"])
        episodes = {}
        chunks_size = int(self.info.get("chunks_size", 1000))
        for line in (meta / "episodes.jsonl").read_text().splitlines():
            if line.strip():
                row = json.loads(line)
                e = int(row["episode_index"])
                rel = self.info["data_path"].format(episode_chunk=e // chunks_size, episode_index=e)
                videos = {
                    key: (
                        self.path
                        / self._video_path(episode_chunk=e // chunks_size, video_key=key, episode_index=e),
                        0.0,
                        math.inf,
                    )
                    for key in self._video_keys()
                }
                episodes[e] = Episode(e, int(row.get("length", 0)), self.path / rel, videos)
        return tasks, episodes

    def _load_v3(self) -> tuple[dict[int, str], dict[int, Episode]]:
        meta = self.path / "meta"
        tasks = {}
        if (meta / "tasks.parquet").is_file():
            t = pq.read_table(meta / "tasks.parquet")
            names = t.column("__index_level_0__").to_pylist() if "__index_level_0__" in t.column_names else []
            for i, name in zip(t.column("task_index").to_pylist(), names, strict=False):
                tasks[int(i)] = str(name)
        episodes = {}
        for f in sorted((meta / "episodes").glob("*/*.parquet")):
            t = pq.read_table(f)
            for row in t.to_pylist():
                rel = self.info["data_path"].format(
                    chunk_index=row["data/chunk_index"], file_index=row["data/file_index"]
                )
                e = int(row["episode_index"])
                episodes[e] = Episode(e, int(row["length"] or 0), self.path / rel, self._v3_videos(row))
        return tasks, episodes

    def _video_keys(self) -> list[str]:
        return [k for k, f in self.features.items() if f.get("dtype") == "video"]

    def _video_path(self, **fields: object) -> str:
        return str(self.info.get("video_path", "")).format(**fields)

    def _v3_videos(self, row: dict[str, Any]) -> dict[str, tuple[Path, float, float]]:
        videos = {}
        for key in self._video_keys():
            chunk, file = row.get(f"videos/{key}/chunk_index"), row.get(f"videos/{key}/file_index")
            if chunk is None or file is None:
                continue
            start = row.get(f"videos/{key}/from_timestamp")
            stop = row.get(f"videos/{key}/to_timestamp")
            path = self.path / self._video_path(video_key=key, chunk_index=chunk, file_index=file)
            videos[key] = (path, float(start or 0.0), math.inf if stop is None else float(stop))
        return videos

    def metadata_chunk(self, entity_path_prefix: str | None) -> Chunk:
        comps = {ComponentDescriptor("info"): as_list_column(pa.array([self.info_text], pa.utf8()))}
        if self.stats_text is not None:
            comps[ComponentDescriptor("stats")] = as_list_column(pa.array([self.stats_text], pa.utf8()))
        return Chunk.from_columns(entity_path_prefix or "/__lerobot", new_tuids(1), [], comps)

    def episode_table(self, episode: int) -> pa.Table:
        ep = self.episodes[episode]
        table = pq.read_table(ep.data_file)
        if self.version == "v3" and "episode_index" in table.column_names:
            table = table.filter(pc.equal(table.column("episode_index"), episode))
        return table


def _load_subtasks(path: Path) -> dict[int, str]:
    """``meta/subtasks.parquet``: ``subtask_index`` and the text (a ``subtask`` column, or the
    pandas index it was written from)."""
    if not path.is_file():
        return {}
    t = pq.read_table(path)
    text = next((c for c in ("subtask", "__index_level_0__") if c in t.column_names), None)
    if text is None or "subtask_index" not in t.column_names:
        return {}
    pairs = zip(t.column("subtask_index").to_pylist(), t.column(text).to_pylist(), strict=True)
    return {int(i): str(s) for i, s in pairs if i is not None and s is not None}


def _timeline(table: pa.Table, name: str | None) -> TimeColumn:
    if "frame_index" in table.column_names:
        values = np.asarray(table.column("frame_index").to_numpy(), dtype=np.int64)
        return TimeColumn.from_values(name or "frame_index", TimeType.SEQUENCE, values)
    if "timestamp" in table.column_names:
        secs = np.asarray(table.column("timestamp").cast(pa.float64()).to_numpy())
        return TimeColumn.from_values(
            name or "timestamp", TimeType.DURATION, np.round(secs * 1e9).astype(np.int64)
        )
    raise FormatError("LeRobot dataset has neither frame_index nor timestamp column")


def _name_for_index(names: Any, idx: int) -> str:
    if isinstance(names, dict):
        names = next(iter(names.values()), [])
    if isinstance(names, list) and idx < len(names):
        name = names[idx]
        return str(name[0] if isinstance(name, list) and name else name)
    return str(idx)


def _scalar_chunks(
    ent: str, key: str, feature: dict[str, Any], col: pa.ChunkedArray, tl: TimeColumn
) -> Iterator[Chunk]:
    arr = col.combine_chunks()
    n = len(arr)
    if (
        pa.types.is_list(arr.type)
        or pa.types.is_fixed_size_list(arr.type)
        or pa.types.is_large_list(arr.type)
    ):
        values = arr.cast(pa.list_(pa.float64()))
        width = len(values[0].as_py() or []) if n else 0
        if feature.get("names") is not None:
            names = [_name_for_index(feature["names"], i) for i in range(width)]
            yield Chunk.from_columns(ent, new_tuids(1), [], {_NAMES: pa.array([names], pa.list_(pa.utf8()))})
        yield Chunk.from_columns(ent, new_tuids(n), [tl], {_SCALARS: values})
    elif pa.types.is_floating(arr.type):
        yield Chunk.from_columns(ent, new_tuids(n), [tl], {_SCALARS: as_list_column(arr.cast(pa.float64()))})
    else:
        _warn_once(f"Tried logging scalar {key} with unsupported dtype: {arr.type}")


def _video_chunks(
    ent: str, video: tuple[Path, float, float], tl: TimeColumn, frames: int, fps: float | None
) -> Iterator[Chunk]:
    """The episode's window of the video as a ``VideoStream`` on the episode's timeline (frame
    ``round((pts - window start) * fps)`` on a frame-index timeline, as 0.41 places them)."""
    from .mp4 import demux, stream_chunks, without_b_frames

    path, start, stop = video
    demuxed = demux(path, allow_b_frames=True)
    if demuxed.has_b_frames:
        demuxed = without_b_frames(path)
    lo = round(start * 1e9)
    hi = math.inf if math.isinf(stop) else round(stop * 1e9)
    samples = [s for s in demuxed.samples if lo <= s.pts_ns < hi]
    if not samples:
        raise FormatError(f"video {path} has no samples in the episode's window")
    if not samples[0].is_keyframe:
        samples = _reencoded_head(path, demuxed.codec, (start, stop), samples)
    if tl.typ == TimeType.SEQUENCE and fps:
        times = [round((s.pts_ns - lo) * fps / 1e9) for s in samples]
    else:
        times = [(i * frames) // len(samples) for i in range(len(samples))]
    yield from stream_chunks(ent, demuxed.codec, samples, times, tl.name, tl.typ)


def _reencoded_head(
    path: Path, codec: int, window: tuple[float, float], samples: list[Sample]
) -> list[Sample]:
    """An episode window starting mid-GoP, as 0.41 streams it: the frames up to the next keyframe
    re-encoded (``mp4_transcode``: ffmpeg if on ``PATH``, else PyAV), the rest as stored."""
    from .mp4 import Sample, demux
    from .mp4_transcode import reencode

    start, stop = window
    key = next((i for i, s in enumerate(samples) if s.is_keyframe), len(samples))
    end = samples[key].pts_ns / 1e9 if key < len(samples) else None if math.isinf(stop) else stop
    head = demux(path, reencode(path, codec, None, (start, end))).samples
    lo = round(start * 1e9)  # the re-encoded head's timestamps start at 0
    return [Sample(s.pts_ns + lo, s.is_keyframe, s.data) for s in head] + samples[key:]


def iter_episode_chunks(
    ds: LeRobotDataset,
    episode: int,
    *,
    entity_path_prefix: str | None = None,
    timeline: str | None = None,
    video_mode: str = "native",
) -> Iterator[Chunk]:
    table = ds.episode_table(episode)
    tl = _timeline(table, timeline)
    for key, feature in ds.features.items():
        if key in IGNORED_COLUMNS:
            continue
        dtype = feature.get("dtype")
        if dtype in ("float32", "float64"):
            if key in table.column_names:
                yield from _scalar_chunks(
                    entity(entity_path_prefix, key), key, feature, table.column(key), tl
                )
        elif dtype == "int64" and key in ("task_index", "subtask_index"):
            if key in table.column_names:
                yield from _label_chunks(ds, key, table, tl, entity_path_prefix)
        elif dtype in ("image", "string", "language"):
            if key in table.column_names:
                yield from _column_chunks(ds, key, feature, table.column(key), tl, entity_path_prefix)
        elif dtype == "video":
            if video_mode != "skip":
                video = ds.episodes[episode].videos.get(key)
                if video is None:
                    _warn_once(f"LeRobot video feature {key} has no video file for episode {episode}")
                    continue
                fps = float(ds.info.get("fps") or 0) or None
                yield from _video_chunks(entity(entity_path_prefix, key), video, tl, table.num_rows, fps)
        else:
            _warn_once(
                f"Loading LeRobot feature ({key}) of dtype `{dtype}` into Rerun is not yet implemented"
            )


def _label_chunks(
    ds: LeRobotDataset, key: str, table: pa.Table, tl: TimeColumn, prefix: str | None
) -> Iterator[Chunk]:
    """``task_index`` / ``subtask_index`` as the texts they name (nothing without a table)."""
    if key == "subtask_index":
        yield from columns.label_chunks(entity(prefix, "subtask"), table.column(key), ds.subtasks, tl)
        return
    if not ds.tasks:
        return
    indices = table.column("task_index").to_pylist()
    texts = [ds.tasks.get(int(i), "") if i is not None else "" for i in indices]
    comps = {_TEXT: as_list_column(pa.array(texts, pa.utf8()))}
    yield Chunk.from_columns(entity(prefix, "task"), new_tuids(len(texts)), [tl], comps)


def _column_chunks(
    ds: LeRobotDataset,
    key: str,
    feature: dict[str, Any],
    col: pa.ChunkedArray,
    tl: TimeColumn,
    prefix: str | None,
) -> Iterator[Chunk]:
    dtype = feature.get("dtype")
    if dtype == "image":
        yield from columns.image_chunks(entity(prefix, key), key, feature, col, tl)
    elif dtype == "string":
        yield from columns.string_chunks(entity(prefix, key), col, tl)
    else:
        yield from columns.language_chunks(prefix, key, col, tl, float(ds.info.get("fps") or 1))
