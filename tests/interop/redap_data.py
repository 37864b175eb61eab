"""Files the redap probe cases register: good segments, layers, conflicts, broken files, a Lance table."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from rerun_core.store.chunk import Chunk, TimeColumn
from rerun_core.store.messages import ArrowMsg, SetStoreInfo, StoreId, StoreInfo, StoreKind
from rerun_core.store.rrd import RrdWriter
from rerun_core.types import ComponentDescriptor, TimeType
from tests.catalog.catalog_data import IDS, POS, make_dataset_dir, write_segment

SCALAR = ComponentDescriptor("Scalars:scalars", "rerun.archetypes.Scalars", "rerun.components.Scalar")


@dataclass(frozen=True)
class Data:
    """Every path the cases use; ``url(name)`` gives the file:// url of one of them."""

    root: Path

    @property
    def ds(self) -> Path:
        return self.root / "ds"

    def url(self, rel: str) -> str:
        return (self.root / rel).as_uri()


def _points_segment(path: Path, recording_id: str, entity: str, typ: pa.DataType, value: object) -> Path:
    sid = StoreId(StoreKind.RECORDING, recording_id, "catalog_test")
    chunk = Chunk.from_columns(
        entity,
        timelines=[TimeColumn.from_values("frame", TimeType.SEQUENCE, [0, 1])],
        components={POS if entity == "/points" else SCALAR: pa.array([value, value], typ)},
        chunk_id=IDS.new(),
        row_ids=IDS.new_block(2),
    )
    with RrdWriter(path) as w:
        w.write(SetStoreInfo(IDS.new(), StoreInfo(sid)))
        w.write(ArrowMsg(sid, chunk))
    return path


def _blueprint(path: Path) -> Path:
    sid = StoreId(StoreKind.BLUEPRINT, "bp_seg", "catalog_test")
    with RrdWriter(path) as w:
        w.write(SetStoreInfo(IDS.new(), StoreInfo(sid)))
    return path


def build_data(root: Path) -> Data:
    """Write every input once; both servers read the same bytes."""
    data = Data(root)
    make_dataset_dir(data.ds)  # seg0, seg1: the served dataset "mydata"
    extra = root / "extra"
    extra.mkdir(parents=True, exist_ok=True)
    write_segment(extra / "new.rrd", "newseg", 7.0)
    write_segment(extra / "seg0_again.rrd", "seg0", 9.0)  # same segment id, other bytes
    f64 = pa.list_(pa.list_(pa.field("item", pa.float64(), False), 3))
    _points_segment(extra / "conflict.rrd", "conf", "/points", f64, [[1.0, 2.0, 3.0]])
    _points_segment(extra / "layer2.rrd", "seg0", "/other", pa.list_(pa.float64()), [1.5])
    _points_segment(extra / "layer2_conflict.rrd", "seg0", "/points", f64, [[1.0, 2.0, 3.0]])
    _blueprint(extra / "blueprint.rbl")
    bad = root / "bad"
    bad.mkdir(exist_ok=True)
    (bad / "not_rrd.txt").write_text("root:x:0:0:root:/root:/bin/bash\n")
    (bad / "empty.rrd").write_bytes(b"")
    whole = (data.ds / "seg0.rrd").read_bytes()
    (bad / "truncated.rrd").write_bytes(whole[: len(whole) // 2])
    (bad / "corrupt.rrd").write_bytes(whole[:12] + bytes(range(256)) * 4)
    prefix = root / "prefix"
    (prefix / "sub").mkdir(parents=True, exist_ok=True)
    write_segment(prefix / "pa.rrd", "pa", 1.0)
    write_segment(prefix / "pb.rrd", "pb", 2.0)
    write_segment(prefix / "sub" / "pc.rrd", "pc", 3.0)
    (prefix / "notes.txt").write_text("not an rrd")
    (root / "noprefix").mkdir(exist_ok=True)
    (root / "noprefix" / "readme.txt").write_text("nothing here")
    _lance_table(root / "tables" / "t.lance")
    return data


def _lance_table(path: Path) -> None:
    import lance

    path.parent.mkdir(parents=True, exist_ok=True)
    lance.write_dataset(pa.table({"id": pa.array([1, 2], pa.int64()), "name": ["a", "b"]}), str(path))
