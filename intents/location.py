"""Where a message says the problem is: building, unit and room, from normalised text."""

from __future__ import annotations

import re

from intents.model import Location

# Normalised text has ASCII digits (full-width and Chinese numerals are converted before this).
# Words right after a number that make it a quantity, a date or a time, never a room; the
# lookaheads keep rooms before words that start alike (602次卧, 1202天然气, 1202路由器).
_MEASURE = (
    "米|元|块|年|月|日|号(?!房)|点|分|斤|个|次(?!卧)|路(?!由)|人|平(?!台)|万|度|岁|周(?!末)|小时"
    "|倍|级|多(?!处)|天(?![天花然台井窗])"
)
# "29-3-502", but not a parcel's pick-up code ("取件码:3-2-5018")
_DASHED = re.compile(
    r"(?<![0-9])(?<!件码)(?<!件码 )(?<!货码)(?<!货码 )"
    r"([0-9]{1,3})-([0-9]{1,2})-([0-9]{3,4})(?![0-9])"
)
_PAIR = r"([1-9][0-9]{0,2})-([0-9]{1,2})"  # building and unit: "29-3"
# anywhere, a pair right before a part of the building: "在3-2单元附近", "2-1楼下有辆车"
_DASHED_UNIT = re.compile(rf"(?<![0-9-]){_PAIR} ?(?=单元|楼下|楼前|门口)")
# or opening the message: "29-3 电梯又坏了"; dates, scores, prices and spans ("12-25圣诞",
# "3-5天", "3-5楼道", "比分 2-1") are not followed by a space, 号 or the like there
_DASHED_PAIR = re.compile(rf"^{_PAIR}(?=$| |号|栋|电梯)(?! ?(?:{_MEASURE}))")
_BUILDING = re.compile(r"(?<![0-9-])([0-9]{1,3}) ?(?:号楼|栋|幢|号楼栋|座(?![的车位a-z]))")
_UNIT = re.compile(r"(?<![0-9-])([0-9]{1,2}) ?单元")
# a room number is not a building, a unit, a floor ("楼上" after it is fine) or a quantity
_NOT_A_ROOM = rf"(?![0-9])(?!号楼|栋|幢|单元|楼(?![上下])|层|{_MEASURE})"
_ROOM_AFTER = re.compile(r" ?([0-9]{3,4})" + _NOT_A_ROOM)
_ROOM = re.compile(r"(?<![0-9])([0-9]{3,4}) ?(?:室|房间|号房)")
_FLAT = r"[1-9][0-9]?0[1-9]"  # a floor, then a door 01 to 09: not 500, 1111 or 110
# "我家1502", "住在502", "住502的", "我在1003", "楼上1202", "在1502门口": a flat named by who
# lives there or by its door ("入住" is moving in)
_HOME = re.compile(
    rf"(?:我家|我们家|(?<!入)住在?|我在|我是|楼上|楼下|隔壁|对门|在(?={_FLAT}门口))"
    r" ?([0-9]{3,4})" + _NOT_A_ROOM
)
# "1202的狗", "1802把走廊封了", "1402+1": a message opening with a flat number, but no year
# (2008的奥运) or quantity (1208 块)
_OPENING_ROOM = re.compile(rf"^(?!19|20)({_FLAT})(?=的|把|是|家|能| |$)(?! ?(?:{_MEASURE}))")
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
    pair = None if building or unit else _DASHED_PAIR.match(text) or _DASHED_UNIT.search(text)
    # the flat right after the building or unit is the writer's; "楼上602" may be a neighbour's
    anchor = pair or unit or building
    room = _ROOM_AFTER.match(text, anchor.end()) if anchor else None
    room = room or _ROOM.search(text) or _HOME.search(text) or _OPENING_ROOM.match(text)
    if pair:
        return Location(pair.group(1), pair.group(2), room.group(1) if room else None)
    return Location(
        building=building.group(1) if building else None,
        unit=unit.group(1) if unit else None,
        room=room.group(1) if room else None,
    )
