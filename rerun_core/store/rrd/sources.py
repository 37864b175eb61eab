"""Byte sources for the streaming reader: paths, bytes, file objects, stdin, http(s) URLs.

Each source hands out exact-size reads and tracks the byte offset for error messages. Bytes
are served as zero-copy ``memoryview`` slices; files and streams are read piecewise, so a
corrupt length field can never make us allocate (or wait for) more than the data there is.
"""

from __future__ import annotations

import mmap
import os
import stat
import sys
import urllib.request
from pathlib import Path
from typing import BinaryIO, Protocol

from .errors import RrdError

_PIECE = 1 << 24  # largest single read from a stream of unknown length

RrdSource = str | os.PathLike[str] | bytes | bytearray | memoryview | BinaryIO


class ByteSource(Protocol):
    offset: int

    def read(self, n: int) -> bytes | memoryview:
        """Up to ``n`` bytes; fewer only at the end of the data."""
        ...

    def remaining(self) -> int | None:
        """Bytes left, when known."""
        ...

    def unread(self, data: bytes | memoryview) -> None: ...

    def close(self) -> None: ...


class BytesSource:
    def __init__(self, data: bytes | bytearray | memoryview | mmap.mmap) -> None:
        self._buf = memoryview(data).cast("B")
        self.offset = 0

    def read(self, n: int) -> memoryview:
        out = self._buf[self.offset : self.offset + n]
        self.offset += len(out)
        return out

    def remaining(self) -> int:
        return len(self._buf) - self.offset

    def unread(self, data: bytes | memoryview) -> None:
        self.offset -= len(data)

    def close(self) -> None:
        pass


class StreamSource:
    """A binary file object; ``size`` is its total length when known (regular files)."""

    def __init__(self, fileobj: BinaryIO, *, owned: bool, size: int | None = None) -> None:
        self._f = fileobj
        self._owned = owned
        self._size = size
        self._pushback = b""
        self.offset = 0

    def _read_some(self, n: int) -> bytes:
        chunk = self._f.read(n)
        return chunk if chunk else b""

    def read(self, n: int) -> bytes:
        parts: list[bytes] = []
        if self._pushback:
            parts.append(self._pushback[:n])
            self._pushback = self._pushback[n:]
            n -= len(parts[0])
        known = self.remaining()
        while n > 0:
            step = n if known is not None and n <= known else min(n, _PIECE)
            chunk = self._read_some(step)
            if not chunk:
                break
            parts.append(chunk)
            n -= len(chunk)
        out = parts[0] if len(parts) == 1 else b"".join(parts)
        self.offset += len(out)
        return out

    def remaining(self) -> int | None:
        return None if self._size is None else self._size - self.offset

    def unread(self, data: bytes | memoryview) -> None:
        self._pushback = bytes(data) + self._pushback
        self.offset -= len(data)

    def close(self) -> None:
        if self._owned:
            self._f.close()


def open_source(source: RrdSource) -> ByteSource:
    """Turn any accepted source into a ByteSource. Raises RrdError if it cannot be opened."""
    if isinstance(source, bytes | bytearray | memoryview):
        return BytesSource(source)
    if isinstance(source, str) and source == "-":
        return StreamSource(sys.stdin.buffer, owned=False)
    if isinstance(source, str) and source.startswith(("http://", "https://")):
        try:
            resp = urllib.request.urlopen(source, timeout=30)
        except OSError as exc:
            raise RrdError(f"cannot fetch {source}: {exc}") from None
        length = resp.headers.get("Content-Length")
        size = int(length) if length and length.isdigit() else None
        return StreamSource(resp, owned=True, size=size)
    if isinstance(source, str | os.PathLike):
        return _open_path(Path(source))
    if hasattr(source, "read"):
        return StreamSource(source, owned=False)
    raise TypeError(f"cannot read an .rrd from {type(source).__name__}")


def _open_path(path: Path) -> ByteSource:
    """Regular files are memory-mapped (no copy of the compressed bytes); others streamed."""
    try:
        f = path.open("rb")
    except OSError as exc:
        raise RrdError(f"cannot open {path}: {exc.strerror or exc}") from None
    try:
        st = os.fstat(f.fileno())
        if stat.S_ISREG(st.st_mode) and st.st_size > 0:
            # The map stays alive while Arrow buffers of uncompressed chunks point into it.
            mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
            f.close()
            return BytesSource(mapped)
    except (OSError, ValueError):
        pass
    return StreamSource(f, owned=True)
