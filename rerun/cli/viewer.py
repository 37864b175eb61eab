"""The viewer-process half of the ``rerun`` command line: ``rerun [FILE...] [--serve-grpc ...]``.

The flags mirror the real 0.41 CLI so scripts and ``rr.spawn()`` can call us unchanged. One
viewer process per port: it hosts the gRPC endpoint (``rerun_core.server``), keeps what arrives
in its store (headless until a window exists), optionally saves it, and stops cleanly on SIGINT
or SIGTERM. A second ``rerun`` on a busy port hands its files to the running one and exits.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ._file_sources import _HTTP
from ._file_sources import file_messages as _file_messages
from ._file_sources import importable as _importable
from ._inputs import expand_sources
from .common import EXIT_FAILURE as EXIT_FAILURE
from .common import EXIT_OK as EXIT_OK
from .common import EXIT_USAGE as EXIT_USAGE
from .common import ViewerError as ViewerError
from .common import say as say

DEFAULT_PORT = 9876
DEFAULT_WEB_VIEWER_PORT = 9090


def add_viewer_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the viewer flags (same names and defaults as ``rerun --help`` of 0.41)."""
    parser.add_argument("url_or_paths", nargs="*", metavar="URL_OR_PATHS", help="recordings or URLs")
    parser.add_argument("--asset", action="append", default=[], metavar="PATH")
    parser.add_argument(
        "--bind", default="127.0.0.1", help="bind address (default: 127.0.0.1; 0.0.0.0 or :: for all)"
    )
    parser.add_argument("--memory-limit", help="viewer memory limit, e.g. 16GB or 50%%")
    parser.add_argument("--server-memory-limit", default="1GiB", help="gRPC server buffer limit")
    parser.add_argument("--newest-first", action="store_true")
    parser.add_argument(
        "--cors-allow-origin",
        action="append",
        default=[],
        metavar="CORS_ALLOW_ORIGIN",
        help="extra origin glob pattern (e.g. 'https://*.example.com') allowed to use the web viewer "
        "page's server; may repeat",
    )
    parser.add_argument("--persist-state", action="store_true")
    parser.add_argument("--port", help=f"port of the local viewer server (default {DEFAULT_PORT}, or auto)")
    parser.add_argument("--new", action="store_true", help="alias for --port auto")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--save", metavar="SAVE", help="stream incoming log messages to this .rrd file")
    parser.add_argument("--screenshot-to")
    parser.add_argument(
        "--serve-web",
        action="store_true",
        help="host the web viewer page (--web-viewer-port) and a gRPC server",
    )
    parser.add_argument("--serve-grpc", action="store_true", help="host a gRPC server, no viewer")
    parser.add_argument("--connect", nargs="?", const="", default=None, metavar="URL/PORT")
    parser.add_argument("--expect-data-soon", action="store_true")
    parser.add_argument("-j", "--threads", type=int, default=-2)
    parser.add_argument("--version", action="store_true", help="print version and quit")
    parser.add_argument(
        "--web-viewer", action="store_true", help="serve the web viewer and open it in the browser"
    )
    parser.add_argument(
        "--web-viewer-port",
        type=int,
        default=DEFAULT_WEB_VIEWER_PORT,
        help=f"port of the web viewer page (default {DEFAULT_WEB_VIEWER_PORT}; 0 picks a free one)",
    )
    parser.add_argument("--hide-welcome-screen", action="store_true")
    parser.add_argument("--detach-process", action="store_true")
    parser.add_argument(
        "--headless", action="store_true", help="no web viewer page, just the gRPC server and store"
    )
    parser.add_argument("--window-size")
    parser.add_argument("--renderer")
    parser.add_argument("--video-decoder")
    parser.add_argument("--test-receive", action="store_true")


_URL_PREFIXES = ("rerun://", "rerun+http://", "rerun+https://")


