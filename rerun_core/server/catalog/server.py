"""``CatalogServer``: the catalog service on a grpcio server (threads; ``start()`` returns)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent import futures
from pathlib import Path

import grpc

from rerun_core.proto.gen import cloud_pb2
from rerun_core.proto.gen import cloud_pb2_grpc as pb_grpc

from ..grpcweb import GrpcWebFront
from ..proxy import _check_bindable
from .model import Catalog, CatalogError
from .registration import load_directory, load_files
from .service import CatalogService
from .throttle import Throttle

log = logging.getLogger(__name__)
DEFAULT_PORT = 51234
WORKER_THREADS = 16  # concurrent RPCs; --memory-limit sizes FetchChunks batches for all of them


class CatalogServer:
    """A running local catalog: ``CatalogServer(port=0).start()``, then ``.url`` / ``.stop()``."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        catalog: Catalog | None = None,
        cors_allow_origin: Sequence[str] = (),
    ) -> None:
        self.host = host
        self.port = port
        self.catalog = catalog or Catalog()
        self.cors_allow_origin = tuple(cors_allow_origin)
        self._server: grpc.Server | None = None
        self._front: GrpcWebFront | None = None
        self.throttle: Throttle | None = None  # --latency-ms / --bandwidth-limit, set before start()

    def load_dataset(self, name: str, paths: Path | list[Path]) -> None:
        """A dataset from a directory of .rrd files, or from a list of .rrd files.

        Unreadable files are skipped with a warning naming them; the rest is served.
        """
        try:  # restored from --data-dir: the directory is scanned again, new files added
            ds = self.catalog.by_name(name)
        except CatalogError:
            if isinstance(paths, Path):
                load_directory(self.catalog, name, paths)
                return
            ds = self.catalog.create(name)
        files = sorted(p for p in paths.rglob("*.rrd") if p.is_file()) if isinstance(paths, Path) else paths
        load_files(self.catalog, ds, list(files))

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "localhost") else self.host
        return f"rerun+http://{host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> CatalogServer:
        """grpcio on an internal loopback port; the public port is a gRPC-Web + CORS front."""
        server = grpc.server(
            futures.ThreadPoolExecutor(max_workers=WORKER_THREADS, thread_name_prefix="rerun-catalog"),
            options=[
                ("grpc.so_reuseport", 0),
                ("grpc.max_receive_message_length", 1 << 30),
                ("grpc.max_send_message_length", -1),
            ],
            interceptors=[self.throttle] if self.throttle is not None else None,
        )
        service = CatalogService(self.catalog)
        pb_grpc.add_RerunCloudServiceServicer_to_server(service, server)
        _check_bindable(self.host, self.port)  # a clear error before grpc logs its own
        try:
            internal = server.add_insecure_port("127.0.0.1:0")
        except BaseException:
            server.stop(None)
            raise
        server.start()
        from .rpc_base import SERVER_VERSION

        front = GrpcWebFront(
            internal,
            [cloud_pb2.DESCRIPTOR.services_by_name["RerunCloudService"]],
            cors_allow_origin=self.cors_allow_origin,
            extra_headers=[("x-rerun-server-version", SERVER_VERSION)],
            uploads=service.staging.redeem,
        )
        try:
            self.port = front.listen(self.host, self.port)
        except OSError as exc:
            server.stop(None)
            raise OSError(f"cannot listen on {self.host}:{self.port} (in use?)") from exc
        self._server, self._front = server, front
        log.info("Catalog server listening on %s", self.url)
        return self

    def stop(self, grace: float | None = 0.5) -> None:
        if self._server is None:
            return
        server, self._server = self._server, None
        front, self._front = self._front, None
        if front is not None:
            front.stop_accepting()  # in-flight calls get `grace`, as before the front existed
        server.stop(grace).wait((grace or 0.0) + 1.0)
        if front is not None:
            front.stop()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the server stops; True if it did."""
        if self._server is None:
            return True
        return bool(self._server.wait_for_termination(timeout))

    def load_table(self, name: str | None, path: Path) -> None:
        """An existing Lance table as a table entry (``rerun server -t [NAME=]PATH``).

        ``name`` defaults to the directory's name; errors are the real server's (CatalogError).
        """
        from .service_tables import load_table

        load_table(self.catalog, name, str(path))
