"""Plain value types shared by every layer. numpy + pyarrow only."""

from .descriptor import ComponentDescriptor
from .entity_path import EntityPath, EntityPathError, normalize_entity_path, parse_entity_path
from .time import LOG_TICK, LOG_TIME, Timeline, TimePoint, TimeType
from .tuid import TUID_DTYPE, Tuid, TuidGenerator, new_tuid, new_tuids

__all__ = [
    "LOG_TICK",
    "LOG_TIME",
    "TUID_DTYPE",
    "ComponentDescriptor",
    "EntityPath",
    "EntityPathError",
    "TimePoint",
    "TimeType",
    "Timeline",
    "Tuid",
    "TuidGenerator",
    "new_tuid",
    "new_tuids",
    "normalize_entity_path",
    "parse_entity_path",
]
