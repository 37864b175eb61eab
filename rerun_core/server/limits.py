"""Memory limits as Rerun's command line and SDK spell them: `1GiB`, `16GB`, `500MB`, `50%`."""

from __future__ import annotations

import os
import re
import sys
from typing import Any

_UNITS = {
    "": 1,
    "b": 1,
    "kb": 1000,
    "mb": 1000**2,
    "gb": 1000**3,
    "tb": 1000**4,
    "kib": 1024,
    "mib": 1024**2,
    "gib": 1024**3,
    "tib": 1024**4,
}
_PATTERN = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*([a-zA-Z%]*)\s*$")


def total_system_memory() -> int:
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return 8 * 1024**3


def parse_memory_limit(text: str | int | None) -> int | None:
    """Bytes for a limit string; `None` (or an empty string) means unlimited.

    Raises `ValueError` with the accepted forms when the text is not one of them.
    """
    if text is None:
        return None
    if isinstance(text, int):
        return text
    if not text.strip():
        return None
    m = _PATTERN.match(text)
    if m is None:
        raise ValueError(f"invalid memory limit {text!r}: expected e.g. '1GiB', '16GB', '500MB' or '50%'")
    value, unit = float(m.group(1)), m.group(2).lower()
    if unit == "%":
        return int(total_system_memory() * value / 100)
    if unit not in _UNITS:
        raise ValueError(f"invalid memory limit {text!r}: unknown unit {m.group(2)!r}")
    return int(value * _UNITS[unit])


def return_freed_memory() -> None:
    """Ask glibc to give large freed buffers back to the system at once (call before threads).

    Its default mmap threshold grows after big frees, so chunk-sized buffers end up on the heap
    and RSS stays at its peak; a fixed threshold keeps a memory limit meaningful. A no-op off glibc.
    """
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if not name:
        return
    try:
        libc = ctypes.CDLL(name)
        m_trim_threshold, m_mmap_threshold, m_arena_max = -1, -3, -8
        libc.mallopt(m_mmap_threshold, 256 * 1024)
        libc.mallopt(m_trim_threshold, 1 << 20)
        libc.mallopt(m_arena_max, 2)  # one heap per thread would keep each thread's peak
    except (OSError, AttributeError):
        return


def current_rss() -> int:
    """Resident bytes of this process (0 where /proc is missing)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


_libc: Any = None


def trim_freed_memory() -> None:
    """Give the free pages inside glibc's heaps and Arrow's pools back to the system.

    Chunk-sized buffers freed by other threads leave holes that `free` alone keeps resident; a
    memory limit that counts payload bytes only holds for RSS once they are returned. A no-op
    off glibc.
    """
    global _libc
    if _libc is None:
        import ctypes
        import ctypes.util

        name = ctypes.util.find_library("c")
        try:
            lib = ctypes.CDLL(name) if name else None
            _libc = lib.malloc_trim if lib is not None else False
        except (OSError, AttributeError):
            _libc = False
    if _libc:
        _libc(0)
    pyarrow = sys.modules.get("pyarrow")  # never imported here for this: a proxy may not use it
    if pyarrow is not None:
        # Arrow's mimalloc pool keeps the calling thread's freed blocks (a decoded chunk's LZ4
        # output) for reuse: resident until released.
        pyarrow.default_memory_pool().release_unused()
    protocol = sys.modules.get("rerun_core.store.rrd.protocol")
    if protocol is not None:  # where files and fetched segments decode their chunks (jemalloc)
        protocol.CHUNK_POOL.release_unused()


def raise_open_files_limit(wanted: int) -> int:
    """Raise this process's soft RLIMIT_NOFILE towards `wanted` (within the hard limit).

    Each client connection holds a descriptor; at a default soft limit of 1024, a thousand
    stalled connections would make `accept` fail for everyone else. Returns the limit now.
    """
    try:
        import resource
    except ImportError:  # not on POSIX
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            return target
        except (ValueError, OSError):
            pass
    return int(soft)
