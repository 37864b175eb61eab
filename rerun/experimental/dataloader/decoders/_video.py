"""``VideoFrameDecoder``: frames of a compressed video stream (``VideoStream:sample``).

The pipeline reads each request's rows from the prior keyframe (the sibling ``is_keyframe``
column) to its last output; the samples are fed through the codec in order and the output rows'
frames captured: RGB ``[3, H, W]`` uint8 (a window: ``[T, 3, H, W]``) or a ``Yuv420Frame``.
A request with no decodable keyframe gives None.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, Literal, TypeVar

import numpy as np
import torch

from .._tracing import with_tracing
from .._yuv import Yuv420Frame
from ._arrow import blob_bytes
from ._base import ColumnDecoder, DecodeRequest, FieldBatch

_OutputFormatT = TypeVar("_OutputFormatT", bound=str)
_CODECS = {
    "h264": "h264",
    "avc": "h264",
    "h265": "hevc",
    "hevc": "hevc",
    "av1": "av1",
    "vp9": "vp9",
    "vp8": "vp8",
}


def _annex_b(sample: bytes) -> bytes:
    """AVCC (length-prefixed NAL units) to Annex B; Annex B passes through."""
    if sample[:4] == b"\0\0\0\1" or sample[:3] == b"\0\0\1":
        return sample
    out, i = bytearray(), 0
    while i + 4 <= len(sample):
        n = int.from_bytes(sample[i : i + 4], "big")
        if n <= 0 or i + 4 + n > len(sample):
            return sample
        out += b"\0\0\0\1" + sample[i + 4 : i + 4 + n]
        i += 4 + n
    return bytes(out) if i == len(sample) else sample


class VideoFrameDecoder(ColumnDecoder[Any], Generic[_OutputFormatT]):
    """Random access into compressed video, anchored at the prior keyframe."""

    def __init__(
        self,
        *,
        codec: str = "h264",
        max_decoder_sessions: int = 8,
        thread_count: int = 1,
        window_storage: Literal["copy", "view"] = "copy",
        output_format: Literal["rgb", "yuv420p"] = "rgb",
    ) -> None:
        if max_decoder_sessions < 0:
            raise ValueError(f"max_decoder_sessions must be non-negative, got {max_decoder_sessions}")
        if thread_count < 0:
            raise ValueError(f"thread_count must be non-negative, got {thread_count}")
        if window_storage not in ("copy", "view"):
            raise ValueError(f"window_storage must be 'copy' or 'view', got {window_storage!r}")
        if output_format not in ("rgb", "yuv420p"):
            raise ValueError(f"output_format must be 'rgb' or 'yuv420p', got {output_format!r}")
        if codec.lower() not in _CODECS:
            raise ValueError(f"Unsupported video codec {codec!r}; expected one of {sorted(_CODECS)}")
        self.codec = codec
        self.window_storage = window_storage
        self.output_format = output_format
        self.thread_count = thread_count
        self._max_decoder_sessions = max_decoder_sessions

    def __repr__(self) -> str:
        options = []
        if self.thread_count != 1:
            options.append(f"thread_count={self.thread_count}")
        if self.window_storage == "view":
            options.append("window_storage='view'")
        if self.output_format == "yuv420p":
            options.append("output_format='yuv420p'")
        return f"VideoFrameDecoder(codec={self.codec!r}{''.join(', ' + o for o in options)})"

    def prior_keyframe_path(self, field_path: str) -> str | None:
        prefix, sep, _ = field_path.rpartition(":")
        return f"{prefix}:is_keyframe" if sep else None

    @with_tracing("VideoFrameDecoder.decode")
    def decode(self, batch: FieldBatch, requests: Sequence[DecodeRequest]) -> list[Any]:
        return [self._request(batch, r) for r in requests]

    def _request(self, batch: FieldBatch, request: DecodeRequest) -> Any:
        import av

        if not request.starts_at_keyframe:
            return None
        rows = list(request.decode_row_indices)
        column = batch.column
        ctx: Any = av.CodecContext.create(_CODECS[self.codec.lower()], "r")  # a video decoder
        ctx.thread_count = self.thread_count
        frames: dict[int, Any] = {}
        wanted = set(request.output_row_indices)
        try:
            pending: list[int] = []
            for row in rows:
                if column[row].is_valid and len(column[row]):
                    data = _annex_b(blob_bytes(column, row))
                    pending.append(row)
                    for frame in ctx.decode(av.Packet(data)):
                        got = pending.pop(0)
                        if got in wanted:
                            frames[got] = frame
            for frame in ctx.decode(None):
                if pending:
                    got = pending.pop(0)
                    if got in wanted:
                        frames[got] = frame
        except av.error.FFmpegError:
            return None
        if any(r not in frames for r in request.output_row_indices):
            return None
        outs = [self._convert(frames[r]) for r in request.output_row_indices]
        if not batch.is_windowed:
            return outs[0]
        if self.output_format == "yuv420p":
            return Yuv420Frame.stack(outs)
        return torch.stack(outs)

    def _convert(self, frame: Any) -> Any:
        if self.output_format == "rgb":
            rgb = frame.to_ndarray(format="rgb24")
            return torch.from_numpy(np.ascontiguousarray(rgb.transpose(2, 0, 1)))
        yuv = frame.reformat(format="yuv420p")
        h, w = yuv.height, yuv.width
        planes = [np.frombuffer(p, dtype=np.uint8).reshape(-1, p.line_size) for p in yuv.planes]
        y = torch.from_numpy(planes[0][:h, :w].copy())[None]
        ch, cw = -(-h // 2), -(-w // 2)
        u = torch.from_numpy(planes[1][:ch, :cw].copy())
        v = torch.from_numpy(planes[2][:ch, :cw].copy())
        space = {1: "bt709", 5: "bt601", 6: "bt601", 9: "bt2020", 10: "bt2020"}.get(
            int(frame.colorspace or 2), "unspecified"
        )
        rng = {1: "limited", 2: "full"}.get(int(frame.color_range or 0), "unspecified")
        return Yuv420Frame(y, torch.stack([u, v]), space, rng)  # type: ignore[arg-type]
