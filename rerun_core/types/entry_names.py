"""Entry and layer names, checked by the real server's rules (the server refuses a bad name, the
client checks it first, as 0.41's does)."""

from __future__ import annotations

MAX_ENTRY_NAME_BYTES = 180
_ALLOWED = frozenset("_-. ")  # observed on the real 0.41 server
_QUOTED_NAME_LIMIT = 1024


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
        # 0.41 quotes the whole name; a huge one is cut here so the answer stays small
        shown = name if len(name) <= _QUOTED_NAME_LIMIT else f"{name[:64]}..."
        raise InvalidNameError(
            f"name '{shown}' exceeds maximum length of {MAX_ENTRY_NAME_BYTES} characters"
            f" (got {len(name.encode())})"
        )
    return name
