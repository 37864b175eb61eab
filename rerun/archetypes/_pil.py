"""Image <-> PIL helpers: view a logged raw image as PIL, and JPEG/PNG-compress it."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import numpy as np

from ..encodings import ChannelDatatype, ColorModel, ImageFormat


def pixels(buffer: Any, fmt: ImageFormat) -> np.ndarray:
    """The (H, W[, C]) array of a logged image buffer."""
    if fmt.pixel_format is not None:
        raise ValueError(
            f"Converting image with pixel_format {fmt.pixel_format} into PIL is not yet supported"
        )
    if fmt.channel_datatype is None:
        raise ValueError("The image has no channel datatype")
    raw = buffer.as_arrow_array()[0].values.to_numpy(zero_copy_only=False)
    flat = np.frombuffer(raw.tobytes(), dtype=fmt.channel_datatype.to_np_dtype())
    model = fmt.color_model or ColorModel.L
    if model is ColorModel.L:
        return flat.reshape(fmt.height, fmt.width)
    image = flat.reshape(fmt.height, fmt.width, model.num_channels())
    if model is ColorModel.BGR:
        return image[:, :, ::-1]
    if model is ColorModel.BGRA:
        return image[:, :, [2, 1, 0, 3]]
    return image


def as_pil(buffer: Any, fmt: ImageFormat) -> Any:
    from PIL import Image as PILImage

    return PILImage.fromarray(pixels(buffer, fmt))


def encode(pil_image: Any, fmt: str, **options: Any) -> bytes:
    out = BytesIO()
    pil_image.save(out, format=fmt, **options)
    return out.getvalue()


def check_jpeg_compressible(fmt: ImageFormat) -> None:
    if fmt.color_model not in (ColorModel.L, ColorModel.RGB, ColorModel.BGR):
        raise ValueError(
            f"Cannot JPEG compress an image of type {fmt.color_model}. "
            "Only L (monochrome), RGB and BGR are supported."
        )
    if fmt.channel_datatype != ChannelDatatype.U8:
        raise ValueError(
            f"Cannot JPEG compress an image of datatype {fmt.channel_datatype}. Only U8 is supported."
        )
