"""``Yuv420Frame`` (planar YUV 4:2:0 video output, converted to RGB on the device) and its collator."""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import torch
import torch.nn.functional as F
from torch.utils.data import default_collate, get_worker_info

ColorSpace = Literal["bt601", "bt709", "bt2020", "unspecified"]
ColorRange = Literal["limited", "full", "unspecified"]

_KR_KB = {"bt601": (0.2990, 0.1140), "bt709": (0.2126, 0.0722), "bt2020": (0.2627, 0.0593)}


@dataclass(frozen=True, slots=True)
class Yuv420Frame:
    """uint8 planes: ``y`` ``[..., 1, H, W]``, ``uv`` ``[..., 2, ceil(H/2), ceil(W/2)]`` (U then V)."""

    y: torch.Tensor
    uv: torch.Tensor
    color_space: ColorSpace
    color_range: ColorRange

    def __post_init__(self) -> None:
        y, uv = self.y, self.uv
        if y.dtype is not torch.uint8 or uv.dtype is not torch.uint8:
            raise TypeError("YUV420 planes must have dtype torch.uint8")
        if y.device != uv.device:
            raise ValueError("YUV420 planes must be on the same device")
        if y.ndim < 3 or uv.ndim != y.ndim:
            raise ValueError("YUV420 planes must have matching […, C, H, W] ranks")
        if y.shape[:-3] != uv.shape[:-3] or y.shape[-3] != 1 or uv.shape[-3] != 2:
            raise ValueError("YUV420 planes must have matching leading dimensions and 1 Y / 2 UV channels")
        h, w = y.shape[-2:]
        if tuple(uv.shape[-2:]) != (math.ceil(h / 2), math.ceil(w / 2)):
            raise ValueError("YUV420 chroma dimensions must be ceil(H / 2) by ceil(W / 2)")
        if self.color_space not in ("bt601", "bt709", "bt2020", "unspecified"):
            raise ValueError(f"Unsupported YUV color space: {self.color_space!r}")
        if self.color_range not in ("limited", "full", "unspecified"):
            raise ValueError(f"Unsupported YUV color range: {self.color_range!r}")

    @classmethod
    def stack(cls, frames: Sequence[Yuv420Frame]) -> Yuv420Frame:
        """Frames (or windows) stacked on a new leading batch axis; metadata must agree."""
        if not frames:
            raise ValueError("Cannot stack an empty sequence of YUV420 frames")
        meta = {(f.color_space, f.color_range) for f in frames}
        if len(meta) > 1:
            raise ValueError(f"A YUV420 batch must have uniform color metadata, got {sorted(meta)!r}")
        first = frames[0]
        return cls(
            torch.stack([f.y for f in frames]),
            torch.stack([f.uv for f in frames]),
            first.color_space,
            first.color_range,
        )

    def clone(self) -> Yuv420Frame:
        return Yuv420Frame(self.y.clone(), self.uv.clone(), self.color_space, self.color_range)

    def pin_memory(self) -> Yuv420Frame:
        return Yuv420Frame(self.y.pin_memory(), self.uv.pin_memory(), self.color_space, self.color_range)

    def to_rgb(
        self,
        device: torch.device | str | None = None,
        *,
        dtype: torch.dtype = torch.float32,
        normalize: bool = True,
        non_blocking: bool = False,
        color_space: Literal["bt601", "bt709", "bt2020"] | None = None,
        color_range: Literal["limited", "full"] | None = None,
    ) -> torch.Tensor:
        """``[..., 3, H, W]`` RGB in ``dtype`` on ``device`` (``[0, 1]`` when ``normalize``);
        unspecified metadata reads as BT.601 limited range (a warning)."""
        if not dtype.is_floating_point:
            raise TypeError(f"YUV to RGB conversion requires a floating-point dtype, got {dtype}")
        target = torch.device(device) if device is not None else self.y.device
        if target.type == "cuda" and get_worker_info() is not None:
            raise RuntimeError(
                "CUDA YUV conversion cannot run inside a DataLoader worker; "
                "collate to pinned CPU YUV and call Yuv420Frame.to_rgb in the training process"
            )
        space, rng = _metadata(self, color_space, color_range)
        y = self.y.to(device=target, dtype=dtype, non_blocking=non_blocking)
        uv = self.uv.to(device=target, dtype=dtype, non_blocking=non_blocking)
        h, w = y.shape[-2:]
        lead = y.shape[:-3]
        uv = F.interpolate(uv.reshape(-1, 2, *uv.shape[-2:]), size=(h, w), mode="nearest").reshape(
            *lead, 2, h, w
        )
        if rng == "limited":
            luma, chroma = (y - 16.0) * (255.0 / 219.0), (uv - 128.0) * (255.0 / 224.0)
        else:
            luma, chroma = y, uv - 128.0
        kr, kb = _KR_KB[space]
        kg = 1.0 - kr - kb
        cb, cr = chroma[..., 0:1, :, :], chroma[..., 1:2, :, :]
        r = luma + (2.0 - 2.0 * kr) * cr
        g = luma - kb * (2.0 - 2.0 * kb) / kg * cb - kr * (2.0 - 2.0 * kr) / kg * cr
        b = luma + (2.0 - 2.0 * kb) * cb
        rgb = torch.cat((r, g, b), dim=-3).clamp_(0.0, 255.0)
        return rgb.mul_(1.0 / 255.0) if normalize else rgb


def _metadata(
    frame: Yuv420Frame,
    space: Literal["bt601", "bt709", "bt2020"] | None,
    rng: Literal["limited", "full"] | None,
) -> tuple[Literal["bt601", "bt709", "bt2020"], Literal["limited", "full"]]:
    s = space if space is not None else frame.color_space
    r = rng if rng is not None else frame.color_range
    defaulted = []
    if s == "unspecified":
        s = "bt601"
        defaulted.append("color space to BT.601")
    if r == "unspecified":
        r = "limited"
        defaulted.append("color range to limited")
    if defaulted:
        warnings.warn(
            f"YUV frame metadata is unspecified; defaulting {' and '.join(defaulted)}. "
            "Pass explicit color_space/color_range overrides if the source uses different values.",
            stacklevel=3,
        )
    return s, r  # type: ignore[return-value]


class Yuv420Collator:
    """A ``collate_fn``: ``Yuv420Frame`` fields stacked, the others by PyTorch's default collate."""

    def __call__(self, samples: Sequence[Mapping[str, object]]) -> dict[str, object]:
        if not samples:
            return {}
        keys = samples[0].keys()
        if any(s.keys() != keys for s in samples[1:]):
            raise ValueError("All samples must contain the same fields")
        return {k: self._collate_values([s[k] for s in samples]) for k in keys}

    @staticmethod
    def _collate_values(values: list[object]) -> object:
        if any(v is None for v in values):
            raise ValueError(
                "Cannot collate missing field values; filter or replace None samples before collation"
            )
        if isinstance(values[0], Yuv420Frame):
            frames = [v for v in values if isinstance(v, Yuv420Frame)]
            if len(frames) != len(values):
                raise TypeError("A field cannot mix Yuv420Frame values with other types")
            return Yuv420Frame.stack(frames)
        return default_collate(values)
