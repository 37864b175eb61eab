"""Frame encoding: RGBA arrays to JPEG (while moving) or lossless PNG (once still)."""

from __future__ import annotations

import base64
import io
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
    img = Image.fromarray(np.ascontiguousarray(rgba[:, :, :3]), "RGB")
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=quality)
    return EncodedFrame("image/jpeg", buf.getvalue(), rgba.shape[1], rgba.shape[0])


def encode_png(array: np.ndarray, compress_level: int = 1) -> EncodedFrame:
    """Lossless: the settled picture (and the static snapshot saved in the notebook)."""
    rgba = _as_rgba(array)
    mode = "RGBA" if rgba.shape[2] == 4 else "RGB"
    if mode == "RGBA" and bool(np.all(rgba[:, :, 3] == 255)):
        rgba, mode = rgba[:, :, :3], "RGB"  # opaque: a third smaller
    img = Image.fromarray(np.ascontiguousarray(rgba), mode)
    buf = io.BytesIO()
    img.save(buf, format="PNG", compress_level=compress_level)
    return EncodedFrame("image/png", buf.getvalue(), rgba.shape[1], rgba.shape[0])


def encode(array: np.ndarray, *, lossless: bool) -> EncodedFrame:
    return encode_png(array) if lossless else encode_jpeg(array)


def png_base64(array: np.ndarray) -> str:
    """The static `image/png` payload for a notebook output."""
    return base64.b64encode(encode_png(array, compress_level=6).data).decode("ascii")
