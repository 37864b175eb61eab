"""``ContentFilter``: an immutable builder of entity path filter expressions for ``filter_contents``."""

from __future__ import annotations


def _path_expr(path: str, subtree: bool) -> str:
    if not path.startswith("/"):
        raise ValueError(f"Entity path expression must start with '/', got: {path!r}")
    if subtree and not path.endswith("/**"):
        path = f"{path}/**"
    return path


class ContentFilter:
    """Start from ``everything()`` or ``nothing()``, then chain ``include``/``exclude`` calls.

    Every call returns a new filter; ``to_exprs()`` gives the expressions ``filter_contents`` takes.
    """

    def __init__(self, exprs: tuple[str, ...] | list[str]) -> None:
        self._exprs: tuple[str, ...] = tuple(exprs)

    @classmethod
    def everything(cls) -> ContentFilter:
        """All entity paths (``__properties`` stays excluded unless ``include_properties()``)."""
        return cls(("/**",))

    @classmethod
    def nothing(cls) -> ContentFilter:
        return cls(())

    def include(self, path: str, *, subtree: bool = False) -> ContentFilter:
        return ContentFilter((*self._exprs, _path_expr(path, subtree)))

    def exclude(self, path: str, *, subtree: bool = False) -> ContentFilter:
        return ContentFilter((*self._exprs, f"-{_path_expr(path, subtree)}"))

    def include_properties(self) -> ContentFilter:
        """Keep the ``/__properties/**`` subtree, which is excluded by default."""
        return ContentFilter((*self._exprs, "/__properties/**"))

    def to_exprs(self) -> list[str]:
        return list(self._exprs)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ContentFilter):
            return NotImplemented
        return self._exprs == other._exprs

    def __hash__(self) -> int:
        return hash(self._exprs)

    def __repr__(self) -> str:
        return f"ContentFilter({list(self._exprs)!r})"
