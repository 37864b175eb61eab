"""VideoFrameReference (a frame of an AssetVideo) and VideoStream: the decoded frame as an image.

Both draw like ``Image`` (one textured quad in pixel space, hover shows the pixel). They read
more than their own latest row, so they use ``ctx.query``: the referenced AssetVideo's blob,
or the stream's samples since its last keyframe. Decoders live as long as the visualizer and
are rebuilt only when the video itself changes, so scrubbing and playback reuse them.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any

import numpy as np
import pyarrow as pa

from rerun_core.types import EntityPath
from rerun_core.viewer import arrow_data as ad
from rerun_core.viewer import video as vd
from rerun_core.viewer.visualizers.base import Label, VisContext, register
from rerun_core.viewer.visualizers.image_vis import _ImageBase

log = logging.getLogger(__name__)
_MESSAGE_COLOR = np.array([1.0, 0.45, 0.4, 1.0], np.float32)
_PLACEHOLDER = (np.zeros(3), np.array([640.0, 360.0, 0.0]))  # where a message sits without a frame


class _VideoBase(_ImageBase):
    """Shared: the message shown instead of a frame (no PyAV, undecodable data)."""

    message: str | None = None
    shown: dict[str, Any]

    def __init__(self, entity_path: str) -> None:
        super().__init__(entity_path)
        self.shown = {}

    def frame(self, data: dict[str, pa.Array], ctx: VisContext) -> np.ndarray | None:
        raise NotImplementedError

    def rgba(self, data: dict[str, pa.Array], ctx: VisContext) -> np.ndarray | None:
        self.message = None
        try:
            self.pixels = self.frame(data, ctx)
        except (vd.VideoUnavailable, vd.VideoDecodeError) as exc:
            self.message = str(exc)
            self.pixels = None
            log.warning("cannot show video %s: %s", self.entity_path, exc)
        return self.pixels

    def update(self, data: dict[str, pa.Array], ctx: VisContext) -> None:
        super().update(data, ctx)
        self.labels = []
        if self.message is not None:
            if self.bounds is None:
                self.bounds = (_PLACEHOLDER[0].copy(), _PLACEHOLDER[1].copy())
            lo, hi = self.bounds
            anchor = np.array([lo[0], (lo[1] + hi[1]) / 2, 0.0])  # labels run right of their anchor
            self.labels = [Label(anchor, self.message, _MESSAGE_COLOR)]

    def instance_values(self, instance: int) -> dict[str, Any]:
        return dict(self.shown)


def _blob_bytes(arr: pa.Array | None) -> memoryview | None:
    """The first blob's bytes, a view of the Arrow buffer (stream samples are not copied)."""
    if arr is None or len(arr) == 0 or not arr[0].is_valid:
        return None
    values = arr[0].values
    return np.asarray(values.to_numpy(zero_copy_only=False), np.uint8).data


@register
class VideoFrameReferenceVisualizer(_VideoBase):
    """The frame of the referenced AssetVideo (its own entity unless ``video_reference``)."""

    archetype = "VideoFrameReference"
    required = "timestamp"
    optional = ("video_reference", "opacity", "draw_order")

    def _video_path(self, data: dict[str, pa.Array]) -> str:
        ref = ad.first(data.get("video_reference"))
        return EntityPath(ref).path if ref else self.entity_path

    def dependency_key(self, query: Any, data: dict[str, pa.Array]) -> Any:
        """The AssetVideo may arrive after the frame references (send_columns skips the batcher)."""
        path = self._video_path(data)
        return (path, query.latest(path, ["AssetVideo:blob"])[1])

    def frame(self, data: dict[str, pa.Array], ctx: VisContext) -> np.ndarray | None:
        ts = ad.first(data.get("timestamp"))
        if ts is None or ctx.query is None:
            return None
        path = self._video_path(data)
        asset = self._asset_for(ctx.query, path)
        if asset is None:
            return None
        got = asset.frame_at(int(ts))
        if got is None:
            return None
        h, w = got[1].shape[:2]
        self.shown = {
            "video": path,
            "codec": asset.codec,
            "resolution": [w, h],
            "frames": len(asset.decoder),
            "timestamp_ns": int(ts),
            "frame_timestamp_ns": got[0],
        }
        return got[1]

    def _asset_for(self, query: Any, path: str) -> vd.AssetVideo | None:
        cells, key = query.latest(path, ["AssetVideo:blob", "AssetVideo:media_type"])
        if "AssetVideo:blob" not in cells:
            return None
        return _shared_asset((path, key), cells)


# Demuxed videos (and their decoders) by blob row: views showing the same video share one; a
# video that failed to open keeps its error, so it is not re-read at every time step.
_ASSETS: OrderedDict[tuple[Any, ...], vd.AssetVideo | Exception] = OrderedDict()
_MAX_ASSETS = 4


