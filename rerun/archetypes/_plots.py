"""Time series, bar charts and text archetypes."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._arch_base import Archetype, F
from .._arch_errors import report


class Scalars(Archetype):
    """One or more scalar values at the current time (a plot sample per value)."""

    _FIELDS = (F("scalars", "Scalar", pos=True, req=True),)


class SeriesLines(Archetype):
    """Styling of the line series on an entity."""

    _FIELDS = (
        F("colors", "Color"),
        F("widths", "StrokeWidth"),
        F("names", "Name"),
        F("visible_series", "Visible"),
        F("aggregation_policy", "AggregationPolicy"),
        F("interpolation_mode", "InterpolationMode"),
    )


class SeriesPoints(Archetype):
    """Styling of the point series on an entity; markers default to circles."""

    _FIELDS = (
        F("colors", "Color"),
        F("markers", "MarkerShape"),
        F("names", "Name"),
        F("visible_series", "Visible"),
        F("marker_sizes", "MarkerSize"),
    )

    def _prepare(self, values: dict[str, Any]) -> dict[str, Any]:
        if all(v is None for v in values.values()):
            values["markers"] = "Circle"
        return values


class Measurements(Archetype):
    """Scalar measurements with variances, units and series styling."""

    _FIELDS = (
        F("values", "Scalar", pos=True, req=True),
        F("variances", "Variance"),
        F("units", "Unit"),
        F("colors", "Color"),
        F("widths", "StrokeWidth"),
        F("names", "Name"),
        F("visible_series", "Visible"),
        F("aggregation_policy", "AggregationPolicy"),
        F("interpolation_mode", "InterpolationMode"),
    )


class BarChart(Archetype):
    """A bar chart from a 1D tensor of values."""

    _FIELDS = (
        F("values", "TensorData", pos=True, req=True),
        F("color", "Color"),
        F("abscissa", "TensorData"),
        F("widths", "Length"),
    )

    def __init__(self, values: Any, *, color: Any = None, abscissa: Any = None, widths: Any = None) -> None:
        super().__init__(values, color=color, abscissa=abscissa, widths=widths)

    def _set(self, values: dict[str, Any], strict: bool | None = None) -> None:
        """As 0.41's `values` converter runs wherever the field is set (the constructor and
        `from_fields`): the values converted, then their shape checked."""
        if values.get("values") is None:  # 0.41 runs its converter on None too: it finds no tensor
            _no_tensor(strict)
        super()._set(values, strict)
        batch = self.__dict__.get("values")
        if values.get("values") is None:
            return
        if batch is None or len(batch) == 0:  # unreadable values: the converter finds no tensor
            _no_tensor(strict)
            self.__dict__["values"] = None  # and gives nothing, not an empty batch
        else:
            _warn_unless_1d(batch, strict)

    @staticmethod
    def values__field_converter_override(data: Any) -> Any:
        """0.41's converter for `values`: the TensorData batch, after warning (raising in strict
        mode) when the data is not one-dimensional."""
        from ..components import TensorDataBatch

        batch = TensorDataBatch(data)
        _warn_unless_1d(batch)
        return batch


def _no_tensor(strict: bool | None) -> None:
    """0.41's values converter reads the first tensor's shape; with none there it fails with an
    IndexError, reported (warned, or raised when strict) and the values left unset."""
    report(IndexError("BarChart converter: index out of bounds (no values tensor)"), strict)


def _warn_unless_1d(batch: Any, strict: bool | None = None) -> None:
    """0.41 warns (raises when strict) about bar chart data with no dimensions or more than one
    over 1 (singletons are ignored: (1, N) and (1,) are fine), and keeps it."""
    shape = batch.as_arrow_array()[0]["shape"].values.to_numpy()
    if len(shape) == 0 or np.count_nonzero(shape != 1) > 1:
        report(ValueError(f"Bar chart data should only be 1D. Got values with shape: {shape}"), strict)


class TextLog(Archetype):
    """A log line with an optional level and color."""

    _FIELDS = (F("text", "Text", pos=True, req=True), F("level", "TextLogLevel"), F("color", "Color"))


class TextDocument(Archetype):
    """A text document (plain text or markdown, by media type)."""

    _FIELDS = (F("text", "Text", pos=True, req=True), F("media_type", "MediaType"))


class StateChange(Archetype):
    """A change of a discrete state."""

    _FIELDS = (F("state", "Text"),)


class StateConfiguration(Archetype):
    """How the values of a discrete state are shown."""

    _FIELDS = (F("values", "Text"), F("labels", "Text"), F("colors", "Color"), F("visible", "Visible"))
