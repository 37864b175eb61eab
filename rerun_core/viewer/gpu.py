"""Offscreen wgpu renderers, and a clear error when there is no Vulkan driver at all."""

from __future__ import annotations

import os
import tempfile
import threading
from typing import Any

import numpy as np

NO_DRIVER_HELP = (
    "No GPU adapter is available for rendering (wgpu found no Vulkan/Metal/D3D driver). "
    "On Debian/Ubuntu install Mesa's software Vulkan driver: `sudo apt-get install mesa-vulkan-drivers` "
    "(it provides lavapipe, which renders on the CPU), then restart the kernel."
)


# pygfx keeps process-wide renderer state (shared device, pipeline and buffer caches) that is not
# thread-safe: every ViewerApp (notebook widgets, web pages) renders and picks under this one lock.
GPU_LOCK = threading.RLock()


class NoGpuError(RuntimeError):
    """wgpu found no adapter: the message says what to install."""


def _ensure_runtime_dir() -> None:
    if not os.environ.get("XDG_RUNTIME_DIR"):
        path = os.path.join(tempfile.gettempdir(), f"xdg-runtime-{os.getuid()}")
        os.makedirs(path, mode=0o700, exist_ok=True)
        os.environ["XDG_RUNTIME_DIR"] = path


_ADAPTER_INFO: dict[str, Any] | None = None
_ADAPTER_LOCK = threading.Lock()


def check_gpu() -> dict[str, Any]:
    """Request the wgpu adapter once; raise ``NoGpuError`` (with install advice) if there is none."""
    if _ADAPTER_INFO is not None:
        return _ADAPTER_INFO
    with _ADAPTER_LOCK:  # the renderer warm-up's thread may be asking at the same time
        return _request_adapter()


def _request_adapter() -> dict[str, Any]:
    global _ADAPTER_INFO
    if _ADAPTER_INFO is not None:
        return _ADAPTER_INFO
    _ensure_runtime_dir()
    try:
        import wgpu
    except ImportError as exc:
        raise NoGpuError(
            f"wgpu is not installed ({exc}); install the viewer extra: pip install '.[viewer]'"
        ) from exc
    from rerun_core.viewer.warmup import prime_ctypes

    prime_ctypes()  # one C parse for all of wgpu's struct types instead of one per type
    try:
        adapter = wgpu.gpu.request_adapter_sync(power_preference="high-performance")
    except Exception as exc:
        raise NoGpuError(f"{NO_DRIVER_HELP} (wgpu said: {exc})") from exc
    if adapter is None:
        raise NoGpuError(NO_DRIVER_HELP)
    _share_with_pygfx(wgpu, adapter)
    info = adapter.info
    _ADAPTER_INFO = dict(info) if hasattr(info, "keys") else {"device": str(info)}
    return _ADAPTER_INFO


def _share_with_pygfx(wgpu: Any, adapter: Any) -> None:
    """pygfx's renderers draw on wgpu's default device, which would ask for an adapter of its
    own (0.1-0.2 s on lavapipe): it is made on this one instead (same power preference as
    pygfx's), unless the default device exists already or the user picked an adapter."""
    if os.environ.get("PYGFX_WGPU_ADAPTER_NAME"):
        return
    try:
        wgpu.preconfigure_default_device("rerun viewer", adapter=adapter)
    except Exception:  # the default device was made before (e.g. by the user's own wgpu code)
        pass


def start_adapter_request() -> None:
    """Ask for the adapter on a thread of its own (`check_gpu`), beside the caller's next imports:
    lavapipe's start-up runs natively, without the GIL. No adapter is left for `check_gpu`'s
    next caller to report."""
    if _ADAPTER_INFO is not None:
        return
    import wgpu.backends.auto  # noqa: F401  # imported by the request: here, not on two threads

    def request() -> None:
        try:
            check_gpu()
        except Exception:  # reported by the viewer's own check_gpu
            pass

    threading.Thread(target=request, name="rerun-gpu-adapter", daemon=True).start()


def is_software(info: dict[str, Any]) -> bool:
    return str(info.get("adapter_type", "")).upper() == "CPU" or "llvmpipe" in str(info.get("device", ""))


class OffscreenTarget:
    """A pygfx renderer drawing into a texture of one size (kept while the size holds)."""

    def __init__(self, width: int, height: int) -> None:
        check_gpu()
        import pygfx as gfx

        self.size = (int(width), int(height))
        self.texture = gfx.Texture(dim=2, size=(self.size[0], self.size[1], 1), format="rgba8unorm")
        self.renderer = gfx.WgpuRenderer(self.texture, pixel_ratio=1, ppaa="none")

    def render(self, scene: Any, camera: Any, rect: tuple[int, int, int, int], *, first: bool) -> None:
        self.renderer.render(scene, camera, rect=rect, flush=False, clear=first)

    def finish(self) -> np.ndarray:
        """Read the frame back. The internal color texture already holds the final sRGB bytes
        (no post effects are used), so the flush pass into the target texture is skipped."""
        frame = np.array(self.renderer.snapshot(), copy=True)
        self.renderer._renders_since_last_flush = 0  # what flush() resets: next render clears
        return frame

    def pick(self, x: float, y: float) -> dict[str, Any]:
        return dict(self.renderer.get_pick_info((x, y)))
