"""Entry and layer names, checked by the real server's rules (so a bad name never lands)."""

from __future__ import annotations

MAX_ENTRY_NAME_BYTES = 180
_ALLOWED = frozenset("_-. ")  # observed on the real 0.41 server


class InvalidNameError(ValueError):
    """A name the real server would refuse; the message is the real server's wording."""


def check_entry_name(name: str) -> str:
    """``name`` if the real server accepts it as an entry name, else InvalidNameError."""
    if not name:
        raise InvalidNameError("name '' must not be empty")
    bad = next((ch for ch in name if not (ch.isascii() and (ch.isalnum() or ch in _ALLOWED))), None)
    if bad is not None:
        raise InvalidNameError(f"name '{name}' contains invalid character '{bad}'")
    if len(name.encode()) > MAX_ENTRY_NAME_BYTES:
        raise InvalidNameError(
            f"name '{name[:64]}...' exceeds maximum length of {MAX_ENTRY_NAME_BYTES} characters"
            f" (got {len(name.encode())})"
        )
    return name
