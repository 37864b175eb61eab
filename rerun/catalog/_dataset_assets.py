"""A dataset's blueprints (default and segment-table ones) and assets, as 0.41's ``DatasetEntry`` has them.

Both live in hidden companion datasets the server creates with the dataset (``__bp_<id>``,
``__as_<id>``); which assets apply to which segment is the asset segment's ``asset`` property.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import pyarrow as pa

from rerun_core.proto.gen import cloud_pb2 as pb
from rerun_core.proto.gen import common_pb2
from rerun_core.store.rrd import dataframe_part_from_arrow, dataframe_part_to_table

from ._conn import entry_id_from_proto
from ._internal import EntryHandle, segment_ids_proto
from ._types import OnDuplicateSegmentLayer

if TYPE_CHECKING:
    from ._conn import Connection
    from ._entry import DatasetEntry
    from ._registration import RegistrationOperation, UnregistrationHandle
    from ._types import EntryId

#: The ``asset`` property layout 0.41's client and servers share.
ASSET_PROPERTY = "asset"
ASSET_MODE_COMPONENT = "mode"
ASSET_SEGMENTS_COMPONENT = "segments"
ASSET_MODE_OPT_IN = "OptIn"
ASSET_MODE_OPT_OUT = "OptOut"
_ASSET_MODE = {"opt_out": ASSET_MODE_OPT_OUT, "opt_in": ASSET_MODE_OPT_IN}
_WRITE_ATTEMPTS = 5


def _column(component: str) -> str:
    return f"property:{ASSET_PROPERTY}:{component}"


def _strings(cell: Any) -> list[str]:
    if cell is None:
        return []
    if isinstance(cell, list | tuple):
        return [str(x) for x in cell if x is not None]
    return [str(cell)]


class BlueprintsAndAssets:
    """Mixed into ``DatasetEntry``."""

    if TYPE_CHECKING:
        _internal: EntryHandle

        @property
        def _conn(self) -> Connection: ...
        @property
        def id(self) -> EntryId: ...
        def segment_ids(self) -> list[str]: ...
        def register(
            self,
            recording_uri: list[str],
            *,
            layer_name: str | Sequence[str] = "base",
            on_duplicate: OnDuplicateSegmentLayer = OnDuplicateSegmentLayer.ERROR,
            object_store_config: str | None = None,
        ) -> RegistrationOperation: ...
        def unregister(
            self,
            *,
            segments_to_drop: str | Sequence[str],
            layers_to_drop: str | Sequence[str],
            force: bool = False,
        ) -> UnregistrationHandle: ...

    def _details(self) -> pb.DatasetDetails:
        assert self._internal.dataset is not None
        return self._internal.dataset.dataset_details

    def _companion(self, field: str) -> DatasetEntry | None:
        details = self._details()
        if not details.HasField(field):
            return None
        return self._internal.client._dataset_by_id(entry_id_from_proto(getattr(details, field)))

    def _update_details(self, **segments: str | None) -> None:
        details = pb.DatasetDetails()
        details.CopyFrom(self._details())
        for field, value in segments.items():
            if value is None:
                details.ClearField(field)
            else:
                getattr(details, field).CopyFrom(common_pb2.SegmentId(id=value))
        req = pb.UpdateDatasetEntryRequest(id=self._internal.proto_id(), dataset_details=details)
        self._internal.dataset = self._conn.call("UpdateDatasetEntry", req, entry=self.id).dataset

    # --- blueprints

    def blueprint_dataset(self) -> DatasetEntry | None:
        """The hidden dataset holding this dataset's blueprints (deleted with it)."""
        return self._companion("blueprint_dataset")

    def register_blueprint(
        self,
        uri: str,
        set_default: bool = True,
        *,
        segment_table: bool = False,
        object_store_config: str | None = None,
    ) -> None:
        """Register an .rbl the server can read; by default make it the (segment-table) default."""
        bp = self.blueprint_dataset()
        if bp is None:
            raise LookupError("a blueprint dataset is not configured for this dataset")
        op = bp.register(
            [uri], on_duplicate=OnDuplicateSegmentLayer.REPLACE, object_store_config=object_store_config
        )
        segment_id = op.wait().segment_ids[0]
        if set_default:
            if segment_table:
                self.set_default_segment_table_blueprint(segment_id)
            else:
                self.set_default_blueprint(segment_id)

    def blueprints(self) -> list[str]:
        bp = self.blueprint_dataset()
        return [] if bp is None else bp.segment_ids()

    def set_default_blueprint(self, blueprint_name: str | None) -> None:
        """Make a registered blueprint the default (None clears it; the name is not checked)."""
        self._update_details(default_blueprint_segment=blueprint_name)

    def default_blueprint(self) -> str | None:
        """The default blueprint as this handle last saw it (no server call)."""
        details = self._details()
        return details.default_blueprint_segment.id if details.HasField("default_blueprint_segment") else None

    def set_default_segment_table_blueprint(self, blueprint_name: str | None) -> None:
        self._update_details(default_segment_table_blueprint_segment=blueprint_name)

    def default_segment_table_blueprint(self) -> str | None:
        details = self._details()
        if not details.HasField("default_segment_table_blueprint_segment"):
            return None
        return details.default_segment_table_blueprint_segment.id

    # --- assets

    def asset_dataset(self) -> DatasetEntry | None:
        """The hidden dataset holding this dataset's assets (deleted with it)."""
        return self._companion("asset_dataset")

    def assets(self) -> list[str]:
        ds = self.asset_dataset()
        return [] if ds is None else ds.segment_ids()

    def register_asset(
        self,
        uri: str,
        *,
        mode: Literal["opt_out", "opt_in"] = "opt_out",
        segments: Sequence[str] | None = None,
        object_store_config: str | None = None,
    ) -> str:
        """Register a static-only .rrd as an asset; ``mode``/``segments`` say which segments it serves."""
        ds = self.asset_dataset()
        if ds is None:
            raise LookupError("an asset dataset is not configured for this dataset")
        op = ds.register(
            [uri], on_duplicate=OnDuplicateSegmentLayer.REPLACE, object_store_config=object_store_config
        )
        segment_id = op.wait().segment_ids[0]
        ds._write_asset_property(segment_id, mode=_ASSET_MODE[mode], segments=list(segments or []))
        return segment_id

    def unregister_asset(self, segment_id: str) -> None:
        """Unregister an asset and wait; unknown ones are a no-op (its properties stay stored)."""
        ds = self.asset_dataset()
        if ds is not None:
            ds.unregister(segments_to_drop=[segment_id], layers_to_drop=[]).wait()

    def add_segments_to_asset(self, asset_segment_id: str, segments: Sequence[str]) -> None:
        self._set_asset_applies_to(asset_segment_id, segments, applies=True)

    def remove_segments_from_asset(self, asset_segment_id: str, segments: Sequence[str]) -> None:
        self._set_asset_applies_to(asset_segment_id, segments, applies=False)

    def assets_for_segment(self, segment_id: str) -> list[str]:
        """The asset segments that apply to ``segment_id`` (the server resolves modes and lists)."""
        req = pb.GetAssetsForSegmentRequest(segment_id=segment_ids_proto([segment_id])[0])
        return [
            s.id
            for r in self._conn.stream("GetAssetsForSegment", req, entry=self.id)
            for s in r.asset_segment_ids
        ]

    def _set_asset_applies_to(self, asset_segment_id: str, segments: Sequence[str], *, applies: bool) -> None:
        """Read-modify-write of the asset's list, gated on the revision read; retried after a lost race."""
        ds = self.asset_dataset()
        if ds is None:
            raise LookupError("an asset dataset is not configured for this dataset")
        for attempt in range(_WRITE_ATTEMPTS):
            mode, current, revision = ds._read_asset_property(asset_segment_id)
            if applies == (mode == ASSET_MODE_OPT_IN):
                updated = list(dict.fromkeys([*current, *segments]))
            else:
                updated = [s for s in current if s not in set(segments)]
            if updated == current:
                return
            try:
                ds._write_asset_property(
                    asset_segment_id, mode=mode, segments=updated, expected_revision=revision
                )
                return
            except RuntimeError:
                if ds._read_asset_property(asset_segment_id)[2] == revision or attempt == _WRITE_ATTEMPTS - 1:
                    raise

    def _get_segment_properties(self, segment_id: str) -> tuple[pa.Table, int] | None:
        req = pb.GetSegmentPropertiesRequest(segment_ids=segment_ids_proto([segment_id]))
        for resp in self._conn.stream("GetSegmentProperties", req, entry=self.id):
            for seg in resp.segments:
                if seg.segment_id.id == segment_id:
                    return dataframe_part_to_table(seg.properties), seg.revision
        return None

    def _read_asset_property(self, asset_segment_id: str) -> tuple[str, list[str], int]:
        """(mode, segment list, revision); opt-out, empty, 0 when the asset has no property."""
        stored = self._get_segment_properties(asset_segment_id)
        if stored is None:
            return ASSET_MODE_OPT_OUT, [], 0
        table, revision = stored
        names = set(table.column_names)
        mode_col, segs_col = _column(ASSET_MODE_COMPONENT), _column(ASSET_SEGMENTS_COMPONENT)
        mode = _strings(table.column(mode_col).to_pylist()[0]) if mode_col in names else []
        segs = _strings(table.column(segs_col).to_pylist()[0]) if segs_col in names else []
        return (mode[0] if mode else ASSET_MODE_OPT_OUT), segs, revision

    def _write_asset_property(
        self,
        asset_segment_id: str,
        *,
        mode: str,
        segments: Sequence[str],
        expected_revision: int | None = None,
    ) -> None:
        batch = pa.record_batch(
            [pa.array([[mode]], pa.list_(pa.utf8())), pa.array([list(segments)], pa.list_(pa.utf8()))],
            names=[_column(ASSET_MODE_COMPONENT), _column(ASSET_SEGMENTS_COMPONENT)],
        )
        req = pb.SetSegmentPropertiesRequest(
            segment_id=common_pb2.SegmentId(id=asset_segment_id),
            properties=dataframe_part_from_arrow(batch),
            expected_revision=expected_revision,
        )
        self._conn.call("SetSegmentProperties", req, entry=self.id)
