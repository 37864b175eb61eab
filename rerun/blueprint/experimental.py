"""`rerun.blueprint.experimental`: experimental blueprint types (none public in 0.41)."""

from __future__ import annotations
