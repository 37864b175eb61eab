"""Raw and encoded images, depth and segmentation images, tensors."""

from __future__ import annotations

import pathlib
from typing import Any

import numpy as np

from .._arch_base import Archetype, F
from .._arch_errors import builtin_kind, report
from ..components import MediaType
from ..encodings import ChannelDatatype, ColorModel, ImageFormat, TensorData
from ._pil import as_pil, check_jpeg_compressible, encode

_CHANNELS = {"l": 1, "rgb": 3, "bgr": 3, "rgba": 4, "bgra": 4}
_DRAW = (F("opacity", "Opacity"), F("draw_order", "DrawOrder"))
_IMAGE = (F("buffer", "ImageBuffer"), F("format", "ImageFormat"))


def to_numpy(image: Any) -> np.ndarray:
    """numpy, PIL images and torch-like tensors (`.numpy(force=True)`) as a numpy array."""
    if isinstance(image, np.ndarray):
        return image
    numpy_fn = getattr(image, "numpy", None)
    if callable(numpy_fn):
        try:
            return np.asarray(numpy_fn(force=True))
        except TypeError:
            return np.asarray(numpy_fn())
    return np.asarray(image)


def _squeezed_shape(image: np.ndarray) -> tuple[int, ...]:
    """Shape without leading/trailing unit dimensions (keeping at least two)."""
    shape = tuple(image.shape)
    while len(shape) > 2 and shape[0] == 1:
        shape = shape[1:]
    while len(shape) > 2 and shape[-1] == 1:
        shape = shape[:-1]
    return shape


def _datatype(dtype: Any, what: str) -> ChannelDatatype:
    try:
        return ChannelDatatype.from_np_dtype(dtype)
    except TypeError as err:
        raise ValueError(f"Unsupported dtype {np.dtype(dtype)} for {what}") from err


class Image(Archetype):
    """A raw image: numpy array (H, W[, C]) or raw bytes with an explicit format."""

    _FIELDS = (*_IMAGE, *_DRAW, F("magnification_filter", "MagnificationFilter"))

    def __init__(
        self,
        image: Any = None,
        color_model: Any = None,
        *,
        pixel_format: Any = None,
        datatype: Any = None,
        bytes: Any = None,
        width: int | None = None,
        height: int | None = None,
        opacity: Any = None,
        draw_order: Any = None,
        magnification_filter: Any = None,
    ) -> None:
        # As 0.41, bad arguments and shapes raise even outside strict mode; only a channel count,
        # color model or dtype it cannot name warns (raises when strict), and the image is kept.
        style = dict(opacity=opacity, draw_order=draw_order, magnification_filter=magnification_filter)
        if bytes is not None:
            buffer, fmt = _from_bytes(bytes, width, height, pixel_format, color_model, datatype)
        elif image is None:
            raise ValueError("Must specify either 'image' or 'bytes'")
        else:
            buffer, fmt = _from_array(to_numpy(image), color_model, datatype, width, height)
        self._set(dict(buffer=buffer, format=fmt, **style))

    def image_format(self) -> ImageFormat:
        """The format this image was logged with."""
        return _logged_format(self)

    def as_pil_image(self) -> Any:
        """The image as a `PIL.Image` (needs Pillow)."""
        return as_pil(self.buffer, self.image_format())  # type: ignore[attr-defined]

    def compress(self, jpeg_quality: int = 95) -> EncodedImage | Image:
        """A JPEG `EncodedImage` of this (L, RGB or BGR, uint8) image; on failure, the image itself."""
        try:
            fmt = self.image_format()
            check_jpeg_compressible(fmt)
            jpeg = encode(self.as_pil_image(), "JPEG", quality=jpeg_quality)
        except ValueError as err:
            report(ValueError(f"Image compression: {err}"))
            return self
        return EncodedImage(contents=jpeg, media_type="image/jpeg")


def _logged_format(image: Archetype) -> ImageFormat:
    fmt = image.format  # type: ignore[attr-defined]
    if fmt is None or image.buffer is None:  # type: ignore[attr-defined]
        raise ValueError("the image has no buffer or format")
    row = fmt.as_arrow_array()[0].as_py()
    return ImageFormat(
        row["width"],
        row["height"],
        pixel_format=row["pixel_format"],
        color_model=row["color_model"],
        channel_datatype=row["channel_datatype"],
    )


