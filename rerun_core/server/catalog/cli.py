"""``rerun server``: a local catalog server of .rrd datasets, with the real 0.41 options.

Lives beside the server (not in `rerun/cli`) so the console script can start it without
importing the SDK: start-up until the first answer is what users wait for.
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rerun_core.server.catalog.model import Catalog

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="rerun server", description="Local Rerun catalog server")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="IP address to listen on [default: 127.0.0.1; pass 0.0.0.0 for every interface]",
    )
    p.add_argument("-p", "--port", type=int, default=51234, help="Port to bind to [default: 51234]")
    p.add_argument(
        "-d",
        "--dataset",
        action="append",
        default=[],
        metavar="[NAME=]DIR_PATH",
        help="Load a directory of RRD as dataset (can be specified multiple times)",
    )
    p.add_argument(
        "-t",
        "--table",
        action="append",
        default=[],
        metavar="[NAME=]TABLE_PATH",
        help="Load a lance file as a table (can be specified multiple times)",
    )
    p.add_argument(
        "--latency-ms",
        type=int,
        default=0,
        help="Artificial latency to add to each request (in milliseconds)",
    )
    p.add_argument(
        "--bandwidth-limit",
        default=None,
        help="Artificial bandwidth limit for responses (e.g. '10MB' for 10 megabytes per second)",
    )
    p.add_argument(
        "--cors-allow-origin",
        action="append",
        default=[],
        help="Extra origin glob pattern allowed to make gRPC-Web requests (repeatable); "
        "localhost, 127.0.0.1 and rerun.io are always allowed",
    )
    p.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="Keep entries, registrations, layers, properties, blueprints and tables under DIR "
        "(SQLite) and restore them at start [default: in memory, as the real server]",
    )
    p.add_argument(
        "--memory-limit",
        default=None,
        metavar="BYTES",
        help="Upper bound for chunk data held while answering (e.g. 500MB); segments are read "
        "from their files on demand, so datasets may be far larger",
    )
    p.add_argument(
        "--allowed-root",
        action="append",
        default=[],
        type=Path,
        metavar="DIR",
        help="Only read .rrd files (registration, -d, -t, --data-dir) under DIR, symlinks resolved "
        "(repeatable) [default: anything this process can open, as the real server]",
    )
    p.add_argument("-V", "--version", action="version", version="rerun-cli 0.41.0 (python catalog server)")
    return p


def parse_dataset(spec: str) -> tuple[str, Path]:
    """``NAME=DIR`` or ``DIR`` (the name is then the directory's name)."""
    name, sep, path = spec.partition("=")
    if not sep:
        path, name = spec, Path(spec).resolve().name
    if not name:
        raise ValueError(f"empty dataset name in {spec!r}")
    return name, Path(path)


def parse_table(spec: str) -> tuple[str | None, Path]:
    """``NAME=PATH`` or ``PATH`` (the server then names the table after the directory)."""
    name, sep, path = spec.partition("=")
    return (name, Path(path)) if sep else (None, Path(spec))


def _outside_roots(roots: tuple[Path, ...] | None, args: argparse.Namespace) -> Path | None:
    """The first -d/-t/--data-dir path outside every allowed root, checked before any is read."""
    if roots is None:
        return None
    from rerun_core.server.catalog.registration import within_roots

    paths = [parse_dataset(spec)[1] for spec in args.dataset] + [parse_table(t)[1] for t in args.table]
    if args.data_dir is not None:
        paths.append(args.data_dir)
    return next((p for p in paths if not within_roots(roots, p)), None)


def _bound_memory(catalog: Catalog, limit: int) -> None:
    """Chunk bytes in flight get an eighth of what the limit leaves above the loaded server
    (Python, gRPC and the indexes already count against it; the first queries still add
    tens of MB of caches and buffers), shared by every worker thread."""
    from rerun_core.server.catalog.server import WORKER_THREADS
    from rerun_core.server.limits import current_rss

    room = limit - current_rss()
    if room <= 0:
        print(
            f"rerun server: warning: --memory-limit {limit} bytes is below the server's own footprint"
            f" ({current_rss()} bytes); answering one chunk at a time",
            file=sys.stderr,
        )
    # each worker thread may hold one batch, about three copies of it (file, proto, wire)
    catalog.fetch_batch_bytes = max(64 << 10, room // 8 // (3 * WORKER_THREADS))


def main(argv: Sequence[str]) -> int:
    """Run until SIGINT/SIGTERM. Returns the exit code."""
    args = build_parser().parse_args(list(argv))
    from rerun_core.server.catalog import CatalogError, CatalogServer
    from rerun_core.server.catalog.persist import open_catalog
    from rerun_core.server.limits import parse_memory_limit, return_freed_memory

    roots = tuple(Path(os.path.realpath(r)) for r in args.allowed_root) or None
    try:
        denied = _outside_roots(roots, args)
    except ValueError as exc:  # a malformed -d spec
        print(f"rerun server: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if denied is not None:
        print(
            f'rerun server: PERMISSION_DENIED: path is outside every --allowed-root: "{denied}"',
            file=sys.stderr,
        )
        return EXIT_FAILURE
    try:
        catalog = open_catalog(args.data_dir)
        catalog.allowed_roots = roots
        limit = parse_memory_limit(args.memory_limit)
        if limit is not None:
            return_freed_memory()  # before any thread has its own heap
    except ValueError as exc:
        print(f"rerun server: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (OSError, sqlite3.Error) as exc:
        print(f"rerun server: cannot open --data-dir {args.data_dir}: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    server = CatalogServer(
        host=args.host, port=args.port, catalog=catalog, cors_allow_origin=args.cors_allow_origin
    )
    if args.latency_ms < 0:
        print("rerun server: --latency-ms must not be negative", file=sys.stderr)
        return EXIT_USAGE
    if args.latency_ms or args.bandwidth_limit:
        from rerun_core.server.catalog.throttle import Throttle, parse_bandwidth

        try:
            rate = parse_bandwidth(args.bandwidth_limit) if args.bandwidth_limit else None
        except ValueError as exc:
            print(f"rerun server: {exc}", file=sys.stderr)
            return EXIT_USAGE
        server.throttle = Throttle(args.latency_ms / 1000.0, rate)
    try:
        for spec in args.dataset:
            name, path = parse_dataset(spec)
            print(f"Loading {path} as dataset {name!r}", file=sys.stderr)
            server.load_dataset(name, path)
        for spec in args.table:
            table_name, table_path = parse_table(spec)
            print(f"Loading {table_path} as table", file=sys.stderr)
            server.load_table(table_name, table_path)
        server.start()
    except (CatalogError, ValueError, OSError) as exc:
        print(f"rerun server: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    if limit is not None:
        _bound_memory(catalog, limit)
    print(f"Listening on {args.host}:{server.port}. Connect with: {server.url}", file=sys.stderr, flush=True)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
    return EXIT_OK
