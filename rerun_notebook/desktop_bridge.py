"""What the desktop window's page asks of the window itself (``window.pywebview.api`` in the page,
``js/src/dev_panels.js``): fullscreen on and off (``ui.toggle_fullscreen``) and the system
clipboard (``ui.copy_*``), through Qt, since a web view grants neither to a page on its own; and
saving a file the page hands over (``recording.save``: Qt's save dialog, where a browser downloads).

Imported only in the window's child process (``desktop._run_window``), with Qt loaded.
pywebview calls these on a worker thread; the clipboard belongs to Qt's GUI thread, so a copy goes
there as a queued signal.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _relay_class() -> Any:
    from qtpy import QtCore, QtGui, QtWidgets

    class Relay(QtCore.QObject):  # type: ignore[misc]
        """Lives on the GUI thread: ``copy`` emitted anywhere runs ``put`` there."""

        copy = QtCore.Signal(str, str)

        def __init__(self) -> None:
            super().__init__()
            self.copy.connect(self.put, QtCore.Qt.ConnectionType.QueuedConnection)

        @QtCore.Slot(str, str)  # type: ignore[untyped-decorator]
        def put(self, kind: str, data: str) -> None:
            clipboard = QtWidgets.QApplication.clipboard()
            if clipboard is None:  # no GUI application (the window is closing)
                return
            if kind == "png":
                clipboard.setImage(QtGui.QImage.fromData(base64.b64decode(data), "PNG"))
            else:
                clipboard.setText(data)

    return Relay


def bridge(window: Any) -> list[Callable[..., Any]]:
    """The functions the window exposes to its page (``window.expose``)."""
    made: dict[str, Any] = {}
    lock = threading.Lock()

    def relay() -> Any:
        with lock:
            if "relay" not in made:
                from qtpy import QtWidgets

                app = QtWidgets.QApplication.instance()
                assert app is not None  # the window's page calls in: Qt runs
                found = _relay_class()()
                found.moveToThread(app.thread())
                made["relay"] = found
            return made["relay"]

    def rr_toggle_fullscreen() -> bool:
        window.toggle_fullscreen()
        return True

    def rr_copy(kind: str, data: str) -> bool:
        relay().copy.emit(kind, data)
        return True

    def rr_save(name: str, data: str) -> bool:
        """A file the page saves (``recording.save`` and its kin, base64): Qt's save dialog, as
        0.41's native one, where a browser would download it (a web view drops downloads)."""
        import webview

        chosen = window.create_file_dialog(webview.FileDialog.SAVE, save_filename=name)
        if not chosen:
            return False  # cancelled
        Path(chosen[0] if isinstance(chosen, (list, tuple)) else chosen).write_bytes(base64.b64decode(data))
        return True

    return [rr_toggle_fullscreen, rr_copy, rr_save]