def _from_bytes(
    data: Any, width: int | None, height: int | None, pixel_format: Any, color_model: Any, datatype: Any
) -> tuple[bytes, ImageFormat]:
    if isinstance(data, np.ndarray):
        data = data.tobytes()
    if width is None or height is None:
        raise ValueError("Specifying 'bytes' requires 'width' and 'height'")
    if pixel_format is not None:
        if datatype is not None:
            raise ValueError("Specifying 'datatype' is mutually exclusive with 'pixel_format'")
        if color_model is not None:
            raise ValueError("Specifying 'color_model' is mutually exclusive with 'pixel_format'")
        return data, ImageFormat(width, height, pixel_format=pixel_format)
    if datatype is None or color_model is None:
        raise ValueError("Specifying 'bytes' requires 'pixel_format' or both 'color_model' and 'datatype'")
    if isinstance(datatype, type) or isinstance(datatype, np.dtype):
        datatype = ChannelDatatype.from_np_dtype(datatype)
    return data, ImageFormat(width, height, channel_datatype=datatype, color_model=color_model)


def _from_array(
    image: np.ndarray, color_model: Any, datatype: Any, width: int | None, height: int | None
) -> tuple[bytes, ImageFormat]:
    shape = _squeezed_shape(image)
    if len(shape) == 2:
        (h, w), channels = shape, 1
    elif len(shape) == 3:
        h, w, channels = shape
    else:
        raise ValueError(f"Expected a 2D or 3D tensor, got {shape}")
    if width is not None and width != w:
        raise ValueError(f"Provided width {width} does not match image width {w}")
    if height is not None and height != h:
        raise ValueError(f"Provided height {height} does not match image height {h}")
    if color_model is None:
        color_model = {1: ColorModel.L, 3: ColorModel.RGB, 4: ColorModel.RGBA}.get(channels)
        if color_model is None:
            report(ValueError(f"Expected 1, 3, or 4 channels; got {channels}"))
    else:
        name = color_model.name if isinstance(color_model, ColorModel) else str(color_model)
        expected = _CHANNELS.get(name.lower())
        if expected is None:
            report(ValueError(f"Unknown ColorModel: '{color_model}'"))
        elif channels != expected:
            report(ValueError(f"Expected {expected} channels for {color_model}; got {channels} channels"))
    try:
        datatype = ChannelDatatype.from_np_dtype(image.dtype)
    except TypeError:
        report(ValueError(f"Unsupported dtype {image.dtype} for Image"))  # 0.41 keeps the given datatype
    fmt = ImageFormat(w, h, channel_datatype=datatype, color_model=color_model)
    return image.tobytes(), fmt


def _single_channel(image: Any, what: str) -> tuple[bytes, ImageFormat]:
    arr = to_numpy(image)
    shape = _squeezed_shape(arr)
    if len(shape) != 2:
        raise ValueError(f"{what} must be 2D, got shape {arr.shape}")
    h, w = shape
    return np.ascontiguousarray(arr).tobytes(), ImageFormat(w, h, channel_datatype=_datatype(arr.dtype, what))


class DepthImage(Archetype):
    """A depth image: one distance per pixel, `meter` units per meter."""

    _FIELDS = (
        *_IMAGE,
        F("meter", "DepthMeter"),
        F("colormap", "Colormap"),
        F("depth_range", "ValueRange"),
        F("point_fill_ratio", "FillRatio"),
        F("draw_order", "DrawOrder"),
        F("magnification_filter", "MagnificationFilter"),
    )

    def __init__(
        self,
        image: Any,
        *,
        meter: Any = None,
        colormap: Any = None,
        depth_range: Any = None,
        point_fill_ratio: Any = None,
        draw_order: Any = None,
        magnification_filter: Any = None,
    ) -> None:
        buffer, fmt = _single_channel(
            image, "DepthImage"
        )  # its errors raise, even outside strict mode (0.41)
        values = dict(buffer=buffer, format=fmt, meter=meter, colormap=colormap, depth_range=depth_range)
        values.update(
            point_fill_ratio=point_fill_ratio,
            draw_order=draw_order,
            magnification_filter=magnification_filter,
        )
        self._set(values)

    def image_format(self) -> ImageFormat:
        return _logged_format(self)

    def as_pil_image(self) -> Any:
        return as_pil(self.buffer, self.image_format())  # type: ignore[attr-defined]

    def compress(self, compress_level: int = 6) -> EncodedDepthImage | DepthImage:
        """A PNG `EncodedDepthImage` (U8/U16 depth only) keeping meter, colormap and the rest."""
        try:
            fmt = self.image_format()
            if fmt.channel_datatype not in (ChannelDatatype.U8, ChannelDatatype.U16):
                raise ValueError(
                    f"Cannot PNG compress a depth image of datatype {fmt.channel_datatype}. "
                    "Only U8 and U16 are supported."
                )
            png = encode(self.as_pil_image(), "PNG", compress_level=compress_level)
        except ValueError as err:
            report(ValueError(f"DepthImage compression: {err}"))
            return self
        keep = ("meter", "colormap", "depth_range", "point_fill_ratio", "draw_order", "magnification_filter")
        extra = {k: getattr(self, k) for k in keep if getattr(self, k) is not None}
        return EncodedDepthImage(png, media_type="image/png", **extra)


