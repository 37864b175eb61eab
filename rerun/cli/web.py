"""The web viewer half of the ``rerun`` viewer process (``--serve-web``, ``--web-viewer``, plain ``rerun``).

The viewer is a web page served beside the gRPC endpoint, showing the endpoint's store (the
desktop window, cli/window.py, shows this same page). ``--serve-web`` serves it, ``--web-viewer``
also opens it in the browser; plain ``rerun`` opens it (in the window, else the browser) when a
display is there, else runs headless and prints its URL.
"""

from __future__ import annotations

import argparse
from typing import Any

from .common import EXIT_USAGE, ViewerError


def wants_web(args: argparse.Namespace) -> bool:
    """Whether this process serves the web page at all."""
    explicit = bool(args.serve_web or args.web_viewer)
    return explicit or not (args.serve_grpc or args.headless)


def start_web(hub: Any, args: argparse.Namespace, grpc_url: str = "") -> Any | None:
    """Start the page server on ``--web-viewer-port`` over ``hub``; None when not wanted/possible."""
    explicit = bool(args.serve_web or args.web_viewer)
    if not wants_web(args):
        return None
    port = args.web_viewer_port
    if not 0 <= port <= 65535:
        raise ViewerError(f"invalid --web-viewer-port {port}: must be within 0..65535", EXIT_USAGE)
    try:
        from rerun_notebook.web.server import WebPortInUseError, WebViewerServer
    except ImportError as err:
        if explicit:
            raise ViewerError(
                f"the web viewer needs the viewer extra (pip install 'rerun-notebook-native[viewer]'): {err}"
            ) from None
        return None
    hint = f"Waiting for data: log to {grpc_url} with rr.connect_grpc(), or open a file with `rerun FILE`."
    # Only the page's own origin and these patterns may read it (the real CLI's CORS flag).
    options: dict[str, Any] = {
        "bind": args.bind,
        "empty_hint": hint,
        "cors_allow_origin": args.cors_allow_origin,
    }
    try:
        return WebViewerServer(hub, port=port, **options).start()
    except WebPortInUseError as err:
        if explicit:
            raise ViewerError(f"{err}; pick another with --web-viewer-port") from None
        return WebViewerServer(hub, port=0, **options).start()  # plain `rerun`
    except OSError as err:
        raise ViewerError(
            f"cannot serve the web viewer on {args.bind}:{port}: {err.strerror or err}"
        ) from None


def announce(server: Any | None, args: argparse.Namespace) -> str:
    """Open the page when asked (or plain `rerun` with a display); the mode line to print."""
    from rerun._web import display_available, open_in_browser

    if server is None:
        if args.serve_grpc:
            return "serving gRPC only (no viewer)"
        return "running headless (no web viewer)"
    url = server.url
    if args.web_viewer or (not args.serve_web and display_available()):
        if open_in_browser(url):
            return f"web viewer opened in your browser at {url}"
        return f"could not open a browser: open the web viewer at {url}"
    if args.serve_web:
        return f"serving the web viewer at {url}"
    return f"no display: running headless; the web viewer is at {url}"
