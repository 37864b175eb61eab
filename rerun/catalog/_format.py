"""Number, size and index-value formatting as 0.41's ``re_format`` prints them (thin-space groups)."""

from __future__ import annotations

from datetime import datetime, timezone

THIN = "\u2009"


def format_uint(n: int) -> str:
    return f"{n:,}".replace(",", THIN)


def format_bytes(num_bytes: float) -> str:
    if num_bytes < 1024:
        return f"{int(num_bytes)} B"
    value, unit = num_bytes / 1024, "KiB"
    for bigger in ("MiB", "GiB"):
        if value < 1024:
            break
        value, unit = value / 1024, bigger
    return f"{value:.1f} {unit}" if value < 100 else f"{value:.0f} {unit}"


def _group_fraction(digits: str) -> str:
    return THIN.join(digits[i : i + 3] for i in range(0, len(digits), 3))


def _fraction(nanos: int) -> str:
    """``.348 106`` for 348 106 000 ns: nanoseconds without trailing zeros, grouped by three."""
    if nanos == 0:
        return ""
    return "." + _group_fraction(f"{nanos:09d}".rstrip("0"))


def format_timestamp(nanos: int, sep: str = " ") -> str:
    secs, frac = divmod(nanos, 1_000_000_000)
    when = datetime.fromtimestamp(secs, tz=timezone.utc).strftime(f"%Y-%m-%d{sep}%H:%M:%S")
    return f"{when}{_fraction(frac)}Z"


def format_duration(nanos: int) -> str:
    sign = "\u2212" if nanos < 0 else "+"
    secs, frac = divmod(abs(nanos), 1_000_000_000)
    return f"{sign}{format_uint(secs)}{_fraction(frac)}s"


def format_index_value(kind: str, value: int) -> str:
    if kind == "timestamp":
        return format_timestamp(value)
    if kind == "duration":
        return format_duration(value)
    return f"#{format_uint(value)}"
