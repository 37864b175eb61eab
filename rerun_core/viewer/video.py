"""Video decoding for the viewer (AssetVideo + VideoFrameReference, VideoStream), on PyAV.

A ``FrameDecoder`` holds one video's encoded samples in decode order and hands out the RGBA
frame with a given presentation timestamp: it seeks to the keyframe at or before that frame,
decodes forward, and keeps a small LRU of decoded frames. Playing forward keeps feeding the
same decoder (no re-seek), so sequential playback costs one decode per frame.

No pygfx here: the visualizers (``visualizers/video_vis.py``) turn frames into textures.
"""

from __future__ import annotations

import io
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np

from rerun_core.store.video_keyframe import is_keyframe

INSTALL_HINT = "Video needs PyAV: pip install av"  # short: it is drawn in the view

# rerun.components.VideoCodec values (FourCC-like u32) -> FFmpeg decoder name
CODECS: dict[int, str] = {
    0x61766331: "h264",  # H264, Annex B
    0x68657631: "hevc",  # H265, Annex B
    0x61763031: "av1",  # AV1, low-overhead bitstream
    0x76703038: "vp8",
    0x76703039: "vp9",
}
CODEC_NAMES = {
    0x61766331: "H264",
    0x68657631: "H265",
    0x61763031: "AV1",
    0x76703038: "VP8",
    0x76703039: "VP9",
}


_NO_PTS = -(2**63)
Sample = bytes | memoryview  # one encoded sample; memoryviews of Arrow buffers avoid a copy


class VideoUnavailable(RuntimeError):
    """PyAV (FFmpeg) is missing, or it has no decoder for this codec."""


class VideoDecodeError(ValueError):
    """The video data cannot be read (not a container we know, corrupt samples...)."""


def _av() -> Any:
    try:
        import av
    except ImportError as exc:
        raise VideoUnavailable(INSTALL_HINT) from exc
    return av


# software decoders to prefer (FFmpeg's native "av1" decoder only drives hardware)
_PREFERRED = {"av1": ("libdav1d", "libaom-av1", "av1")}


def _decoder_context(codec: str, extradata: bytes | None = None) -> Any:
    av = _av()
    ctx = None
    for name in _PREFERRED.get(codec, (codec,)):
        try:
            ctx = av.CodecContext.create(name, "r")
            break
        except Exception:  # FFmpeg without that decoder: try the next
            continue
    if ctx is None:
        raise VideoUnavailable(f"this FFmpeg build has no {codec} decoder")
    if extradata:
        ctx.extradata = extradata
    ctx.thread_type = "SLICE"  # frame threading would delay output by a frame per thread
    if ctx.name == "libdav1d":
        ctx.options = {"max_frame_delay": "1"}  # output each frame as soon as it is decoded
    return ctx


class FrameDecoder:
    """Frames by presentation timestamp from samples in decode order.

    ``pts[i]`` is sample i's presentation time and ``keyframes[i]`` whether decoding may start
    there. A sample's frame comes out of the decoder tagged with its pts.
    """

    lru_size = 8

    def __init__(
        self, ctx: Any, samples: Sequence[Sample], pts: Sequence[int], keyframes: Sequence[bool]
    ) -> None:
        if not len(samples) == len(pts) == len(keyframes):
            raise ValueError("samples, pts and keyframes differ in length")
        self._ctx = ctx
        self._samples = list(samples)
        self._pts = np.asarray(pts, np.int64)
        keys = np.asarray(keyframes, bool).copy()
        if keys.size and not keys.any():
            keys[0] = True  # unknown keyframes: the stream's start has to be one
        self._key_idx = np.flatnonzero(keys)
        self._fed = -1  # last sample index sent to the decoder
        self._gop = -1  # keyframe index the decoder started at
        self._last_out = _NO_PTS  # pts of the newest frame the decoder output
        # pts -> RGBA, or the decoded frame not converted yet (frames passed on the way to the
        # wanted one are never converted: the conversion costs more than decoding)
        self._cache: OrderedDict[int, Any] = OrderedDict()
        self.decoded = 0  # frames decoded so far (tests check that playback does not re-seek)
        self.seeks = 0

    def __len__(self) -> int:
        return len(self._samples)

    def extend(self, samples: Sequence[Sample], pts: Sequence[int], keyframes: Sequence[bool]) -> None:
        """Append samples (a live stream): the decoder state and cached frames stay valid."""
        base = len(self._samples)
        self._samples.extend(samples)
        self._pts = np.concatenate([self._pts, np.asarray(pts, np.int64)])
        keys = np.flatnonzero(np.asarray(keyframes, bool)) + base
        self._key_idx = np.concatenate([self._key_idx, keys]).astype(np.int64)

    def frame(self, pts: int) -> np.ndarray:
        """(H, W, 4) uint8 of the frame presented at ``pts`` (must be one of the samples')."""
        if pts in self._cache:
            return self._rgba(pts)
        where = np.flatnonzero(self._pts == pts)
        if where.size == 0:
            raise KeyError(f"no frame at pts {pts}")
        target = int(where[0])
        k = int(np.searchsorted(self._key_idx, target, side="right")) - 1
        key = int(self._key_idx[max(k, 0)])
        # go on decoding forward when the decoder is in this GOP (or the one just before) and
        # has not output this frame's time yet: frames come out in presentation order
        if not (0 <= self._gop <= key <= self._fed + 1 and pts > self._last_out):
            self._restart(key)
        self._decode_until(pts)
        return self._rgba(pts)

    def _restart(self, key: int) -> None:
        self._ctx.flush_buffers()
        self._gop, self._fed, self._last_out = key, key - 1, _NO_PTS
        self.seeks += 1

    def _rgba(self, pts: int) -> np.ndarray:
        got = self._cache[pts]
        if not isinstance(got, np.ndarray):
            got = self._cache[pts] = got.to_ndarray(format="rgba")
        self._cache.move_to_end(pts)
        return np.asarray(got)

    def _decode_until(self, pts: int) -> None:
        while self._fed + 1 < len(self._samples):
            self._fed += 1
            self._feed(self._samples[self._fed], int(self._pts[self._fed]))
            if pts in self._cache:
                return
        self._feed(None, 0)  # end of stream: drain the reorder buffer
        self._gop = self._fed = -1  # a drained decoder must be flushed before reuse
        if pts in self._cache:
            return
        raise VideoDecodeError(f"the decoder produced no frame for pts {pts}")

    def _feed(self, sample: Sample | None, pts: int) -> None:
        av = _av()
        packet = None
        if sample is not None:
            packet = av.Packet(sample)
            packet.pts = packet.dts = pts
        try:
            frames = self._ctx.decode(packet)
        except av.error.FFmpegError as exc:
            raise VideoDecodeError(f"cannot decode sample at pts {pts}: {exc}") from exc
        for fr in frames:
            self.decoded += 1
            out = int(fr.pts) if fr.pts is not None else pts
            self._last_out = max(self._last_out, out)
            self._remember(out, fr)

    def _remember(self, pts: int, frame: Any) -> None:
        self._cache[pts] = frame
        self._cache.move_to_end(pts)
        while len(self._cache) > self.lru_size:
            self._cache.popitem(last=False)


