"""Dev-set regression: thresholds sit just under what the matcher reaches on the parts of the
data it was never tuned on (measured 2026-11-23; see the issue notes).

The splits are fixed by a checksum of each line, so they stay the same as files grow:
- the shared dev set: one fifth held out (crc32(text) % 5 == 0), the rest was tuned on;
- the independently written reports, chatter and chit-chat: one half tuned on (crc32 % 2 == 0),
  the other half (== 1) held out.
"""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

from intents import Matcher, load_catalog
from intents.evaluation import Example, Report, evaluate, read_examples

DATA = Path(__file__).with_name("data")


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_catalog())


def part(name: str, keep: int, modulo: int, by_line: bool) -> list[Example]:
    """The examples of a file whose checksum falls in one part."""
    path = DATA / name
    lines = [line for line in path.read_text("utf-8").splitlines() if line.strip()]
    examples = read_examples(path)
    assert len(lines) == len(examples)
    return [
        example
        for line, example in zip(lines, examples, strict=True)
        if zlib.crc32((line if by_line else example.text).encode()) % modulo == keep
    ]


def score(matcher: Matcher, examples: list[Example]) -> Report:
    assert examples
    return evaluate(matcher, examples)


def test_dev_set_held_out_fifth(matcher: Matcher) -> None:
    report = score(matcher, part("devset.jsonl", 0, 5, by_line=False))
    assert report.accuracy >= 0.90  # measured 0.919
    assert report.macro_f1 >= 0.93  # measured 0.948
    assert report.false_ticket_rate <= 0.02  # measured 0.0
    assert report.miss_rate <= 0.12  # measured 0.106
    assert report.location_accuracy >= 0.95  # measured 1.0


def test_whole_dev_set(matcher: Matcher) -> None:
    report = score(matcher, read_examples(DATA / "devset.jsonl"))
    assert report.accuracy >= 0.97
    assert report.location_accuracy >= 0.97


def test_independent_reports_held_out_half(matcher: Matcher) -> None:
    report = score(matcher, part("reports_unseen.jsonl", 1, 2, by_line=True))
    assert report.accuracy >= 0.87  # measured 0.886
    assert report.miss_rate <= 0.12  # measured 0.102
    assert report.location_accuracy >= 0.95  # measured 1.0


def test_chatter_and_chit_chat_held_out_halves(matcher: Matcher) -> None:
    chatter = score(matcher, part("chatter.jsonl", 1, 2, by_line=True))
    assert chatter.false_ticket_rate <= 0.11  # measured 0.096
    chit_chat = score(matcher, part("chitchat.jsonl", 1, 2, by_line=True))
    assert chit_chat.false_ticket_rate <= 0.03  # measured 0.021


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("楼顶又漏水了，家里的盆都不够用了", "water_leak"),
        ("樓上衛生間滲水到我家天花板", "water_leak"),
        ("家里停谁了，整栋楼都没水", "water_supply"),
        ("下水到赌了，厨房水池一点都下不去", "drainage"),
        ("又听电了？冰箱里的肉要坏了", "power"),
        ("救命 有人被困在电梯里了", "elevator"),
        ("楼道灯坏了好几天了，晚上黑漆漆的", "lighting"),
        ("消防通道又被私家车占了", "parking"),
        ("有人把电动车推到楼道里充电", "ev_charging"),
        ("垃圾桶满了两天都没人收，臭死了", "sanitation"),
        ("顶楼那户在楼顶搭了个彩钢房", "illegal_construction"),
        ("井盖丢了，晚上谁掉进去就完了", "road_damage"),
        ("楼上半夜还在装修，电钻吵得睡不着", "noise"),
        ("树枝伸到我家窗户里了，能不能修剪一下", "greenery"),
        ("楼梯间堆满了旧家具，根本过不去人", "fire_safety"),
        ("樓道裡有很濃的煤氣味", "gas"),
        ("暖气片不热，阀门也开了", "heating"),
        ("物业客服态度太差了，问个事爱答不理", "property_mgmt"),
        ("单元门禁坏了，刷卡刷不开", "public_facility"),
        ("溜狗不牵绳，还说不咬人", "pets"),
        ("对门把鞋柜放我家门口，说了几次还骂人，想请网格员调解", "neighbor_dispute"),
        ("车棚里的电瓶又被偷了", "security"),
        ("大家早上好", "none"),
        ("电梯修好了，给维保师傅点赞", "none"),
        ("社区通知：本周六上午九点消防演练", "none"),
    ],
)
def test_each_category_including_typos_and_traditional(
    matcher: Matcher, text: str, category: str
) -> None:
    assert matcher.match(text).category == category
