"""``rerun mcap convert`` on every core: MCAP chunks decoded and encoded in forked workers.

A :class:`DecodeTask` (one message decoder over one MCAP chunk) depends on nothing but the
file and the plan, so worker processes forked once both exist (they share the file's bytes)
run tasks: decode the MCAP chunk, then encode its chunks into .rrd frames (Arrow IPC + LZ4,
the expensive half). The main process hands the tasks out round robin, a few ahead, and takes
the results in task order: the file is the one the serial path writes, frame for frame (ids
aside). Into an output file the workers write their frames themselves (``os.pwrite`` at the
offset the main process hands back for their manifest facts, while they go on with their next
task); into a pipe they send the bytes to the main process. Only for large inputs: forking and
pipes cost milliseconds, and a conversion under ~50 MB is over in about a second anyway.

``RERUN_MCAP_PARALLEL_MIN_BYTES`` (default 48 MiB) sets the input size from which workers are
used, ``RERUN_MCAP_WORKERS`` their number (default: the usable cores, at most 8; 0 or 1: serial).
``McapReader`` and ``log_file_from_path`` decode in the calling thread (the serial path).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import struct
import sys
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from rerun_core.store.messages import StoreId
from rerun_core.store.rrd.writer import EncodedFrames, EncodedRecord, RrdWriter, encode_arrow_frames
from rerun_core.types.tuid import pin_tuid_time, reserve_tuid_time

from ._convert import Conversion, DecodeTask

MIN_BYTES = 48 << 20
MAX_WORKERS = 8
AHEAD = 4  # tasks sent to each worker beyond the one whose result is awaited
MAX_PENDING = 4  # tasks a worker may run ahead of its frames' offsets (their bytes held)
_HEAD = struct.Struct("<QQ")  # pickled (records, error) length, frame bytes length
_TASK, _U64 = struct.Struct("<IQ"), struct.Struct("<Q")  # task: (index, reserved TUID time)


def worker_count(conversion: Conversion) -> int:
    """How many worker processes to use (0: decode in this process)."""
    if not hasattr(os, "fork") or sys.platform == "win32":
        return 0
    try:
        min_bytes = int(os.environ.get("RERUN_MCAP_PARALLEL_MIN_BYTES", MIN_BYTES))
        wanted = int(os.environ.get("RERUN_MCAP_WORKERS", -1))
    except ValueError:
        return 0
    if len(conversion.f.data) < min_bytes or len(conversion.tasks) < 2:
        return 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    n = min(cores, MAX_WORKERS) if wanted < 0 else wanted
    return n if n >= 2 else 0


class _Worker:
    """The main process's ends of one worker's pipes."""

    def __init__(self, pid: int, tasks: int, results: int, offsets: int) -> None:
        self.pid = pid
        self.tasks = tasks
        self.results = os.fdopen(results, "rb", buffering=0)
        self.offsets = offsets
        self.types: list[pa.DataType] = []  # as the worker numbers them (see _TypeTable)

    def fds(self) -> list[int]:
        return [self.tasks, self.results.fileno(), self.offsets]

    def read_exact(self, n: int) -> bytearray:
        buf = bytearray(n)
        view, pos = memoryview(buf), 0
        while pos < n:
            got = self.results.readinto(view[pos:])
            if not got:
                raise RuntimeError(f"mcap worker process {self.pid} ended unexpectedly")
            pos += got
        return buf


@dataclass(slots=True)
class PlacedFrames:
    """A task's frames that its worker writes into the output itself, once told where."""

    store_id: StoreId
    records: list[EncodedRecord]
    length: int
    worker: _Worker

    def place(self, offset: int) -> None:
        os.write(self.worker.offsets, _U64.pack(offset))


def write_piece(writer: RrdWriter, piece: Any) -> None:
    """What ``rerun mcap convert`` hands its writer: log messages or frames from workers."""
    if isinstance(piece, PlacedFrames):
        piece.place(writer.place_frames(piece.store_id, piece.records, piece.length))
    elif isinstance(piece, EncodedFrames):
        writer.write_frames(piece)
    else:
        writer.write(piece)


