"""The static picture saved with a notebook output: the rendered frame plus its HTML views.

Text log and text document views are HTML in the live widget and blank in rendered frames, so
the snapshot (what GitHub, nbconvert and a not-yet-run notebook show) draws their text in.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFont

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


def _lines(view: dict[str, Any]) -> list[tuple[str, tuple[int, int, int]]]:
    if view.get("kind") == "text_log":
        out = []
        for row in view.get("rows", [])[-200:]:
            level = str(row.get("level", "")).upper()
            out.append(
                (
                    f"{row.get('time', '')}  {row.get('entity', '')}  {level}  {row.get('text', '')}",
                    _LEVEL_COLORS.get(level, _TEXT),
                )
            )
        return out
    return [(line, _TEXT) for line in _plain(str(view.get("html") or ""))]


def draw_html_views(frame: np.ndarray, views: list[dict[str, Any]], size: int = 11) -> np.ndarray:
    """Draw the text of text-log (newest rows) and text-document views into their rects."""
    html_views = [v for v in views if v.get("kind") in ("text_log", "text_document")]
    if not html_views:
        return frame
    img = Image.fromarray(np.ascontiguousarray(frame))
    draw = ImageDraw.Draw(img)
    font = _font(size)
    step = size + 4
    for view in html_views:
        x, y, w, h = (int(v) for v in view["rect"])
        draw.text((x + 6, y + 4), str(view.get("name", "")), fill=_DIM, font=font)
        lines = _lines(view)
        room = max(0, (h - 24) // step)
        if view.get("kind") == "text_log":
            lines = lines[-room:] if room else []
        for i, (line, color) in enumerate(lines[:room]):
            draw.text((x + 6, y + 22 + i * step), line[: max(8, w // 6)], fill=color, font=font)
    return np.asarray(img)
