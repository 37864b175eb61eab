"""``register(...)`` / ``unregister(...)`` results: handles waited on through the server's task queue."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from google.protobuf.duration_pb2 import Duration

from rerun_core.proto.gen import cloud_pb2 as pb
from rerun_core.proto.gen import common_pb2
from rerun_core.store.rrd import dataframe_part_to_table

from ._conn import Connection

#: What 0.41 asks QueryTasksOnCompletion for when the caller gives no timeout.
_BLOCKING_TIMEOUT_S = 3600


class TaskQueue(Protocol):
    """The server's task RPCs, as the handles use them."""

    def wait(self, task_ids: list[str], timeout_secs: int | None) -> dict[str, str | None]: ...
    def cancel(self, task_ids: list[str]) -> None: ...


class ServerTasks:
    """QueryTasksOnCompletion / CancelTasks on one connection."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    @property
    def url(self) -> str:
        return self._conn.url

    @property
    def trace_id(self) -> str | None:
        """The last answer's trace id (after ``wait``: QueryTasksOnCompletion's)."""
        return self._conn.trace_id

    def wait(self, task_ids: list[str], timeout_secs: int | None) -> dict[str, str | None]:
        """task id -> None (success) or its error message. TimeoutError if some did not finish."""
        if not task_ids:
            return {}
        seconds = _BLOCKING_TIMEOUT_S if timeout_secs is None else int(timeout_secs)
        req = pb.QueryTasksOnCompletionRequest(
            ids=[common_pb2.TaskId(id=t) for t in task_ids], timeout=Duration(seconds=seconds)
        )
        out: dict[str, str | None] = {}
        for resp in self._conn.stream("QueryTasksOnCompletion", req):
            t = dataframe_part_to_table(resp.data)
            cols = (t.column(c).to_pylist() for c in ("task_id", "exec_status", "msgs"))
            for tid, status, msg in zip(*cols, strict=True):
                out[tid] = None if status == "success" else (msg or str(status))
        missing = [t for t in task_ids if t not in out]
        if missing:
            raise TimeoutError(f"timed out waiting for tasks {missing}")
        return out

    def cancel(self, task_ids: list[str]) -> None:
        if task_ids:
            self._conn.call(
                "CancelTasks", pb.CancelTasksRequest(ids=[common_pb2.TaskId(id=t) for t in task_ids])
            )


@dataclass(frozen=True)
class SegmentRegistrationResult:
    """Result of a completed segment registration."""

    uri: str
    segment_id: str
    error: str | None

    @property
    def is_success(self) -> bool:
        return self.error is None

    @property
    def is_error(self) -> bool:
        return self.error is not None


@dataclass(frozen=True)
class RegistrationResult:
    """Result of a completed registration batch."""

    segment_ids: list[str]


@dataclass(frozen=True)
class RegistrationRows:
    """What RegisterWithDataset answered: (uri, segment id, task id) per source, and the queue."""

    rows: list[tuple[str, str, str]]
    tasks: TaskQueue
    trace_id: str | None = None  # RegisterWithDataset's, where the server sent one


class RegistrationOperation:
    """Handle to track and wait on segment registration tasks."""

    def __init__(self, internal: RegistrationRows) -> None:
        self._internal = internal

    def _task_ids(self) -> list[str]:
        return list(dict.fromkeys(t for _, _, t in self._internal.rows))

    def iter_results(self, timeout_secs: int | None = None) -> Iterator[SegmentRegistrationResult]:
        """Each registration's outcome (error messages included). TimeoutError past the timeout."""
        errors = self._internal.tasks.wait(self._task_ids(), timeout_secs)
        for uri, seg, task in self._internal.rows:
            yield SegmentRegistrationResult(uri=uri, segment_id=seg, error=errors.get(task))

    def wait(self, timeout_secs: int | None = None) -> RegistrationResult:
        """The segment ids in registration order; ValueError naming the failures if any failed."""
        results = list(self.iter_results(timeout_secs))
        failed = [r.error for r in results if r.error is not None]
        if failed:
            head, _, rest = "\n".join(dict.fromkeys(failed)).partition("\n")
            url = getattr(self._internal.tasks, "url", None)
            if url is not None:  # 0.41 words the first failure as an error of the server's
                head = f"{head} (InvalidArguments)\n- Server: {url}"
            detail = f"{head}\n{rest}" if rest else head
            raise ValueError(
                f"Registration failed.\n{self._traces()}\nThe following segments failed:\n{detail}"
            )
        return RegistrationResult(segment_ids=[r.segment_id for r in results])

    def _traces(self) -> str:
        """0.41's trace-id lines of a failed registration (none where the server sent none)."""
        query = getattr(self._internal.tasks, "trace_id", None)
        if self._internal.trace_id is None and query is None:
            return ""
        return f"Registration request trace-id: {self._internal.trace_id}\nTask-completion query trace-id: {query}\n"

    def cancel(self) -> None:
        """Cancel the registration's tasks; a no-op once they are done."""
        self._internal.tasks.cancel(self._task_ids())


@dataclass(frozen=True)
class UnregistrationTasks:
    task_ids: list[str]
    tasks: TaskQueue


class UnregistrationHandle:
    """Handle to track and wait on segment unregistration tasks."""

    def __init__(self, internal: UnregistrationTasks) -> None:
        self._internal = internal

    def wait(self, timeout_secs: int | None = None) -> None:
        """Block until done; ValueError if a task failed, TimeoutError past the timeout."""
        errors = [e for e in self._internal.tasks.wait(self._internal.task_ids, timeout_secs).values() if e]
        if errors:
            raise ValueError("Unregistration failed: " + "; ".join(errors))

    def cancel(self) -> None:
        """Cancel the unregistration's tasks; a no-op once they are done."""
        self._internal.tasks.cancel(self._internal.task_ids)