class AssetVideo:
    """An MP4 (or other container) blob: demuxed once, frames looked up by timestamp in ns."""

    def __init__(self, blob: Sample, media_type: str | None = None) -> None:
        av = _av()
        try:
            container = av.open(io.BytesIO(blob), "r")
        except av.error.FFmpegError as exc:
            raise VideoDecodeError(f"cannot open the {media_type or 'video'} asset: {exc}") from exc
        try:
            if not container.streams.video:
                raise VideoDecodeError("the video asset has no video track")
            stream = container.streams.video[0]
            packets = [p for p in container.demux(stream) if p.size and p.pts is not None]
            codec, extradata = stream.codec_context.name, stream.codec_context.extradata
            tb = stream.time_base
            self.width, self.height = stream.codec_context.width, stream.codec_context.height
        finally:
            container.close()
        if not packets:
            raise VideoDecodeError("the video asset has no frames")
        pts = [int(p.pts) for p in packets]
        origin = min(pts)
        # ns relative to the first frame, as AssetVideo.read_frame_timestamps_nanos reports them
        self.timestamps_ns = {round(float(v - origin) * tb.numerator / tb.denominator * 1e9): v for v in pts}
        self._ns_sorted = np.array(sorted(self.timestamps_ns), np.int64)
        self.codec = codec
        self.decoder = FrameDecoder(
            _decoder_context(codec, extradata),
            [bytes(p) for p in packets],
            pts,
            [p.is_keyframe for p in packets],
        )

    def frame_at(self, timestamp_ns: int) -> tuple[int, np.ndarray] | None:
        """(frame timestamp ns, RGBA) of the frame shown at ``timestamp_ns``; None before the first."""
        i = int(np.searchsorted(self._ns_sorted, timestamp_ns, side="right")) - 1
        if i < 0:
            return None
        ns = int(self._ns_sorted[i])
        return ns, self.decoder.frame(self.timestamps_ns[ns])


class StreamVideo:
    """A VideoStream's samples (time-ordered rows of one timeline), decoded on demand."""

    def __init__(
        self, codec: int, times: Sequence[int], samples: Sequence[Sample], keyframes: Sequence[bool | None]
    ) -> None:
        name = CODECS.get(int(codec))
        if name is None:
            raise VideoDecodeError(f"unknown video codec {codec:#x}")
        self.codec = int(codec)
        self.times = np.asarray(times, np.int64)
        keys = [is_keyframe(s, self.codec) if k is None else bool(k) for s, k in zip(samples, keyframes)]
        # samples are presented in decode order (Rerun's streams have no B-frames): pts = row index
        self.decoder = FrameDecoder(_decoder_context(name), samples, range(len(samples)), keys)

    def extend(
        self, times: Sequence[int], samples: Sequence[Sample], keyframes: Sequence[bool | None]
    ) -> None:
        """More samples after the known ones (live logging): decoding goes on where it was."""
        n = len(self.decoder)
        keys = [is_keyframe(s, self.codec) if k is None else bool(k) for s, k in zip(samples, keyframes)]
        self.times = np.concatenate([self.times, np.asarray(times, np.int64)])
        self.decoder.extend(samples, range(n, n + len(samples)), keys)

    def frame_at(self, time: int) -> tuple[int, np.ndarray] | None:
        """(sample time, RGBA) of the latest sample at or before ``time``; None before the first."""
        i = int(np.searchsorted(self.times, time, side="right")) - 1
        if i < 0:
            return None
        return int(self.times[i]), self.decoder.frame(i)
