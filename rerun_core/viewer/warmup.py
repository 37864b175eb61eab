"""Renderer warm-up: the GPU device and the common pipelines, built off the first frame's path.

A fresh process pays for its first rendered frame with wgpu device creation and, per visualizer
kind, shader and pipeline creation; on a software rasterizer (lavapipe) this is seconds, and
most of it is cffi parsing each wgpu struct type on first use (pure Python, once per process).
``start()``, called where a viewer starts (notebook widget, web page, ``rerun URL``), imports
pygfx and wgpu there and then (Python's imports from two threads at once can hand one of them a
half-initialised module), and does the rest in a daemon thread with a tiny offscreen draw of
an image, 3D points, 2D points, lines and a mesh (one kind at a time) through the real
visualizers, so it overlaps loading or fetching the data. pygfx caches
shader modules and pipelines process-wide and the draw holds ``GPU_LOCK`` like any render, so a
first frame rendered meanwhile waits for the lock and then reuses what the warm-up built.

Nothing is shown and nothing of the warm-up's store is kept; a failure (no GPU adapter) is left
to the viewer's own path to report. ``RERUN_RENDER_WARMUP=0`` turns it off (and ``prime_ctypes``).
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from rerun_core.viewer import renderer_imports

if TYPE_CHECKING:
    from rerun_core.store.store import ChunkStore

log = logging.getLogger(__name__)

_lock = threading.Lock()
_thread: threading.Thread | None = None
_done = threading.Event()
_go = threading.Event()  # cleared: a viewer draws next, start no new kind (see hold_for_viewer)
_go.set()
done_kinds: list[str] = []  # the kinds drawn so far, in order


def enabled() -> bool:
    return os.environ.get("RERUN_RENDER_WARMUP", "1").strip().lower() not in ("0", "false", "no", "off")


def start() -> None:
    """Start the warm-up once per process (no-op when already started or turned off)."""
    global _thread
    if not enabled():
        return
    with _lock:
        if _thread is not None:
            return
        try:  # here, not on the thread: two threads importing at once can see half-made modules
            from rerun_core.viewer import gpu

            # wgpu and pygfx (without two of their costs); the adapter is asked for between them
            renderer_imports.import_renderer(after_wgpu=gpu.start_adapter_request)
        except Exception:  # the viewer's own path reports a missing or broken renderer
            log.debug("renderer warm-up: imports failed", exc_info=True)
            _thread = threading.current_thread()  # never again
            _done.set()
            return
        _thread = threading.Thread(target=_run, name="rerun-render-warmup", daemon=True)
        _thread.start()
        # A process that exits early (an error, a hand-over) must not tear down the interpreter
        # under a draw in progress: the GPU driver's threads then crash it (SIGSEGV).
        atexit.register(_done.wait, 60.0)


def hold_for_viewer() -> None:
    """A viewer has (or is fetching) its data and draws next: start no new kind until
    `release_hold()` (its first frame that drew a view is out) or ``HOLD_S`` passed, so its
    render does not wait behind one. The notebook's ``open_url`` holds after opening, the
    ``rerun URL --serve-web`` page before fetching the segment."""
    _go.clear()


def release_hold() -> None:
    _go.set()


def held() -> bool:
    """Whether a viewer's frame is awaited (`hold_for_viewer` and no `release_hold` since)."""
    return not _go.is_set()


def wait(timeout: float | None = None) -> bool:
    """Block until the warm-up has finished (True), or ``timeout`` passed; False when never started."""
    if _thread is None:
        return False
    return _done.wait(timeout)


