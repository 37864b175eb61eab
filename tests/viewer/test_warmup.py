"""The renderer warm-up: primed cffi types equal cffi's own, and a viewer renders as before; its
imports with wgpu's header parse cached and pygfx's font index deferred leave wgpu and pygfx
holding what a plain import gives."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("wgpu")
pytest.importorskip("pygfx")


def _run(code: str, **env: str) -> str:
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env={**os.environ, **env}
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


# primed types are what cffi's own parse of each gives (the same ctype objects)
_PRIMED_CHECK = (
    "from wgpu.backends.wgpu_native import ffi\n"
    "from rerun_core.viewer.warmup import prime_ctypes\n"
    "keys = ['WGPUTextureDescriptor *', 'WGPUBindGroupEntry[]', 'char []', 'uint32_t []',\n"
    "        'WGPUChainedStruct * ', 'void(WGPULogLevel, WGPUStringView, void *)']\n"
    "assert prime_ctypes() > 500\n"
    "primed = {k: ffi._parsed_types.pop(k) for k in keys}\n"
    "for k in keys:\n"
    "    ffi._typeof(k, consider_function_as_funcptr=True)\n"
    "    assert ffi._parsed_types[k] == primed[k], k\n"
    "print(ffi.sizeof('WGPUTextureDescriptor'), ffi.typeof('WGPUTextureDescriptor *').cname)\n"
)


def test_primed_types_are_the_ones_cffi_would_parse() -> None:
    assert "WGPUTextureDescriptor *" in _run(_PRIMED_CHECK)


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


def _held_kinds(n: int) -> str:
    """Code: wait for ``n`` kinds, then 1 s more (less than HOLD_S: the rest are held), keep
    ``held``, release the hold and wait for the warm-up to finish."""
    return (
        "t = time.monotonic()\n"
        f"while len(warmup.done_kinds) < {n} and time.monotonic() - t < 240:\n"
        "    time.sleep(0.02)\n"
        "time.sleep(1.0)\n"
        "held = list(warmup.done_kinds)\n"
        "warmup.release_hold()\n"
        "assert warmup.wait(240)\n"
    )


def test_a_viewer_about_to_draw_holds_the_next_kinds_back() -> None:
    code = (
        "import time\n"
        "from rerun_core.viewer import warmup\n"
        "warmup.hold_for_viewer()\n"
        "warmup.start()\n" + _held_kinds(1) + "print(held, warmup.done_kinds == list(warmup.KINDS))\n"
    )
    assert _run(code).split() == ["['Image']", "True"]


def test_turned_off() -> None:
    code = (
        "from rerun_core.viewer import warmup\n"
        "warmup.start()\n"
        "from wgpu.backends.wgpu_native import ffi\n"
        "print(warmup.wait(0), warmup.prime_ctypes())\n"
    )
    assert _run(code, RERUN_RENDER_WARMUP="0").split() == ["False", "0"]


# what cffi holds of wgpu's header: every declaration's kind and C name, the constants, a size
_WGPU_MODEL = (
    "from rerun_core.viewer import renderer_imports\n"
    "renderer_imports.import_renderer()\n"
    "from wgpu.backends.wgpu_native import ffi, lib\n"
    "p = ffi._parser\n"
    "decls = sorted((k, type(tp).__name__, str(getattr(tp, '_get_c_name', lambda: '')()))\n"
    "               for k, (tp, _) in p._declarations.items())\n"
    "print(len(decls), hash(str(decls)), hash(str(sorted(p._int_constants.items()))),\n"
    "      ffi.sizeof('WGPUTextureDescriptor'), ffi.new('WGPUTextureDescriptor *').size.width,\n"
    "      lib.WGPUTextureFormat_RGBA8Unorm)\n"
)


def test_wgpu_header_parse_is_cached_and_the_same(tmp_path: Path) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path), "PYTHONHASHSEED": "0"}
    plain = _run(_WGPU_MODEL, RERUN_CDEF_CACHE="0", **env)
    assert not list(tmp_path.rglob("*.pickle"))
    first = _run(_WGPU_MODEL, **env)  # parses and writes the cache
    assert len(list(tmp_path.glob("rerun/cffi/*.pickle"))) == 1
    second = _run(_WGPU_MODEL, **env)  # answered from the cache
    assert plain == first == second


def test_unreadable_cache_parses_as_usual(tmp_path: Path) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path), "PYTHONHASHSEED": "0"}
    first = _run(_WGPU_MODEL, **env)
    for f in tmp_path.glob("rerun/cffi/*.pickle"):
        f.write_bytes(b"not a pickle")
    assert _run(_WGPU_MODEL, **env) == first


_FONTS = (
    "from rerun_core.viewer import renderer_imports\n"
    "renderer_imports.import_renderer()\n"
    "from pygfx.utils.text import font_manager as fm, FontProps\n"
    "import pygfx.utils.text._fontmanager as m\n"
    "print(type(fm._default_font_map).__name__, 'open' in vars(m))\n"
    "pieces = fm.select_font('Rerun ÅΩЖ ∑ 漢', FontProps())\n"
    "print([(t, f.family, f.variant) for t, f in pieces])\n"
    "print(type(fm._default_font_map).__name__, len(fm._default_font_map), fm._default_font_map == m.FontManager()._default_font_map)\n"
)


def test_font_index_read_on_first_use_and_the_same() -> None:
    lazy = _run(_FONTS).splitlines()
    plain = _run(_FONTS, RERUN_LAZY_FONT_INDEX="0").splitlines()
    assert lazy[0] == "_LazyIndex False" and plain[0] == "dict False"
    assert lazy[1] == plain[1]  # the same fonts chosen
    assert lazy[2] == plain[2] and lazy[2].startswith("dict ") and lazy[2].endswith(" True")


def test_primed_types_from_the_cache_are_cffis_own(tmp_path: Path) -> None:
    """The second process loads the primed types' models from the cache file; they still point
    at the header's own struct types (cffi tells those apart by identity)."""
    code = (
        "from rerun_core.viewer import renderer_imports\n"
        "renderer_imports.import_renderer()\n"
        + _PRIMED_CHECK
        + "assert ffi.typeof('WGPUTextureDescriptor *').item is ffi.typeof('WGPUTextureDescriptor')\n"
        "d = ffi.new('WGPUTextureDescriptor *'); d.size.width = 7\n"
        "print(d.size.width)\n"
    )
    env = {"XDG_CACHE_HOME": str(tmp_path)}
    first = _run(code, **env)  # parses, writes the cache
    assert first.split()[-1] == "7"
    assert len(list(tmp_path.glob("rerun/cffi/types_*.pickle"))) == 1
    assert _run(code, **env) == first  # from the cache


