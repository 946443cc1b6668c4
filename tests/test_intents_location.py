"""Locations: building, unit and room, only the parts a message names."""

import json
from pathlib import Path

import pytest

from intents import Location, Matcher, extract_location, load_catalog, normalize

DATA = Path(__file__).with_name("data")


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
        ("12#2单元1101 暖气片漏水", Location("12", "2", "1101")),
        ("5#楼1单元门禁又坏了", Location("5", "1")),
        ("29-3 电梯又困人了", Location("29", "3")),
        ("9-1 单元电梯口有人扔垃圾", Location("9", "1")),
        ("师傅说要等3-5天", Location()),
        ("3-5楼的灯都不亮", Location()),
        ("7号楼 2 单元 六零二 没水", Location("7", "2", "602")),
        ("楼上1202又漏水了", Location(room="1202")),
        ("住502的那家狗不拴绳", Location(room="502")),
        ("22栋2单元701，我在702，墙都是薄的", Location("22", "2", "701")),
        ("22号楼602天花板鼓了个大包", Location("22", room="602")),
        ("两室一厅拎包入住，2800/月", Location()),
        ("29-3 502室卫生间漏水", Location("29", "3", "502")),
        ("住在1202，厕所漏水", Location(room="1202")),
        ("我家602次卧漏水", Location(room="602")),
        ("3号楼602天然气味好大", Location("3", room="602")),
        ("十二号楼三单元六〇二", Location("12", "3", "602")),
        ("5#楼道灯坏了", Location("5")),
        ("明天8:00-17:00停水吗？", Location()),
        ("12-25圣诞节大家来聚聚", Location()),
        ("7-8成新的婴儿车便宜出", Location()),
        ("3-5楼道灯都不亮", Location()),
        ("买了辆七座的车，停车位太小", Location()),
        ("7座SUV停在消防通道", Location()),
        ("1202路由器坏了", Location()),
        ("找110吧，楼下天天半夜吵", Location()),
        ("廿五栋二单元1801阳台漏雨", Location("25", "2", "1801")),
        ("卅号楼停电了", Location("30")),
        ("2-1楼下有辆车把单元门堵死了", Location("2", "1")),
        ("橘猫在3-2单元附近走丢的", Location("3", "2")),
        ("就在 9-1 楼下", Location("9", "1")),
        ("周六 9-11 有空吗", Location()),
        ("比分 2-1 赢了", Location()),
        ("需要 3-5 位志愿者", Location()),
        ("我家1502 下午 2-3 的时候有人吗", Location(room="1502")),
        ("我家门牌号码3-2-502漏水", Location("3", "2", "502")),
        ("取件码：3-2-5018", Location()),
        ("1202的狗从早上叫到晚上", Location(room="1202")),
        ("１７０２能不能别半夜拖椅子了", Location(room="1702")),
        ("有人把煤气罐放在楼道里 就在1502门口", Location(room="1502")),
        ("取件码3-2-5018，16栋的帮忙取下", Location("16")),
        ("今天14:30-16:00在中心花园有免费理发", Location()),
        ("500的那种就够用了", Location()),
        ("2024的账还没算完", Location()),
        ("2010的房子", Location()),
        ("1208 块", Location()),
        ("1111的优惠", Location()),
        ("在2024门口等你", Location()),
        ("B座1703 再加一箱脐橙", Location("B", room="1703")),
        ("c栋1单元化粪池满了", Location("C", "1")),
        ("A3栋转让一个儿童自行车", Location("A3")),
        ("B座的电梯咯噔咯噔响", Location("B")),
        ("B-2-801 新邻居报到", Location("B", "2", "801")),
        ("12-302要两份", Location("12", room="302")),
        ("接龙 3. 李姐 14-1403 两箱", Location("14", room="1403")),
        ("9#2-501 王 榴莲一个", Location("9", "2", "501")),
        ("6动1单元的邻居", Location("6", "1")),
        ("取件码 8-1102", Location()),
        ("预算 300-501元", Location()),
        ("101-105号都停电了", Location()),
        ("7座的车", Location()),
        ("VIP座位", Location()),
        ("高铁抢到了f座靠窗", Location()),
        ("请按 x栋x单元xxx室 格式接龙", Location()),
        ("soho3号楼", Location("3")),
        ("租客 15-602 电动车去哪里充", Location("15", room="602")),
        ("昨晚湖人108-105赢了", Location()),
        ("驿站取件 6-1203", Location()),
        ("3号楼 90-120平的户型", Location("3")),
        ("接了3单远程的活", Location()),
        ("我在5楼 1030开会", Location()),
        ("带老人去301的路上", Location()),
        ("国庆 1001这天高速免费", Location()),
        ("301又晚点了", Location()),
        ("１９栋２单元６０２号 燃气什么时候恢复？", Location("19", "2", "602")),
        ("我是二十三栋一单元六楼六零一的", Location("23", "1", "601")),
        ("早上7-8电梯很挤", Location()),
        ("物业通知：1-15电梯年检", Location()),
        ("3号楼2单元12号来修", Location("3", "2")),
        ("15栋2单远1801 阳台顶上漏水", Location("15", "2", "1801")),
        ("住1楼101，窗前的树遮光", Location(room="101")),
        ("住18楼，电梯又停了", Location()),
        ("1602马桶堵了", Location(room="1602")),
        ("谁懂啊 801停电了", Location(room="801")),
        ("有电工吗？701停电了", Location(room="701")),
        ("按1203门铃没反应", Location(room="1203")),
        ("502胶水粘手上了", Location()),
        ("周六 1208 块一位", Location()),
    ],
)
def test_extracts_only_the_parts_named(message: str, expected: Location) -> None:
    assert extract_location(normalize(message)) == expected


def test_location_round_trips_through_dicts() -> None:
    location = Location("29", None, "502")
    assert location.to_dict() == {"building": "29", "room": "502"}
    assert Location.from_dict(location.to_dict()) == location
    assert not Location()


@pytest.mark.parametrize(
    ("name", "named", "read", "false_places"),
    [
        # 400 chatter lines naming a place in every way residents write one, and 100 with
        # numbers that are not places. Measured 398 of 400 ("A坐" for A座, "16 - 2 - 301") and 2
        # of 100, both elsewhere ("人民医院3号楼", "写字楼A座1503")
        ("location_study_chatter.jsonl", 400, 397, 2),
        # two authors' reports, relayed and dictated ones among them, and 140 with numbers that
        # are not places. Measured 746 of 760: two flats named ("住602，楼上702…" gives the
        # writer's), a dashed pair after a word ("电梯里有狗尿 19-1", "我们15-3 电梯": dates
        # and hours of lift notices look the same), and 1 of 140 (a game's)
        ("location_study_reports.jsonl", 760, 745, 1),
    ],
)
def test_location_study_sets(name: str, named: int, read: int, false_places: int) -> None:
    """Study sets written for the location rules, which were fixed against them (so these are
    not figures on unseen messages: those are in test_intents_regression.py)."""
    lines = [json.loads(line) for line in (DATA / name).read_text("utf-8").splitlines()]
    matcher = Matcher(load_catalog())  # the catalog's rules read places: no model needed
    pairs = [
        (Location.from_dict(line.get("location")), matcher.location(line["text"])) for line in lines
    ]
    with_place = [(gold, found) for gold, found in pairs if gold]
    assert len(with_place) == named
    assert sum(gold == found for gold, found in with_place) >= read
    assert sum(bool(found) for gold, found in pairs if not gold) <= false_places
