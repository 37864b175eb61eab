"""Sentinel values shared by modules that cannot import each other."""


class _AutoIndex:
    """Sentinel for ``index=``: take index columns from the metadata."""

    def __repr__(self) -> str:
        return "AUTO_INDEX"


AUTO_INDEX = _AutoIndex()
