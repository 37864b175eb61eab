"""Drop-in for the rerun-sdk 0.41 Python API.

``import rerun`` stays light: the recording stream and sinks load eagerly (numpy + pyarrow),
archetypes, components and friends on first attribute access, and gRPC, the viewer and the
notebook widget only when used.
"""

from __future__ import annotations

import atexit
import functools
import importlib
import random as random  # 0.41 has it in its namespace
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from . import error_utils as error_utils
from . import sinks as sinks
from ._active_recording import get_application_id as get_application_id
from ._active_recording import get_global_data_recording as get_global_data_recording
from ._active_recording import get_recording_id as get_recording_id
from ._active_recording import get_thread_local_data_recording as get_thread_local_data_recording
from ._active_recording import is_enabled as is_enabled
from ._active_recording import recording_stream_generator_ctx as recording_stream_generator_ctx
from ._active_recording import set_global_data_recording as set_global_data_recording
from ._active_recording import set_thread_local_data_recording as set_thread_local_data_recording
from ._batcher import ChunkBatcherConfig as ChunkBatcherConfig
from ._errors import set_strict_mode as set_strict_mode
from ._errors import strict_mode as strict_mode
from ._init import init as init
from ._init import thread_local_stream as thread_local_stream
from ._legacy_notebook import legacy_notebook_show as legacy_notebook_show
from ._log import escape_entity_path_part as escape_entity_path_part
from ._log import log as log
from ._log import log_file_from_contents as log_file_from_contents
from ._log import log_file_from_path as log_file_from_path
from ._log import new_entity_path as new_entity_path
from ._memory import MemoryRecording as MemoryRecording
from ._memory import memory_recording as memory_recording
from ._properties import send_property as send_property
from ._properties import send_recording_name as send_recording_name
from ._properties import send_recording_start_time_nanos as send_recording_start_time_nanos
from ._recording_core import PROPERTIES_PATH, _flush_all_at_exit
from ._recording_stream import BinaryStream as BinaryStream
from ._recording_stream import RecordingStream as RecordingStream
from ._recording_stream import binary_stream as binary_stream
from ._recording_stream import get_data_recording as get_data_recording
from ._send_columns import TimeColumn as TimeColumn
from ._send_columns import TimeColumnLike as TimeColumnLike
from ._send_columns import send_chunks as send_chunks
from ._send_columns import send_columns as send_columns
from ._send_dataframe import AUTO_INDEX as AUTO_INDEX
from ._send_dataframe import RERUN_KIND as RERUN_KIND
from ._send_dataframe import RERUN_KIND_CONTROL as RERUN_KIND_CONTROL
from ._send_dataframe import RERUN_KIND_INDEX as RERUN_KIND_INDEX
from ._send_dataframe import SORBET_ARCHETYPE_NAME as SORBET_ARCHETYPE_NAME
from ._send_dataframe import SORBET_COMPONENT as SORBET_COMPONENT
from ._send_dataframe import SORBET_COMPONENT_TYPE as SORBET_COMPONENT_TYPE
from ._send_dataframe import SORBET_ENTITY_PATH as SORBET_ENTITY_PATH
from ._send_dataframe import SORBET_INDEX_NAME as SORBET_INDEX_NAME
from ._send_dataframe import SORBET_IS_TABLE_INDEX as SORBET_IS_TABLE_INDEX
from ._send_dataframe import send_dataframe as send_dataframe
from ._send_dataframe import send_record_batch as send_record_batch
from ._time import disable_timeline as disable_timeline
from ._time import reset_time as reset_time
from ._time import set_log_tick_enabled as set_log_tick_enabled
from ._time import set_log_time_enabled as set_log_time_enabled
from ._time import set_time as set_time
from ._tracing_session import tracing_session as tracing_session
from .script_helpers import script_add_args as script_add_args
from .script_helpers import script_setup as script_setup
from .script_helpers import script_teardown as script_teardown
from .sinks import FileSink as FileSink
from .sinks import GrpcServerSink as GrpcServerSink
from .sinks import GrpcSink as GrpcSink
from .sinks import connect as connect
from .sinks import connect_grpc as connect_grpc
from .sinks import disconnect as disconnect
from .sinks import save as save
from .sinks import send_blueprint as send_blueprint
from .sinks import serve as serve
from .sinks import serve_grpc as serve_grpc
from .sinks import serve_web_viewer as serve_web_viewer
from .sinks import set_sinks as set_sinks
from .sinks import spawn as spawn
from .sinks import stdout as stdout

