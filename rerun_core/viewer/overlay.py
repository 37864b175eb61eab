"""Text drawn onto rendered frames with Pillow: labels, axis ticks, legends.

Cheaper and crisper than GPU text on a software rasterizer; it is only a few strings per view.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFont


@lru_cache(maxsize=4)
def _font(size: int) -> Any:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without FreeType sizes
        return ImageFont.load_default()


def draw_texts(frame: np.ndarray, items: list[tuple[float, float, str, tuple[int, int, int, int], str]], size: int = 11) -> np.ndarray:  # fmt: skip
    """Draw (x, y, text, rgba, anchor) items onto an (H, W, 4) uint8 frame; returns the frame."""
    if not items:
        return frame
    img = Image.fromarray(frame, "RGBA")
    draw = ImageDraw.Draw(img)
    font = _font(size)
    h, w = frame.shape[:2]
    for x, y, text, color, anchor in items:
        if not (-50 <= x <= w + 50 and -20 <= y <= h + 20) or not text:
            continue
        if anchor.startswith("label"):  # "label<N>": beside a thing N pixels in radius
            d = 4 + (float(anchor[5:]) if anchor[5:] else 2.0) * 0.7
            at = (x + d, y - d)
            bbox = draw.textbbox(at, text, font=font, anchor="lm")
            draw.rectangle((bbox[0] - 2, bbox[1] - 1, bbox[2] + 2, bbox[3] + 1), fill=(20, 22, 25, 200))
            draw.text(at, text, fill=tuple(color), font=font, anchor="lm")
        elif anchor == "legend":
            bbox = draw.textbbox((x, y), text, font=font, anchor="ra")
            draw.rectangle((bbox[0] - 16, bbox[1] - 2, bbox[2] + 3, bbox[3] + 2), fill=(20, 22, 25, 210))
            mid = (bbox[1] + bbox[3]) // 2
            draw.rectangle((bbox[0] - 13, mid - 1, bbox[0] - 4, mid + 1), fill=tuple(color))
            draw.text((x, y), text, fill=(210, 210, 210, 255), font=font, anchor="ra")
        elif anchor.startswith("chip:"):  # "chip:<pil anchor>": text on a dark backdrop
            bbox = draw.textbbox((x, y), text, font=font, anchor=anchor[5:])
            draw.rectangle((bbox[0] - 3, bbox[1] - 2, bbox[2] + 3, bbox[3] + 2), fill=(20, 22, 25, 200))
            draw.text((x, y), text, fill=tuple(color), font=font, anchor=anchor[5:])
        else:
            draw.text((x, y), text, fill=tuple(color), font=font, anchor=anchor)
    return np.asarray(img).copy()
