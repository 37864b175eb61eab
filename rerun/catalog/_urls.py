"""The ``#when=...&time_selection=...`` fragment of segment URLs, formatted as 0.41's client does."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ._format import THIN

_I64_MIN = -(2**63)


def _timestamp(nanos: int) -> str:
    secs, frac = divmod(nanos, 1_000_000_000)
    base = datetime.fromtimestamp(0, tz=timezone.utc) + timedelta(seconds=secs)
    digits = f".{frac:09d}".rstrip("0").rstrip(".")
    return base.strftime("%Y-%m-%dT%H:%M:%S") + digits + "Z"


def _duration(td: timedelta) -> str:
    nanos = (td.days * 86_400 + td.seconds) * 1_000_000_000 + td.microseconds * 1_000
    sign = "-" if nanos < 0 else "+"
    secs, frac = divmod(abs(nanos), 1_000_000_000)
    digits = f"{frac:09d}".rstrip("0")
    grouped = THIN.join(digits[i : i + 3] for i in range(0, len(digits), 3))
    return f"{sign}{secs}{'.' + grouped if grouped else ''}s"


def _value(value: datetime | timedelta | int) -> str:
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
        delta = aware - datetime(1970, 1, 1, tzinfo=timezone.utc)
        return _timestamp((delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1_000)
    if isinstance(value, timedelta):
        return _duration(value)
    return str(int(value))


def time_fragment(
    timeline: str | None,
    start: datetime | timedelta | int | None,
    end: datetime | timedelta | int | None,
) -> str:
    """``""`` without a timeline; a missing ``start`` is 0.41's i64::MIN cursor, shown as a timestamp."""
    if timeline is None:
        if start is not None or end is not None:
            raise ValueError("If `start` or `end` is specified, `timeline` must also be specified.")
        return ""
    when = _value(start) if start is not None else _timestamp(_I64_MIN)
    out = f"#when={timeline}@{when}"
    if end is not None:
        lo = _value(start) if start is not None else _value(end)
        out += f"&time_selection={timeline}@{lo}..{_value(end)}"
    return out
