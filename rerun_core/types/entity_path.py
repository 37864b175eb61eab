"""Entity paths: ``/world/robot/arm``. Parsed, normalized and escaped as Rerun 0.41 does."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache


def _is_plain(c: str) -> bool:
    return c.isalnum() or c in "_-."


_NAMED_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}
_NAMED_UNESCAPES = {"n": "\n", "t": "\t", "r": "\r"}


def escape_part(part: str) -> str:
    """Escape one path part as Rerun's ``escape_entity_path_part`` does.

    Unicode letters and digits plus ``_-.`` stay; ``\\n \\t \\r`` get their names; ASCII
    punctuation and space get a backslash; anything else becomes ``\\u{XXXX}`` (upper-case hex,
    at least four digits).
    """
    if all(_is_plain(c) for c in part):
        return part
    out = []
    for c in part:
        if _is_plain(c):
            out.append(c)
        elif c in _NAMED_ESCAPES:
            out.append(_NAMED_ESCAPES[c])
        elif c == " " or (c.isascii() and c.isprintable()):
            out.append("\\" + c)
        else:
            out.append(f"\\u{{{ord(c):04X}}}")
    return "".join(out)


class EntityPathError(ValueError):
    pass


def _unicode_escape(path: str, i: int) -> tuple[str, int] | None:
    """Decode ``{hex}`` at ``path[i:]`` (after ``\\u``); None if it is not a valid escape."""
    if i >= len(path) or path[i] != "{":
        return None
    end = path.find("}", i)
    digits = path[i + 1 : end] if end > 0 else ""
    if not digits or any(d not in "0123456789abcdefABCDEF" for d in digits):
        return None
    code = int(digits, 16)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), end + 1


@lru_cache(maxsize=65536)
def _parse(path: str) -> tuple[str, ...]:
    """Rerun's forgiving parse (what ``rr.log`` does with a string).

    Known escapes decode; an unknown escape (``\\q``) keeps only its character; an invalid
    ``\\u`` escape or a trailing backslash keeps the backslash itself. Unescaped whitespace
    and punctuation are kept literally, and empty parts are dropped.
    """
    parts: list[str] = []
    cur: list[str] = []
    i, n = 0, len(path)
    had_part = False
    while i < n:
        c = path[i]
        i += 1
        if c == "/":
            if cur or had_part:
                parts.append("".join(cur))
            cur, had_part = [], False
            continue
        had_part = True
        if c != "\\" or i >= n:
            cur.append(c)
            continue
        e = path[i]
        if e == "u":
            decoded = _unicode_escape(path, i + 1)
            if decoded is None:
                cur.append("\\")  # literal backslash; 'u...' is parsed as plain text
                continue
            ch, i = decoded
            cur.append(ch)
            continue
        cur.append(_NAMED_UNESCAPES.get(e, e))
        i += 1
    if cur or had_part:
        parts.append("".join(cur))
    return tuple(parts)


def parse_entity_path(path: str) -> tuple[str, ...]:
    """Split a path string into unescaped parts; empty parts (``a//b``, ``/a/``) are dropped."""
    return _parse(path)


def format_entity_path(parts: Iterable[str]) -> str:
    return "/" + "/".join(escape_part(p) for p in parts)


def normalize_entity_path(path: str | Sequence[str] | EntityPath) -> str:
    """The canonical string form (leading slash, escaped parts) of a path given as str or parts."""
    if isinstance(path, EntityPath):
        return path.path
    if isinstance(path, str):
        return format_entity_path(_parse(path))
    return format_entity_path(str(p) for p in path)


class EntityPath:
    """An immutable, hashable entity path."""

    __slots__ = ("parts", "path")

    def __init__(self, path: str | Sequence[str] | EntityPath = "/") -> None:
        if isinstance(path, EntityPath):
            self.parts: tuple[str, ...] = path.parts
        elif isinstance(path, str):
            self.parts = _parse(path)
        else:  # empty parts are dropped, as Rerun's parse of the joined string does
            self.parts = tuple(s for s in (str(p) for p in path) if s)
        self.path: str = format_entity_path(self.parts)

    @classmethod
    def root(cls) -> EntityPath:
        return cls(())

    def is_root(self) -> bool:
        return not self.parts

    def parent(self) -> EntityPath | None:
        return None if not self.parts else EntityPath(self.parts[:-1])

    def join(self, *parts: str) -> EntityPath:
        return EntityPath(self.parts + tuple(parts))

    def is_descendant_of(self, other: EntityPath) -> bool:
        return len(self.parts) > len(other.parts) and self.parts[: len(other.parts)] == other.parts

    def starts_with(self, other: EntityPath) -> bool:
        return self.parts[: len(other.parts)] == other.parts

    def __str__(self) -> str:
        return self.path

    def __repr__(self) -> str:
        return f"EntityPath({self.path!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, EntityPath):
            return self.parts == other.parts
        if isinstance(other, str):
            return self.path == normalize_entity_path(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.path)

    def __lt__(self, other: EntityPath) -> bool:
        return self.parts < other.parts
