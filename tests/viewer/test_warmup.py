"""The renderer warm-up: primed cffi types equal cffi's own, and a viewer renders as before."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytest.importorskip("wgpu")


def _run(code: str, **env: str) -> str:
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env={**os.environ, **env}
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def test_primed_types_are_the_ones_cffi_would_parse() -> None:
    code = (
        "from wgpu.backends.wgpu_native import ffi\n"
        "from rerun_core.viewer.warmup import prime_ctypes\n"
        "keys = ['WGPUTextureDescriptor *', 'WGPUBindGroupEntry[]', 'char []', 'uint32_t []',\n"
        "        'void(WGPULogLevel, WGPUStringView, void *)']\n"
        "assert prime_ctypes() > 500\n"
        "primed = {k: ffi._parsed_types.pop(k) for k in keys}\n"
        "for k in keys:\n"
        "    ffi._typeof(k, consider_function_as_funcptr=True)\n"
        "    assert ffi._parsed_types[k] == primed[k], k\n"
        "print(ffi.sizeof('WGPUTextureDescriptor'), ffi.typeof('WGPUTextureDescriptor *').cname)\n"
    )
    assert "WGPUTextureDescriptor *" in _run(code)


def test_warm_up_then_a_viewer_renders_its_own_data() -> None:
    code = (
        "import numpy as np, pyarrow as pa\n"
        "from rerun_core.viewer import warmup\n"
        "from rerun_core.viewer.app import ViewerApp\n"
        "warmup.start()\n"
        "app = ViewerApp(warmup._scene('Points3D'), 64, 48)\n"  # renders while the warm-up may run
        "frame = app.render()\n"
        "assert warmup.wait(240)\n"
        "print('lit', int((frame[..., :3].sum(-1) > 150).sum()), sorted(app.view_errors))\n"
    )
    out = _run(code)
    assert "[]" in out and int(out.split()[1]) > 0


def test_turned_off() -> None:
    code = (
        "from rerun_core.viewer import warmup\n"
        "warmup.start()\n"
        "from wgpu.backends.wgpu_native import ffi\n"
        "print(warmup.wait(0), warmup.prime_ctypes())\n"
    )
    assert _run(code, RERUN_RENDER_WARMUP="0").split() == ["False", "0"]
