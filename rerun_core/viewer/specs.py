"""What a view is, before anything draws it: kind, origin, name, entities, rect.

Its own module so that the view heuristics (which views) and the layout tree (where they go)
can both use it without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PIXEL_KINDS = frozenset({"spatial3d", "spatial2d", "timeseries", "bar_chart", "tensor", "placeholder"})
HTML_KINDS = frozenset({"text_log", "text_document"})

# Rerun's ViewClassLayoutPriority per view class: spatial views get the big tiles.
LAYOUT_PRIORITY = {
    "spatial3d": 2,
    "spatial2d": 2,
    "tensor": 1,
    "timeseries": 0,
    "bar_chart": 0,
    "text_log": 0,
    "text_document": 0,
}
# Rerun's view class identifiers (its tab grouping orders classes by these names).
CLASS_IDENTIFIER = {
    "spatial3d": "3D",
    "spatial2d": "2D",
    "tensor": "Tensor",
    "timeseries": "TimeSeries",
    "bar_chart": "BarChart",
    "text_log": "TextLog",
    "text_document": "TextDocument",
}

# Rerun's placeholder names of unnamed containers.
CONTAINER_TITLES = {
    "grid": "Grid container",
    "horizontal": "Horizontal container",
    "vertical": "Vertical container",
    "tabs": "Tab container",
}


@dataclass
class ViewSpec:
    id: str
    kind: str
    origin: str
    name: str
    entities: list[str] = field(default_factory=list)
    rect: tuple[int, int, int, int] = (0, 0, 0, 0)  # x, y, w, h in pixels (the content)
    header: int = 0  # height of the title strip just above ``rect`` (the widget draws it as HTML)
    # set while this view is the active tab of a tabs container: {"container", "tabs": [{id, name}]}
    tab_bar: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "kind": self.kind,
            "origin": self.origin,
            "name": self.name,
            "rect": self.rect,
            "header": self.header,
            "tab_bar": self.tab_bar,
            "entities": list(self.entities),
            "html": self.kind in HTML_KINDS,
        }