def _shared_asset(key: tuple[Any, ...], cells: dict[str, pa.Array]) -> vd.AssetVideo | None:
    got = _ASSETS.get(key)
    if got is None:
        blob = _blob_bytes(cells["AssetVideo:blob"])
        if blob is None:
            return None
        try:
            got = vd.AssetVideo(blob, ad.first(cells.get("AssetVideo:media_type")))
        except (vd.VideoUnavailable, vd.VideoDecodeError) as exc:
            got = exc
        _ASSETS[key] = got
        while len(_ASSETS) > _MAX_ASSETS:
            _ASSETS.popitem(last=False)
    _ASSETS.move_to_end(key)
    if isinstance(got, Exception):
        raise got
    return got


@register
class VideoStreamVisualizer(_VideoBase):
    """The latest sample at the time cursor, decoded from the keyframe before it."""

    archetype = "VideoStream"
    required = "sample"
    optional = ("codec", "is_keyframe", "opacity", "draw_order")

    def __init__(self, entity_path: str) -> None:
        super().__init__(entity_path)
        self._samples = _StreamSamples(entity_path)

    def frame(self, data: dict[str, pa.Array], ctx: VisContext) -> np.ndarray | None:
        codec = ad.first(data.get("codec"))
        q = ctx.query
        if q is None or q.timeline is None or q.time is None:
            return None
        if codec is None:
            raise vd.VideoDecodeError("VideoStream without a codec: log rr.VideoStream(codec=...)")
        video = self._samples.video(q.store, q.timeline, int(codec), int(q.time))
        got = video.frame_at(int(q.time)) if video is not None else None
        if video is None or got is None:
            return None
        h, w = got[1].shape[:2]
        self.shown = {
            "codec": vd.CODEC_NAMES.get(int(codec), hex(int(codec))),
            "resolution": [w, h],
            "samples": len(video.decoder),
            "sample_time": got[0],
        }
        return got[1]


class _StreamSamples:
    """A stream's samples on one timeline, fetched once and then extended as rows arrive."""

    def __init__(self, entity_path: str) -> None:
        self.entity_path = entity_path
        self._key: tuple[str, int] | None = None
        self._reset()

    def _reset(self) -> None:
        self._times: list[int] = []
        self._rows: set[tuple[int, int]] = set()
        self._video: vd.StreamVideo | None = None
        self._error: Exception | None = None  # kept: the view keeps saying why

    def video(self, store: Any, timeline: str, codec: int, time: int) -> vd.StreamVideo | None:
        if self._key != (timeline, codec):
            self._key = (timeline, codec)
            self._reset()
        cells = store.latest_at(self.entity_path, ["VideoStream:sample"], timeline, time)
        latest = cells.get("VideoStream:sample")
        if latest is not None and (latest.row_id.time_ns, latest.row_id.inc) not in self._rows:
            self._fetch(store, timeline)
        if self._error is not None:
            raise self._error
        return self._video

    def _fetch(self, store: Any, timeline: str) -> None:
        """Rows after the known ones are appended (live logging); an unknown older row (logged
        out of order) means reading them all again."""
        start = self._times[-1] if self._times else _MIN_TIME
        new = [r for r in _read_rows(store, self.entity_path, timeline, start) if r[1] not in self._rows]
        if not new:
            self._reset()
            new = _read_rows(store, self.entity_path, timeline, _MIN_TIME)
        times, samples, keys = [r[0] for r in new], [r[2] for r in new], [r[3] for r in new]
        assert self._key is not None
        if self._video is not None:
            self._video.extend(times, samples, keys)
        elif self._error is None:
            try:
                self._video = vd.StreamVideo(self._key[1], times, samples, keys)
            except (vd.VideoUnavailable, vd.VideoDecodeError) as exc:
                self._error = exc
        self._times += times
        self._rows.update(r[1] for r in new)


_MIN_TIME = int(np.iinfo(np.int64).min)


def _read_rows(
    store: Any, path: str, timeline: str, start: int
) -> list[tuple[int, tuple[int, int], vd.Sample, bool | None]]:
    """(time, row id, sample bytes, is_keyframe or None) of the rows at or after ``start``."""
    cols = store.range(
        path, ["VideoStream:sample", "VideoStream:is_keyframe"], timeline, start, np.iinfo(np.int64).max
    )
    col = cols.get("VideoStream:sample")
    if col is None:
        return []
    keys: dict[tuple[int, int], bool] = {}
    kcol = cols.get("VideoStream:is_keyframe")
    if kcol is not None:
        for rid, v in zip(kcol.row_ids, kcol.values.to_pylist()):
            if v:
                keys[_rid(rid)] = bool(v[0])
    out: list[tuple[int, tuple[int, int], vd.Sample, bool | None]] = []
    for t, rid, cell in zip(col.times.tolist(), col.row_ids, col.values):
        blob = _blob_bytes(cell.values) if cell.is_valid else None
        if blob:
            out.append((int(t), _rid(rid), blob, keys.get(_rid(rid))))
    return out


def _rid(row: Any) -> tuple[int, int]:
    """A row id of a range column (numpy TUID record) as a hashable pair."""
    return int(row["time_ns"]), int(row["inc"])