# wgpu-native type strings seen outside the "WGPU<typedef> *" / "WGPU<typedef>[]" pattern
_EXTRA_CTYPES = (
    "WGPUChainedStruct * ",
    "char []",
    "uint8_t *",
    "uint8_t []",
    "uint32_t []",
    "intptr_t",
    "uintptr_t",
    "void(WGPUDevice const *, WGPUDeviceLostReason, WGPUStringView, void *, void *)",
    "void(WGPUDevice const *, WGPUErrorType, WGPUStringView, void *, void *)",
    "void(WGPULogLevel, WGPUStringView, void *)",
    "void(WGPUMapAsyncStatus, WGPUStringView, void *, void *)",
    "void(WGPURequestAdapterStatus, WGPUAdapter, WGPUStringView, void *, void *)",
    "void(WGPURequestDeviceStatus, WGPUDevice, WGPUStringView, void *, void *)",
)
_primed = False


def prime_ctypes() -> int:
    """Parse wgpu-native's C struct types in one go, so their first use costs a dict lookup.

    wgpu-py asks cffi for a type by string (``ffi.new("WGPUTextureDescriptor *")``) and cffi
    parses each new string with pycparser, prefixed by all ~430 typedefs of the header: about
    40 ms per type, and a first frame uses some 70. One parse of them all costs about as much as
    ten. The result is what cffi's own ``typeof`` would have cached (same keys, same ctypes);
    should cffi's internals differ from what is expected, nothing is primed. Returns the number
    of types primed."""
    global _primed
    if _primed or not enabled():
        return 0
    _primed = True
    try:
        from wgpu.backends.wgpu_native import ffi

        names = [n for n in ffi.list_types()[0] if n.startswith("WGPU")]
        keys = [f"{n} *" for n in names] + [f"{n}[]" for n in names] + list(_EXTRA_CTYPES)
        with ffi._lock:
            todo = [k for k in dict.fromkeys(keys) if k not in ffi._parsed_types]
            if not todo:
                return 0
            models = renderer_imports.cached_models(todo, lambda: _parse_models(ffi, todo))
            if models is None:
                return 0
            parsed = {
                key: (ffi._get_cached_btype(tp), raw) for key, (tp, raw) in zip(todo, models, strict=True)
            }
            ffi._parsed_types.update(parsed)
            return len(parsed)
    except Exception:
        log.debug("priming wgpu's cffi types failed", exc_info=True)
        return 0


def _parse_models(ffi: Any, todo: list[str]) -> list[tuple[Any, bool]] | None:
    """cffi's models of the type strings ``todo``, parsed in one go (None: not as expected)."""
    parser = ffi._parser
    params_text = ",\n".join(todo)
    ast = parser._parse(f"void __dummy(\n{params_text}\n);")[0]
    params = ast.ext[-1].type.args.params
    if len(params) != len(todo):
        return None
    models = []
    for node in params:
        tp = parser._get_type_and_quals(node.type)[0]
        raw = tp.is_raw_function
        models.append((tp.as_function_pointer() if raw else tp, raw))
    return models


def _run() -> None:
    try:
        prime_ctypes()
        from rerun_core.viewer.app import ViewerApp

        # One kind at a time, the opened data's kinds first (`prefer`), else images first (the
        # commonest first frame): a viewer's own render waits for GPU_LOCK at most one small
        # draw, then reuses what is built so far.
        while (kind := _next_kind()) is not None:
            if done_kinds and kind not in _preferred:  # the first kind always: it builds the device
                _go.wait(HOLD_S)
                kind = _next_kind()  # the data's kinds may have become known meanwhile
                if kind is None:
                    break
            app = ViewerApp(_scene(kind), 64, 48)
            try:
                app.render()
            finally:
                app.close()
            done_kinds.append(kind)
            # A viewer's render waiting for GPU_LOCK gets it now: without a pause this thread
            # (holding the GIL) takes the lock again for the next kind before the waiter wakes.
            time.sleep(YIELD_S)
    except Exception:  # no adapter, or anything else: the real viewer reports it its own way
        log.debug("renderer warm-up failed", exc_info=True)
    finally:
        _done.set()


