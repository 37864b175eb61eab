"""``register(...)`` results: the operation handle, waited on through QueryTasksOnCompletion."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class SegmentRegistrationResult:
    uri: str
    segment_id: str | None
    error: str | None = None

    @property
    def is_success(self) -> bool:
        return self.error is None

    @property
    def is_error(self) -> bool:
        return self.error is not None


@dataclass(frozen=True)
class RegistrationResult:
    segment_ids: list[str]


class RegistrationOperation:
    """Handle of a registration; ``wait()`` blocks until the server's tasks are done."""

    def __init__(
        self,
        rows: list[tuple[str, str, str]],
        poll: Callable[[list[str], float | None], dict[str, str | None]],
    ) -> None:
        self._rows = rows  # (uri, segment id, task id)
        self._poll = poll

    def iter_results(self, timeout_secs: int | None = None) -> Iterator[SegmentRegistrationResult]:
        errors = self._poll(sorted({t for _, _, t in self._rows}), timeout_secs)
        for uri, seg, task in self._rows:
            err = errors.get(task)
            yield SegmentRegistrationResult(uri, None if err else seg, err)

    def wait(self, timeout_secs: int | None = None) -> RegistrationResult:
        """All segment ids; raises ValueError naming the failures if any registration failed."""
        results = list(self.iter_results(timeout_secs))
        failed = [r for r in results if r.is_error]
        if failed:
            raise ValueError("registration failed: " + "; ".join(f"{r.uri}: {r.error}" for r in failed))
        return RegistrationResult([r.segment_id for r in results if r.segment_id is not None])


class UnregistrationHandle:
    """Handle of an unregistration; ``wait()`` raises ValueError if a task failed."""

    def __init__(
        self, task_ids: list[str], poll: Callable[[list[str], float | None], dict[str, str | None]]
    ) -> None:
        self._task_ids = task_ids
        self._poll = poll

    def wait(self, timeout_secs: int | None = None) -> None:
        errors = [e for e in self._poll(self._task_ids, timeout_secs).values() if e]
        if errors:
            raise ValueError("unregistration failed: " + "; ".join(errors))
