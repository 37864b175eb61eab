"""``rerun mcap info``: the header and summary of an .mcap file as text, laid out as 0.41 prints it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

THIN_SPACE = "\u2009"
DASH = "\u2014"


def format_uint(n: int) -> str:
    s = str(n)
    groups = []
    while s:
        groups.append(s[-3:])
        s = s[:-3]
    return THIN_SPACE.join(reversed(groups))


def format_bytes(n: float) -> str:
    """Sizes in base-2 units as Rerun prints them (``123 B``, ``12.1 KiB``, ``118 MiB``)."""
    if n < 0:
        return "\u2212" + format_bytes(-n)
    if n == 0:
        return "0 B"
    if n < 1:
        return f"{n} B"
    if n < 20:
        return f"{n:.0f} B" if round(n) == n else f"{n:.1f} B"
    if n < 2.0**10:
        return f"{n:.0f} B"
    for unit, shift in (("KiB", 10), ("MiB", 20)):
        if n < 2.0 ** (shift + 10):
            return f"{n / 2.0**shift:.{int(10 * n < 2.0 ** (shift + 10))}f} {unit}"
    return f"{n / 2.0**30:.{int(10 * n < 2.0**40)}f} GiB"


def format_duration(ns: int) -> str:
    """Seconds with one to three decimals, rounded to the closest millisecond (``9.990s``, ``10.0s``)."""
    sign = "\u2212" if ns < 0 else ""
    ns = abs(ns)
    us = (ns + 500) // 1_000
    ms = (us + 500) // 1_000
    parts = []
    min_decimals = 1
    if ms % 100:
        parts.append(f"{ms % 100:02}")
        ds = ms // 100
        min_decimals = 3
    else:
        ds = (ms + 50) // 100
    del min_decimals  # one decimal at least: always shown
    parts.append(f"{ds % 10:01}")
    s = ds // 10
    return f"{sign}{format_uint(s)}.{''.join(reversed(parts))}s"


def format_timestamp(ns: int) -> str:
    """RFC 3339 in UTC with the shortest fraction (``2023-11-14T22:13:29.99Z``)."""
    secs, frac = divmod(ns, 1_000_000_000)
    base = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(seconds=secs)
    text = base.strftime("%Y-%m-%dT%H:%M:%S")
    if frac:
        text += "." + f"{frac:09}".rstrip("0")
    return text + "Z"


def _or_dash(value: Any, fmt: Any = str) -> str:
    return DASH if value is None else fmt(value)


def _prop(label: str, value: object) -> str:
    return f"  {label:<24} {value}"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int]) -> str:
    """Columns as wide as their widest cell, two spaces apart, a rule under the header."""
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    last = len(headers) - 1

    def line(cells: Sequence[str]) -> str:
        out = []
        for i, (cell, w) in enumerate(zip(cells, widths)):
            out.append(cell.rjust(w) if i in right else cell.ljust(w))
            if i != last:
                out.append("  ")
        return "".join(out).rstrip()

    rule = "\u2500" * (sum(widths) + 2 * last)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


def info_text(path: str, info: dict[str, Any]) -> str:
    out = [path, "", "Recording"]
    out.append(_prop("Profile", info["profile"] or DASH))
    out.append(_prop("Library", info["library"] or DASH))
    out.append(_prop("Messages", _or_dash(info["message_count"])))
    duration = info["duration_ns"]
    out.append(
        _prop(
            "Duration", _or_dash(duration if duration is None or duration < 2**63 else None, format_duration)
        )
    )
    for label, key in (("Start", "message_start_time_ns"), ("End", "message_end_time_ns")):
        t = info[key]
        out.append(_prop(label, _or_dash(t if t is None or t < 2**63 else None, format_timestamp)))
    out.append(_prop("Schemas", info["schema_count"]))
    out.append(_prop("Channels", info["channel_count"]))
    out.append(_prop("Attachments", info["attachment_count"]))
    out.append(_prop("Metadata", info["metadata_count"]))
    out.append(_prop("Summary", info["summary_source"]))
    count, max_unc, max_comp, overlapping = info["chunks"]
    out += ["", "Chunks", _prop("Count", count)]
    out.append(_prop("Max uncompressed size", _or_dash(max_unc, format_bytes)))
    out.append(_prop("Max compressed size", _or_dash(max_comp, format_bytes)))
    out.append(_prop("Overlapping time ranges", "yes" if overlapping else "no"))
    codecs = info["compression"]
    if codecs:
        rows = []
        for codec, chunks, comp, unc in codecs:
            savings = f"{(1.0 - comp / unc) * 100:.1f}%" if unc > 0 else DASH
            rate = f"{format_bytes(comp / (duration / 1e9))}/s" if duration else DASH
            rows.append([codec, str(chunks), format_bytes(comp), format_bytes(unc), savings, rate])
        headers = ["Codec", "Chunks", "Compressed", "Uncompressed", "Savings", "Rate"]
        out += ["", "Compression", table(headers, rows, [1, 2, 3, 4, 5])]
    rows = []
    for ch in info["channels"]:
        schema = ch.schema
        if schema is None:
            encoding = ch.message_encoding
        elif schema[2] == ch.message_encoding:
            encoding = schema[2]
        else:
            encoding = f"{schema[2]} / {ch.message_encoding}"
        freq = ch.frequency_hz
        rows.append(
            [
                str(ch.id),
                ch.topic,
                _or_dash(ch.message_count),
                DASH if freq is None else f"{freq[0]:.2f}\u2013{freq[1]:.2f} Hz",
                DASH if schema is None else schema[1],
                encoding or DASH,
            ]
        )
    out += ["", "Channels", table(["ID", "Topic", "Messages", "Rate", "Schema", "Encoding"], rows, [0, 2, 3])]
    return "\n".join(out)
