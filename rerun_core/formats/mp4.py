"""MP4 files as chunks (0.41's ``Mp4Reader``), demuxed with PyAV.

- ``stream`` mode: a static ``VideoStream:codec`` chunk, then the samples (Annex B for H.264 /
  H.265, parameter sets ahead of each keyframe; AV1 / VP9 as stored) one chunk per GOP or per
  sample on a PTS timeline, then one ``VideoStream:is_keyframe`` chunk;
- ``asset`` mode: the file as a static ``AssetVideo`` blob plus ``VideoFrameReference``
  timestamps, as ``rerun video.mp4`` logs it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from rerun_core.store.chunk import Chunk, TimeColumn
from rerun_core.types import ComponentDescriptor, TimeType, new_tuids

from ._common import FormatError, as_list_column
from .mp4_transcode import Transcode, reencode

CODECS = {"h264": 0x61766331, "hevc": 0x68657631, "av1": 0x61763031, "vp8": 0x76703038, "vp9": 0x76703039}
DECODER_CODECS = {"libdav1d": "av1", "libaom-av1": "av1", "libvpx": "vp8", "libvpx-vp9": "vp9"}  # -> codec
TIMELINE_TYPES = {
    "duration_ns": TimeType.DURATION,
    "duration": TimeType.DURATION,
    "timestamp_ns": TimeType.TIMESTAMP,
    "timestamp": TimeType.TIMESTAMP,
}
START_CODE = b"\x00\x00\x00\x01"
BLOB_TYPE = pa.list_(pa.field("item", pa.uint8(), nullable=False))


def _desc(archetype: str, field: str, component_type: str) -> ComponentDescriptor:
    return ComponentDescriptor(
        f"{archetype}:{field}", f"rerun.archetypes.{archetype}", f"rerun.components.{component_type}"
    )


@dataclass(frozen=True)
class Sample:
    pts_ns: int
    is_keyframe: bool
    data: bytes


def _avcc_parameter_sets(extra: bytes) -> tuple[int, list[bytes]]:
    """(NAL length size, SPS + PPS) of an ``avcC`` record."""
    if len(extra) < 7 or extra[0] != 1:
        raise FormatError("invalid avcC record")
    size = (extra[4] & 3) + 1
    sets: list[bytes] = []
    pos = 5
    for count_mask in (0x1F, 0xFF):
        count = extra[pos] & count_mask
        pos += 1
        for _ in range(count):
            n = int.from_bytes(extra[pos : pos + 2], "big")
            sets.append(extra[pos + 2 : pos + 2 + n])
            pos += 2 + n
    return size, sets


def _hvcc_parameter_sets(extra: bytes) -> tuple[int, list[bytes]]:
    """(NAL length size, VPS + SPS + PPS) of an ``hvcC`` record (its SEI arrays are left out,
    as 0.41 does)."""
    if len(extra) < 23:
        raise FormatError("invalid hvcC record")
    size = (extra[21] & 3) + 1
    sets: list[bytes] = []
    pos = 23
    for _ in range(extra[22]):
        nal_type = extra[pos] & 0x3F
        count = int.from_bytes(extra[pos + 1 : pos + 3], "big")
        pos += 3
        for _ in range(count):
            n = int.from_bytes(extra[pos : pos + 2], "big")
            if nal_type in (32, 33, 34):
                sets.append(extra[pos + 2 : pos + 2 + n])
            pos += 2 + n
    return size, sets


def to_annex_b(data: bytes, length_size: int) -> bytes:
    out = bytearray()
    pos = 0
    while pos + length_size <= len(data):
        n = int.from_bytes(data[pos : pos + length_size], "big")
        pos += length_size
        out += START_CODE + data[pos : pos + n]
        pos += n
    return bytes(out)


@dataclass
class Demuxed:
    codec: int
    samples: list[Sample]
    has_b_frames: bool = False


def demux(path: Path, contents: bytes | None = None, *, allow_b_frames: bool = False) -> Demuxed:
    """The video track's samples in decode order, as the stream mode emits them (a video with
    B-frames is refused unless ``allow_b_frames``: the caller re-encodes it)."""
    import io

    import av

    try:
        container: Any = av.open(io.BytesIO(contents) if contents is not None else str(path))
    except (av.error.FFmpegError, OSError) as err:
        raise FormatError(f"{path}: not a readable MP4 file ({err})") from None
    with container:
        if not container.streams.video:
            raise FormatError(f"{path}: no video track")
        stream = container.streams.video[0]
        name = DECODER_CODECS.get(stream.codec_context.name, stream.codec_context.name)
        if name not in CODECS:
            raise FormatError(f"{path}: video codec {name!r} is not one of Rerun's VideoCodec values")
        extra = bytes(stream.codec_context.extradata or b"")
        length_size, sets = 0, list[bytes]()
        if name == "h264" and extra:
            length_size, sets = _avcc_parameter_sets(extra)
        elif name == "hevc" and extra:
            length_size, sets = _hvcc_parameter_sets(extra)
        tb = Fraction(stream.time_base or Fraction(1, 1))
        samples: list[Sample] = []
        for packet in container.demux(stream):
            if packet.size == 0 or packet.pts is None:
                continue
            data = bytes(packet)
            if length_size:
                data = to_annex_b(data, length_size)
                if packet.is_keyframe:
                    data = b"".join(START_CODE + s for s in sets) + data
            pts_ns = round(packet.pts * tb * 1_000_000_000)
            samples.append(Sample(pts_ns, bool(packet.is_keyframe), data))
    pts = [s.pts_ns for s in samples]
    b_frames = any(b < a for a, b in itertools.pairwise(pts))
    if b_frames and not allow_b_frames:
        raise FormatError(f"{path}: the video has B-frames; re-encode it without B-frames first")
    return Demuxed(CODECS[name], samples, b_frames)


def without_b_frames(path: Path, transcode: Transcode | None = None) -> Demuxed:
    """The stream mode's samples: re-encoded as 0.41 does when the source has B-frames or a
    transcode asks for another codec or a GoP size (see ``mp4_transcode``)."""
    video = demux(path, allow_b_frames=True)
    target = video.codec if transcode is None or transcode.output_codec is None else transcode.output_codec
    gop = None if transcode is None else transcode.gop_size
    if not video.has_b_frames and gop is None and target == video.codec:
        return video
    ffmpeg, try_gpu = (None, False) if transcode is None else (transcode.ffmpeg, transcode.try_gpu)
    encoded = reencode(path, target, gop, ffmpeg=ffmpeg, try_gpu=try_gpu)
    return demux(path, encoded)


def blob_column(blobs: list[bytes]) -> pa.Array:
    """One blob per row as ``List<List<u8>>`` (each row a one-element component list)."""
    lengths = np.fromiter((len(b) for b in blobs), dtype=np.int64, count=len(blobs))
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
    flat = pa.array(np.frombuffer(b"".join(blobs), dtype=np.uint8))
    inner = pa.ListArray.from_arrays(pa.array(offsets), flat, type=BLOB_TYPE)
    return as_list_column(inner)


@dataclass(frozen=True)
class Mp4Options:
    mode: str = "stream"
    chunk_by_gop: bool = True
    timeline_name: str = "video"
    timeline_type: str = "duration_ns"
    transcode: Transcode | None = None


def _timeline(opts: Mp4Options, values: list[int]) -> TimeColumn:
    return TimeColumn.from_values(opts.timeline_name, TIMELINE_TYPES[opts.timeline_type], values)


def _groups(samples: list[tuple[Sample, int]], by_gop: bool) -> Iterator[list[tuple[Sample, int]]]:
    if not by_gop:
        for s in samples:
            yield [s]
        return
    group: list[tuple[Sample, int]] = []
    for s in samples:
        if s[0].is_keyframe and group:
            yield group
            group = []
        group.append(s)
    if group:
        yield group


def stream_chunks(
    entity: str,
    codec: int,
    samples: list[Sample],
    times: list[int],
    timeline: str,
    typ: TimeType,
    by_gop: bool = True,
) -> Iterator[Chunk]:
    """A static ``VideoStream:codec`` chunk, the samples (per GOP or per sample), the keyframe rows."""
    codec_col = as_list_column(pa.array([codec], pa.uint32()))
    yield Chunk.from_columns(
        entity, new_tuids(1), [], {_desc("VideoStream", "codec", "VideoCodec"): codec_col}
    )
    timed = list(zip(samples, times, strict=True))
    for group in _groups(timed, by_gop):
        comps = {_desc("VideoStream", "sample", "VideoSample"): blob_column([s.data for s, _ in group])}
        tl = TimeColumn.from_values(timeline, typ, [t for _, t in group])
        yield Chunk.from_columns(entity, new_tuids(len(group)), [tl], comps)
    keys = [t for s, t in timed if s.is_keyframe]
    if keys:
        flags = as_list_column(pa.array([True] * len(keys), pa.bool_()))
        tl = TimeColumn.from_values(timeline, typ, keys)
        comps = {_desc("VideoStream", "is_keyframe", "IsKeyframe"): flags}
        yield Chunk.from_columns(entity, new_tuids(len(keys)), [tl], comps)


def iter_mp4_chunks(path: Path, entity: str, opts: Mp4Options) -> Iterator[Chunk]:
    if opts.mode == "asset":
        yield from _asset_chunks(path, entity, opts)
        return
    video = without_b_frames(path, opts.transcode)
    times = [s.pts_ns for s in video.samples]
    typ = TIMELINE_TYPES[opts.timeline_type]
    yield from stream_chunks(
        entity, video.codec, video.samples, times, opts.timeline_name, typ, opts.chunk_by_gop
    )


def _asset_chunks(
    path: Path, entity: str, opts: Mp4Options, contents: bytes | None = None, blob_static: bool = True
) -> Iterator[Chunk]:
    """``blob_static=False`` puts the blob at time 0, as ``log_file_from_path`` does."""
    video = demux(path, contents, allow_b_frames=True)
    blob = blob_column([contents if contents is not None else path.read_bytes()])
    tl = [] if blob_static else [_timeline(opts, [0])]
    yield Chunk.from_columns(entity, new_tuids(1), tl, {_desc("AssetVideo", "blob", "Blob"): blob})
    pts = sorted(s.pts_ns for s in video.samples)
    stamps = as_list_column(pa.array(pts, pa.int64()))
    comps: dict[ComponentDescriptor, Any] = {
        _desc("VideoFrameReference", "timestamp", "VideoTimestamp"): stamps
    }
    yield Chunk.from_columns(entity, new_tuids(len(pts)), [_timeline(opts, pts)], comps)


def import_mp4(path: Path, contents: bytes, entity: str) -> Iterator[Chunk]:
    """What ``log_file_from_path`` / ``rerun video.mp4`` log: the asset, its blob at time 0."""
    return _asset_chunks(path, entity, Mp4Options(mode="asset"), contents, blob_static=False)
