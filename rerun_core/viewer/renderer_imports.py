"""The renderer's imports (wgpu, pygfx) without two costs a fresh viewer pays before its first frame.

- wgpu's C header, parsed once per machine instead of once per process: importing
  ``wgpu.backends.wgpu_native`` hands wgpu-native's header (~100 kB of C) to ``cffi.FFI.cdef``,
  which parses it with pycparser in pure Python (0.4-0.9 s of CPU). What the parse leaves is
  cffi's model of the declarations (plain Python objects): it pickles to ~170 kB and loads in a
  few milliseconds. While importing, cffi's parser answers that one header from a cache file
  (``$XDG_CACHE_HOME/rerun/cffi``, keyed by the header text and the cffi, pycparser and Python
  versions) and writes the file when it is missing; any other cdef, or a cache that cannot be
  read or written, parses as cffi always does. ``RERUN_CDEF_CACHE=0`` turns it off.
- pygfx's font index (which of its Noto fonts covers each of ~78k code points), read from JSON
  into a dict when pygfx is imported (0.3-0.9 s of CPU), is read when text is first laid out
  instead: the font manager's two index attributes are stand-ins that load the real index
  (pygfx's own method) on first use. ``RERUN_LAZY_FONT_INDEX=0`` turns it off.

``import_renderer()`` does both imports, and caches pygfx's shader templates (``shader_cache``);
anything unexpected leaves pygfx and wgpu as they are.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import io
import logging
import os
import pickle
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

_STATE = (
    "_declarations",
    "_int_constants",
    "_included_declarations",
    "_anonymous_counter",
    "_uses_new_feature",
)
_lock = threading.Lock()


def _on(var: str) -> bool:
    return os.environ.get(var, "1").strip().lower() not in ("0", "false", "no", "off")


def cache_dir(kind: str = "cffi") -> Path:
    """Where the viewer's per-machine caches of ``kind`` live (``$XDG_CACHE_HOME/rerun/<kind>``)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "rerun" / kind


def import_renderer(after_wgpu: Callable[[], object] | None = None) -> None:
    """Import wgpu's native backend and the viewer's renderer (pygfx), cheaper (see above);
    ``after_wgpu`` runs between the two (e.g. to start asking for the GPU adapter)."""
    if "wgpu.backends.wgpu_native" in sys.modules or not _on("RERUN_CDEF_CACHE"):
        import wgpu.backends.wgpu_native
    else:
        with _cached_parse():
            import wgpu.backends.wgpu_native  # noqa: F401
    if after_wgpu is not None:
        after_wgpu()
    if "pygfx" not in sys.modules and _on("RERUN_LAZY_FONT_INDEX"):
        with _lazy_font_index():
            import pygfx  # noqa: F401
    from rerun_core.viewer import shader_cache

    shader_cache.install()
    import rerun_core.viewer.app  # noqa: F401


def _key(csource: str, options: dict[str, Any]) -> str:
    import cffi
    import pycparser

    versions = f"{cffi.__version__}|{pycparser.__version__}|{sys.version}|{sorted(options.items())}"
    return hashlib.sha256(f"{versions}\n{csource}".encode()).hexdigest()[:32]


@contextmanager
def _cached_parse() -> Iterator[None]:
    """While inside, a fresh cffi parser given a big header loads or saves its parse."""
    from cffi.cparser import Parser

    original = Parser.parse

    def parse(self: Any, csource: str, override: bool = False, **options: Any) -> Any:
        if override or self._declarations or len(csource) < 10_000:
            return original(self, csource, override=override, **options)
        path = cache_dir() / f"{_key(csource, options)}.pickle"
        if _load(self, path):
            return None
        result = original(self, csource, override=override, **options)
        _save(self, path)
        return result

    with _lock:  # one import at a time patches the class
        Parser.parse = parse
        try:
            yield
        finally:
            Parser.parse = original


def _load(parser: Any, path: Path) -> bool:
    try:
        state = pickle.loads(path.read_bytes())
        if not isinstance(state, dict) or set(state) != set(_STATE):
            return False
    except FileNotFoundError:
        return False
    except Exception:
        log.debug("cffi parse cache %s unreadable; parsing", path, exc_info=True)
        return False
    for name, value in state.items():
        setattr(parser, name, value)
    return True


def _save(parser: Any, path: Path) -> None:
    if parser._recomplete:  # types cffi finishes after the parse: left to a real parse each time
        return
    try:
        data = pickle.dumps(
            {name: getattr(parser, name) for name in _STATE}, protocol=pickle.HIGHEST_PROTOCOL
        )
    except Exception:
        log.debug("cffi parse of %s not picklable", path, exc_info=True)
        return
    write_cache_file(path, data)