def test_shader_templates_from_the_cache_are_the_same(tmp_path: Path) -> None:
    code = (
        "from rerun_core.viewer import renderer_imports\n"
        "renderer_imports.import_renderer()\n"
        "import pygfx\n"
        "from pygfx.renderers.wgpu.shader.templating import apply_templating, register_wgsl_loader\n"
        "register_wgsl_loader('rrtest', {'g.wgsl': 'fn g() -> i32 { return {{ x }} * 2; }'})\n"
        "src = \"{$ include 'rrtest.g.wgsl' $}\\n$$ if x > 1\\nfn f() -> i32 { return {{ x }}; }\\n$$ endif\\n\"\n"
        "print(apply_templating(src, x=3).split())\n"
        "import hashlib\n"
        "print(hashlib.sha256(apply_templating(src, x=3).encode()).hexdigest())\n"
    )
    env = {"XDG_CACHE_HOME": str(tmp_path)}
    plain = _run(code, RERUN_SHADER_CACHE="0", **env)
    assert not list(tmp_path.glob("rerun/jinja/*"))
    first = _run(code, **env)
    cached = sorted(p.name[:2] for p in tmp_path.glob("rerun/jinja/*"))
    assert "s_" in cached and "__" in cached  # a from_string template and an included one
    assert plain == first == _run(code, **env)


def test_the_opened_datas_kinds_come_first_and_the_rest_wait() -> None:
    code = (
        "import time\n"
        "from rerun_core.viewer import warmup\n"
        "print(warmup.prefer(['Points3D', 'RecordingInfo', 'Asset3D']))\n"
        "warmup.start()\n"
        + _held_kinds(2)
        + "print(held, sorted(warmup.done_kinds) == sorted(warmup.KINDS))\n"
    )
    assert _run(code).splitlines() == ["['Points3D', 'Mesh3D']", "['Points3D', 'Mesh3D'] True"]


def test_one_adapter_request_for_the_check_and_pygfxs_device() -> None:
    """The adapter asked for while pygfx imports is the one pygfx's default device is made on."""
    code = (
        "from wgpu.backends.wgpu_native._api import GPU\n"
        "calls = []\n"
        "orig = GPU.request_adapter_async\n"
        "def counted(self, *a, **k):\n"
        "    calls.append(k)\n"
        "    return orig(self, *a, **k)\n"
        "GPU.request_adapter_async = counted\n"
        "from rerun_core.viewer import warmup\n"
        "warmup.start()\n"
        "assert warmup.wait(240)\n"
        "import pygfx\n"
        "print(len(calls), warmup.done_kinds == list(warmup.KINDS), pygfx.renderers.wgpu.get_shared().device is not None)\n"
    )
    assert _run(code).split() == ["1", "True", "True"]