KINDS = ("Image", "Points3D", "Points2D", "LineStrips3D", "Mesh3D")
# archetypes drawn by one of ``KINDS``' pipelines
KIND_OF = {"EncodedImage": "Image", "Asset3D": "Mesh3D"} | {k: k for k in KINDS}
_kinds_lock = threading.Lock()  # not `_lock`: `start` holds that through its imports
_preferred: list[str] = []  # the kinds of the data a viewer is opening (`prefer`), in order


def prefer(archetypes: Iterable[str]) -> list[str]:
    """A viewer is opening data of these archetypes (a segment's manifest names them): draw
    their kinds next, before any other, then hold the rest until that viewer's first frame
    (`hold_for_viewer`). Returns the kinds preferred."""
    kinds = [k for k in KINDS if k in {KIND_OF.get(a) for a in archetypes}]
    if kinds:
        with _kinds_lock:
            _preferred[:] = kinds
        hold_for_viewer()
    return kinds


def _next_kind() -> str | None:
    """The next kind to draw: a preferred one first, then in ``KINDS`` order; None when all are."""
    with _kinds_lock:
        pending = [k for k in (*_preferred, *KINDS) if k not in done_kinds]
    return pending[0] if pending else None


YIELD_S = 0.01  # between kinds
HOLD_S = 5.0  # at most this long for a viewer's frame after `hold_for_viewer`


def _scene(kind: str) -> ChunkStore:
    """A store with one small entity of archetype ``kind`` (one of ``KINDS``)."""
    from rerun_core.store.chunk import Chunk
    from rerun_core.store.store import ChunkStore as Store
    from rerun_core.types import ComponentDescriptor, new_tuids

    f32 = pa.float32()

    def vecs(values: list[list[float]], dim: int) -> pa.Array:
        flat = pa.array(np.asarray(values, np.float32).reshape(-1), f32)
        return pa.FixedSizeListArray.from_arrays(flat, dim)

    def image_format(w: int, h: int) -> pa.Array:
        t = pa.struct(
            [
                pa.field("width", pa.uint32(), False),
                pa.field("height", pa.uint32(), False),
                pa.field("pixel_format", pa.uint8()),
                pa.field("color_model", pa.uint8()),
                pa.field("channel_datatype", pa.uint8()),
            ]
        )
        fmt = {"width": w, "height": h, "pixel_format": None, "color_model": 2, "channel_datatype": 6}
        return pa.array([fmt], t)  # RGB, uint8

    pixels = pa.array(np.full(4 * 4 * 3, 128, np.uint8), pa.uint8())
    strip = pa.ListArray.from_arrays(pa.array([0, 2], pa.int32()), vecs([[0, 0, 0], [1, 1, 1]], 3))
    color = pa.array([0x8080FFFF], pa.uint32())
    entities = [
        (
            "/2d/image",
            "Image",
            {
                "buffer": pa.ListArray.from_arrays(pa.array([0, len(pixels)], pa.int32()), pixels),
                "format": image_format(4, 4),
            },
        ),
        ("/2d/points", "Points2D", {"positions": vecs([[1, 1], [2, 2]], 2), "colors": color}),
        ("/3d/points", "Points3D", {"positions": vecs([[0, 0, 0], [1, 0, 0]], 3), "colors": color}),
        ("/3d/lines", "LineStrips3D", {"strips": strip, "colors": color}),
        (
            "/3d/mesh",
            "Mesh3D",
            {"vertex_positions": vecs([[0, 0, 0], [1, 0, 0], [0, 1, 0]], 3), "vertex_colors": color},
        ),
    ]
    store = Store()
    for path, archetype, fields in entities:
        if archetype != kind:
            continue
        comps = {}
        for name, arr in fields.items():
            desc = ComponentDescriptor(f"{archetype}:{name}", f"rerun.archetypes.{archetype}", None)
            comps[desc] = pa.ListArray.from_arrays(pa.array([0, len(arr)], pa.int32()), arr)
        store.insert(Chunk.from_columns(path, new_tuids(1), [], comps))
    return store
