"""How the catalog differential test masks what differs between two runs on purpose.

Entry ids become <id1>, <id2>... in order of first sight (both runs make the same calls in the
same order), times, host:port and the data directory are masked, and the transport's response
headers and the real server's trace ids are dropped from error messages.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any


class Normaliser:
    """Entry ids become <id1>, <id2>... in order of first sight; times, ports, paths are masked."""

    def __init__(self, url: str, data: str, tag: str) -> None:
        self.ids: dict[str, str] = {}
        path = data.removeprefix("file://")
        self.subs = [
            (url.split("://")[1], "<host>"),
            (data, "<data>"),
            (path, "<data>"),
            (f"tables_{tag}", "tables_TAG"),
        ]

    def text(self, s: str) -> str:
        # the transport's response headers (date, content-type...) are not the servers' answers
        # and so are the trace ids the real server's tracing layer adds (ours has none)
        s = "\n".join(
            line
            for line in s.split("\n")
            if not re.match(r"- metadata:|- trace-id:|.*trace-id: [0-9a-f]{32}$", line)
        )
        for a, b in self.subs:
            s = s.replace(a, b)
        s = re.sub(r"127\.0\.0\.1:\d+|localhost:\d+|\[::1?\]:\d+", "<host>", s)
        s = re.sub(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?", "<time>", s)
        return re.sub(r"(?<![0-9a-fA-F])[0-9a-fA-F]{32}(?![0-9a-fA-F])", self._id, s)

    def _id(self, m: re.Match[str]) -> str:
        return self.ids.setdefault(m.group(0).lower(), f"<id{len(self.ids) + 1}>")

    def value(self, v: Any) -> Any:
        if isinstance(v, str):
            return self.text(v)
        if isinstance(v, (list, tuple)):
            return [self.value(x) for x in v]
        if isinstance(v, dict):
            return {self.text(str(k)): self.value(x) for k, x in v.items()}
        if isinstance(v, (dt.datetime, dt.date)):
            return "<time>"
        if v is None or isinstance(v, (bool, int, float)):
            return v
        return self.text(repr(v))
