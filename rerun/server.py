"""``rr.server.Server``: a local catalog server in this process, as rerun-sdk 0.41's."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from os import PathLike
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing_extensions import Self

    from rerun.catalog import CatalogClient


class Server:
    """Serve datasets of .rrd files to ``CatalogClient``s; starts at construction.

    ``datasets`` maps a name to a directory (every .rrd under it) or to a list of .rrd files.
    ``port=None`` (or 0) picks a free port; ``url()`` reports it.
    """

    def __init__(
        self,
        *,
        host: str = "0.0.0.0",  # the real default: reachable from other machines
        port: int | None = None,
        datasets: dict[str, str | PathLike[str] | Sequence[str | PathLike[str]]] | None = None,
        tables: dict[str, PathLike[str]] | None = None,
        addr: str = "0.0.0.0",  # deprecated alias of host
    ) -> None:
        from rerun_core.server.catalog import CatalogServer

        if host == "0.0.0.0" and addr != "0.0.0.0":
            host = addr
            warnings.warn(
                "The `addr` parameter is deprecated in Rerun 0.29, and has been renamed to `host`.",
                DeprecationWarning,
                stacklevel=2,
            )
        self._server = CatalogServer(host=host, port=port or 0)
        for name, spec in (datasets or {}).items():
            if isinstance(spec, str | PathLike):
                path = Path(spec)
                if not path.is_dir():
                    raise ValueError(f"Prefix path '{path}' for dataset '{name}' must be a directory.")
                self._server.load_dataset(name, path)
            else:
                files = [Path(p) for p in spec]
                for p in files:
                    if not p.is_file():
                        raise ValueError(f"Path '{p}' for dataset '{name}' must be a RRD file.")
                self._server.load_dataset(name, files)
        self._load_tables(tables or {})
        self._server.start()

    def _load_tables(self, tables: dict[str, PathLike[str]]) -> None:
        """Lance tables by name; a bad one fails as the real one: ValueError naming the cause."""
        from rerun_core.server.catalog import CatalogError

        for name, path in tables.items():
            try:
                self._server.load_table(name, Path(path))
            except CatalogError as exc:
                cause = str(exc).removeprefix("IO error: ")
                raise ValueError(f"Failed to start Rerun server: {cause}") from None

    def url(self) -> str:
        """The ``rerun+http://host:port`` URL clients connect to."""
        return self._server.url

    def address(self) -> str:
        """Deprecated: use ``url()``."""
        warnings.warn("Renamed to `url`.", DeprecationWarning, stacklevel=2)
        return self.url()

    def host(self) -> str:
        return self._server.host

    def client(self) -> CatalogClient:
        """A CatalogClient connected to this server. Raises RuntimeError once shut down."""
        if not self.is_running():
            raise RuntimeError("Cannot create client: server is not running.")
        from rerun.catalog import CatalogClient

        return CatalogClient(self.url())

    def is_running(self) -> bool:
        return self._server.running

    def shutdown(self) -> None:
        """Stop the server. Raises RuntimeError if it is not running."""
        if not self._server.running:
            raise RuntimeError("The server is not running.")
        self._server.stop()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._server.running:
            self._server.stop()
