"""The engine behind a RecordingStream: time state, batcher and sinks.

Kept separate from the public class so that the batcher's callback does not keep the user's
``RecordingStream`` alive: dropping the last handle finalizes its files promptly.
"""

from __future__ import annotations

import atexit
import itertools
import logging
import os
import sys
import threading
import time
import warnings
import weakref
from typing import Any

import numpy as np
import pyarrow as pa

from rerun_core.store.chunk import Chunk
from rerun_core.store.messages import (
    ArrowMsg,
    LogMsg,
    SetStoreInfo,
    StoreId,
    StoreInfo,
    StoreKind,
    StoreSource,
    StoreSourceKind,
)
from rerun_core.types import ComponentDescriptor, TimeType, new_tuid, new_tuids

from ._batcher import Batcher, ChunkBatcherConfig, TimelineKey, build_list_column
from ._errors import RerunWarning
from ._sink_types import BufferedSink, LogSink, _WriterSink

_log = logging.getLogger("rerun")

PROPERTIES_PATH = "/__properties"
RECORDING_INFO = "rerun.archetypes.RecordingInfo"
START_TIME = ComponentDescriptor("RecordingInfo:start_time", RECORDING_INFO, "rerun.components.Timestamp")
RECORDING_NAME = ComponentDescriptor("RecordingInfo:name", RECORDING_INFO, "rerun.components.Name")

_LOG_TIME_KEY: TimelineKey = (("log_time", TimeType.TIMESTAMP),)
_LOG_TICK_KEY: TimelineKey = (("log_tick", TimeType.SEQUENCE),)


def _python_source() -> StoreSource:
    # The codec fills in the encoded PythonVersion when ``extra`` is empty.
    return StoreSource(StoreSourceKind.PYTHON_SDK)


def env_flag(name: str) -> bool | None:
    raw = os.environ.get(name)
    if raw is None:
        return None
    val = raw.strip().lower()
    if val in ("1", "true", "on", "yes"):
        return True
    if val in ("0", "false", "off", "no"):
        return False
    return None


class _TimeState:
    """One thread's cursor: timeline key (names + types) and the matching values."""

    __slots__ = ("full", "full_auto", "index", "key", "values")

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.key: TimelineKey = ()
        self.values: list[int] = []
        # ``key`` + the automatic timelines, rebuilt when either changes (see ``_row_times``).
        self.full: TimelineKey = ()
        self.full_auto: TimelineKey | None = None


class _Times(threading.local):
    """Per-thread ``_TimeState``: one thread-local lookup per call, then plain slots."""

    def __init__(self) -> None:
        self.s = _TimeState()