_F = TypeVar("_F", bound=Callable[..., Any])

__version__ = "0.41.0"
RECORDING_PROPERTIES_PATH = PROPERTIES_PATH
__version_info__ = (0, 41, 0, None)

EXTERNAL_IMPORTER_INCOMPATIBLE_EXIT_CODE = 66


def flush(*, timeout_sec: float = 1e38, recording: RecordingStream | None = None) -> None:
    """Push everything logged so far into the sinks."""
    rec = get_data_recording(recording)
    if rec is not None:
        rec.flush(timeout_sec=timeout_sec)


def version() -> str:
    return f"rerun_py {__version__} (pure Python re-implementation)"


def rerun_shutdown() -> None:
    """Flush and close every recording (also runs at interpreter exit)."""
    _flush_all_at_exit()


def cleanup_if_forked_child() -> None:
    """Kept for 0.41 compatibility: fork handling is automatic (``os.register_at_fork``)."""


def shutdown_at_exit(func: _F) -> _F:
    """Decorator: flush and close every recording when ``func`` returns (for subprocess entry points)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        finally:
            rerun_shutdown()

    return wrapper  # type: ignore[return-value]


def asarray(item: Any, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
    """``np.asarray`` with numpy 2's ``copy`` argument."""
    return np.asarray(item, dtype=dtype, copy=copy)


def start_web_viewer_server(port: int = 0) -> None:
    """Serve the web viewer page (showing this process's recording) on ``port`` (0: a free one)."""
    sinks.serve_web_viewer(web_port=port, open_browser=False)


def unregister_shutdown() -> None:
    atexit.unregister(_flush_all_at_exit)


# --- lazily resolved names (archetypes & co. load on first use) ------------------------------

if TYPE_CHECKING:  # what __getattr__ below serves, for type checkers (generated)
    from ._lazy_names import *  # noqa: F403

_LAZY_MODULES = (
    "components",
    "datatypes",
    "archetypes",
    "encodings",
    "blueprint",
    "notebook",
    "server",
    "catalog",
)
_LAZY_SUBMODULES = (
    "recording_stream",
    "time",
    "script_helpers",
    "any_value",
    "any_batch_value",
    "dynamic_archetype",
    "experimental",
    "chunk",
)
_LAZY_SEARCH = (
    ".archetypes",
    ".encodings",
    ".components",
    "._baseclasses",
    ".dynamic_archetype",
    ".any_value",
    "._logging_handler",
    ".any_batch_value",
    ".notebook",
    ".auth",
)
# Names in several searched modules that 0.41 takes from a later one: its `rr.X` is the component.
_LAZY_FROM = {"TensorDimensionIndexSelection": ".components"}


def __getattr__(name: str) -> Any:
    if name in _LAZY_MODULES or name in _LAZY_SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    if name.startswith("__"):
        raise AttributeError(name)
    if name in _LAZY_FROM:
        value = getattr(importlib.import_module(_LAZY_FROM[name], __name__), name)
        globals()[name] = value
        return value
    for modname in _LAZY_SEARCH:
        mod = importlib.import_module(modname, __name__)  # a broken module raises, never hides
        if hasattr(mod, name):
            value = getattr(mod, name)
            globals()[name] = value
            return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    """Every public name, the lazy ones included (tab completion lists what ``rr.X`` resolves)."""
    from importlib.util import find_spec

    submodules = {*_LAZY_MODULES, *_LAZY_SUBMODULES}
    names = set(globals()) | {m for m in submodules if find_spec(f"{__name__}.{m}") is not None}
    for modname in _LAZY_SEARCH:
        mod = importlib.import_module(modname, __name__)
        public = getattr(mod, "__all__", None) or [n for n in vars(mod) if not n.startswith("_")]
        names.update(n for n in public if not n.startswith("_"))
    return sorted(names)
