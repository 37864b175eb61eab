"""Image and tensor descriptions: pixel layouts, channel datatypes and the TensorData struct."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from .._arch_errors import report
from .._converters import enum_value, nn


class _AutoEnum(enum.Enum):
    """Enums that accept themselves, their int value or their name (any case)."""

    @classmethod
    def auto(cls, val: Any) -> Any:
        return enum_value(cls, val)

    def __str__(self) -> str:
        return self.name

    # Used when the enum is a component (its class then has a `_BATCH_TYPE`).
    def as_arrow_array(self) -> Any:
        return type(self)._BATCH_TYPE._CONVERT(self)  # type: ignore[attr-defined]

    def _native(self) -> Any:
        return self

    @classmethod
    def component_type(cls) -> str:
        return cls._BATCH_TYPE._COMPONENT_TYPE  # type: ignore[attr-defined, no-any-return]

    @classmethod
    def arrow_type(cls) -> Any:
        return cls._BATCH_TYPE._ARROW_DATATYPE  # type: ignore[attr-defined]


class ColorModel(_AutoEnum):
    """How channels map to color."""

    L = 1
    RGB = 2
    RGBA = 3
    BGR = 4
    BGRA = 5

    def num_channels(self) -> int:
        return {1: 1, 2: 3, 3: 4, 4: 3, 5: 4}[self.value]


class PixelFormat(_AutoEnum):
    """Chroma-subsampled or Bayer layouts that a (ColorModel, ChannelDatatype) pair can't express."""

    Y_U_V12_LimitedRange = 20
    NV12 = 26
    YUY2 = 27
    Y8_FullRange = 30
    Y_U_V24_LimitedRange = 39
    Y_U_V24_FullRange = 40
    Y8_LimitedRange = 41
    Y_U_V12_FullRange = 44
    Y_U_V16_LimitedRange = 49
    Y_U_V16_FullRange = 50
    BayerRGGB8 = 128
    BayerBGGR8 = 129
    BayerGBRG8 = 130
    BayerGRBG8 = 131


class ChannelDatatype(_AutoEnum):
    """The numeric type of one image channel."""

    U8 = 6
    I8 = 7
    U16 = 8
    I16 = 9
    U32 = 10
    I32 = 11
    U64 = 12
    I64 = 13
    F16 = 33
    F32 = 34
    F64 = 35

    @classmethod
    def from_np_dtype(cls, dtype: Any) -> ChannelDatatype:
        kind = np.dtype(dtype)
        for member in cls:
            if np.dtype(_NP_NAMES[member.name]) == kind:
                return member
        raise TypeError(f"unsupported image channel dtype {kind}")

    def to_np_dtype(self) -> type:
        return np.dtype(_NP_NAMES[self.name]).type

    def bits(self) -> int:
        return int(np.dtype(_NP_NAMES[self.name]).itemsize * 8)


_NP_NAMES = {
    "U8": "uint8",
    "I8": "int8",
    "U16": "uint16",
    "I16": "int16",
    "U32": "uint32",
    "I32": "int32",
    "U64": "uint64",
    "I64": "int64",
    "F16": "float16",
    "F32": "float32",
    "F64": "float64",
}


class ViewDir(_AutoEnum):
    """One axis direction of a view coordinate system."""

    Up = 1
    Down = 2
    Right = 3
    Left = 4
    Forward = 5
    Back = 6


IMAGE_FORMAT_TYPE = pa.struct(
    [
        pa.field("width", pa.uint32(), nullable=False),
        pa.field("height", pa.uint32(), nullable=False),
        ("pixel_format", pa.uint8()),
        ("color_model", pa.uint8()),
        ("channel_datatype", pa.uint8()),
    ]
)