class RecordingCore:
    """State shared by every handle (copy) of one recording."""

    def __init__(
        self,
        application_id: str,
        recording_id: str,
        *,
        enabled: bool,
        batcher_config: ChunkBatcherConfig | None,
        kind: StoreKind = StoreKind.RECORDING,
    ) -> None:
        self.store_id = StoreId(kind, recording_id, application_id)
        self.store_info = StoreInfo(self.store_id, _python_source())
        self.enabled = enabled
        self.pid = os.getpid()
        self._sink_lock = threading.RLock()
        self.buffer: BufferedSink | None = BufferedSink()
        self.sinks: list[LogSink] = [self.buffer]
        self.times = _Times()
        self.log_time_enabled = env_flag("RERUN_LOG_TIME") is not False
        self.log_tick_enabled = env_flag("RERUN_LOG_TICK") is True
        self._tick = itertools.count()
        self._auto_key: TimelineKey = ()
        self._update_auto_key()
        self.batcher = Batcher(batcher_config or ChunkBatcherConfig(), self.send_chunk)
        self.closed = False
        self.handles = 0
        _LIVE.add(self)
        self.send(SetStoreInfo(new_tuid(), self.store_info))

    # --- time -----------------------------------------------------------------------------

    def _update_auto_key(self) -> None:
        key: TimelineKey = ()
        if self.log_tick_enabled:
            key += _LOG_TICK_KEY
        if self.log_time_enabled:
            key += _LOG_TIME_KEY
        self._auto_key = _LOG_TIME_KEY if key == _LOG_TIME_KEY else key  # `is` checked per row

    def set_log_flags(self, *, log_time: bool | None = None, log_tick: bool | None = None) -> None:
        if log_time is not None:
            self.log_time_enabled = bool(log_time)
        if log_tick is not None:
            self.log_tick_enabled = bool(log_tick)
        self._update_auto_key()

    def set_time(self, timeline: str, typ: TimeType, value: int) -> None:
        t = self.times.s
        i = t.index.get(timeline)
        if i is not None and t.key[i][1] is typ:
            t.values[i] = value
            return
        if i is not None:
            _log.warning(
                'Timeline "%s" changed type from %s to %s. Rerun does not support using different types '
                "for the same timeline.",
                timeline,
                t.key[i][1].name.lower(),
                typ.name.lower(),
            )
            self.disable_timeline(timeline)
        t.index[timeline] = len(t.values)
        t.key = (*t.key, (timeline, typ))
        t.values.append(value)
        t.full_auto = None

    def disable_timeline(self, timeline: str) -> None:
        t = self.times.s
        i = t.index.get(timeline)
        if i is None:
            return
        key = t.key[:i] + t.key[i + 1 :]
        values = t.values[:i] + t.values[i + 1 :]
        t.key, t.values = key, values
        t.index = {name: j for j, (name, _) in enumerate(key)}
        t.full_auto = None

    def reset_time(self) -> None:
        t = self.times.s
        t.index, t.key, t.values = {}, (), []
        t.full_auto = None

    def current_times(self) -> dict[str, tuple[TimeType, int]]:
        t = self.times.s
        return {name: (typ, v) for (name, typ), v in zip(t.key, t.values, strict=True)}

    # --- rows -----------------------------------------------------------------------------

    def log_row(self, entity: str, components: dict[ComponentDescriptor, Any], static: bool) -> None:
        """Stamp one row with this thread's time (plus log_time/log_tick) and batch it."""
        nbytes = 0
        for arr in components.values():
            nbytes += (
                arr.nbytes if type(arr) is np.ndarray else arr.get_total_buffer_size()
            )  # not pa's .nbytes: slow
        tick = next(self._tick)  # as 0.41: every logged row counts, static or not, enabled or not
        if static:
            self.batcher.push(entity, None, (), components, nbytes)
            return
        key, times = self._row_times(tick)
        self.batcher.push(entity, key, times, components, nbytes)

    def log_one(self, entity: str, desc: ComponentDescriptor, values: np.ndarray, static: bool) -> None:
        """``log_row`` for a row of one numpy component (the per-call hot path)."""
        tick = next(self._tick)
        if static:
            self.batcher.push_one(entity, None, (), desc, values, values.nbytes)
            return
        t = self.times.s
        if t.full_auto is _LOG_TIME_KEY and self._auto_key is _LOG_TIME_KEY:  # the default, inline
            self.batcher.push_one(entity, t.full, (*t.values, time.time_ns()), desc, values, values.nbytes)
            return
        key, times = self._row_times(tick)
        self.batcher.push_one(entity, key, times, desc, values, values.nbytes)

    def _row_times(self, tick: int) -> tuple[TimelineKey, tuple[int, ...]]:
        """This thread's timelines plus the automatic ones, and the row's values on them."""
        t = self.times.s
        auto = self._auto_key
        if t.full_auto is not auto:  # the same tuple object until the timelines change
            t.full, t.full_auto = t.key + auto, auto
        if auto is _LOG_TIME_KEY:  # the default
            return t.full, (*t.values, time.time_ns())
        if not auto:
            return t.full, tuple(t.values)
        if self.log_time_enabled:
            return t.full, (*t.values, tick, time.time_ns())
        return t.full, (*t.values, tick)

    def send_properties_now(self, entity: str, components: dict[ComponentDescriptor, pa.Array]) -> None:
        """One static row sent as its own chunk at once, bypassing the batcher (as 0.41 does
        with the recording properties at creation)."""

        lists = {desc: build_list_column([(0, arr)], 1) for desc, arr in components.items()}
        self.send_chunk(Chunk.from_columns(entity, new_tuids(1), [], lists))

    # --- sinks ----------------------------------------------------------------------------

    def send(self, msg: LogMsg) -> None:
        with self._sink_lock:
            for sink in self.sinks:
                sink.send(msg)

    def send_chunk(self, chunk: Chunk) -> None:
        self.send(ArrowMsg(self.store_id, chunk))

    def set_sinks(self, sinks: list[LogSink]) -> None:
        """Replace the sinks, as 0.41 does: rows logged so far go to the old sinks, which are
        flushed and closed; messages buffered while no sink was set are replayed into the new
        ones, which hold (written, sent) everything logged before this call when it returns."""
        _exit_flush_first()
        # Lock order is always batcher -> sinks (the tick thread sends chunks under the batcher's
        # lock), so flush before taking the sink lock.
        self.batcher.flush()
        with self._sink_lock:
            old = self.sinks
            replay = self.buffer.drain() if self.buffer is not None else []
            if sinks:
                self.buffer = None
                self.sinks = list(sinks)
            else:
                self.buffer = BufferedSink()
                self.sinks = [self.buffer]
            for sink in old:
                if sink not in self.sinks and sink is not self.buffer:
                    _close_quietly(sink)
            self._replay(replay)
        self.flush_sinks()

    def add_sink(self, sink: LogSink) -> None:
        """Tee one more sink in; it receives everything buffered before any sink was set."""
        _exit_flush_first()
        with self._sink_lock:
            replay = self.buffer.drain() if self.buffer is not None else []
            if self.buffer is not None:
                self.sinks = [s for s in self.sinks if s is not self.buffer]
                self.buffer = None
            self.sinks.append(sink)
            if replay:
                for msg in replay:
                    sink.send(msg)
            else:
                sink.send(SetStoreInfo(new_tuid(), self.store_info))

    def _replay(self, replay: list[LogMsg]) -> None:
        infos = [m for m in replay if isinstance(m, SetStoreInfo)]
        rest = [m for m in replay if not isinstance(m, SetStoreInfo)]
        for msg in [*infos, SetStoreInfo(new_tuid(), self.store_info), *rest]:
            self.send(msg)

    def flush(self) -> None:
        if os.getpid() != self.pid:
            return
        self.batcher.flush()
        self.flush_sinks()

    def flush_sinks(self) -> None:
        """Wait until the sinks wrote or sent what they were handed."""
        if os.getpid() != self.pid:
            return
        with self._sink_lock:
            sinks = list(self.sinks)
        for sink in sinks:
            sink.flush()

    def finalize_files(self) -> None:
        """Close file-like sinks (footer written) and fall back to buffering if none remain."""
        self.flush()
        with self._sink_lock:
            keep = [s for s in self.sinks if not isinstance(s, _WriterSink)]
            for s in self.sinks:
                if isinstance(s, _WriterSink):
                    _close_quietly(s)
            if not keep:
                self.buffer = BufferedSink()
                keep = [self.buffer]
            self.sinks = keep

    def shutdown(self) -> None:
        """Flush everything and close the sinks (atexit, or when the last handle goes)."""
        if self.closed or os.getpid() != self.pid:
            return
        self.closed = True
        try:
            self.batcher.close()
        finally:
            with self._sink_lock:
                for sink in self.sinks:
                    _close_quietly(sink)


