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
# a building is numbered ("29") or lettered ("A座", "B-2-801", "A3栋"); text is lower case here
_NAME = r"[0-9]{1,3}|[a-z][0-9]{0,2}"
_NOT_A_CODE = r"(?<![0-9a-z])(?<!件码)(?<!件码 )(?<!货码)(?<!货码 )"  # "取件码:3-2-5018"
_DASHED = re.compile(rf"{_NOT_A_CODE}({_NAME})-([0-9]{{1,2}})-([0-9]{{3,4}})(?![0-9])")
_PAIR = r"([1-9][0-9]{0,2})-([0-9]{1,2})"  # building and unit: "29-3"
_FLAT = r"[1-9][0-9]?0[1-9]"  # a floor, then a door 01 to 09: not 500, 1111 or 110
# anywhere, a pair right before a part of the building: "在3-2单元附近", "2-1楼下有辆车"
_DASHED_UNIT = re.compile(rf"(?<![0-9-]){_PAIR} ?(?=单元|楼下|楼前|门口)")
# or opening the message: "29-3 电梯又坏了"; dates, scores, prices and spans ("12-25圣诞",
# "3-5天", "3-5楼道", "比分 2-1") are not followed by a space, 号 or the like there
_DASHED_PAIR = re.compile(rf"^{_PAIR}(?=$| |号|栋|电梯)(?! ?(?:{_MEASURE}))")
# building and flat opening a message or a sign-up line ("12-302要两份", "3 李姐 14-1403 两箱",
# "b-1703"), or after who lives there ("租住的9-302", "租客 15-602"); a flat's form and a
# building under 100, so not "3-5天", "101-105" or "108-105赢了"
_BUILDING_ROOM = re.compile(
    r"(?:^(?:接龙 )?(?:[0-9]{1,3} (?:[^ 0-9]{1,4} )?)?|(?<=[住租的客是家])|(?<=[住租的客是家] ))"
    rf"([1-9][0-9]?|[a-z][0-9]{{0,2}})-({_FLAT})(?![0-9-])(?! ?(?:{_MEASURE}))"
)
# "6动1单元": 栋 typed by its sound, which only a unit after it confirms
_BUILDING = re.compile(
    r"(?<![0-9-])(?<!(?<![a-z])[a-z])([0-9]{1,3}) ?"
    r"(?:号楼|栋|幢|号楼栋|座(?![的车位a-z])|[动洞](?= ?[0-9]{1,2} ?单[元远]))"
)
# "b座的电梯", "a3栋", but not a template's "x栋x单元" or a seat ("12车厢f座", "坐c座靠窗")
_LETTERED = re.compile(r"(?<![a-z厢坐了])([a-wyz][0-9]{0,2}) ?(?:号楼|栋|幢|座(?![位靠]))")
_UNIT = re.compile(r"(?<![0-9-])([0-9]{1,2}) ?单(?:元|远(?![程的]))")  # 远: 元 typed by sound
# a room number is not a building, a unit, a floor ("楼上" after it is fine) or a quantity
_NOT_A_ROOM = rf"(?![0-9])(?!号楼|栋|幢|单元|楼(?![上下])|层|{_MEASURE})"
# "6楼601", "住1楼101": the floor, then the flat (not "我在5楼 1030开会")
_PAST_FLOOR = rf" ?(?:[0-9]{{1,2}} ?[楼层] ?(?={_FLAT}(?![0-9])))?"
# the flat after a building or unit; "602号" is a flat there
_ROOM_AFTER = re.compile(_PAST_FLOOR + r"([0-9]{3,4})(?:(?=号(?!楼))|" + _NOT_A_ROOM + ")")
# "9#2-501" (9栋2-501), but not "3号楼 90-120平" or "12栋 5-600块"
_UNIT_ROOM_AFTER = re.compile(rf" ?([0-9]{{1,2}})-({_FLAT})(?![0-9])(?! ?(?:{_MEASURE}))")
_ROOM = re.compile(r"(?<![0-9])([0-9]{3,4}) ?(?:室|房间|号房)")
# "我家1502", "住在502", "住502的", "我在1003", "楼上1202", "在1502门口": a flat named by who
# lives there or by its door ("入住" is moving in)
_HOME = re.compile(
    rf"(?:我家|我们家|(?<!入)住在?|我在|我是|楼上|楼下|隔壁|对门|在(?={_FLAT}门口))"
    + _PAST_FLOOR
    + r"([0-9]{3,4})"
    + _NOT_A_ROOM
)
# a bare flat number before a part of the home or its water and power ("1801马桶冲不下去",
# "1801漏水了"), never a year (2008的奥运)
_IN_THE_FLAT = (
    "门口|门铃|家里|天花|厨房|卫生间|厕所|马桶|水表|电表|阳台|客厅|卧室|地漏|暖气|漏水|水管|下水"
    "|停水|停电"
)
_BARE_FLAT = rf"(?!19|20)({_FLAT})"
# opening the message, also before 的, 把, 是, 家, 能 ("1202的狗", "1402+1"; not "1208 块")
_OPENING_ROOM = re.compile(
    rf"^{_BARE_FLAT}(?={_IN_THE_FLAT}|的|把|是|家|能| |$)(?! ?(?:{_MEASURE}))"
)
# or a clause, or after 按, 来, 到, 找: "有电工吗?701停电了", "按2103家里听不见"
_CLAUSE_ROOM = re.compile(rf"(?:(?<=[ ?!])|(?<=[按来到找])){_BARE_FLAT}(?={_IN_THE_FLAT})")
_MAY_NAME_A_PLACE = re.compile(r"[0-9]|[a-z] ?[号栋幢座]")  # every pattern needs one
_NOWHERE = Location()


def extract_location(text: str) -> Location:
    """The building, unit and room named in normalised text; only the parts found."""
    if not _MAY_NAME_A_PLACE.search(text):
        return _NOWHERE  # most messages
    dashed = _DASHED.search(text)
    if dashed:
        return Location(_building(dashed.group(1)), dashed.group(2), dashed.group(3))
    building = _BUILDING.search(text) or _LETTERED.search(text)
    unit = _UNIT.search(text)
    if building and not unit:
        pair = _UNIT_ROOM_AFTER.match(text, building.end())
        if pair:
            return Location(_building(building.group(1)), pair.group(1), pair.group(2))
    if not building and not unit:
        flat = _BUILDING_ROOM.search(text)
        if flat:
            return Location(building=_building(flat.group(1)), room=flat.group(2))
    pair = None if building or unit else _DASHED_PAIR.match(text) or _DASHED_UNIT.search(text)
    # the flat right after the building or unit is the writer's; "楼上602" may be a neighbour's
    anchor = pair or unit or building
    room = _ROOM_AFTER.match(text, anchor.end()) if anchor else None
    room = room or _ROOM.search(text) or _HOME.search(text)
    room = room or _OPENING_ROOM.match(text) or _CLAUSE_ROOM.search(text)
    if pair:
        return Location(pair.group(1), pair.group(2), room.group(1) if room else None)
    return Location(
        building=_building(building.group(1)) if building else None,
        unit=unit.group(1) if unit else None,
        room=room.group(1) if room else None,
    )


def _building(name: str) -> str:
    """A building as residents write it: "29", or "A" and "A3" in capitals."""
    return name.upper()
