"""Image decoding (Image/DepthImage/SegmentationImage/EncodedImage/TensorData) and colormaps."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pyarrow as pa

_CHANNEL_DTYPES: dict[int, Any] = {
    6: np.uint8,
    7: np.int8,
    8: np.uint16,
    9: np.int16,
    10: np.uint32,
    11: np.int32,
    12: np.uint64,
    13: np.int64,
    33: np.float16,
    34: np.float32,
    35: np.float64,
}
_CHANNELS = {1: 1, 2: 3, 3: 4, 4: 3, 5: 4}  # color model -> channel count
_NV12, _YUY2 = 26, 27
_Y8 = (30, 41)
# planar Y_U_V formats: pixel format -> (chroma width divisor, chroma height divisor, full range)
_PLANAR = {
    20: (2, 2, False),
    44: (2, 2, True),
    49: (2, 1, False),
    50: (2, 1, True),
    39: (1, 1, False),
    40: (1, 1, True),
}
_BAYER = {128: "RGGB", 129: "BGGR", 130: "GBRG", 131: "GRBG"}


class ImageDecodeError(ValueError):
    """Image bytes that do not match their declared format."""


def decode_image(buffer: pa.Array | bytes | np.ndarray, fmt: dict[str, Any]) -> np.ndarray:
    """ImageBuffer bytes + ImageFormat struct -> (H, W) or (H, W, C) array in the stored dtype.

    BGR(A) is reordered to RGB(A); NV12/YUY2/Y8 pixel formats become RGB/L uint8.
    """
    raw = _bytes(buffer)
    w, h = int(fmt["width"]), int(fmt["height"])
    pixel_format = fmt.get("pixel_format")
    if pixel_format is not None:
        return _decode_pixel_format(raw, w, h, int(pixel_format))
    dtype = np.dtype(_CHANNEL_DTYPES.get(int(fmt.get("channel_datatype") or 6), np.uint8))
    model = int(fmt.get("color_model") or 1)
    ch = _CHANNELS.get(model, 1)
    need = w * h * ch * dtype.itemsize
    if len(raw) < need:
        raise ImageDecodeError(f"image buffer has {len(raw)} bytes, {w}x{h}x{ch} {dtype} needs {need}")
    arr = np.frombuffer(raw, dtype=dtype, count=w * h * ch)
    arr = arr.reshape(h, w) if ch == 1 else arr.reshape(h, w, ch)
    if model in (4, 5):
        arr = arr[..., [2, 1, 0, 3][:ch]]
    return arr


def _bytes(buffer: pa.Array | bytes | np.ndarray) -> Any:
    if isinstance(buffer, (bytes, bytearray, memoryview)):
        return buffer
    if isinstance(buffer, np.ndarray):
        return buffer.tobytes()
    if isinstance(buffer, pa.ChunkedArray):
        buffer = buffer.combine_chunks()
    if pa.types.is_list(buffer.type) or pa.types.is_large_list(buffer.type):
        buffer = buffer.flatten()
    return np.asarray(buffer.to_numpy(zero_copy_only=False), dtype=np.uint8).data


def _decode_pixel_format(raw: bytes | memoryview, w: int, h: int, pf: int) -> np.ndarray:
    data = np.frombuffer(raw, np.uint8)
    if pf in _Y8:
        return data[: w * h].reshape(h, w)
    if pf == _NV12:
        y = data[: w * h].reshape(h, w).astype(np.float32)
        uv = data[w * h : w * h + w * h // 2].reshape(h // 2, w // 2, 2).astype(np.float32)
        uv = uv.repeat(2, axis=0).repeat(2, axis=1)
        return _yuv_to_rgb(y, uv[..., 0], uv[..., 1])
    if pf == _YUY2:
        d = data[: w * h * 2].reshape(h, w // 2, 4).astype(np.float32)
        y = np.stack([d[..., 0], d[..., 2]], axis=-1).reshape(h, w)
        u = d[..., 1].repeat(2, axis=1)
        v = d[..., 3].repeat(2, axis=1)
        return _yuv_to_rgb(y, u, v)
    if pf in _PLANAR:
        dx, dy, full = _PLANAR[pf]
        cw, ch = w // dx, h // dy
        y = data[: w * h].reshape(h, w).astype(np.float32)
        u = data[w * h : w * h + cw * ch].reshape(ch, cw).astype(np.float32)
        v = data[w * h + cw * ch : w * h + 2 * cw * ch].reshape(ch, cw).astype(np.float32)
        u = u.repeat(dy, axis=0).repeat(dx, axis=1)
        v = v.repeat(dy, axis=0).repeat(dx, axis=1)
        return _yuv_to_rgb(y, u, v, full_range=full)
    if pf in _BAYER:
        return _debayer(data[: w * h].reshape(h, w), _BAYER[pf])
    raise ImageDecodeError(f"pixel format {pf} is not supported by this viewer")


def _debayer(raw: np.ndarray, pattern: str) -> np.ndarray:
    """Half-resolution-per-cell demosaic: each 2x2 cell's R, mean(G), B fill the cell."""
    h, w = raw.shape[0] // 2 * 2, raw.shape[1] // 2 * 2
    cells = raw[:h, :w].astype(np.float32).reshape(h // 2, 2, w // 2, 2)
    at = {pattern[0]: [(0, 0)], pattern[3]: [(1, 1)]}
    at.setdefault("G", []).extend([(0, 1), (1, 0)] if pattern[1] == "G" else [])
    chans = []
    for c in "RGB":
        pos = at.get(c) or []
        chans.append(np.mean([cells[:, i, :, j] for i, j in pos], axis=0))
    rgb = np.stack(chans, -1).repeat(2, axis=0).repeat(2, axis=1)
    return np.asarray(np.clip(rgb, 0, 255).astype(np.uint8))


def _yuv_to_rgb(y: np.ndarray, u: np.ndarray, v: np.ndarray, full_range: bool = False) -> np.ndarray:
    y = y if full_range else (y - 16.0) * 1.164
    u, v = u - 128.0, v - 128.0
    rgb = np.stack([y + 1.596 * v, y - 0.392 * u - 0.813 * v, y + 2.017 * u], axis=-1)
    return np.clip(rgb, 0, 255).astype(np.uint8)


def decode_encoded(blob: bytes | memoryview, media_type: str | None = None) -> np.ndarray:
    """PNG/JPEG/... bytes -> RGB(A) or L uint8 array, via Pillow."""
    from PIL import Image as PILImage

    try:
        img: Any = PILImage.open(io.BytesIO(bytes(blob)))
        img.load()
    except Exception as exc:
        raise ImageDecodeError(f"cannot decode {media_type or 'image'}: {exc}") from exc
    if img.mode not in ("RGB", "RGBA", "L"):
        img = img.convert("RGBA" if "A" in img.mode else "RGB")
    return np.asarray(img)


def to_rgba8(img: np.ndarray) -> np.ndarray:
    """Any decoded image -> (H, W, 4) uint8 for display; non-uint8 data is range-normalized."""
    a = img
    if a.dtype != np.uint8:
        f = a.astype(np.float32)
        finite = f[np.isfinite(f)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        if a.dtype.kind == "f" and lo >= 0.0 and hi <= 1.0:
            lo, hi = 0.0, 1.0
        scale = 255.0 / (hi - lo) if hi > lo else 1.0
        a = np.clip(np.nan_to_num((f - lo) * scale), 0, 255).astype(np.uint8)
    if a.ndim == 2:
        a = a[..., None]
    h, w, c = a.shape
    out = np.empty((h, w, 4), np.uint8)
    if c == 1:
        out[..., :3] = a
        out[..., 3] = 255
    elif c == 2:
        out[..., :3] = a[..., :1]
        out[..., 3] = a[..., 1]
    else:
        out[..., :3] = a[..., :3]
        out[..., 3] = a[..., 3] if c >= 4 else 255
    return out


# --- colormaps ---------------------------------------------------------------------------

_CMAP_STOPS: dict[str, list[tuple[float, float, float]]] = {
    "grayscale": [(0, 0, 0), (1, 1, 1)],
    "inferno": [(0, 0, 0.015), (0.34, 0.06, 0.43), (0.73, 0.21, 0.33), (0.98, 0.55, 0.04), (0.99, 1.0, 0.64)],
    "magma": [(0, 0, 0.015), (0.32, 0.07, 0.48), (0.72, 0.21, 0.47), (0.99, 0.56, 0.38), (0.99, 0.99, 0.75)],
    "plasma": [
        (0.05, 0.03, 0.53),
        (0.49, 0.01, 0.66),
        (0.8, 0.28, 0.47),
        (0.97, 0.59, 0.25),
        (0.94, 0.98, 0.13),
    ],
    "turbo": [
        (0.19, 0.07, 0.23),
        (0.27, 0.51, 0.97),
        (0.1, 0.89, 0.71),
        (0.64, 0.99, 0.24),
        (0.98, 0.73, 0.22),
        (0.89, 0.27, 0.04),
        (0.48, 0.02, 0.01),
    ],
    "viridis": [
        (0.27, 0.0, 0.33),
        (0.23, 0.32, 0.55),
        (0.13, 0.57, 0.55),
        (0.37, 0.79, 0.38),
        (0.99, 0.91, 0.14),
    ],
    "cyantoyellow": [(0.0, 0.73, 0.89), (0.5, 0.5, 0.5), (0.98, 0.85, 0.0)],
    "spectral": [
        (0.62, 0.0, 0.26),
        (0.96, 0.43, 0.26),
        (1.0, 1.0, 0.75),
        (0.4, 0.76, 0.65),
        (0.37, 0.31, 0.64),
    ],
    "twilight": [
        (0.89, 0.85, 0.89),
        (0.37, 0.45, 0.75),
        (0.19, 0.07, 0.23),
        (0.7, 0.3, 0.28),
        (0.89, 0.85, 0.89),
    ],
}
COLORMAP_NAMES = {
    1: "grayscale",
    2: "inferno",
    3: "magma",
    4: "plasma",
    5: "turbo",
    6: "viridis",
    7: "cyantoyellow",
    8: "spectral",
    9: "twilight",
}


def colormap_lut(name: str | int | None, n: int = 256) -> np.ndarray:
    """(n, 3) uint8 lookup table for a Rerun colormap (by enum value or name; default turbo)."""
    key = name.lower() if isinstance(name, str) else COLORMAP_NAMES.get(name or 5, "turbo")
    stops = np.asarray(_CMAP_STOPS.get(key, _CMAP_STOPS["turbo"]), np.float32)
    xs = np.linspace(0, 1, len(stops))
    t = np.linspace(0, 1, n)
    lut = np.stack([np.interp(t, xs, stops[:, i]) for i in range(3)], axis=-1)
    return (lut * 255 + 0.5).astype(np.uint8)


def apply_colormap(
    values: np.ndarray, cmap: str | int | None, value_range: tuple[float, float] | None = None
) -> np.ndarray:
    """Scalar image -> (H, W, 4) uint8; zero / non-finite values (no depth) become transparent."""
    f = values.astype(np.float32)
    valid = np.isfinite(f) & (f != 0)
    if value_range is None:
        v = f[valid]
        value_range = (float(v.min()), float(v.max())) if v.size else (0.0, 1.0)
        if value_range[0] > 0:
            value_range = (0.0, value_range[1])
    lo, hi = value_range
    t = (np.nan_to_num(f) - lo) / (hi - lo if hi > lo else 1.0)
    idx = np.clip(t * 255 + 0.5, 0, 255).astype(np.uint8)
    out = np.empty((*f.shape, 4), np.uint8)
    out[..., :3] = colormap_lut(cmap)[idx]
    out[..., 3] = np.where(valid, 255, 0)
    return out


# --- tensors -----------------------------------------------------------------------------


def decode_tensor(value: dict[str, Any] | pa.StructScalar) -> tuple[np.ndarray, list[str]]:
    """TensorData struct (shape, names, dense-union buffer) -> (ndarray, dim names)."""
    if isinstance(value, pa.StructScalar):
        value = value.as_py()
    shape = [int(s) for s in value["shape"]]
    names = list(value.get("names") or [])
    buf = value["buffer"]
    data = np.asarray(buf if buf is not None else [], dtype=np.float64 if _is_float(buf) else None)
    data = data.reshape(shape) if data.size == int(np.prod(shape)) else data
    names += [f"dim{i}" for i in range(len(names), len(shape))]
    return data, names


def _is_float(buf: Any) -> bool:
    return bool(buf) and isinstance(buf[0], float)


def decode_tensor_array(arr: pa.Array) -> tuple[np.ndarray, list[str]]:
    """Faster path for a TensorData struct array (first element), keeping the buffer dtype."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    struct = arr[0]
    shape = [int(s) for s in struct["shape"].as_py()]
    names_val = struct["names"].as_py() if "names" in arr.type.names else None
    union = struct["buffer"]
    inner = union.value if hasattr(union, "value") else None
    if inner is None:
        return np.zeros(shape), list(names_val or [])
    data = np.asarray(inner.values.to_numpy(zero_copy_only=False))
    if data.size == int(np.prod(shape)):
        data = data.reshape(shape)
    names = list(names_val or [])
    names += [f"dim{i}" for i in range(len(names), len(shape))]
    return data, names
