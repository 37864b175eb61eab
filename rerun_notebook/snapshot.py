"""The static picture saved with a notebook output: the rendered frame plus its HTML parts.

Text log and text document views are HTML in the live widget and blank in rendered frames, so
the snapshot (what GitHub, nbconvert and a not-yet-run notebook show) draws their text in.
"""

from __future__ import annotations

import datetime
import html
import re
from functools import lru_cache
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .dataframe_panel import snapshot_lines
from .map_panel import draw_map

_LEVEL_COLORS = {"ERROR": (255, 106, 106), "CRITICAL": (255, 106, 106), "WARN": (243, 192, 75)}
_TEXT = (202, 216, 222)
_DIM = (125, 140, 146)


@lru_cache(maxsize=2)
def _font(size: int) -> Any:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without FreeType
        return ImageFont.load_default()


def _plain(markup: str) -> list[str]:
    """Markdown rendered as HTML, back to plain lines (headings and paragraphs kept apart)."""
    text = re.sub(r"</(p|h\d|li|pre|tr)>|<br\s*/?>", "\n", markup)
    text = re.sub(r"<li>", "- ", text)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    lines: list[str] = []
    for line in (raw.rstrip() for raw in text.splitlines()):
        if line or (lines and lines[-1]):  # at most one blank line in a row
            lines.append(line)
    return lines


def format_time(kind: str | None, t: int | None) -> str:
    """A time value as the widget shows it: sequence "#n", duration seconds, timestamp UTC."""
    if t is None:
        return "–"
    if kind == "sequence":
        return f"#{t}"
    if kind == "duration":
        return f"{t / 1e9:.3f}s"
    if kind == "timestamp":
        stamp = datetime.datetime.fromtimestamp(t / 1e9, datetime.timezone.utc)
        return stamp.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
    return str(t)


def _lines(view: dict[str, Any]) -> list[tuple[str, tuple[int, int, int]]]:
    if view.get("kind") == "text_log":
        out = []
        kind = view.get("time_kind")
        for row in view.get("rows", [])[-200:]:
            level = str(row.get("level", "")).upper()
            when = format_time(kind, row.get("time"))
            out.append(
                (
                    f"{when}  {row.get('entity', '')}  {level}  {row.get('text', '')}",
                    _LEVEL_COLORS.get(level, _TEXT),
                )
            )
        return out
    if view.get("kind") == "dataframe":
        return [(line, _TEXT) for line in snapshot_lines(view.get("dataframe") or {}, format_time)]
    return [(line, _TEXT) for line in _plain(str(view.get("html") or ""))]


def draw_html_views(frame: np.ndarray, views: list[dict[str, Any]], size: int = 11) -> np.ndarray:
    """Draw what the widget shows as HTML over the frame: every view's title, and the text of
    text-log (newest rows) and text-document views in their rects."""
    if not views:
        return frame
    img = Image.fromarray(np.ascontiguousarray(frame))
    draw = ImageDraw.Draw(img, "RGBA")
    font = _font(size)
    step = size + 4
    for view in views:
        x, y, w, h = (int(v) for v in view["rect"])
        name = str(view.get("name", ""))
        head = int(view.get("header") or 0)
        if head and name:  # the view's header strip above its rect, as the widget's header
            draw.rectangle((x, y - head, x + w - 1, y - 1), fill=(20, 24, 25, 255))
            draw.text((x + 6, y - head + max(0, (head - size) // 2) - 1), name, fill=_TEXT, font=font)
            name = ""
        if view.get("kind") == "map":  # drawn by the browser live; a graticule + the data here
            draw_map(draw, (x, y, w, h), view.get("map") or {}, font)
        if view.get("kind") not in ("text_log", "text_document", "dataframe"):
            if name:  # a title chip, as the widget's overlay draws it
                box = draw.textbbox((x + 6, y + 4), name, font=font)
                draw.rectangle((box[0] - 3, box[1] - 2, box[2] + 3, box[3] + 2), fill=(20, 24, 25, 200))
                draw.text((x + 6, y + 4), name, fill=_DIM, font=font)
            continue
        draw.text((x + 6, y + 4), name, fill=_DIM, font=font)
        lines = _lines(view)
        room = max(0, (h - 24) // step)
        if view.get("kind") == "text_log":
            lines = lines[-room:] if room else []
        for i, (line, color) in enumerate(lines[:room]):
            draw.text((x + 6, y + 22 + i * step), line[: max(8, w // 6)], fill=color, font=font)
    return np.asarray(img)
