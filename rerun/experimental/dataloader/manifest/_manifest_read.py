"""Reading a manifest back: its rows become the same per-field needs the live path computes, minus
the keyframe scan (a video field's stored ``lo`` is its prior keyframe), then share its fetch and
decode; a replay emits in the frozen order and refuses samples missing a required field."""

from __future__ import annotations

from collections.abc import Generator, Iterator, Set
from typing import TYPE_CHECKING, Any

import numpy as np

from .._pipeline import Want, decode_needs, row_order
from .._sample_index import IndexValue, ns_to_value, value_to_int
from ._manifest_meta import COL_ANCHOR, COL_SEGMENT_ID, RANGE_LO

if TYPE_CHECKING:
    import pyarrow as pa

    from rerun.catalog import DatasetEntry

    from .._config import Field
    from .._sample_index import SampleIndex
    from ..decoders._base import ColumnDecoder, DecodedSample


def needs_from_rows(
    rows: pa.Table, fields: dict[str, Field], sample_index: SampleIndex
) -> tuple[list[tuple[str, IndexValue]], dict[str, list[Want]]]:
    """The samples of ``rows`` (segment, index value) and each field's needs, in decode order."""
    seg_ids = [str(s) for s in rows.column(COL_SEGMENT_ID).to_pylist()]
    anchors = rows.column(COL_ANCHOR).to_pylist()
    located = [(s, ns_to_value(int(a), sample_index.ns_dtype)) for s, a in zip(seg_ids, anchors, strict=True)]
    lows = {key: rows.column(key).combine_chunks().field(RANGE_LO).to_pylist() for key in fields}
    needs: dict[str, list[Want]] = {k: [] for k in fields}
    for pos in row_order(located):
        seg_id, value = located[pos]
        for key, field in fields.items():
            outputs = tuple(value_to_int(v) for v in sample_index.output_index_values(value, field))
            lo = int(lows[key][pos]) if field.prior_keyframe_path is not None else None
            needs[key].append(Want(pos, seg_id, value, outputs, lo))
    return located, needs


def load_rows(
    view: DatasetEntry,
    index: str,
    fields: dict[str, Field],
    decoders: dict[str, ColumnDecoder[Any]],
    rows: pa.Table,
    sample_index: SampleIndex,
    *,
    required: Set[str] = frozenset(),
) -> Iterator[DecodedSample]:
    """The decoded samples of manifest ``rows``, in row order, each checked as it is taken: one
    missing a ``required`` field means the data changed since the scan, which a replay must not
    hide."""
    located, needs = needs_from_rows(rows, fields, sample_index)
    samples = decode_needs(view, index, fields, decoders, needs, len(located), sample_index)
    return _checked(samples, located, required)


def _checked(
    samples: list[DecodedSample], located: list[tuple[str, IndexValue]], required: Set[str]
) -> Iterator[DecodedSample]:
    for sample, (seg_id, value) in zip(samples, located, strict=True):
        missing = sorted(k for k in required if sample.get(k) is None)
        if missing:
            raise RuntimeError(
                f"Required fields decoded to nothing: {', '.join(missing)}. The manifest was built "
                "against different data, so regenerate it.\n"
                f"Segment: {seg_id} at {value}"
            )
        yield sample


def replay(samples: Iterator[DecodedSample], order: np.ndarray) -> Generator[DecodedSample, None, None]:
    """``samples`` (in fetch order) re-emitted in ``order`` (fetch positions), holding only those
    fetched ahead of their turn."""
    held: dict[int, DecodedSample] = {}
    fetched = enumerate(samples)
    for want in order.tolist():
        while want not in held:
            i, sample = next(fetched)
            held[i] = sample
        yield held.pop(want)
