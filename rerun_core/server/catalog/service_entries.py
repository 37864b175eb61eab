"""Entry RPCs: who am I, version, find / create / read / update / delete entries, maintenance."""

from __future__ import annotations

import queue
from collections.abc import Iterator

import grpc

from rerun_core.proto.gen import cloud_pb2 as pb
from rerun_core.proto.gen import common_pb2
from rerun_core.types.tuid import Tuid

from .model import CatalogError, Dataset, DatasetKind, TableEntry
from .names import InvalidNameError, check_entry_name
from .rpc_base import (
    SERVER_VERSION,
    ServiceBase,
    dataset_entry,
    entry_details,
    entry_id_from_proto,
    entry_id_to_proto,
    entry_kind,
    rpc,
    stream,
    timestamp,
)
from .service_tables import LANCE

CAPABILITIES = ("catalog:write:register:file", "catalog:write:staging", "dataset:find_chunks")
MAX_BANDWIDTH_TEST_BYTES = 1 << 30


class EntryRpcs(ServiceBase):
    @rpc
    def WhoAmI(self, request: pb.WhoAmIRequest, context: grpc.ServicerContext) -> pb.WhoAmIResponse:
        caps = pb.ServerCapabilities(capabilities=list(CAPABILITIES))
        return pb.WhoAmIResponse(can_read=True, can_write=True, capabilities=caps)

    @rpc
    def Version(self, request: pb.VersionRequest, context: grpc.ServicerContext) -> pb.VersionResponse:
        info = common_pb2.BuildInfo(
            crate_name="rerun-py-server", version=common_pb2.SemanticVersion(major=0, minor=41)
        )
        # the capability 0.41 announces: per-segment ``using_index_values`` (served by QueryDataset)
        return pb.VersionResponse(
            build_info=info, version=SERVER_VERSION, features=["per_segment_index_values"]
        )

    @rpc
    def FindEntries(
        self, request: pb.FindEntriesRequest, context: grpc.ServicerContext
    ) -> pb.FindEntriesResponse:
        f = request.filter
        kinds = set(f.entry_kinds)
        if f.HasField("entry_kind"):
            kinds.add(f.entry_kind)
        if f.HasField("name"):
            try:  # as 0.41: a name no entry could have is refused, not just not found
                check_entry_name(f.name)
            except InvalidNameError as exc:
                raise CatalogError("INVALID_ARGUMENT", str(exc)) from None
        # asset datasets are listed only to a filter that asks for their kind (as 0.41)
        assets_wanted = pb.ENTRY_KIND_ASSET_DATASET in kinds
        out = []
        for e in sorted(self.catalog.entries(), key=lambda e: e.created_at_ns):
            if isinstance(e, Dataset) and e.kind is DatasetKind.ASSET and not assets_wanted:
                continue
            if f.HasField("id") and entry_id_from_proto(f.id) != e.id:
                continue
            if f.HasField("name") and f.name != e.name:
                continue
            if kinds and entry_kind(e) not in kinds:
                continue
            out.append(entry_details(e))
        return pb.FindEntriesResponse(entries=out)

    @rpc
    def CreateDatasetEntry(
        self, request: pb.CreateDatasetEntryRequest, context: grpc.ServicerContext
    ) -> pb.CreateDatasetEntryResponse:
        if not request.HasField("name"):
            raise CatalogError(
                "INVALID_ARGUMENT",
                "missing required field: 'rerun.cloud.v1alpha1.CreateDatasetEntryRequest.name'",
            )
        entry_id = entry_id_from_proto(request.id) if request.HasField("id") else None
        ds = self.catalog.create(request.name, entry_id)
        return pb.CreateDatasetEntryResponse(dataset=dataset_entry(ds))

    @rpc
    def ReadDatasetEntry(
        self, request: pb.ReadDatasetEntryRequest, context: grpc.ServicerContext
    ) -> pb.ReadDatasetEntryResponse:
        return pb.ReadDatasetEntryResponse(dataset=dataset_entry(self._dataset(context)))

    @rpc
    def UpdateDatasetEntry(
        self, request: pb.UpdateDatasetEntryRequest, context: grpc.ServicerContext
    ) -> pb.UpdateDatasetEntryResponse:
        ds = self.catalog.by_id(self._entry_id(request.id if request.HasField("id") else None, context))
        d = request.dataset_details
        bp = entry_id_from_proto(d.blueprint_dataset) if d.HasField("blueprint_dataset") else None
        segment = d.default_blueprint_segment.id if d.HasField("default_blueprint_segment") else None
        if segment is not None and bp is None:
            raise CatalogError("INVALID_ARGUMENT", "default dataset blueprint requires a blueprint dataset")
        if bp is not None:
            try:
                self.catalog.by_id(bp)
            except CatalogError as exc:
                raise CatalogError(
                    "INVALID_ARGUMENT", f"dataset blueprint dataset does not exist: {exc}"
                ) from None
        table_segment = d.default_segment_table_blueprint_segment
        self.catalog.update_details(
            ds,
            blueprint_dataset=bp,
            default_blueprint_segment=segment,
            default_segment_table_blueprint_segment=(
                table_segment.id if d.HasField("default_segment_table_blueprint_segment") else None
            ),
        )
        return pb.UpdateDatasetEntryResponse(dataset=dataset_entry(ds))

    @rpc
    def DeleteEntry(
        self, request: pb.DeleteEntryRequest, context: grpc.ServicerContext
    ) -> pb.DeleteEntryResponse:
        entry = self.catalog.entry(self._entry_id(request.id if request.HasField("id") else None, context))
        self.catalog.delete(entry.id)
        if isinstance(entry, TableEntry):
            LANCE.forget(entry.url)  # the files stay on disk, as in 0.41
        return pb.DeleteEntryResponse()

    @rpc
    def UpdateEntry(
        self, request: pb.UpdateEntryRequest, context: grpc.ServicerContext
    ) -> pb.UpdateEntryResponse:
        entry_id = self._entry_id(request.id if request.HasField("id") else None, context)
        if not request.HasField("entry_details_update"):
            raise CatalogError(
                "INVALID_ARGUMENT",
                "missing required field: 'rerun.cloud.v1alpha1.UpdateEntryRequest.entry_details_update'",
            )
        update = request.entry_details_update
        e = (
            self.catalog.rename(entry_id, update.name)
            if update.HasField("name")
            else self.catalog.entry(entry_id)
        )
        return pb.UpdateEntryResponse(entry_details=entry_details(e))

    @stream
    def WatchEvents(
        self, request: pb.WatchEventsRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.WatchEventsResponse]:
        """Entry created / deleted events until the client goes away (the stream never ends)."""
        wanted = any(k.HasField("entry") for k in request.kinds)
        events: queue.SimpleQueue[tuple[str, Tuid]] = queue.SimpleQueue()
        unwatch = self.catalog.watch(lambda what, eid: events.put((what, eid)) if wanted else None)
        try:
            while context.is_active():
                try:
                    what, eid = events.get(timeout=0.5)
                except queue.Empty:
                    continue
                ev = pb.WatchEventsResponse()
                target = ev.entry_created if what == "created" else ev.entry_deleted
                target.id.CopyFrom(entry_id_to_proto(eid))
                yield ev
        finally:
            unwatch()

    @stream
    def DoBandwidthTest(
        self, request: pb.DoBandwidthTestRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.DoBandwidthTestResponse]:
        if request.num_bytes > MAX_BANDWIDTH_TEST_BYTES:
            raise CatalogError(
                "INVALID_ARGUMENT",
                f"num_bytes {request.num_bytes} exceeds the limit of {MAX_BANDWIDTH_TEST_BYTES}",
            )
        left = request.num_bytes
        block = bytes(1 << 20)
        while left > 0:
            n = min(left, len(block))
            yield pb.DoBandwidthTestResponse(payload=block[:n])
            left -= n

    @rpc
    def DoMaintenance(
        self, request: pb.DoMaintenanceRequest, context: grpc.ServicerContext
    ) -> pb.DoMaintenanceResponse:
        raise CatalogError("UNIMPLEMENTED", "do_maintenance not implemented")

    @rpc
    def DoGlobalMaintenance(
        self, request: pb.DoGlobalMaintenanceRequest, context: grpc.ServicerContext
    ) -> pb.DoGlobalMaintenanceResponse:
        raise CatalogError("UNIMPLEMENTED", "do_global_maintenance not implemented")

    @rpc
    def GetWriteAccessGrant(
        self, request: pb.GetWriteAccessGrantRequest, context: grpc.ServicerContext
    ) -> pb.GetWriteAccessGrantResponse:
        """A one-object upload straight to this server (no entry header needed, as in 0.41)."""
        g = self.staging.grant(request.key, request.size_bytes if request.HasField("size_bytes") else None)
        put = pb.HttpRequest(
            method="PUT",
            url=f"/upload/{g.token}",
            headers=[pb.HttpHeader(name="if-none-match", value="*")],
            same_origin=True,
        )
        grant = pb.AccessGrant(
            expires_at=timestamp(int(g.expires_at * 1e9)), http_request=put, signing=pb.URL_SIGNING_SIGNED
        )
        return pb.GetWriteAccessGrantResponse(storage_url=g.path.as_uri(), grant=grant)

    def _multipart(self, context: grpc.ServicerContext) -> None:
        context.abort(grpc.StatusCode.UNIMPLEMENTED, "multipart uploads are not implemented")

    def GetMultipartUploadPartGrants(self, request: object, context: grpc.ServicerContext) -> None:
        self._multipart(context)

    def CompleteMultipartUpload(self, request: object, context: grpc.ServicerContext) -> None:
        self._multipart(context)

    def AbortMultipartUpload(self, request: object, context: grpc.ServicerContext) -> None:
        self._multipart(context)