def cached_models(types: list[str], parse: Callable[[], list[Any] | None]) -> list[Any] | None:
    """cffi's models of wgpu's type strings ``types`` (the warm-up's ``prime_ctypes``): loaded
    from the cache dir when parsed before with the same header, else ``parse()`` and stored."""
    try:
        import wgpu
        from cffi import model
        from wgpu.backends.wgpu_native import ffi

        declarations = ffi._parser._declarations
        header = f"{wgpu.__version__}|{sorted(declarations)}"
    except Exception:
        return parse()
    path = cache_dir() / f"types_{_key(header + chr(10).join(types), {})}.pickle"
    # cffi tells struct, union and enum types apart by identity: the cached models must refer to
    # the parser's own, so those are pickled by their declaration's name
    named = {
        id(tp): name for name, (tp, _q) in declarations.items() if isinstance(tp, model.StructOrUnionOrEnum)
    }
    try:
        unpickler = pickle.Unpickler(io.BytesIO(path.read_bytes()))
        unpickler.persistent_load = lambda name: declarations[name][0]  # type: ignore[method-assign]
        models = unpickler.load()
        if isinstance(models, list) and len(models) == len(types):
            return models
    except FileNotFoundError:
        pass
    except Exception:
        log.debug("cffi type cache %s unreadable; parsing", path, exc_info=True)
    models = parse()
    if models is not None:
        out = io.BytesIO()
        pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.persistent_id = lambda obj: named.get(id(obj))  # type: ignore[method-assign]
        try:
            pickler.dump(models)
        except Exception:
            log.debug("cffi types not picklable", exc_info=True)
            return models
        write_cache_file(path, out.getvalue())
    return models


def write_cache_file(path: Path, data: bytes) -> None:
    """Write a cache file whole (a temp file renamed over it), or leave it: a cache is optional."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except Exception:
        log.debug("cache file %s not written", path, exc_info=True)


# --- pygfx's font index -------------------------------------------------------------------------

_FONT_MODULE = "pygfx.utils.text._fontmanager"
_INDEX_FILE = "noto_default_index.json"
_EMPTY_INDEX = '{"families": [], "filenames": [], "index": {}}'


@contextmanager
def _lazy_font_index() -> Iterator[None]:
    """While inside, pygfx's font manager module loads with its default font index deferred."""
    finder = _FontModuleFinder()
    sys.meta_path = [finder, *sys.meta_path]  # a new list: another thread may iterate the old
    try:
        yield
    finally:
        sys.meta_path = [f for f in sys.meta_path if f is not finder]


class _FontModuleFinder:
    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name != _FONT_MODULE:
            return None
        from importlib.machinery import PathFinder

        spec = PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return None
        spec.loader = _FontModuleLoader(spec.loader)
        return spec


class _FontModuleLoader(importlib.abc.Loader):
    """pygfx's loader, with the module's ``open`` giving an empty index while it runs; the
    manager it makes then gets stand-ins that read the real one on first use."""

    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def create_module(self, spec: Any) -> Any:
        return self._loader.create_module(spec)

    def exec_module(self, module: Any) -> None:
        import builtins
        import io

        def open_(file: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(file, str) and os.path.basename(file) == _INDEX_FILE:
                return io.StringIO(_EMPTY_INDEX)
            return builtins.open(file, *args, **kwargs)

        module.__dict__["open"] = open_  # found before the builtin by the module's code
        try:
            self._loader.exec_module(module)
        finally:
            module.__dict__.pop("open", None)
        manager = getattr(module, "font_manager", None)
        load = getattr(type(manager), "_load_default_font_index", None)
        if manager is None or load is None:
            return
        once = _Once(manager, load)
        manager._default_font_map = _LazyIndex(once, "_default_font_map")
        manager._default_family_to_fname = _LazyIndex(once, "_default_family_to_fname")

    def __getattr__(self, name: str) -> Any:  # get_source, get_filename, ... as pygfx's loader
        return getattr(self._loader, name)


class _Once:
    """Loads the real index into the manager (replacing the stand-ins) the first time asked."""

    def __init__(self, manager: Any, load: Any) -> None:
        self.manager = manager
        self._load = load
        self._lock = threading.Lock()
        self._done = False

    def real(self, attr: str) -> Any:
        if not self._done:
            with self._lock:
                if not self._done:
                    self._load(self.manager)
                    self._done = True
        return getattr(self.manager, attr)


class _LazyIndex:
    """Stands in for one of the font manager's index dicts until text is first laid out."""

    def __init__(self, once: _Once, attr: str) -> None:
        self._once = once
        self._attr = attr

    def get(self, key: Any, default: Any = None) -> Any:
        return self._once.real(self._attr).get(key, default)

    def __getitem__(self, key: Any) -> Any:
        return self._once.real(self._attr)[key]

    def __contains__(self, key: Any) -> bool:
        return key in self._once.real(self._attr)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._once.real(self._attr))

    def __len__(self) -> int:
        return len(self._once.real(self._attr))
