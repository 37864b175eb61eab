"""`rr.legacy_notebook_show`: the viewer in a notebook cell without anywidget (an HTML iframe).

0.41 inlines the recording's .rrd into HTML that loads its web viewer (a WASM app) in an iframe.
This viewer renders in Python, so the equivalent is an iframe onto a web viewer page served by
this process for the recording (what ``rr.serve_web_viewer`` serves): it shows what the recording
held when called (where no sink had taken it yet) and what is logged afterwards. ``app_url``
embeds another page instead (e.g. one from ``rr.serve_web_viewer``).
"""

from __future__ import annotations

import html
import logging
import uuid
from typing import TYPE_CHECKING, Any

from ._active_recording import get_data_recording
from ._blueprint_log import blueprint_messages
from ._sink_types import StoreSink

if TYPE_CHECKING:
    from ._recording_stream import RecordingStream

DEFAULT_WIDTH = 950
DEFAULT_HEIGHT = 712
DEFAULT_TIMEOUT = 2000


def _serve(recording: RecordingStream, blueprint: Any) -> str:
    """A web viewer page on a free local port showing `recording` (and `blueprint`); its URL."""
    from rerun_core.store.hub import StoreHub
    from rerun_notebook.web.server import WebViewerServer

    from . import _web

    hub = StoreHub()
    server = WebViewerServer(hub, port=0, empty_hint="Waiting for data: log with rr.log(...).").start()
    sink = StoreSink(hub)
    if blueprint is not None:
        for msg in blueprint_messages(blueprint, recording.get_application_id()):
            sink.send(msg)
    recording._add_sink(sink)
    _web._servers.append((server, None))  # lives as long as the process, as serve_web_viewer's
    return str(server.url)


def render_html(*, app_url: str, timeout_ms: int, width: int, height: int) -> str:
    """An iframe onto `app_url`, with a message shown if it has not loaded after `timeout_ms`."""
    pid = "_" + uuid.uuid4().hex
    src = html.escape(app_url, quote=True)
    return f"""<div id="{pid}_error" style="display: none;"><p>Timed out waiting for {src} to load.</p>
<p>Consider using <code>rr.serve_web_viewer()</code></p></div>
<iframe id="{pid}_iframe" width="{int(width)}" height="{int(height)}" src="{src}"
    frameborder="0" allowfullscreen=""
    onload="clearTimeout(window.{pid}_timeout); document.getElementById('{pid}_error').style.display = 'none';"></iframe>
<script>
    window.{pid}_timeout = setTimeout(() => {{
        document.getElementById("{pid}_error").style.display = "block";
    }}, {int(timeout_ms)});
</script>
"""


def legacy_notebook_show(
    *,
    width: int = DEFAULT_WIDTH,
    height: int = DEFAULT_HEIGHT,
    app_url: str | None = None,
    timeout_ms: int = DEFAULT_TIMEOUT,
    blueprint: Any = None,
    recording: RecordingStream | None = None,
) -> Any:
    """Show the recording in a notebook as IPython HTML (an iframe; no anywidget needed): the
    HTML string itself when IPython is not installed. Prefer ``rr.notebook_show``."""
    rec = get_data_recording(recording)
    if rec is None:
        raise ValueError(
            "No application id found. You must call rerun.init before using the notebook APIs, or provide a recording."
        )
    if app_url is None:
        app_url = _serve(rec, blueprint)
    else:
        rec.flush()
    page = render_html(app_url=app_url, timeout_ms=timeout_ms, width=width, height=height)
    try:
        from IPython.core.display import HTML
    except ImportError:
        logging.warning("Could not import IPython.core.display. Returning raw HTML string instead.")
        return page
    return HTML(page)
