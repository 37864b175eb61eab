"""``rerun mcap check``: timeline ordering per topic, as 0.41 reports it.

An MCAP chunk becomes one Rerun chunk per topic, its rows sorted by all timelines together; the
timelines stay sorted only if they agree on one row order. Per topic this counts the chunks whose
timelines disagree, whether the whole topic disagrees, and per timeline the chunks that start
before an earlier chunk ended (in file order). ``--full`` looks at the chunks the importer makes
(with their decoded timelines, e.g. ``ros2_timestamp``) instead of the raw message times.
"""

from __future__ import annotations

import numpy as np

from ._cli_info import DASH, table
from ._file import McapFile

Times = dict[str, list[int]]  # timeline -> one time per row


def _agree(cols: Times) -> bool:
    if not cols:
        return True
    arrays = [np.asarray(cols[k], dtype=np.int64) for k in sorted(cols)]
    if len(arrays[0]) < 2:
        return True
    perm = np.lexsort(arrays[::-1])  # stable, first timeline most significant
    return all(bool(np.all(np.diff(a[perm]) >= 0)) for a in arrays)


def _unordered(chunks: list[Times], timeline: str) -> int:
    prev_max: int | None = None
    count = 0
    for cols in chunks:
        col = cols.get(timeline)
        if not col:
            continue
        lo, hi = min(col), max(col)
        if prev_max is not None and lo < prev_max:
            count += 1
        prev_max = hi if prev_max is None else max(prev_max, hi)
    return count


def _i64(v: int) -> int:
    return v - (1 << 64) if v >= 1 << 63 else v  # u64 times read as i64, as Rerun casts them


def by_topic_raw(f: McapFile) -> dict[str, list[Times]]:
    s = f.summary
    grouped: dict[str, dict[int, Times]] = {}
    for idx, messages in enumerate(f.indexed_chunk_messages()):
        for m in messages:
            topic = s.channels[m.channel_id].topic
            cols = grouped.setdefault(topic, {}).setdefault(idx, {})
            cols.setdefault("message_log_time", []).append(_i64(m.log_time))
            cols.setdefault("message_publish_time", []).append(_i64(m.publish_time))
    return {t: [c[i] for i in sorted(c)] for t, c in sorted(grouped.items())}


def by_topic_full(f: McapFile) -> dict[str, list[Times]]:
    from ._convert import McapOptions, iter_chunks

    grouped: dict[str, list[Times]] = {}
    for chunk in iter_chunks(f, McapOptions()):
        if not chunk.timelines:
            continue
        cols = {name: [int(v) for v in col.values] for name, col in chunk.timelines.items()}
        grouped.setdefault(str(chunk.entity_path), []).append(cols)
    return dict(sorted(grouped.items()))


def check_text(path: str, f: McapFile, by_topic: dict[str, list[Times]], full: bool) -> str:
    timelines = sorted({name for chunks in by_topic.values() for cols in chunks for name in cols})
    ids = {ch.topic: cid for cid, ch in sorted(f.summary.channels.items())}
    rows: list[tuple[int, list[str]]] = []
    for topic, chunks in by_topic.items():
        issues = []
        conflicting = sum(1 for cols in chunks if not _agree(cols))
        if conflicting:
            issues.append(f"{conflicting} chunk row-order conflicts")
        whole: Times = {}
        for cols in chunks:
            for k, v in cols.items():
                whole.setdefault(k, []).extend(v)
        if not _agree(whole):
            issues.append("whole-topic row-order conflict")
        for tl in timelines:
            n = _unordered(chunks, tl)
            if n:
                issues.append(f"{n} unordered chunks on {tl}")
        cid = ids.get(topic)
        rows.append(
            (
                0xFFFF if cid is None else cid,
                [
                    "PROBLEM" if issues else "ok",
                    "?" if cid is None else str(cid),
                    str(len(chunks)),
                    topic,
                    ", ".join(issues) if issues else DASH,
                ],
            )
        )
    rows.sort(key=lambda r: r[0])
    out: list[str] = [path, "", f"Timelines: {', '.join(timelines)}"]
    if not full:
        out.append("Run with --full to decode all timelines.")
    out += ["", table(["Status", "ID", "Chunks", "Topic", "Issues"], [r for _k, r in rows], [1, 2])]
    return "\n".join(out)
