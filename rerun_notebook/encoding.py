"""Frame encoding: RGBA arrays to JPEG (while moving) or lossless PNG (once still)."""

from __future__ import annotations

import base64
import io
import struct
import zlib
from dataclasses import dataclass

import numpy as np
from PIL import Image

JPEG_QUALITY = 80


@dataclass(frozen=True)
class EncodedFrame:
    """One encoded picture, ready to go out as a binary comm buffer."""

    mime: str
    data: bytes
    width: int
    height: int

    @property
    def lossless(self) -> bool:
        return self.mime == "image/png"


def _as_rgba(array: np.ndarray) -> np.ndarray:
    """Accept (H,W), (H,W,3) or (H,W,4) uint8; anything else is a renderer bug worth naming."""
    if array.dtype != np.uint8:
        raise TypeError(f"frames must be uint8, got {array.dtype}")
    if array.ndim == 2:
        return np.repeat(array[:, :, None], 3, axis=2)
    if array.ndim != 3 or array.shape[2] not in (3, 4):
        raise ValueError(f"frames must be (H, W, 3|4), got shape {array.shape}")
    return array


def encode_jpeg(array: np.ndarray, quality: int = JPEG_QUALITY) -> EncodedFrame:
    """Lossy and fast: used while the picture changes every frame."""
    rgba = _as_rgba(array)
    h, w = rgba.shape[:2]
    if rgba.shape[2] == 4 and rgba.flags.c_contiguous:  # read RGBA in place, ignoring alpha: no copy
        img = Image.frombuffer("RGBX", (w, h), rgba, "raw", "RGBX", 0, 1)
    else:
        img = Image.fromarray(np.ascontiguousarray(rgba[:, :, :3]), "RGB")
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=quality)
    return EncodedFrame("image/jpeg", buf.getvalue(), rgba.shape[1], rgba.shape[0])


def _png_chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)


def encode_png(array: np.ndarray, compress_level: int = 2) -> EncodedFrame:
    """Lossless: the settled picture (and the static snapshot saved in the notebook).

    Written directly (no per-row filter, one zlib stream): about twice as fast as Pillow's
    encoder at a similar size for rendered frames, which are mostly flat background.
    """
    rgba = _as_rgba(array)
    if rgba.shape[2] == 4 and bool(np.all(rgba[:, :, 3] == 255)):
        rgba = rgba[:, :, :3]  # opaque: a quarter fewer bytes to compress
    h, w, c = rgba.shape
    raw = np.empty((h, w * c + 1), np.uint8)
    raw[:, 0] = 0  # filter type "none" for every row
    raw[:, 1:] = rgba.reshape(h, w * c)
    header = struct.pack(">IIBBBBB", w, h, 8, 6 if c == 4 else 2, 0, 0, 0)
    data = (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(raw.tobytes(), compress_level))
        + _png_chunk(b"IEND", b"")
    )
    return EncodedFrame("image/png", data, w, h)


def encode(array: np.ndarray, *, lossless: bool) -> EncodedFrame:
    return encode_png(array) if lossless else encode_jpeg(array)


def png_base64(array: np.ndarray) -> str:
    """The static `image/png` payload for a notebook output."""
    return base64.b64encode(encode_png(array, compress_level=6).data).decode("ascii")
