"""Where a message says the problem is: building, unit and room, from normalised text."""

from __future__ import annotations

import re

from intents.model import Location

# Normalised text has ASCII digits (full-width and Chinese numerals are converted before this).
_DASHED = re.compile(r"(?<![0-9])([0-9]{1,3})-([0-9]{1,2})-([0-9]{3,4})(?![0-9])")
_BUILDING = re.compile(r"(?<![0-9])([0-9]{1,3}) ?(?:号楼|栋|幢|号楼栋|座)")
_UNIT = re.compile(r"(?<![0-9])([0-9]{1,2}) ?单元")
_ROOM_AFTER = re.compile(
    r" ?([0-9]{3,4})(?![0-9])(?!(?:号楼|栋|幢|单元|楼|层|米|元|块|年|月|日|号|点|分|斤|个|次))"
)
_ROOM = re.compile(r"(?<![0-9])([0-9]{3,4}) ?(?:室|房间|号房)")
_HOME = re.compile(r"(?:我家|我们家|家住|住在) ?([0-9]{3,4})(?![0-9])(?!号楼|栋|幢|单元|楼|层)")


_DIGIT = re.compile(r"[0-9]")
_NOWHERE = Location()


def extract_location(text: str) -> Location:
    """The building, unit and room named in normalised text; only the parts found."""
    if not _DIGIT.search(text):
        return _NOWHERE  # most messages: every pattern needs a number
    dashed = _DASHED.search(text)
    if dashed:
        return Location(building=dashed.group(1), unit=dashed.group(2), room=dashed.group(3))
    building = _BUILDING.search(text)
    unit = _UNIT.search(text)
    room: str | None = None
    explicit_room = _ROOM.search(text) or _HOME.search(text)
    if explicit_room:
        room = explicit_room.group(1)
    else:
        anchor = unit or building
        if anchor:
            following = _ROOM_AFTER.match(text, anchor.end())
            room = following.group(1) if following else None
    return Location(
        building=building.group(1) if building else None,
        unit=unit.group(1) if unit else None,
        room=room,
    )
