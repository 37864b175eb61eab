"""Entity paths: ``/world/robot/arm``. Parsed, normalized and escaped as Rerun 0.41 does."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache


def _is_plain(c: str) -> bool:
    return c.isalnum() or c in "_-."


def escape_part(part: str) -> str:
    """Escape one path part so that it survives a round trip through ``parse_entity_path``."""
    out = []
    for c in part:
        if _is_plain(c):
            out.append(c)
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif c == "\r":
            out.append("\\r")
        elif c == "\0":
            out.append("\\0")
        elif c.isprintable():
            out.append("\\" + c)
        else:
            out.append(f"\\u{{{ord(c):x}}}")
    return "".join(out)


class EntityPathError(ValueError):
    pass


@lru_cache(maxsize=65536)
def _parse(path: str) -> tuple[str, ...]:
    parts: list[str] = []
    cur: list[str] = []
    i, n = 0, len(path)
    had_part = False
    while i < n:
        c = path[i]
        if c == "\\":
            if i + 1 >= n:
                raise EntityPathError(f"trailing escape character in entity path {path!r}")
            e = path[i + 1]
            i += 2
            if e == "n":
                cur.append("\n")
            elif e == "t":
                cur.append("\t")
            elif e == "r":
                cur.append("\r")
            elif e == "0":
                cur.append("\0")
            elif e == "u" and i < n and path[i] == "{":
                end = path.find("}", i)
                if end < 0:
                    raise EntityPathError(f"unterminated \\u{{...}} escape in entity path {path!r}")
                cur.append(chr(int(path[i + 1 : end], 16)))
                i = end + 1
            else:
                cur.append(e)
            had_part = True
            continue
        if c == "/":
            if cur or had_part:
                parts.append("".join(cur))
            cur, had_part = [], False
        else:
            cur.append(c)
            had_part = True
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
        else:
            self.parts = tuple(str(p) for p in path)
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
