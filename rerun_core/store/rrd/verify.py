"""What ``rrd verify`` checks in the codec's terms: every frame decodes strictly, and every
footer's index matches the frames of its stream.

Rerun's verify seeks to each footer row's ``chunk_byte_offset`` / ``chunk_byte_size``, decodes
an ArrowMsg there and compares its chunk id; its decoder (lz4_flex) rejects LZ4 blocks that the
C decoder accepts. Here the frames are read once, in order, indexed by offset, and each footer
is checked against that index when its End frame arrives; LZ4 blocks are walked strictly.
Every problem names the byte offset where it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pyarrow as pa

from rerun_core.types import Tuid

from ..messages import ArrowMsg, LogMsg
from ._wire import parse_arrow_msg
from .errors import RrdError
from .footer import RrdManifest, decode_footer
from .reader import _Decoder
from .sources import RrdSource, open_source


@dataclass
class _Frame:
    size: int
    chunk_id: Tuid | None
    absolute: int  # byte offset of the body in the input


@dataclass
class VerifyReport:
    """Problems found so far, each a readable line ending in its byte offset."""

    problems: list[str] = field(default_factory=list)
    footers: int = 0
    messages: int = 0
    offset: int = 0  # body offset of the message last yielded


def verify_messages(source: RrdSource, report: VerifyReport, *, check_index: bool = True) -> Iterator[LogMsg]:
    """Yield every message of ``source`` decoded strictly, adding footer-index problems to
    ``report`` as footers are met. Raises RrdError at the first frame that does not decode.
    """
    src = open_source(source)
    try:
        dec = _Decoder(src, validate=True, strict_lz4=True)
        frames: dict[int, _Frame] = {}

        def on_footer(stream_start: int, body_offset: int, body: bytes | memoryview) -> None:
            report.footers += 1
            if check_index:
                report.problems += check_footer_index(bytes(body), body_offset, stream_start, frames)
            frames.clear()

        dec.on_footer = on_footer
        for kind, body, offset in dec.frames():
            msg = dec.decode(kind, body, offset)
            report.messages += 1
            report.offset = offset
            if isinstance(msg, ArrowMsg):
                _check_utf8(msg.chunk.batch.schema, offset)
                chunk_id = parse_arrow_msg(memoryview(body)).chunk_id
                frames[offset - dec.stream_start] = _Frame(len(body), chunk_id, offset)
            yield msg
    finally:
        src.close()


def _utf8_ok(meta: dict[bytes, bytes] | None) -> bool:
    try:
        for key, value in (meta or {}).items():
            key.decode()
            value.decode()
    except UnicodeDecodeError:
        return False
    return True


def _check_utf8(schema: pa.Schema, offset: int) -> None:
    """Arrow IPC strings are UTF-8: Rerun's reader rejects metadata that is not, pyarrow keeps it."""
    if not _utf8_ok(schema.metadata):
        raise RrdError("Arrow IPC schema metadata is not valid UTF-8", offset)
    todo = list(schema)
    while todo:
        f = todo.pop()
        if not _utf8_ok(f.metadata):
            raise RrdError(f"Arrow IPC metadata of column {f.name!r} is not valid UTF-8", offset)
        todo += [f.type.field(i) for i in range(f.type.num_fields)]


def _column(table: pa.Table, name: str) -> list[object] | None:
    return table.column(name).to_pylist() if name in table.column_names else None


def check_footer_index(
    body: bytes, body_offset: int, stream_start: int, frames: dict[int, _Frame]
) -> list[str]:
    """Problems of one footer (the End frame's body at ``body_offset``) against its stream's
    ArrowMsg frames, keyed by body offset from the stream start."""
    try:
        manifests = decode_footer(body, body_offset)
    except RrdError as exc:
        return [f"Corrupt RRD manifest: {exc}"]
    problems: list[str] = []
    seen_stores: set[object] = set()
    indexed: set[int] = set()
    for manifest in manifests:
        if manifest.store_id in seen_stores:
            problems.append(
                f"More than one RRD manifest for {manifest.store_id.application_id}/"
                f"{manifest.store_id.recording_id} (at byte offset {body_offset})"
            )
        seen_stores.add(manifest.store_id)
        problems += _check_rows(manifest, body_offset, stream_start, frames, indexed)
    for rel, frame in sorted(frames.items()):
        if rel not in indexed:
            problems.append(
                f"footer index lacks the ArrowMsg frame whose body is at byte offset {frame.absolute}"
            )
    return problems


def _check_rows(
    manifest: RrdManifest, body_offset: int, stream_start: int, frames: dict[int, _Frame], indexed: set[int]
) -> list[str]:
    table = manifest.table
    ids, offsets, sizes = (_column(table, c) for c in ("chunk_id", "chunk_byte_offset", "chunk_byte_size"))
    if ids is None or offsets is None or sizes is None:
        return [
            f"Corrupt RRD manifest: missing chunk_id/chunk_byte_offset/chunk_byte_size (at byte offset {body_offset})"
        ]
    problems: list[str] = []
    for row, (cid, off, size) in enumerate(zip(ids, offsets, sizes, strict=True)):
        at = f"(footer row {row}, at byte offset {stream_start + off if isinstance(off, int) else body_offset})"
        frame = frames.get(off) if isinstance(off, int) else None
        if frame is None:
            problems.append(
                f"Corrupt RRD manifest: chunk_byte_offset {off} is not an ArrowMsg frame body {at}"
            )
            continue
        indexed.add(off)  # type: ignore[arg-type]
        if size != frame.size:
            problems.append(
                f"Corrupt RRD manifest: chunk_byte_size {size}, the frame holds {frame.size} {at}"
            )
        elif not isinstance(cid, bytes) or frame.chunk_id is None or frame.chunk_id.to_bytes() != cid:
            problems.append(f"Corrupt RRD manifest, chunk IDs don't align {at}")
    return problems