class ImageFormat:
    """Width, height and pixel layout of an image buffer."""

    def __init__(
        self,
        width: int,
        height: int,
        *,
        pixel_format: Any = None,
        color_model: Any = None,
        channel_datatype: Any = None,
    ) -> None:
        self.width = int(width)
        self.height = int(height)
        self.pixel_format = None if pixel_format is None else PixelFormat.auto(pixel_format)
        self.color_model = None if color_model is None else ColorModel.auto(color_model)
        self.channel_datatype = None if channel_datatype is None else ChannelDatatype.auto(channel_datatype)

    def row(self) -> dict[str, Any]:
        def val(x: enum.Enum | None) -> int | None:
            return None if x is None else int(x.value)

        return {
            "width": self.width,
            "height": self.height,
            "pixel_format": val(self.pixel_format),
            "color_model": val(self.color_model),
            "channel_datatype": val(self.channel_datatype),
        }


def image_format_array(data: Any) -> pa.Array:
    """One ImageFormat or a sequence of them. As 0.41: anything else is iterated (TypeError when
    it can't be) and each item read through its attributes (AttributeError when it has none)."""
    items = [data] if isinstance(data, ImageFormat) else data
    return pa.array([_image_format(x).row() for x in items], type=IMAGE_FORMAT_TYPE)


def _image_format(item: Any) -> ImageFormat:
    if isinstance(item, ImageFormat):
        return item
    return ImageFormat(
        item.width,
        item.height,
        pixel_format=item.pixel_format,
        color_model=item.color_model,
        channel_datatype=item.channel_datatype,
    )


# --- tensors ------------------------------------------------------------------------------

_BUFFER_KINDS = [
    ("U8", pa.uint8()),
    ("U16", pa.uint16()),
    ("U32", pa.uint32()),
    ("U64", pa.uint64()),
    ("I8", pa.int8()),
    ("I16", pa.int16()),
    ("I32", pa.int32()),
    ("I64", pa.int64()),
    ("F16", pa.float16()),
    ("F32", pa.float32()),
    ("F64", pa.float64()),
]
_BUFFER_FIELDS = [pa.field("_null_markers", pa.null())] + [
    pa.field(name, pa.list_(nn(t)), nullable=False) for name, t in _BUFFER_KINDS
]
TENSOR_BUFFER_TYPE = pa.union(_BUFFER_FIELDS, mode="dense", type_codes=list(range(12)))
TENSOR_DATA_TYPE = pa.struct(
    [
        pa.field("shape", pa.list_(nn(pa.uint64())), nullable=False),
        ("names", pa.list_(nn(pa.utf8()))),
        ("buffer", TENSOR_BUFFER_TYPE),
    ]
)


class TensorData:
    """An n-dimensional array with optional dimension names."""

    def __init__(
        self,
        *,
        shape: Sequence[int] | None = None,
        buffer: npt.ArrayLike | None = None,
        array: npt.ArrayLike | None = None,
        dim_names: Sequence[str] | None = None,
    ) -> None:
        # 0.41's argument rules: exactly one of array and buffer; a buffer needs a shape, which an
        # array does not (one that disagrees with it warns and is ignored).
        if array is None and buffer is None:
            raise ValueError("Must provide one of 'array' or 'buffer'")
        if array is not None and buffer is not None:
            raise ValueError("Can only provide one of 'array' or 'buffer'")
        if buffer is not None and shape is None:
            raise ValueError("If 'buffer' is provided, 'shape' is also required")
        names = None
        if array is not None:
            arr = _to_numpy(array)
            if shape and tuple(shape) != arr.shape:
                report(
                    ValueError(
                        f"Provided array ({arr.shape}) does not match shape argument ({tuple(shape)}). "
                        "Ignoring shape argument."
                    )
                )
        else:
            flat = np.asarray(buffer).reshape(-1)
            dims = [int(d) for d in shape or ()]
            if flat.size != int(np.prod(dims)):
                raise ValueError(
                    f"Shape and buffer size do not match. {flat.size} {dims}->{int(np.prod(dims))}"
                )
            arr = flat.reshape(dims)
        self.array = arr  # any dtype, as 0.41: one without a tensor buffer kind fails when logged
        if dim_names:
            if len(dim_names) == arr.ndim:
                names = [str(n) for n in dim_names]
            else:  # as 0.41: warns (raises when strict) and keeps the tensor without names
                report(
                    ValueError(
                        f"len(shape) = {arr.ndim} != len(dim_names) = {len(dim_names)}. "
                        "Ignoring tensor dimension names."
                    )
                )
        self.names = names

    @property
    def shape(self) -> np.ndarray:
        """The dimensions, as 0.41 stores them (uint64 array)."""
        return np.asarray(self.array.shape, dtype=np.uint64)

    @property
    def buffer(self) -> Any:
        """The elements as a flat `TensorBuffer` (0.41's stored field)."""
        from ._extra import TensorBuffer

        return TensorBuffer(self.array)

    def numpy(self, force: bool) -> np.ndarray:
        """The tensor as a numpy array of its shape (`force` is unused, as in 0.41)."""
        return self.array


