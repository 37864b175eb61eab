"""Errors of the .rrd codec. Both are ``ValueError``s so callers can treat bad files uniformly."""

from __future__ import annotations


class RrdError(ValueError):
    """Input that is not a readable .rrd stream; ``offset`` is the byte where the problem is."""

    def __init__(self, message: str, offset: int | None = None) -> None:
        self.offset = offset
        self.detail = message
        super().__init__(message if offset is None else f"{message} (at byte offset {offset})")


class RrdTruncatedError(RrdError):
    """The stream ended inside a header or message; everything before it was yielded."""
