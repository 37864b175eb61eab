"""What a view is, before anything draws it: kind, origin, name, entities, rect.

Its own module so that the view heuristics (which views) and the layout tree (where they go)
can both use it without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rerun_core.viewer import view_registry as _registry

# Tables of the kinds registered when this module is imported (``view_registry``: one entry per
# kind); code that must see kinds registered later asks ``view_registry`` (e.g. ``is_html``).
PIXEL_KINDS = frozenset(k for k, v in _registry.kinds().items() if not v.html)
HTML_KINDS = frozenset(k for k, v in _registry.kinds().items() if v.html)
# Rerun's ViewClassLayoutPriority per view class: spatial views get the big tiles.
LAYOUT_PRIORITY = {k: v.layout_priority for k, v in _registry.kinds().items() if v.class_identifier}
# Rerun's view class identifiers (its tab grouping orders classes by these names).
CLASS_IDENTIFIER = {k: v.class_identifier for k, v in _registry.kinds().items() if v.class_identifier}

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
    visible: bool = True  # False: a sent blueprint switched it off (the user's eye toggles are Viewport's)

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
            "html": _registry.is_html(self.kind),
        }
