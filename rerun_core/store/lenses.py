"""Lenses: per-chunk transformations driven by selectors (0.41's ``re_lenses`` semantics).

A *mutate* lens rewrites one component in place. A *derive* lens reads one component and
produces new component columns (and optionally new timelines), on the same entity or another
one; ``scatter`` explodes each row's list into one row per element.

Per chunk: mutates and same-entity 1:1 derives without new timelines rewrite a "prefix" chunk
(the input's columns, filtered by the output mode), every other derive yields a chunk of its
own (the input's timelines plus the derived ones, fresh row ids). Output modes:
``forward_all`` keeps every input column, ``forward_unmatched`` drops the columns a derive
consumed, ``drop_unmatched`` keeps only what lenses produced. A chunk no lens touches comes out
as is (or not at all under ``drop_unmatched``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

import numpy as np
import pyarrow as pa

from rerun_core.types import ComponentDescriptor, EntityPath, TimeType, new_tuids

from .chunk import Chunk, TimeColumn
from .selector import Selector, SelectorError

OutputMode = Literal["drop_unmatched", "forward_unmatched", "forward_all"]
OUTPUT_MODES: tuple[OutputMode, ...] = ("drop_unmatched", "forward_unmatched", "forward_all")


class LensError(ValueError):
    """One or more lenses failed on a chunk."""


class UnknownTypeError(LensError):
    """``cast_to="auto"`` on a component whose datatype is not known (reported on its own)."""


@dataclass(frozen=True, slots=True)
class UnknownType:
    """``cast_to="auto"`` for a component whose canonical datatype is not known."""


CastTo: TypeAlias = pa.DataType | UnknownType | None


@dataclass(frozen=True, slots=True)
class ComponentOutput:
    descriptor: ComponentDescriptor
    selector: Selector
    cast: CastTo = None


@dataclass(frozen=True, slots=True)
class TimeOutput:
    name: str
    typ: TimeType
    selector: Selector


@dataclass(frozen=True, slots=True)
class MutateLens:
    input: str
    selector: Selector
    keep_row_ids: bool = False


@dataclass(frozen=True, slots=True)
class DeriveLens:
    input: str
    target_entity: EntityPath | None = None
    scatter: bool = False
    components: tuple[ComponentOutput, ...] = field(default=())
    timelines: tuple[TimeOutput, ...] = field(default=())

    @property
    def merges_into_prefix(self) -> bool:
        return self.target_entity is None and not self.scatter and not self.timelines


Lens = MutateLens | DeriveLens


def _fail(kind: str, name: str, entity: EntityPath, source: str, exc: Exception) -> str:
    return f"Failed to apply operations to {kind} '{name}' (entity: `{entity}`, input: `{source}`): {exc}"


def _cast(out: ComponentOutput, entity: EntityPath, lists: pa.ListArray) -> pa.ListArray:
    target = out.cast
    if target is None:
        return lists
    if isinstance(target, UnknownType):
        raise UnknownTypeError(
            f"Cannot auto-cast output component '{out.descriptor.component}' — its descriptor carries no "
            f"known component type to derive the target Arrow datatype from (entity: `{entity}`)"
        )
    if lists.type.value_type == target:
        return lists
    try:
        values = lists.values.cast(target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise LensError(
            f"casting `{out.descriptor.component}` on `{entity}` to {target} failed: {exc}"
        ) from exc
    mask = None if lists.null_count == 0 else lists.is_null()
    return pa.ListArray.from_arrays(lists.offsets, values, type=pa.list_(pa.field("item", target)), mask=mask)


class _Run:
    """Applies a lens set to one chunk, collecting errors the way 0.41 reports them."""

    def __init__(self, lenses: Sequence[Lens], mode: OutputMode, chunk: Chunk) -> None:
        self.chunk = chunk
        self.mode = mode
        self.errors: list[str] = []
        comps = {d.component: (d, arr) for d, arr in chunk.components.items()}
        self.comps = comps
        self.mutates: dict[str, MutateLens] = {}
        for lens in lenses:
            if isinstance(lens, MutateLens) and lens.input in comps:
                if lens.input in self.mutates:
                    self.errors.append(
                        f"Lens collision at entity `{chunk.entity_path}`: mutate target `{lens.input}` "
                        "already claimed by a prior lens"
                    )
                else:
                    self.mutates[lens.input] = lens
        derives = [x for x in lenses if isinstance(x, DeriveLens) and x.input in comps]
        same = [x for x in derives if x.target_entity is None]
        other = [x for x in derives if x.target_entity is not None]
        consumed: set[str] = set()
        self.merge: list[DeriveLens] = []
        self.separate: list[DeriveLens] = []
        claimed: dict[EntityPath | None, set[str]] = {}
        for lens in same + other:
            if mode == "forward_unmatched" and lens.input not in self.mutates:
                consumed.add(lens.input)
            target = lens.target_entity or chunk.entity_path
            if self._collides(target, lens, claimed.setdefault(lens.target_entity, set())):
                continue
            (self.merge if lens.merges_into_prefix else self.separate).append(lens)
        if mode == "forward_all":
            self.forward = set(comps)
        elif mode == "forward_unmatched":
            self.forward = set(comps) - consumed
        else:
            self.forward = set(self.mutates)

    def _collides(self, target: EntityPath, lens: DeriveLens, taken: set[str]) -> bool:
        hit = False
        for out in lens.components:
            if out.descriptor.component in taken:
                self.errors.append(
                    f"Lens collision at entity `{target}`: derive output `{out.descriptor.component}` "
                    "already claimed by a prior lens"
                )
                hit = True
            taken.add(out.descriptor.component)
        return hit

    def outputs(
        self, lens: DeriveLens, target: EntityPath
    ) -> Iterator[tuple[ComponentDescriptor, pa.ListArray]]:
        lists = self.comps[lens.input][1]
        for out in lens.components:
            try:
                got = out.selector.execute_per_row(lists)
                if got is not None:
                    yield out.descriptor, _cast(out, target, got)
            except UnknownTypeError as exc:
                self.errors.append(str(exc))
            except (SelectorError, LensError) as exc:
                self.errors.append(_fail("component", out.descriptor.component, target, lens.input, exc))

    def times(self, lens: DeriveLens, target: EntityPath) -> Iterator[tuple[TimeOutput, pa.ListArray]]:
        lists = self.comps[lens.input][1]
        for out in lens.timelines:
            try:
                got = out.selector.execute_per_row(lists)
            except SelectorError as exc:
                self.errors.append(_fail("timeline", out.name, target, lens.input, exc))
                continue
            if got is not None:
                yield out, got

    def time_column(self, out: TimeOutput, lists: pa.ListArray, rows: int) -> TimeColumn | None:
        values = lists.flatten()
        if not pa.types.is_int64(values.type):
            self.errors.append(f"timeline `{out.name}` must be Int64, got {values.type}")
            return None
        if len(values) != rows:
            self.errors.append(f"timeline `{out.name}` has {len(values)} values for {rows} rows")
            return None
        return TimeColumn.from_values(out.name, out.typ, values.fill_null(0).to_numpy(zero_copy_only=False))

    def prefix(self) -> Chunk | None:
        chunk = self.chunk
        if not self.mutates and not self.merge:
            if len(self.forward) == len(self.comps):
                return chunk
            kept = {d: a for d, a in chunk.components.items() if d.component in self.forward}
            if not kept:
                return None
            return Chunk.from_columns(chunk.entity_path, chunk.row_ids, chunk.timelines, kept)
        comps: dict[str, tuple[ComponentDescriptor, pa.Array]] = {
            k: v for k, v in self.comps.items() if k in self.forward
        }
        for name, mutate in self.mutates.items():
            if name not in comps:
                continue
            desc, lists = comps[name]
            try:
                got = mutate.selector.execute_per_row(lists)
            except SelectorError as exc:
                self.errors.append(_fail("component", name, chunk.entity_path, name, exc))
                continue
            if got is None:
                del comps[name]
            else:
                comps[name] = (desc, got)
        for lens in self.merge:
            for desc, lists in self.outputs(lens, chunk.entity_path):
                comps[desc.component] = (desc, lists)
        if not comps:
            return None
        keep_ids = all(m.keep_row_ids for m in self.mutates.values())
        row_ids = chunk.row_ids if keep_ids else new_tuids(chunk.num_rows)
        return Chunk.from_columns(chunk.entity_path, row_ids, chunk.timelines, dict(comps.values()))

    def derived(self, lens: DeriveLens) -> Chunk | None:
        target = lens.target_entity or self.chunk.entity_path
        outs = list(self.outputs(lens, target))
        times = list(self.times(lens, target))
        if lens.scatter:
            return self._scatter(lens, target, outs, times)
        timelines = dict(self.chunk.timelines)
        for out, lists in times:
            col = self.time_column(out, lists, self.chunk.num_rows)
            if col is not None:
                timelines[out.name] = col
        if not outs and not times:
            return None
        return Chunk.from_columns(target, new_tuids(self.chunk.num_rows), timelines, dict(outs))

    def _scatter(
        self,
        lens: DeriveLens,
        target: EntityPath,
        outs: list[tuple[ComponentDescriptor, pa.ListArray]],
        times: list[tuple[TimeOutput, pa.ListArray]],
    ) -> Chunk | None:
        if not outs:
            if not self.errors:
                self.errors.append(f"lens on `{lens.input}` produced no output columns for `{target}`")
            return None
        indices = _scatter_indices(outs[0][1])
        rows = len(indices)
        timelines = {
            name: TimeColumn.from_values(name, col.typ, col.values[indices])
            for name, col in self.chunk.timelines.items()
        }
        for out, lists in times:
            col = self.time_column(out, _explode(lists), rows)
            if col is not None:
                timelines[out.name] = col
        comps: dict[ComponentDescriptor, pa.Array] = {}
        for desc, lists in outs:
            exploded = _explode(lists)
            if len(exploded) != rows:
                self.errors.append(
                    f"`{target}` component `{desc.component}`: {len(exploded)} rows, expected {rows}"
                )
                continue
            comps[desc] = exploded
        return Chunk.from_columns(target, new_tuids(rows), timelines, comps)


def _scatter_indices(lists: pa.ListArray) -> np.ndarray:
    counts = np.diff(np.asarray(lists.offsets.to_numpy(zero_copy_only=False), dtype=np.int64))
    valid = np.asarray(lists.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    counts = np.where(valid & (counts > 0), counts, 1)
    return np.repeat(np.arange(len(lists)), counts.astype(np.int64))


def _explode(lists: pa.ListArray) -> pa.ListArray:
    """One row per element, each a 1-element list; an empty row stays one empty row, a null row null."""
    offsets = np.asarray(lists.offsets.to_numpy(zero_copy_only=False), dtype=np.int64)
    valid = np.asarray(lists.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    counts = np.diff(offsets)
    full = valid & (counts > 0)
    per_row = np.where(full, counts, 1)
    kept = counts[full]
    before = np.concatenate([[0], np.cumsum(kept)[:-1]]) if len(kept) else np.zeros(0, dtype=np.int64)
    take = np.repeat(offsets[:-1][full] - before, kept) + np.arange(int(kept.sum()))
    sizes = np.repeat(full.astype(np.int64), per_row)
    nulls = np.repeat(~valid, per_row)
    values = lists.values.take(pa.array(take, pa.int64()))
    new_offsets = pa.array(np.concatenate([[0], np.cumsum(sizes)]).astype(np.int32), pa.int32())
    mask = pa.array(nulls, pa.bool_()) if nulls.any() else None
    return pa.ListArray.from_arrays(new_offsets, values, type=lists.type, mask=mask)


def apply_lenses(lenses: Sequence[Lens], chunk: Chunk, mode: OutputMode = "forward_unmatched") -> list[Chunk]:
    """The chunks ``lenses`` turn ``chunk`` into. LensError names every failure."""
    if mode not in OUTPUT_MODES:
        raise ValueError(
            f"Unknown output_mode {mode!r}, expected 'forward_all', 'forward_unmatched', or 'drop_unmatched'"
        )
    run = _Run(lenses, mode, chunk)
    out: list[Chunk] = []
    prefix = run.prefix()
    if prefix is not None:
        out.append(prefix)
    for derive in run.separate:
        derived = run.derived(derive)
        if derived is not None:
            out.append(derived)
    if run.errors:
        raise LensError("; ".join(run.errors))
    return out
