"""``rerun.experimental.Mp4Reader``: an MP4 file as a lazy chunk stream (0.41)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, overload

from ..chunk import LazyChunkStream
from ..components import VideoCodec

if TYPE_CHECKING:
    from rerun_core.formats.mp4_transcode import Transcode
    from rerun_core.store.chunk import Chunk as CoreChunk

TemporalTimelineType = Literal["duration_ns", "timestamp_ns", "duration", "timestamp"]


@dataclass(frozen=True, kw_only=True)
class Mp4TranscodeOptions:
    """How to transcode an mp4: with the ``ffmpeg`` executable (``ffmpeg_override`` or on ``PATH``)
    when there is one, else in-process with PyAV, the same encoder settings as 0.41's."""

    output_codec: VideoCodec | None = None
    gop_size: int | None = None
    try_gpu: bool = False
    ffmpeg_override: str | Path | None = None

    def __post_init__(self) -> None:
        if self.output_codec is not None and not isinstance(self.output_codec, VideoCodec):
            raise TypeError(
                f"output_codec must be a rerun.components.VideoCodec, got {type(self.output_codec).__name__}"
            )

    def _to_core(self) -> Transcode:
        from rerun_core.formats.mp4_transcode import Transcode

        return Transcode(
            output_codec=None if self.output_codec is None else int(self.output_codec.value),
            gop_size=self.gop_size,
            try_gpu=self.try_gpu,
            ffmpeg=None if self.ffmpeg_override is None else Path(self.ffmpeg_override).absolute(),
        )


class Mp4Reader:
    """Read chunks from an MP4 file (``mode="stream"``: VideoStream; ``mode="asset"``: AssetVideo)."""

    @overload
    def __init__(
        self,
        path: str | Path,
        *,
        mode: Literal["stream"] = "stream",
        chunk_by_gop: bool = True,
        timeline_name: str = "video",
        timeline_type: TemporalTimelineType = "duration_ns",
        transcode: Mp4TranscodeOptions | None = None,
        entity_path: str | None = None,
    ) -> None: ...

    @overload
    def __init__(
        self,
        path: str | Path,
        *,
        mode: Literal["asset"],
        timeline_name: str = "video",
        timeline_type: TemporalTimelineType = "duration_ns",
        entity_path: str | None = None,
    ) -> None: ...

    def __init__(
        self,
        path: str | Path,
        *,
        mode: Literal["asset", "stream"] = "stream",
        chunk_by_gop: bool = True,
        timeline_name: str = "video",
        timeline_type: TemporalTimelineType = "duration_ns",
        transcode: Mp4TranscodeOptions | None = None,
        entity_path: str | None = None,
    ) -> None:
        from rerun_core.formats.mp4 import TIMELINE_TYPES, Mp4Options
        from rerun_core.types.entity_path import format_entity_path

        if mode == "asset" and transcode is not None:
            raise ValueError('`transcode` is only valid with `mode="stream"`')
        if mode not in ("asset", "stream"):
            raise ValueError(f"invalid mode {mode!r} (expected 'stream' or 'asset')")
        if mode == "asset" and not chunk_by_gop:
            raise ValueError('`chunk_by_gop=False` is only valid with `mode="stream"`')
        if timeline_type not in TIMELINE_TYPES:
            raise ValueError(f"invalid timeline_type {timeline_type!r} ({', '.join(TIMELINE_TYPES)})")
        self._path = Path(path).absolute()
        if not self._path.exists():
            raise FileNotFoundError(f"MP4 file not found: {self._path}")
        self._entity_path = entity_path or format_entity_path([p for p in self._path.parts if p != "/"])
        self._opts = Mp4Options(
            mode,
            chunk_by_gop,
            timeline_name,
            timeline_type,
            None if transcode is None else transcode._to_core(),
        )

    def stream(self) -> LazyChunkStream:
        """Return a lazy stream over all chunks in the MP4 file."""
        from rerun_core.formats.mp4 import iter_mp4_chunks

        path, entity, opts = self._path, self._entity_path, self._opts

        def source() -> Iterator[CoreChunk]:
            return iter_mp4_chunks(path, entity, opts)

        return LazyChunkStream(source)

    @property
    def path(self) -> Path:
        """The file path of the MP4 file."""
        return self._path

    @property
    def entity_path(self) -> str:
        """The entity path under which chunks are emitted."""
        return self._entity_path

    def __repr__(self) -> str:
        return f"Mp4Reader({self._path})"
