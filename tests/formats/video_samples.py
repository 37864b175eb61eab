"""Small MP4 files for the video tests, encoded with PyAV (libx264, no B-frames unless asked)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np


def encode_mp4(path: Path, frames: Iterable[np.ndarray], *, rate: int, options: dict[str, str]) -> Path:
    """H.264 in MP4 from RGB frames (all one size); ``options`` are libx264's."""
    import av

    with av.open(str(path), "w") as out:
        stream = None
        for pixels in frames:
            if stream is None:
                stream = out.add_stream("libx264", rate=rate)
                stream.height, stream.width = pixels.shape[:2]
                stream.pix_fmt = "yuv420p"
                stream.options = options
            for packet in stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode() if stream is not None else []:
            out.mux(packet)
    return path


def x264_options(gop: int, b_frames: int = 0, **extra: str) -> dict[str, str]:
    """A keyframe exactly every ``gop`` frames (no scene cuts)."""
    return {"bf": str(b_frames), "x264-params": f"keyint={gop}:min-keyint={gop}:scenecut=0", **extra}
