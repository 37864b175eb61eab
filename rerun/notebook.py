"""`rerun.notebook`: the viewer embedded in a notebook, rendered in the kernel (rerun-sdk 0.41 API).

The content lives in ``rerun._notebook`` (below the recording stream, whose ``notebook_show``
uses it); this module is its public face, with the names 0.41 has here.
"""

from __future__ import annotations

from typing import Literal as Literal

from ._active_recording import get_data_recording as get_data_recording
from ._errors import RerunMissingDependencyError as RerunMissingDependencyError
from ._notebook import ContainerSelectionItem as ContainerSelectionItem
from ._notebook import EntitySelectionItem as EntitySelectionItem
from ._notebook import PauseEvent as PauseEvent
from ._notebook import PlayEvent as PlayEvent
from ._notebook import RecordingOpenEvent as RecordingOpenEvent
from ._notebook import SelectionChangeEvent as SelectionChangeEvent
from ._notebook import SelectionItem as SelectionItem
from ._notebook import TimelineChangeEvent as TimelineChangeEvent
from ._notebook import TimeUpdateEvent as TimeUpdateEvent
from ._notebook import Viewer as Viewer
from ._notebook import ViewerEvent as ViewerEvent
from ._notebook import ViewSelectionItem as ViewSelectionItem
from ._notebook import notebook_show as notebook_show
from ._notebook import set_default_size as set_default_size
from ._notebook import viewer_event_from_dict as viewer_event_from_dict
from ._recording_stream import RecordingStream as RecordingStream
from ._time import to_nanos as to_nanos
from ._time import to_nanos_since_epoch as to_nanos_since_epoch

HAS_NOTEBOOK = True

__all__ = [
    "ContainerSelectionItem",
    "EntitySelectionItem",
    "PauseEvent",
    "PlayEvent",
    "RecordingOpenEvent",
    "SelectionChangeEvent",
    "SelectionItem",
    "TimeUpdateEvent",
    "TimelineChangeEvent",
    "ViewSelectionItem",
    "Viewer",
    "ViewerEvent",
    "notebook_show",
    "set_default_size",
]
