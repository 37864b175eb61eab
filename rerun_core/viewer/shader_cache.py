"""pygfx's shader templates compiled once per machine instead of once per process.

pygfx writes each shader's WGSL through jinja2 (``templating.apply_templating``): the template
text is parsed, turned into Python source and compiled by ``compile()`` on every first use in a
process, 20-40 ms of pure-Python work per shader on this machine, a few shaders per visualizer
kind. That sits on a fresh viewer's way to its first frame (the warm-up's or the frame's own).

``install()`` gives pygfx's jinja environment two caches keyed by the template text and the
jinja2, pygfx and Python versions, in ``$XDG_CACHE_HOME/rerun/jinja``: its own ``FileSystemBytecodeCache``
for the templates its loader includes, and the same for the ones it builds from strings
(``from_string``, which jinja2 does not cache). A cached template is the code object jinja2
would have compiled. ``RERUN_SHADER_CACHE=0`` turns it off.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import sys
from pathlib import Path
from types import CodeType
from typing import Any

from rerun_core.viewer.renderer_imports import cache_dir, write_cache_file

log = logging.getLogger(__name__)

_installed = False


def install() -> bool:
    """Cache pygfx's template compilation (see above); False when off or not possible."""
    global _installed
    if _installed or os.environ.get("RERUN_SHADER_CACHE", "1").strip().lower() in ("0", "false", "no", "off"):
        return False
    try:
        import jinja2
        from pygfx.renderers.wgpu.shader import templating

        env = templating.jinja_env
        directory = cache_dir("jinja")
        directory.mkdir(parents=True, exist_ok=True)
    except Exception:
        log.debug("shader template cache not installed", exc_info=True)
        return False
    if env.bytecode_cache is None:
        env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(directory))
    import pygfx

    versions = f"{jinja2.__version__}|{pygfx.__version__}|{sys.version}"  # and so its delimiters

    def from_string(source: Any, globals: Any = None, template_class: Any = None) -> Any:
        cls = template_class or env.template_class
        code = _code(env, source, versions, directory) if isinstance(source, str) else None
        if code is None:
            code = env.compile(source)
        return cls.from_code(env, code, env.make_globals(globals), None)

    env.from_string = from_string  # type: ignore[method-assign]
    _installed = True
    return True


def _code(env: Any, source: str, versions: str, directory: Path) -> CodeType | None:
    """The template's code object, from the cache or compiled (and then stored)."""
    key = hashlib.sha256(f"{versions}\n{source}".encode()).hexdigest()[:32]
    path = directory / f"s_{key}.marshal"
    try:
        code = marshal.loads(path.read_bytes())
        if isinstance(code, CodeType):
            return code
    except FileNotFoundError:
        pass
    except Exception:
        log.debug("shader template cache %s unreadable", path, exc_info=True)
    code = env.compile(source)
    write_cache_file(path, marshal.dumps(code))
    return code  # type: ignore[no-any-return]
