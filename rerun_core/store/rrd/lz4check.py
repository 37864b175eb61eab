"""A strict walk over a raw LZ4 block's sequences, without decompressing it.

The C decoder behind Arrow and python-lz4 accepts a match offset of 0 (it copies whatever the
output buffer held), so a single flipped bit can silently change decoded data. Rerun's decoder
(lz4_flex) rejects such blocks; ``rrd verify`` walks every block with this to do the same, and
to learn the exact decompressed size before anything is allocated.
"""

from __future__ import annotations

import re

from .errors import RrdError

_FF_RUN = re.compile(rb"\xff*")


def _ext_len(block: bytes, i: int, n: int, what: str) -> tuple[int, int]:
    """Length extension bytes at ``i`` (a run of 255s closed by a smaller byte)."""
    run = _FF_RUN.match(block, i)
    j = run.end() if run is not None else i
    if j >= n:
        raise RrdError(f"LZ4 block ends inside a {what} length", i)
    return 255 * (j - i) + block[j], j + 1


def lz4_block_size(block: bytes | memoryview, limit: int | None = None) -> int:
    """The exact number of bytes ``block`` decompresses to. Raises RrdError on an invalid block.

    Invalid: a match offset of 0 or reaching before the start of the output, a sequence cut
    short, or (with ``limit``) more output than ``limit``. The error's offset is within the
    block.
    """
    data = bytes(block)
    n = len(data)
    if n == 0:
        raise RrdError("empty LZ4 block", 0)
    cap = n * 256 if limit is None else limit
    i = out = 0
    while True:
        token = data[i]
        i += 1
        lit = token >> 4
        if lit == 15:
            ext, i = _ext_len(data, i, n, "literal")
            lit += ext
        i += lit
        out += lit
        if i >= n:
            if i > n:
                raise RrdError(f"LZ4 literals run past the block end ({lit} bytes)", i - lit)
            break  # the last sequence holds literals only
        offset = data[i] | data[i + 1] << 8 if i + 1 < n else -1
        if not 0 < offset <= out:
            raise _bad_offset(offset, out, i)
        i += 2
        match = token & 15
        if match == 15:
            ext, i = _ext_len(data, i, n, "match")
            match += ext
        out += match + 4
        if out > cap:
            raise RrdError(f"LZ4 block decompresses to more than the declared {cap} bytes", i)
        if i >= n:
            break  # lz4_flex (Rerun) accepts a block that ends after a match
    return out


def _bad_offset(offset: int, out: int, at: int) -> RrdError:
    if offset < 0:
        return RrdError("LZ4 block ends inside a match offset", at)
    if offset == 0:
        return RrdError("LZ4 match offset 0", at)
    return RrdError(f"LZ4 match offset {offset} reaches before the output start ({out} bytes)", at)
