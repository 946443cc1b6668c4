"""Locations: building, unit and room, only the parts a message names."""

import pytest

from intents import Location, extract_location, normalize


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("29号楼3单元502漏水", Location("29", "3", "502")),
        ("29-3-502 天花板滴水", Location("29", "3", "502")),
        ("二十九号楼的电梯", Location("29")),
        ("5栋2单元楼道灯不亮", Location("5", "2")),
        ("１２号楼４单元７０２　天花板渗水", Location("12", "4", "702")),
        ("8栋1单元302厨房顶上滴水", Location("8", "1", "302")),
        ("26栋3单元1102 一点水都没有", Location("26", "3", "1102")),
        ("21棟5樓屋頂滲水", Location("21")),
        ("4号楼2单元5楼的楼道灯不亮了", Location("4", "2")),
        ("502室的暖气不热", Location(room="502")),
        ("3单元门禁坏了", Location(unit="3")),
        ("我家1502下个月装修", Location(room="1502")),
        ("我家12楼窗户漏风", Location()),
        ("3号院门口积水", Location()),
        ("东门的路灯不亮", Location()),
        ("爬到23楼累死了", Location()),
        ("都11月20号了还不来暖气", Location()),
        ("车牌尾号3702的车挡路了", Location()),
    ],
)
def test_extracts_only_the_parts_named(message: str, expected: Location) -> None:
    assert extract_location(normalize(message)) == expected


def test_location_round_trips_through_dicts() -> None:
    location = Location("29", None, "502")
    assert location.to_dict() == {"building": "29", "room": "502"}
    assert Location.from_dict(location.to_dict()) == location
    assert not Location()
