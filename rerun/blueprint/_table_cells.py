"""Preview cells of catalog table blueprints: a column shown as embedded views of each row's recording."""

from __future__ import annotations

from dataclasses import dataclass

from .api import View

__all__ = ["PreviewCell"]


@dataclass(frozen=True, init=False)
class PreviewCell:
    """Show a column's recording references as one or more views.

    Every preview shares the timing of `PreviewsConfig`; the views are logged once per blueprint.
    """

    views: tuple[View, ...]

    def __init__(self, *views: View) -> None:
        if not views:
            raise ValueError("PreviewCell requires at least one view")
        if not all(isinstance(view, View) for view in views):
            raise TypeError("PreviewCell only accepts Rerun views")
        object.__setattr__(self, "views", views)
