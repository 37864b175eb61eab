"""Deprecated alias of `rerun.encodings` (renamed in Rerun 0.37), kept for old scripts."""

from __future__ import annotations

import warnings
from typing import Any

from .. import encodings
from ..encodings import *  # noqa: F403

__all__ = list(encodings.__all__)

warnings.warn(
    "`rerun.datatypes` is deprecated since 0.37.0. Use `rerun.encodings` instead.",
    DeprecationWarning,
    stacklevel=2,
)


def __getattr__(name: str) -> Any:
    return getattr(encodings, name)