def run_viewer(args: argparse.Namespace) -> int:
    """Run the viewer / gRPC server mode. Returns the process exit code."""
    if args.version:
        from rerun_core.store.messages import CRATE_VERSION

        print("rerun-cli {}.{}.{} (python)".format(*CRATE_VERSION[:3]))
        return EXIT_OK
    try:
        return _run(args)
    except ViewerError as err:
        say(str(err))
        return err.code
    except KeyboardInterrupt:
        return EXIT_OK


def _port(args: argparse.Namespace) -> int:
    """The port to listen on; 0 asks the OS for a free one (`--port auto`, `--new`)."""
    if args.new or args.port == "auto":
        return 0
    if args.port is None:
        return DEFAULT_PORT
    try:
        port = int(args.port)
    except ValueError:
        raise ViewerError(f"invalid --port {args.port!r}: expected a number or 'auto'", EXIT_USAGE) from None
    if not 0 <= port <= 65535:
        raise ViewerError(f"invalid --port {port}: must be within 0..65535", EXIT_USAGE)
    return port


def _limit(text: str | None, flag: str) -> int | None:
    from rerun_core.server.limits import parse_memory_limit

    try:
        return parse_memory_limit(text)
    except ValueError as err:
        raise ViewerError(f"{flag}: {err}", EXIT_USAGE) from None


