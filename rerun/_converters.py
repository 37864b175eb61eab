"""Turn user input (numpy arrays, lists, scalars, strings, enums) into flat Arrow arrays.

Every converter takes the raw user value and returns a `pa.Array` with one element per
instance. Conversion problems raise `TypeError`/`ValueError` with a message that says what was
expected; the archetype layer prefixes the argument name.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import pyarrow as pa

Converter = Callable[[Any], pa.Array]
E = TypeVar("E", bound=enum.Enum)


def nn(item: pa.DataType) -> pa.Field:
    """A non-nullable list item field, as Rerun declares them."""
    return pa.field("item", item, nullable=False)


def fixed_list(item: pa.DataType, n: int) -> pa.DataType:
    return pa.list_(nn(item), n)


def var_list(item: pa.DataType) -> pa.DataType:
    return pa.list_(nn(item))


BLOB = var_list(pa.uint8())


def describe(data: Any) -> str:
    """A short description of a bad value for error messages."""
    if isinstance(data, np.ndarray):
        return f"array of dtype {data.dtype} and shape {data.shape}"
    text = repr(data)
    return f"{type(data).__name__} {text[:60]}{'...' if len(text) > 60 else ''}"


def as_numeric(data: Any, dtype: npt.DTypeLike | None) -> np.ndarray:
    """`np.asarray` with a clear error for non-numeric input."""
    if isinstance(data, (str, bytes)):
        raise ValueError(f"expected numbers, got {describe(data)}")
    try:
        arr = np.asarray(data, dtype=dtype)
    except (TypeError, ValueError) as err:  # keep numpy's kind, as rerun-sdk does
        raise type(err)(f"expected numbers, got {describe(data)}") from err
    return arr


def scalars(dtype: npt.DTypeLike, arrow: pa.DataType) -> Converter:
    """One number per instance; any shape is flattened."""

    def convert(data: Any) -> pa.Array:
        return pa.array(as_numeric(data, dtype).ravel(), type=arrow)

    convert.numpy_dtype = np.dtype(dtype)  # type: ignore[attr-defined]
    return convert


def vectors(dtype: npt.DTypeLike, item: pa.DataType, n: int) -> Converter:
    """`n` numbers per instance: shape (n,), (N, n) or anything with a multiple of n values."""
    arrow = fixed_list(item, n)

    def convert(data: Any) -> pa.Array:
        arr = as_numeric(data, dtype)
        if arr.size % n != 0 or (arr.ndim > 1 and arr.shape[-1] != n and arr.size):
            # As 0.41: flat with a multiple of n values, or rows of exactly n ((N, 3) is no 2D list).
            raise ValueError(f"expected {n} values per instance (shape (N, {n})), got shape {arr.shape}")
        values = pa.array(np.ascontiguousarray(arr).ravel(), type=item)
        return pa.FixedSizeListArray.from_arrays(values, type=arrow)

    return convert


def texts(data: Any) -> pa.Array:
    """Strings: one `str`, or a sequence/array of them."""
    if isinstance(data, str):
        return pa.array([data], type=pa.utf8())
    if isinstance(data, np.ndarray):
        if data.ndim > 1:  # pyarrow (what 0.41 hands arrays to) takes one dimension only
            raise pa.ArrowInvalid("only handle 1-dimensional arrays")
        if data.dtype.kind not in "USO":  # numbers are no text in 0.41 either (pyarrow refuses)
            return pa.array(data.ravel(), type=pa.utf8())
        return pa.array([str(x) for x in data.ravel()], type=pa.utf8())
    if isinstance(data, Sequence):
        return pa.array([str(x) for x in data], type=pa.utf8())
    return pa.array([str(data)], type=pa.utf8())


def bools(data: Any) -> pa.Array:
    if isinstance(data, str):
        return pa.array([bool(data)], type=pa.bool_())  # truthiness, as 0.41
    return pa.array(np.asarray(data, dtype=bool).ravel(), type=pa.bool_())


def blobs(data: Any) -> pa.Array:
    """Binary blobs, read the way 0.41 reads them.

    A numpy array is one blob when 1-D, else one blob per row; `bytes` or a readable file is one
    blob; any other sequence is one blob per item (a `bytes` item as its bytes, a `Blob` value as
    its data, anything else through ``np.array(item, dtype=uint8)``, so ``[1, 2]`` is two
    one-byte blobs and ``[300]`` overflows); anything else must carry ``.data`` (a `Blob`), so a
    lone number raises AttributeError as in 0.41.
    """
    if isinstance(data, np.ndarray):
        if len(data) == 0:  # a 0-d array has no len(): TypeError, as 0.41
            return _blob_list([], np.zeros(0, np.uint8))
        flat = np.array(data, dtype=np.uint8).reshape(-1)
        lengths = [flat.size] if data.ndim == 1 else [len(row) for row in data]
        return _blob_list(lengths, flat)
    if isinstance(data, bytes):
        parts = [np.frombuffer(data, dtype=np.uint8)]
    elif (read := getattr(data, "read", None)) is not None:
        parts = [np.frombuffer(read(), dtype=np.uint8)]
    elif isinstance(data, Sequence):
        if len(data) == 0:
            parts = []
        elif _is_blob_value(data[0]):
            parts = [blob_bytes(item.data).reshape(-1) for item in data]
        elif isinstance(data[0], bytes):
            parts = [np.frombuffer(item, dtype=np.uint8) for item in data]
        else:
            parts = [_uint8s(item) for item in data]
    else:
        parts = [blob_bytes(data.data).reshape(-1)]
    flat = np.concatenate(parts) if parts else np.zeros(0, np.uint8)
    return _blob_list([len(part) for part in parts], flat)


def blob_bytes(value: Any) -> np.ndarray:
    """One blob's bytes as 0.41's `Blob` value stores them: `bytes` (or a sequence of `bytes`,
    joined) as they are, anything else through ``np.asarray(value, dtype=uint8)``."""
    if isinstance(value, bytes):
        return np.frombuffer(value, dtype=np.uint8)
    if isinstance(value, Sequence) and len(value) and isinstance(value[0], bytes):
        return np.frombuffer(b"".join(value), dtype=np.uint8)
    return np.asarray(value, dtype=np.uint8)


class BlobValue:
    """A single blob (0.41's `Blob` value): logs as one blob however its bytes are shaped."""

    def __init__(self, data: Any) -> None:
        self.data = blob_bytes(data)


def _uint8s(value: Any) -> np.ndarray:
    return np.array(value, dtype=np.uint8).reshape(-1)


def _is_blob_value(value: Any) -> bool:
    """A `rerun.encodings.Blob`-like value: its bytes are its ``.data``."""
    return hasattr(value, "data") and not isinstance(value, (np.ndarray, np.generic, memoryview, Sequence))


def _blob_list(lengths: Sequence[int], flat: np.ndarray) -> pa.Array:
    offsets = np.zeros(len(lengths) + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    return pa.ListArray.from_arrays(pa.array(offsets), pa.array(flat, type=pa.uint8()), type=BLOB)


# --- colors -------------------------------------------------------------------------------


def _pack_rgba(arr: np.ndarray) -> np.ndarray:
    """(N, 3|4) uint8 -> packed 0xRRGGBBAA uint32 (alpha 255 when absent)."""
    if arr.ndim != 2 or arr.shape[1] not in (3, 4):
        raise ValueError(f"expected colors of shape (N, 3) or (N, 4), got shape {arr.shape}")
    a = arr.astype(np.uint32)
    alpha = a[:, 3] if a.shape[1] == 4 else np.uint32(255)
    return (a[:, 0] << 24) | (a[:, 1] << 16) | (a[:, 2] << 8) | alpha


def _channels_to_u8(arr: np.ndarray) -> np.ndarray:
    if np.issubdtype(arr.dtype, np.floating):
        return np.round(arr * 255.0).astype(np.uint8)
    return arr.astype(np.uint8)


def colors(data: Any) -> pa.Array:
    """Colors as packed uint32 RGBA: ints 0xRRGGBBAA, RGB(A) uint8 0..255 or float 0..1."""
    if isinstance(data, (int, np.integer)) and not isinstance(data, bool):
        if not 0 <= int(data) <= 0xFFFFFFFF:
            raise pa.ArrowInvalid(f"Integer value {int(data)} not in range: 0 to 4294967295")
        return pa.array([int(data)], type=pa.uint32())
    if isinstance(data, (float, np.floating)):  # one number that is no packed color (0.41 iterates it)
        raise TypeError(f"'{type(data).__name__}' object is not iterable")
    if isinstance(data, (Sequence, Mapping)) and not isinstance(data, str):
        for x in data:
            if isinstance(x, str):  # a name where channels go: a row of the wrong length in 0.41
                raise ValueError(f"expected sequence of length of 3 or 4, received {len(x)}")
    if (
        isinstance(data, Sequence)
        and not isinstance(data, str)
        and len(data) not in (3, 4)
        and data
        and all(isinstance(x, float) for x in data)
    ):  # packed colors given as floats, as 0.41 reads them (int() of each)
        return pa.array([int(x) for x in data], type=pa.uint32())
    if hasattr(data, "__int__") and not isinstance(data, (np.ndarray, float, np.floating)):
        return pa.array([int(data)], type=pa.uint32())
    if isinstance(data, Sequence) and not isinstance(data, str) and len(data) == 0:
        return pa.array([], type=pa.uint32())
    if isinstance(data, Sequence) and not isinstance(data, str) and any(_is_color_obj(x) for x in data):
        return pa.array([int(colors(x)[0].as_py()) for x in data], type=pa.uint32())
    if isinstance(data, np.ndarray):
        arr = data.squeeze()
    else:
        try:
            arr = as_numeric(data, None).squeeze()
        except (TypeError, ValueError):
            if isinstance(data, Sequence) and not isinstance(data, str):
                # Ragged input, e.g. a mix of RGB and RGBA rows: one color per item.
                for x in data:
                    if isinstance(x, Sequence) and len(x) not in (3, 4):
                        raise ValueError(
                            f"expected sequence of length of 3 or 4, received {len(x)}"
                        ) from None
                return pa.concat_arrays([colors(x) for x in data])
            raise
    if arr.dtype == object or arr.dtype.kind not in "uifb":
        raise TypeError(f"expected colors (RGB/RGBA numbers or 0xRRGGBBAA ints), got {describe(data)}")
    if arr.ndim <= 1:
        if arr.dtype == np.uint32:
            return pa.array(arr.ravel(), type=pa.uint32())
        if arr.dtype not in (np.uint8, np.float32, np.float64):
            if arr.size not in (3, 4) or np.max(arr) >= 256:
                if arr.size in (3, 4):  # 3 or 4 ints, one >= 256: packed colors, but 0.41 warns
                    _warn_ambiguous(arr.size)
                return pa.array(arr.astype(np.uint32).ravel(), type=pa.uint32())
            arr = arr.reshape(1, -1)
        elif arr.size > 4:
            arr = arr.reshape(-1, 4)
        else:
            arr = arr.reshape(1, -1)
    elif arr.dtype == np.uint32:
        return pa.array(arr.ravel(), type=pa.uint32())
    if arr.size == 0:
        return pa.array([], type=pa.uint32())
    return pa.array(_pack_rgba(_channels_to_u8(arr.reshape(-1, arr.shape[-1]))), type=pa.uint32())


def _warn_ambiguous(size: int) -> None:
    import os
    import sys
    import warnings

    from ._errors import RerunWarning

    package = os.path.dirname(__file__)
    frame, level = sys._getframe(0), 1
    while frame is not None and frame.f_code.co_filename.startswith(package):
        frame, level = frame.f_back, level + 1  # type: ignore[assignment]
    warnings.warn(
        f"Ambiguous input for colors of length {size}. "
        "If using 0xRRGGBBAA values, please wrap as np.array with dtype=np.uint32",
        RerunWarning,
        stacklevel=level,  # the user's line
    )


def _is_color_obj(x: Any) -> bool:
    return hasattr(x, "__int__") and not isinstance(x, (int, float, np.number, np.ndarray))


# --- enums --------------------------------------------------------------------------------


def enum_value(cls: type[E], val: Any) -> E:
    """An enum member from itself, its int value or its (case-insensitive) name."""
    if isinstance(val, cls):
        return val
    if isinstance(val, (int, np.integer)):  # True is 1, as in 0.41
        try:
            return cls(int(val))
        except ValueError:
            pass
    elif isinstance(val, str):
        key = val.replace("_", "").lower()
        for member in cls:
            if member.name.replace("_", "").lower() == key:
                return member
    names = ", ".join(m.name for m in cls)
    message = f"cannot convert {val!r} to {cls.__name__} (one of: {names})"
    if isinstance(val, (str, int)):
        raise ValueError(message)
    try:
        hash(val)
    except TypeError:
        raise _EnumTypeError(message) from None  # 0.41 looks lists / arrays up first: unhashable
    raise _EnumAttributeError(message)  # and takes anything else for a name (no `.lower()`)


class _EnumTypeError(TypeError, ValueError):
    """Reported as TypeError, as 0.41 raises for these; still a ValueError for our callers."""


class _EnumAttributeError(AttributeError, ValueError):
    """Reported as AttributeError, as 0.41 raises for these; still a ValueError for our callers."""


def enums(cls: type[enum.Enum], arrow: pa.DataType) -> Converter:
    def convert(data: Any) -> pa.Array:
        items = [data] if isinstance(data, (str, int, enum.Enum, np.integer)) else list(data)
        return pa.array([enum_value(cls, x).value for x in items], type=arrow)

    return convert


def structs(
    arrow: pa.StructType, to_row: Callable[[Any], dict[str, Any]], is_single: Callable[[Any], bool]
) -> Converter:
    """Struct components from objects: `to_row` gives one dict per instance."""

    def convert(data: Any) -> pa.Array:
        items = [data] if is_single(data) else list(data)
        return pa.array([to_row(x) for x in items], type=arrow)

    return convert