def _to_numpy(data: Any) -> np.ndarray:
    """An array from array-likes, or from torch-like tensors through `.numpy(force=True)`."""
    if isinstance(data, np.ndarray):
        return data
    try:
        return np.asarray(data.numpy(force=True))
    except AttributeError:
        return np.asarray(data)


def _buffer_index(array: np.ndarray) -> int:
    for i, (name, _) in enumerate(_BUFFER_KINDS):
        if np.dtype(_NP_NAMES[name]) == array.dtype:
            return i + 1
    # As 0.41: the values go to Arrow first (ArrowInvalid for objects it cannot hold), then the
    # dtype without a buffer kind (bool, strings, objects) fails its assertion.
    pa.array(array.ravel())
    raise AssertionError(f"unsupported tensor dtype {array.dtype}")


def tensor_data_array(data: Any) -> pa.Array:
    """TensorData component, read as 0.41 reads it: always one tensor (a sequence starting with
    a TensorData must hold just that one; anything else, `[]` included, is an array)."""
    if isinstance(data, Sequence) and len(data) and isinstance(data[0], TensorData):
        if len(data) > 1:
            raise ValueError("Tensors do not support batches")
        data = data[0]
    tensors = [data if isinstance(data, TensorData) else TensorData(array=_to_numpy(data))]
    codes = np.array([_buffer_index(t.array) for t in tensors], dtype=np.int8)
    offsets = np.zeros(len(tensors), dtype=np.int32)
    children: list[pa.Array] = [pa.nulls(0)]
    for code, (_, item) in enumerate(_BUFFER_KINDS, start=1):
        chosen = [t for t, c in zip(tensors, codes) if c == code]
        for j, idx in enumerate(i for i, c in enumerate(codes) if c == code):
            offsets[idx] = j
        lists = [pa.array(np.ascontiguousarray(t.array).ravel(), type=item) for t in chosen]
        lens = np.concatenate([[0], np.cumsum([len(x) for x in lists])]).astype(np.int32)
        flat = pa.concat_arrays(lists) if lists else pa.array([], type=item)
        children.append(pa.ListArray.from_arrays(pa.array(lens), flat, type=pa.list_(nn(item))))
    buffer = pa.UnionArray.from_buffers(
        TENSOR_BUFFER_TYPE,
        len(tensors),
        [None, pa.py_buffer(codes.tobytes()), pa.py_buffer(offsets.tobytes())],
        children=children,
    )
    shapes = pa.array([list(t.shape) for t in tensors], type=pa.list_(nn(pa.uint64())))
    names = pa.array([t.names for t in tensors], type=pa.list_(nn(pa.utf8())))
    return pa.StructArray.from_arrays([shapes, names, buffer], fields=list(TENSOR_DATA_TYPE))


tensor_data_array.converts_empty_list = True  # type: ignore[attr-defined]  # `[]` is a tensor of shape (0,)