class Workers:
    """Worker processes forked now (the caller has no threads of its own running yet); ``out_fd``:
    the output file's descriptor (written from offset 0) for the workers to write into, else
    None (the frames come back through pipes). ``run`` is a ``Conversion.pieces`` source."""

    def __init__(self, conversion: Conversion, store_id: StoreId, n: int, out_fd: int | None) -> None:
        self.conversion = conversion
        self.store_id = store_id
        self.out_fd = out_fd
        self.workers: list[_Worker] = []
        try:
            for _ in range(n):
                self._fork()
        except BaseException:
            self.close(kill=True)
            raise

    def _fork(self) -> None:
        (tasks_r, tasks_w), (results_r, results_w), (offsets_r, offsets_w) = os.pipe(), os.pipe(), os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: never returns into the caller's code
            code = 1
            try:
                for fd in [tasks_w, results_r, offsets_w, *(fd for w in self.workers for fd in w.fds())]:
                    os.close(fd)  # (the others' ends too: their EOFs must reach them)
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                self._serve(tasks_r, results_w, offsets_r)
                code = 0
            finally:
                os._exit(code)
        for fd in (tasks_r, results_w, offsets_r):
            os.close(fd)
        self.workers.append(_Worker(pid, tasks_w, results_r, offsets_w))

    def _serve(self, tasks_r: int, results_w: int, offsets_r: int) -> None:
        """Run tasks until EOF; each one's frames go back whole, or (``out_fd``) into the file
        once its offset comes (the worker goes on meanwhile, up to ``MAX_PENDING`` tasks ahead:
        an offset waits for every earlier task, the other workers' too)."""
        tasks = self.conversion.tasks
        pending: deque[list[bytes | bytearray]] = deque()
        types = _TypeTable()
        with os.fdopen(tasks_r, "rb") as inbox:
            while head := inbox.read(_TASK.size):
                index, tuid_time = _TASK.unpack(head)
                pin_tuid_time(tuid_time)  # (ids ordered as the tasks are: static data's order)
                frames = EncodedFrames(self.store_id, True, [], [])
                error: BaseException | None = None
                try:
                    frames = encode_arrow_frames(self.store_id, self.conversion.decode(tasks[index]))
                except Exception as err:
                    error = err
                meta = _dumps(frames.records, error, types)
                _write_parts(results_w, [_HEAD.pack(len(meta), frames.length) + meta])
                if self.out_fd is None:
                    _write_parts(results_w, frames.parts)
                    continue
                pending.append(frames.parts)
                self._place(pending, offsets_r, keep=MAX_PENDING)
        self._place(pending, offsets_r, keep=0)

    def _place(self, pending: deque[list[bytes | bytearray]], offsets_r: int, *, keep: int) -> None:
        """Write the pending frames whose offsets have come; wait for offsets while more than
        ``keep`` are pending."""
        while pending and (len(pending) > keep or select.select([offsets_r], [], [], 0)[0]):
            data = os.read(offsets_r, _U64.size)  # (8-byte writes to a pipe arrive whole)
            if len(data) != _U64.size:
                raise RuntimeError("the main process ended before placing this worker's frames")
            _write_parts(self.out_fd, pending.popleft(), _U64.unpack(data)[0])  # type: ignore[arg-type]

    def run(self, tasks: list[DecodeTask]) -> Iterator[PlacedFrames | EncodedFrames]:
        """What stands for every task's frames, in task order (a worker's error is raised here)."""
        n, sent = len(self.workers), 0
        for index in range(len(tasks)):
            while sent < len(tasks) and sent <= index + n * AHEAD:
                os.write(self.workers[sent % n].tasks, _TASK.pack(sent, reserve_tuid_time()))
                sent += 1
            worker = self.workers[index % n]
            meta_len, data_len = _HEAD.unpack(worker.read_exact(_HEAD.size))
            records, refs, new_types, error = pickle.loads(worker.read_exact(meta_len))
            if error is not None:
                raise error
            worker.types += new_types
            for rec, row in zip(records, refs, strict=True):
                rec.facts.fields = [(desc, worker.types[n]) for desc, n in row]
            if self.out_fd is not None:
                yield PlacedFrames(self.store_id, records, data_len, worker)
            else:
                yield EncodedFrames(self.store_id, True, [worker.read_exact(data_len)], records)

    def close(self, *, kill: bool = False) -> None:
        """End the workers (EOF on their task pipes, or SIGTERM) and reap them; a worker that
        failed (e.g. a write into the output) raises, unless they are being killed."""
        failed = []
        for w in self.workers:
            for fd in (w.tasks, w.offsets):
                with contextlib.suppress(OSError):
                    os.close(fd)
            if kill:
                with contextlib.suppress(OSError):
                    os.kill(w.pid, signal.SIGTERM)
            w.results.close()
        for w in self.workers:
            with contextlib.suppress(ChildProcessError):
                _pid, status = os.waitpid(w.pid, 0)
                if status != 0:
                    failed.append(w.pid)
        self.workers = []
        if failed and not kill:
            raise RuntimeError(f"mcap worker process {failed[0]} failed")


@contextlib.contextmanager
def workers_for(conversion: Conversion, store_id: StoreId, out_fd: int | None) -> Iterator[Workers | None]:
    """Workers for a large file (None: decode serially), ended on the way out."""
    n = worker_count(conversion)
    if n == 0:
        yield None
        return
    pool = Workers(conversion, store_id, n, out_fd)
    try:
        yield pool
    except BaseException:
        pool.close(kill=True)
        raise
    pool.close()


class _TypeTable:
    """The Arrow types a worker has sent so far, by number: results carry a number per chunk
    column and each type is pickled once (pickling every chunk's types cost as much as the rest
    of the result)."""

    def __init__(self) -> None:
        self.ids: dict[pa.DataType, int] = {}

    def strip(self, records: list[EncodedRecord]) -> tuple[list[list[tuple[Any, int]]], list[pa.DataType]]:
        """Take the types out of the records' facts: ``(descriptor, type number)`` per column,
        and the types not sent before."""
        refs, new = [], []
        for rec in records:
            row = []
            for desc, dtype in rec.facts.fields:
                n = self.ids.get(dtype)
                if n is None:
                    n = self.ids[dtype] = len(self.ids)
                    new.append(dtype)
                row.append((desc, n))
            refs.append(row)
            rec.facts.fields = []
        return refs, new


def _dumps(records: list[EncodedRecord], error: BaseException | None, types: _TypeTable) -> bytes:
    try:
        refs, new = types.strip(records)
        return pickle.dumps((records, refs, new, error), pickle.HIGHEST_PROTOCOL)
    except Exception:  # an exception that does not pickle: its text
        return pickle.dumps(([], [], [], RuntimeError(f"{type(error).__name__}: {error}")))


def _write_parts(fd: int, parts: list[bytes | bytearray], offset: int | None = None) -> None:
    """Write all of ``parts`` back to back (at ``offset`` in a file, else where ``fd`` is)."""
    views = [memoryview(p) for p in parts if len(p)]
    i = 0
    while i < len(views):
        batch = views[i : i + 512]
        n = os.writev(fd, batch) if offset is None else os.pwritev(fd, batch, offset)
        if offset is not None:
            offset += n
        while i < len(views) and n >= len(views[i]):
            n -= len(views[i])
            i += 1
        if n:
            views[i] = views[i][n:]
