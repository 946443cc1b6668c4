"""Where a message says the problem is: building, unit and room, from normalised text."""

from __future__ import annotations

import re

from intents.model import Location

# Normalised text has ASCII digits (full-width and Chinese numerals are converted before this).
# Words after a number that make it a quantity, a date or a time, never a place.
_MEASURE = "米|元|块|年|月|日|号|点|分|斤|个|次|路|人|平|万|度|岁|周|小时|倍|级|多|天(?![天花])"
_DASHED = re.compile(r"(?<![0-9])([0-9]{1,3})-([0-9]{1,2})-([0-9]{3,4})(?![0-9])")
# "29-3 电梯又坏了", "9-1 单元": building and unit; "3-5天", "3-5楼" are spans
_DASHED_PAIR = re.compile(
    r"(?<![0-9-])([0-9]{1,3})-([0-9]{1,2})(?![0-9-])"
    rf"(?! ?(?:{_MEASURE}|层|楼(?![前后上下道里门梯顶])))"
)
_BUILDING = re.compile(r"(?<![0-9])([0-9]{1,3}) ?(?:号楼|栋|幢|号楼栋|座)")
_UNIT = re.compile(r"(?<![0-9-])([0-9]{1,2}) ?单元")
# a room number is not a building, a unit, a floor ("楼上" after it is fine) or a quantity
_NOT_A_ROOM = rf"(?![0-9])(?!号楼|栋|幢|单元|楼(?![上下])|层| ?(?:{_MEASURE}))"
_ROOM_AFTER = re.compile(r" ?([0-9]{3,4})" + _NOT_A_ROOM)
_ROOM = re.compile(r"(?<![0-9])([0-9]{3,4}) ?(?:室|房间|号房)")
# "我家1502", "住502的", "我在1003", "楼上1202": a flat named by who lives there ("入住" is not)
_HOME = re.compile(
    r"(?:我家|我们家|(?<!入)住|我在|我是|楼上|楼下|隔壁|对门|找) ?([0-9]{3,4})" + _NOT_A_ROOM
)


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
    pair = None if building or unit else _DASHED_PAIR.search(text)
    if pair:
        return Location(building=pair.group(1), unit=pair.group(2))
    # the flat right after the building or unit is the writer's; "楼上602" may be a neighbour's
    anchor = unit or building
    room = _ROOM_AFTER.match(text, anchor.end()) if anchor else None
    room = room or _ROOM.search(text) or _HOME.search(text)
    return Location(
        building=building.group(1) if building else None,
        unit=unit.group(1) if unit else None,
        room=room.group(1) if room else None,
    )
