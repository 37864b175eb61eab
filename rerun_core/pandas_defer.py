"""pandas, which pyarrow imports on its first conversion, kept off a fresh viewer's first frame.

pyarrow asks for pandas the first time it converts anything (``pa.array`` of a list or an
ndarray, ``to_numpy``, ``pa.scalar``): its pandas shim imports it to tell pandas objects apart,
and its C++ side to learn pandas' null values. That import costs a fresh process 0.5-0.8 s of
CPU on the way to the viewer's first frame, where no pandas object is converted.

``defer()`` (a viewer opening a server URL, pandas not imported yet: `PlanPrefetch`) makes
only those implicit imports fail: pyarrow then converts as it does without pandas installed,
the same for every value but one kind, a nanosecond timestamp or duration turned into a Python
object (``as_py``, ``to_pylist``), which is a ``datetime``/``timedelta`` (an error with
sub-microsecond digits) instead of pandas' ``Timestamp``/``Timedelta``; the viewer's open and
render paths take times as int64. An ``import pandas`` written in code (or
``importlib.import_module``) still works, and ends the deferral. ``release()`` ends it: the
notebook's ``open_url`` when it returns (before the kernel's next code runs), the CLI's viewer
at its first full frame, or ``DEFER_S`` after it began; pyarrow then imports pandas and takes it
up again on a daemon thread (its shim retries on an access that needs pandas), and
``pa.table(df)``, ``as_py`` and the rest behave as always; in IPython the next cell waits for
that import, so user code never runs inside the deferral. ``RERUN_DEFER_PANDAS=0`` turns it off.
"""

from __future__ import annotations

import dis
import logging
import os
import sys
import threading
from types import FrameType
from typing import Any

log = logging.getLogger(__name__)

DEFER_S = 20.0  # at most this long, should no first frame come (a window, an error)
RESTORE_WAIT_S = 30.0  # the next cell waits at most this long for pyarrow's pandas import

_IMPORT_NAME = dis.opmap["IMPORT_NAME"]
_lock = threading.Lock()
_finder: _DeferPandas | None = None
_released = threading.Event()
_restored = threading.Event()


def enabled() -> bool:
    return os.environ.get("RERUN_DEFER_PANDAS", "1").strip().lower() not in ("0", "false", "no", "off")


def deferring() -> bool:
    return _finder is not None


def defer() -> None:
    """Keep pyarrow from importing pandas until `release()` (no-op if pandas is imported)."""
    global _finder
    if not enabled() or "pandas" in sys.modules:
        return
    with _lock:
        if _finder is not None or _released.is_set():
            return  # once per process: a later viewer's start must not hide pandas again
        _finder = _DeferPandas()
        # a new list, never one changed in place: another thread may be iterating the old one
        sys.meta_path = [_finder, *sys.meta_path]
    timer = threading.Timer(DEFER_S, release)
    timer.daemon = True
    timer.start()


def release() -> None:
    """End the deferral (no-op when none): pyarrow takes pandas up again, on a daemon thread."""
    global _finder
    if _finder is None:
        return
    with _lock:
        if _finder is None:
            return
        finder, _finder = _finder, None
        sys.meta_path = [f for f in sys.meta_path if f is not finder]
        _released.set()
    threading.Thread(target=_restore, name="rerun-pandas-restore", daemon=True).start()
    _hold_next_cell()


def _hold_next_cell() -> None:
    """In IPython, the next cell waits for pyarrow to have pandas back: a "Run all" would
    otherwise start the user's code during the background import, where a nanosecond
    timestamp's ``as_py`` still gives a ``datetime``."""
    ipython = sys.modules.get("IPython")  # never imported here: only a running shell counts
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return

    def wait(*_: object) -> None:
        wait_restored(RESTORE_WAIT_S)
        try:
            shell.events.unregister("pre_run_cell", wait)
        except ValueError:  # already gone
            pass

    shell.events.register("pre_run_cell", wait)


def wait_restored(timeout: float | None = None) -> bool:
    """Block until pyarrow has pandas back after a `release()` (True), or ``timeout`` passed."""
    return _restored.wait(timeout)


def _restore() -> None:
    try:
        import pyarrow.lib

        shim: Any = getattr(pyarrow.lib, "_pandas_api", None)
        if shim is not None:
            shim.pd  # noqa: B018  (a shim that found no pandas imports it now, on this access)
    except Exception:  # pandas not installed or broken: pyarrow reports it where it is needed
        log.debug("pyarrow's pandas shim was not restored", exc_info=True)
    finally:
        _restored.set()


def _explicit(frame: FrameType | None) -> bool:
    """Whether the import being found was written in Python (``import pandas`` or
    ``importlib.import_module``), not asked for by pyarrow's compiled code."""
    while frame is not None and frame.f_code.co_filename.startswith("<frozen importlib"):
        frame = frame.f_back
    if frame is None:
        return False
    code = frame.f_code
    if code.co_name == "import_module" and code.co_filename.endswith(
        os.path.join("importlib", "__init__.py")
    ):
        return True
    lasti = frame.f_lasti
    return 0 <= lasti < len(code.co_code) and code.co_code[lasti] == _IMPORT_NAME


class _DeferPandas:
    """A meta path finder that fails pyarrow's own imports of pandas while deferring."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name != "pandas":
            return None
        if _explicit(sys._getframe(1)):
            release()  # someone wants pandas now: pyarrow follows as soon as it is imported
            return None
        raise ImportError("pandas deferred until the viewer's first frame (rerun_core.pandas_defer)")
