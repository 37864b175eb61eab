"""``rerun.experimental.LeRobotReader``: a LeRobot v2 / v3 dataset, one episode at a time (0.41)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ..chunk import Chunk, LazyChunkStream

if TYPE_CHECKING:
    from rerun_core.store.chunk import Chunk as CoreChunk


class LeRobotReader:
    """Read chunks from a LeRobot dataset directory (the one holding ``meta/`` and ``data/``).

    Raises ``FileNotFoundError`` when ``path`` does not exist and ``ValueError`` when it is not
    a v2 or v3 LeRobot dataset.
    """

    def __init__(self, path: str | Path) -> None:
        from rerun_core.formats.lerobot import LeRobotDataset

        self._path = Path(path)
        self._ds = LeRobotDataset(self._path)

    @property
    def path(self) -> Path:
        """The dataset directory this reader was constructed with."""
        return self._path

    @property
    def version(self) -> Literal["v2", "v3"]:
        """The detected dataset format version: ``"v2"`` or ``"v3"``."""
        return "v2" if self._ds.version == "v2" else "v3"

    def __repr__(self) -> str:
        return f"LeRobotReader({self._path})"

    def episodes(self) -> list[int]:
        """The episode indices available in this dataset, ascending."""
        return sorted(self._ds.episodes)

    def metadata(self, *, entity_path_prefix: str | None = None) -> Chunk:
        """The dataset-wide metadata (``info`` / ``stats`` text) as one static chunk (``/__lerobot``)."""
        return Chunk(self._ds.metadata_chunk(entity_path_prefix))

    def stream(
        self,
        episode: int,
        *,
        entity_path_prefix: str | None = None,
        timeline: str | None = None,
        video_mode: Literal["native", "skip"] = "native",
    ) -> LazyChunkStream:
        """A lazy stream over one episode's chunks; ``ValueError`` for an unknown episode or mode."""
        from rerun_core.formats.lerobot import iter_episode_chunks

        if episode not in self._ds.episodes:
            raise ValueError(f"episode {episode} is not in the dataset (episodes: {self.episodes()})")
        if video_mode not in ("native", "skip"):
            raise ValueError(f"invalid video_mode {video_mode!r} (expected 'native' or 'skip')")
        ds = self._ds

        def source() -> Iterator[CoreChunk]:
            return iter_episode_chunks(
                ds, episode, entity_path_prefix=entity_path_prefix, timeline=timeline, video_mode=video_mode
            )

        return LazyChunkStream(source)