class SegmentationImage(Archetype):
    """An image of class ids, colored through the annotation context."""

    _FIELDS = (*_IMAGE, *_DRAW)

    def __init__(self, image: Any, *, opacity: Any = None, draw_order: Any = None) -> None:
        buffer, fmt = _single_channel(
            image, "SegmentationImage"
        )  # its errors raise, even outside strict mode (0.41)
        self._set(dict(buffer=buffer, format=fmt, opacity=opacity, draw_order=draw_order))


def _path_or_contents(path: Any, contents: Any, media_type: Any) -> tuple[Any, Any]:
    """The blob and media type from exactly one of a file path or in-memory contents."""
    if (path is None) == (contents is None):
        raise ValueError("Must provide exactly one of 'path' or 'contents'")
    if path is not None:
        blob = pathlib.Path(path).read_bytes()
        return blob, media_type if media_type is not None else MediaType.guess_from_path(path)
    if hasattr(contents, "read"):
        contents = contents.read()
    return contents, media_type


class EncodedImage(Archetype):
    """An image in a compressed format (PNG, JPEG, ...), decoded by the viewer."""

    _FIELDS = (
        F("blob", "Blob"),
        F("media_type", "MediaType"),
        *_DRAW,
        F("magnification_filter", "MagnificationFilter"),
    )

    def __init__(
        self,
        *,
        path: Any = None,
        contents: Any = None,
        media_type: Any = None,
        opacity: Any = None,
        draw_order: Any = None,
        magnification_filter: Any = None,
    ) -> None:
        try:
            blob, media_type = _path_or_contents(path, contents, media_type)
            if path is None and media_type is None:
                raise ValueError("Must provide 'media_type' when 'contents' is provided")
        except (ValueError, OSError) as err:
            self._fail(str(err), kind=builtin_kind(err))  # a missing file is a FileNotFoundError, as 0.41
            return
        values = dict(blob=blob, media_type=media_type, opacity=opacity, draw_order=draw_order)
        self._set(dict(values, magnification_filter=magnification_filter))


class EncodedDepthImage(Archetype):
    """A depth image in a compressed format."""

    _FIELDS = (
        F("blob", "Blob", pos=True, req=True),
        F("media_type", "MediaType"),
        F("meter", "DepthMeter"),
        F("colormap", "Colormap"),
        F("depth_range", "ValueRange"),
        F("point_fill_ratio", "FillRatio"),
        F("draw_order", "DrawOrder"),
        F("magnification_filter", "MagnificationFilter"),
    )


class Tensor(Archetype):
    """An n-dimensional array with optional dimension names."""

    _FIELDS = (F("data", "TensorData"), F("value_range", "ValueRange"))

    def __init__(self, data: Any = None, *, dim_names: Any = None, value_range: Any = None) -> None:
        try:
            if not isinstance(data, TensorData):
                array = None if data is None else to_numpy(data)
                data = TensorData(array=array, dim_names=dim_names)
            elif dim_names is not None:  # as 0.41: a buffer without its shape (this always fails)
                data = TensorData(buffer=data.buffer, dim_names=dim_names)
        except (ValueError, TypeError) as err:
            self._fail(str(err))
            return
        self._set(dict(data=data, value_range=value_range))


class GridMap(Archetype):
    """A 2D occupancy/cost grid placed in 3D."""

    _FIELDS = (
        F("data", "ImageBuffer", req=True),
        F("format", "ImageFormat", req=True),
        F("cell_size", "CellSize", req=True),
        F("translation", "Translation3D"),
        F("rotation_axis_angle", "RotationAxisAngle"),
        F("quaternion", "RotationQuat"),
        *_DRAW,
        F("colormap", "Colormap"),
    )


class Volume3D(Archetype):
    """A dense 3D volume of values."""

    _FIELDS = (
        F("values", "TensorData", pos=True, req=True),
        F("voxel_size", "VoxelSize"),
        F("translation", "Translation3D"),
        F("quaternion", "RotationQuat"),
        F("value_range", "ValueRange"),
        F("gamma", "GammaCorrection"),
        F("colormap", "Colormap"),
        F("optical_density", "OpticalDensity"),
    )


class VoxelGridMap(Archetype):
    """A sparse grid of voxels."""

    _FIELDS = (
        F("voxel_indices", "VoxelIndex", pos=True, req=True),
        F("voxel_size", "VoxelSize", pos=True, req=True),
        F("values", "VoxelValue"),
        F("colors", "Color"),
        F("translation", "Translation3D"),
        F("rotation_axis_angle", "RotationAxisAngle"),
        F("quaternion", "RotationQuat"),
        F("opacity", "Opacity"),
        F("value_range", "ValueRange"),
        F("colormap", "Colormap"),
    )
