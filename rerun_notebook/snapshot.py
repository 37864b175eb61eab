"""The static picture saved with a notebook output: the rendered frame plus its HTML parts.

Text log, text document, dataframe and map views are HTML in the live widget and blank in rendered
frames, so the snapshot (what GitHub, nbconvert and a not-yet-run notebook show) draws them in:
every view gets its header strip; then the view's kind draws on a ``_Canvas`` (its
``ViewKind.snapshot``: lines of text, the map's graticule), else its name goes in a title chip.
"""

from __future__ import annotations

import datetime
import html
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from rerun_core.viewer import view_registry
from rerun_core.viewer.protocols import RGB, Rect

if TYPE_CHECKING:
    from .session import ViewerSession

DEFAULT_TEXT: RGB = (202, 216, 222)
_DIM: RGB = (125, 140, 146)


@lru_cache(maxsize=2)
def _font(size: int) -> Any:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without FreeType
        return ImageFont.load_default()


def plain_lines(markup: str) -> list[str]:
    """Markdown rendered as HTML, back to plain lines (headings and paragraphs kept apart)."""
    text = re.sub(r"</(p|h\d|li|pre|tr)>|<br\s*/?>", "\n", markup)
    text = re.sub(r"<li>", "- ", text)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    lines: list[str] = []
    for line in (raw.rstrip() for raw in text.splitlines()):
        if line or (lines and lines[-1]):  # at most one blank line in a row
            lines.append(line)
    return lines


_plain = plain_lines  # older name


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


@dataclass
class _Canvas:
    """One view's rect in the picture (``protocols.SnapshotCanvas``)."""

    image_draw: ImageDraw.ImageDraw
    rect: Rect
    font: Any
    name: str  # empty when the header strip already shows it
    size: int
    drawn_lines: list[tuple[str, RGB]] = field(default_factory=list)

    @property
    def draw(self) -> ImageDraw.ImageDraw:
        return self.image_draw

    def title_chip(self) -> None:
        """The name in a chip at the top left, as the widget's overlay draws it on pixel views."""
        if not self.name:
            return
        x, y = self.rect[0], self.rect[1]
        box = self.draw.textbbox((x + 6, y + 4), self.name, font=self.font)
        self.draw.rectangle((box[0] - 3, box[1] - 2, box[2] + 3, box[3] + 2), fill=(20, 24, 25, 200))
        self.draw.text((x + 6, y + 4), self.name, fill=_DIM, font=self.font)

    def text_lines(self, lines: list[tuple[str, RGB]], *, newest_last: bool = False) -> None:
        """The name, then as many lines as fit (the last ones when ``newest_last``, as a log)."""
        x, y, w, h = self.rect
        self.draw.text((x + 6, y + 4), self.name, fill=_DIM, font=self.font)
        step = self.size + 4
        room = max(0, (h - 24) // step)
        if newest_last:
            lines = lines[-room:] if room else []
        self.drawn_lines.extend(lines[:room])
        for i, (line, color) in enumerate(lines[:room]):
            self.draw.text((x + 6, y + 22 + i * step), line[: max(8, w // 6)], fill=color, font=self.font)


def _draw_view(canvas: _Canvas, view: dict[str, Any]) -> None:
    from . import view_kinds  # noqa: F401  (attaches the built-in kinds' snapshots)

    kind = view_registry.get(str(view.get("kind")))
    if kind is not None and kind.snapshot is not None:
        kind.snapshot(canvas, view)
    else:
        canvas.title_chip()


def _lines(view: dict[str, Any]) -> list[tuple[str, RGB]]:
    """The text lines a view's kind draws in the picture (all of them: an unbounded rect)."""
    img = Image.new("RGBA", (1, 1))
    canvas = _Canvas(ImageDraw.Draw(img, "RGBA"), (0, 0, 10**6, 10**9), _font(11), "", 11)
    _draw_view(canvas, view)
    return canvas.drawn_lines


def draw_html_views(frame: np.ndarray, views: list[dict[str, Any]], size: int = 11) -> np.ndarray:
    """Draw what the widget shows as HTML over the frame: every view's header (or title chip) and
    what the view's kind draws in its rect (text-log rows, documents, dataframe rows, the map)."""
    if not views:
        return frame
    img = Image.fromarray(np.ascontiguousarray(frame))
    draw = ImageDraw.Draw(img, "RGBA")
    font = _font(size)
    for view in views:
        x, y, w, h = (int(v) for v in view["rect"])
        name = str(view.get("name", ""))
        head = int(view.get("header") or 0)
        if head and name:  # the view's header strip above its rect, as the widget's header
            draw.rectangle((x, y - head, x + w - 1, y - 1), fill=(20, 24, 25, 255))
            draw.text((x + 6, y - head + max(0, (head - size) // 2) - 1), name, fill=DEFAULT_TEXT, font=font)
            name = ""
        _draw_view(_Canvas(draw, (x, y, w, h), font, name, size), view)
    return np.asarray(img)


def render_with_html_views(session: ViewerSession) -> np.ndarray:
    """``session``'s picture now (prepared at the current time) with its HTML views' text drawn in:
    a screenshot, or a frame of an exported video."""
    session.prepare(time.monotonic())
    picture = session.render()
    if picture is None:
        raise RuntimeError(session.error or "the renderer produced no picture")
    try:
        picture = draw_html_views(picture, session.state().get("views", []))
    except Exception:  # the text overlay is a nicety; the 3D/2D picture is what counts
        pass
    return picture


__all__ = ["DEFAULT_TEXT", "draw_html_views", "format_time", "plain_lines", "render_with_html_views"]
