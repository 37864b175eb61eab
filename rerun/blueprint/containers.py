"""`rerun.blueprint.containers`: the container kinds (defined in `rerun.blueprint.api`)."""

from __future__ import annotations

from .api import Grid as Grid
from .api import Horizontal as Horizontal
from .api import Tabs as Tabs
from .api import Vertical as Vertical

__all__ = ["Grid", "Horizontal", "Tabs", "Vertical"]