def _split_inputs(items: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(proxy URLs to pull from, server/dataset/segment URLs to open, sources to load: paths,
    `-` for stdin, http(s) .rrd URLs). A bad URL is a usage error, before anything starts."""
    pulls: list[str] = []
    opens: list[str] = []
    for url in (i for i in items if i.startswith(_URL_PREFIXES)):
        (pulls if _url_kind(url) == "proxy" else opens).append(url)
    files = expand_sources([i for i in items if not i.startswith(_URL_PREFIXES)], _importable())
    for source in files:
        if source.startswith(_HTTP):
            if not source.lower().split("?")[0].endswith((".rrd", ".rbl")):
                raise ViewerError(f"cannot load {source}: only .rrd/.rbl files are read over HTTP")
        elif source != "-" and Path(source).is_dir():
            continue  # a LeRobot dataset (expand_sources kept only those)
        elif source != "-" and not Path(source).is_file():
            raise ViewerError(f"no such file: {source}")
        elif source != "-":
            _check_importable(Path(source))
    return pulls, opens, files


def _url_kind(url: str) -> str:
    from rerun_core.server.redap_source import parse_url

    try:
        return parse_url(url).kind
    except ValueError as err:
        raise ViewerError(str(err), EXIT_USAGE) from None


def _check_importable(path: Path) -> None:
    known = _importable()
    if path.suffix.lower() not in known:
        raise ViewerError(
            f"cannot load {path}: no importer for this file type (supported: {', '.join(sorted(known))})"
        )


def _run(args: argparse.Namespace) -> int:
    from rerun_core.server.proxy import port_is_listening

    _check_unsupported(args)
    if args.save is not None:  # as 0.41: --save receives into the file only, no viewer of any kind
        args.headless, args.serve_web, args.web_viewer = True, False, False
    from .web import wants_web

    server_limit = _limit(args.server_memory_limit, "--server-memory-limit")
    store_limit = _limit(args.memory_limit, "--memory-limit")
    urls, opens, files = _split_inputs(list(args.url_or_paths))
    if args.connect is not None:
        urls.append(_connect_url(args.connect))
    # Pulling from another endpoint or a server (as 0.41): our own endpoint takes a free port
    # unless told, so a viewer already on 9876 is not in the way.
    port = 0 if (urls or opens) and args.port is None else _port(args)
    if port and not args.serve_grpc and port_is_listening(port):
        return _hand_over(port, files, urls + opens)
    plans = _plans(_prefetch(opens, warm=wants_web(args)))
    from rerun_core.server.process import EndpointProcess
    from rerun_core.server.proxy import PortInUseError, ProxyServer

    server = ProxyServer(port=port, bind=args.bind, memory_limit=server_limit, newest_first=args.newest_first)
    from .control import add_viewer_control, serve_viewer_control

    control = add_viewer_control(server)
    try:
        endpoint = EndpointProcess(
            server,
            keep_store=not (args.serve_grpc or args.save),
            store_memory_limit=store_limit,
            save=args.save,
        )
    except OSError as err:
        raise ViewerError(f"cannot write --save file {args.save}: {err.strerror or err}") from None
    # Segments fetched on demand start now, beside the port's and the page's start-up: the data at
    # the cursor is what the first frame waits for.
    early = _EarlyFetch(endpoint, plans) if plans and _on_demand(endpoint) else None
    # Handlers go in before the port opens: a client that sees the port may signal at once.
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        endpoint.start()
    except PortInUseError as err:
        _abandon(early)
        endpoint.shutdown(grace=0)
        raise ViewerError(f"{err}; is another program using port {port}? Pick another with --port.") from None
    from .web import start_web

    try:
        web = start_web(endpoint.hub, args, endpoint.url)
    except ViewerError:
        _abandon(early)
        endpoint.shutdown(grace=0)
        raise
    serve_viewer_control(control, endpoint.hub, web)
    return _serve(endpoint, args, files, urls, stop, web, plans, early)


def _prefetch(opens: list[str], *, warm: bool) -> list[Any]:
    """Reach the servers first (a bad URL fails alone), on threads: their round trips overlap
    the renderer's imports and warm-up. ``warm``: the page renders, so the GPU device and
    pipelines are built meanwhile, those of the archetypes the segments hold first (not before a
    hand-over: exiting while the warm-up draws crashes in the GPU driver)."""
    from rerun_core.server.redap_open import PlanPrefetch

    if not warm:
        return [PlanPrefetch(url) for url in opens]
    from rerun_core.viewer import warmup

    prefetches = [PlanPrefetch(u, on_plan=lambda p: warmup.prefer(p.archetypes())) for u in opens]
    warmup.start()
    return prefetches


def _on_demand(endpoint: Any) -> bool:
    """Segments go straight into the viewer's store, fetched as needed (not --save/--serve-grpc)."""
    return endpoint.hub is not None and endpoint.save_path is None


class _EarlyFetch:
    """`_fetch_plan` of every plan on a thread; `result()` gives its fetchers or raises its error."""

    def __init__(self, endpoint: Any, plans: Sequence[Any]) -> None:
        if "rerun_core.viewer.warmup" in sys.modules:  # the page's warm-up runs (`_run`)
            from rerun_core.viewer import warmup

            # as the notebook's open_url: the first frame with this data comes next, so the
            # warm-up starts no new kind (CPU the fetch and that frame need) until it is out
            warmup.hold_for_viewer()
        self._fetchers: list[Any] = []
        self._error: BaseException | None = None
        hooks = _view_hooks()  # here: it imports the page's modules, not on two threads at once
        self._thread = threading.Thread(
            target=self._run, args=(endpoint, plans, hooks), name="rerun-open-segments", daemon=True
        )
        self._thread.start()

    def _run(self, endpoint: Any, plans: Sequence[Any], hooks: dict[str, Any]) -> None:
        try:
            for plan in plans:
                self._fetchers += _fetch_plan(endpoint, plan, hooks)
        except BaseException as err:  # handed to whoever takes the result
            self._error = err

    def result(self) -> list[Any]:
        self._thread.join()
        if self._error is not None:
            for fetcher in self._fetchers:
                fetcher.stop()
            raise self._error
        return self._fetchers


def _abandon(early: _EarlyFetch | None) -> None:
    """The viewer failed to start: stop what the early fetch began."""
    if early is not None:
        try:
            for fetcher in early.result():
                fetcher.stop()
        except Exception:  # the start-up error is the one to report
            pass


def _check_unsupported(args: argparse.Namespace) -> None:
    """Flags that need a window or web viewer: refuse or say what we do instead."""
    if args.screenshot_to and (args.serve_grpc or not args.url_or_paths):
        raise ViewerError(
            "--screenshot-to needs recordings to show: rerun FILE... --screenshot-to out.png", EXIT_USAGE
        )


def _connect_url(value: str) -> str:
    from rerun_core.server.urls import DEFAULT_URL, parse_grpc_url

    url = (
        DEFAULT_URL if value == "" else f"rerun+http://127.0.0.1:{value}/proxy" if value.isdigit() else value
    )
    try:
        parse_grpc_url(url)
    except ValueError as err:
        raise ViewerError(
            f"--connect: {err} (to open a Rerun server, pass its URL without --connect)", EXIT_USAGE
        ) from None
    return url


def _serve(
    endpoint: Any,
    args: argparse.Namespace,
    files: list[str],
    urls: list[str],
    stop: threading.Event,
    web: Any = None,
    plans: Sequence[Any] = (),
    early: _EarlyFetch | None = None,
) -> int:
    from .web import announce
    from .window import open_window

    _set_default_source(f"gRPC {endpoint.url}")
    fetchers: list[Any] = []  # segments fetched on demand: they end before the endpoint does
    window = None  # the desktop window (closing it sets `stop`)
    try:
        window = open_window(web, args, endpoint.url, stop)  # up first: files stream into it
        for url in urls:
            endpoint.pull(url)
        if early is not None:  # taken: its fetchers are ours to stop now (or it stopped them)
            taken, early = early, None
            fetchers += taken.result()
        elif plans:  # --save / --serve-grpc: through the endpoint, once it is up
            fetchers += _EarlyFetch(endpoint, plans).result()
        stdin = None
        for source in files:
            if source == "-":  # a live stream (`script.py | rerun -`): read it beside serving
                stdin = threading.Thread(target=_load_stdin, args=(endpoint,), daemon=True)
                stdin.start()
                continue
            n = endpoint.load(_labelled(_file_messages(source), f"File {source}"))
            say(f"loaded {source} ({n} messages)")
        if endpoint.save_path is not None and (files or plans):
            # 0.41 saves what the files, stdin and segments hold, then exits (Ctrl-C still stops it)
            while stdin is not None and stdin.is_alive() and not stop.wait(0.2):
                pass
            say(f"saved to {endpoint.save_path}")
            return EXIT_OK
        if args.screenshot_to:  # picture taken, the viewer quits (as Rerun's flag)
            from .window import take_screenshot

            return take_screenshot(endpoint.hub, args)
        mode = f"viewer window open on {web.url}" if window is not None else announce(web, args)
        say(f"{mode}; gRPC on {endpoint.url}. Stop with Ctrl-C.")
        if endpoint.save_path is not None:
            say(f"saving everything received to {endpoint.save_path}")
        while not stop.wait(0.5):
            pass
    finally:
        say("shutting down")
        if window is not None:
            window.close()
        if web is not None:
            web.stop()
        _abandon(early)  # not taken: the viewer failed before it could
        for fetcher in fetchers:
            fetcher.stop()
        endpoint.shutdown(grace=1.0)
        say(endpoint.summary())
    return EXIT_OK


def _plans(prefetches: Sequence[Any]) -> list[Any]:
    """The resolved plans, in order; the first bad URL fails the lot in one line."""
    plans = []
    try:
        for prefetch in prefetches:
            plans.append(prefetch.result())
    except (ValueError, RuntimeError) as err:
        for prefetch in prefetches:
            prefetch.discard()
        raise ViewerError(str(err)) from None
    return plans


def _fetch_plan(endpoint: Any, plan: Any, hooks: dict[str, Any]) -> list[Any]:
    """Fetch a segment (or a small dataset) into the endpoint, as if a client had sent it; a
    server URL is listed. Returns the on-demand fetchers (their threads poll until stopped).
    Errors are one line (`ViewerError`)."""
    fetchers: list[Any] = []
    url = plan.result.url
    origin = f"Rerun server {url.origin}"

    def on_open(sid: Any, default: tuple[str | None, int | None]) -> None:
        """Before the hub holds the segment (a page may be showing the hub's recordings already):
        where pages show it first (the URL's `#when=`, else where it is fetched, paused), and
        where it came from."""
        if url.kind == "segment":
            when = (url.when.timeline, url.when.value) if url.when is not None else default
            _open_time(sid.recording_id, url, when)
        _label(sid, origin)

    try:
        if endpoint.hub is not None and endpoint.save_path is None:  # on demand, in the memory limit
            result, fetchers = plan.start(
                endpoint.hub, memory_limit=endpoint.hub.memory_limit, on_open=on_open, **hooks
            )
        else:  # --save / --serve-grpc: the whole segment through the gRPC buffer
            result = plan.fetch(lambda msg: endpoint.load([msg]))
    except (ValueError, RuntimeError) as err:
        raise ViewerError(str(err)) from None
    for sid in result.opened:
        _label(sid, f"Rerun server {result.url.origin}")
    say(result.summary())
    if result.url.kind != "segment":
        for line in result.lines():
            print(line, file=sys.stderr, flush=True)
    return fetchers


def _open_time(segment_id: str, url: Any, default: tuple[str | None, int | None]) -> None:
    """Pages show the segment at its URL's `#when=` (else where it was fetched), paused."""
    try:
        from rerun_notebook.sources import remember_open_time
    except ImportError:
        return
    remember_open_time(segment_id, url, default)


def _view_hooks() -> dict[str, Any]:
    """What a fetched segment follows: the time cursor and hidden entities of the web page
    showing it (nothing without the page extra)."""
    try:
        from rerun_notebook.sources import session_cursor, session_hidden
    except ImportError:
        return {}
    return {"cursor_for": session_cursor, "hidden_for": session_hidden}


def _label(store_id: Any, text: str) -> None:
    """What the web page's recording summary shows as the source (no page without the extra)."""
    try:
        from rerun_notebook.sources import label_store
    except ImportError:
        return
    label_store(store_id, text)


def _set_default_source(text: str) -> None:
    try:
        from rerun_notebook.sources import set_default_source
    except ImportError:
        return
    set_default_source(text)


def _labelled(msgs: Iterator[Any], text: str) -> Iterator[Any]:
    seen = set()
    for msg in msgs:
        sid = getattr(msg, "store_id", None)
        if sid is not None and sid not in seen:
            seen.add(sid)
            _label(sid, text)
        yield msg


def _hand_over(port: int, files: list[str], urls: list[str]) -> int:
    """Another process listens on `port`: give it our files, or just say it is there."""
    if not _is_rerun_endpoint(port):
        raise ViewerError(
            f"port {port} is taken by something that is not a Rerun viewer. Pick another with --port."
        )
    if urls:
        say(f"a Rerun viewer already runs on port {port}; it cannot be told to --connect elsewhere")
    if not files:
        say(f"a Rerun viewer is already running on port {port}; nothing to do (use --port for another one)")
        return EXIT_OK
    from rerun._grpc import GrpcSink

    sink = GrpcSink(f"rerun+http://127.0.0.1:{port}/proxy")
    total = 0
    for path in files:
        for msg in _file_messages(path):
            sink.send(msg)
            total += 1
    sink.flush(timeout=30)
    sink.close(timeout=30)
    if sink.dropped:
        raise ViewerError(f"could not send {sink.dropped} of {total} messages to the viewer on port {port}")
    say(f"sent {len(files)} file(s) to the Rerun viewer already running on port {port}")
    return EXIT_OK


def _is_rerun_endpoint(port: int) -> bool:
    """Whether `port` answers gRPC with a Rerun MessageProxyService."""
    import grpc

    from rerun_core.server.proxy import SERVICE_NAME

    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        call = channel.unary_unary(f"/{SERVICE_NAME}/WriteTable")
        try:
            call(b"", timeout=3)
        except grpc.RpcError as err:
            code = err.code()  # type: ignore[attr-defined]
            return code not in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED) and not (
                code in (grpc.StatusCode.UNKNOWN, grpc.StatusCode.INTERNAL) and "protocol" in str(err).lower()
            )
    return True


def _load_stdin(endpoint: Any) -> None:
    try:
        n = endpoint.load(_file_messages("-"))
    except ViewerError as err:
        say(str(err))
    else:
        say(f"loaded {n} messages from stdin")