def _close_quietly(sink: Any) -> None:
    try:
        sink.flush()
        sink.close()
    except Exception as err:
        print(f"rerun: failed to close {sink!r}: {err}", file=sys.stderr)


_LIVE: weakref.WeakSet[RecordingCore] = weakref.WeakSet()


@atexit.register
def _flush_all_at_exit() -> None:
    for core in list(_LIVE):
        core.shutdown()


def _exit_flush_first() -> None:
    # atexit runs last-registered first: re-register so that our final flush runs before the
    # exit hooks of sink modules imported later (e.g. the gRPC sink closing its streams).
    atexit.unregister(_flush_all_at_exit)
    atexit.register(_flush_all_at_exit)


_FORK_WARNING = (
    "rerun: this process (pid {child}) was forked from pid {parent} while recording "
    "{recording!r} was open. Rows logged here in the child go nowhere: the parent's sinks "
    "(files, gRPC connections) stay the parent's. To log from a child process, give it a "
    "recording and a sink of its own, e.g. rec = rr.RecordingStream(app_id, recording_id=...) "
    "then rec.save(path) or rec.connect_grpc(url), and log through rec; or start children with "
    "multiprocessing's 'spawn' method and call rr.init() there."
)
_fork_warned = False


class _ForkedChildBuffer(BufferedSink):
    """The inherited recording's sink in a forked child: keeps nothing, says so once."""

    def __init__(self, core: RecordingCore, parent_pid: int) -> None:
        super().__init__()
        self._core = core
        self._parent_pid = parent_pid

    def send(self, msg: LogMsg) -> None:
        if isinstance(msg, ArrowMsg):
            self.warn()

    def warn(self) -> None:
        global _fork_warned
        if _fork_warned or self._core.sinks != [self]:  # the child gave it sinks of its own
            return
        _fork_warned = True
        text = _FORK_WARNING.format(
            child=os.getpid(), parent=self._parent_pid, recording=self._core.store_id.recording_id
        )
        warnings.warn(text, RerunWarning, stacklevel=2)


def _after_fork_in_child() -> None:
    # The child's copy of a recording keeps nothing (as 0.41, which drops it silently) but warns
    # at the first row logged; the parent's files stay the parent's.
    global _fork_warned
    _fork_warned = False
    for core in list(_LIVE):
        buffer = _ForkedChildBuffer(core, core.pid)
        core._sink_lock = threading.RLock()
        core.pid = os.getpid()
        core.buffer = buffer
        core.sinks = [buffer]
        core.batcher.on_first_push = buffer.warn  # before any chunk is cut: the child may _exit


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
