"""The matcher's rules, on a small catalog written for the test (the default one is tested by
the dev-set regression and the per-category dialogs)."""

from __future__ import annotations

import pytest
import yaml

from intents import Matcher
from intents.catalog import parse_catalog

CATALOG = yaml.safe_load("""
cues:
  request: [坏了, 又, 咋弄, 没人管, 一直]
  question: [吗, 什么时候, 请问]
  resolved: [修好了, 解决了]
  praise: [谢谢, 点赞, 挺好]
  notice: [通知, 抱歉]
  bot: [机器人]
  negation: [不, 没]
  elsewhere: [我们公司, 老家]
categories:
  - id: water_leak
    names: {zh-CN: 漏水渗水}
    sla: {ack: 4h, resolve: 3d}
    problems: [漏水, 渗水, 天花板*滴水]
    topics: [楼顶, 防水]
  - id: elevator
    names: {zh-CN: 电梯}
    urgency: high
    sla: {ack: 1h, resolve: 1d}
    problems: [困在电梯, 电梯*停了]
    topics: [电梯]
    urgent_cues: [救命, 被困]
  - id: power
    names: {zh-CN: 电力}
    sla: {ack: 1h, resolve: 1d}
    problems: [停电, 跳闸]
    topics: [电表]
    resolved_cues: [来电了]
  - id: fire_safety
    names: {zh-CN: 消防}
    sla: {ack: 2h, resolve: 2d}
    problems: [楼道*堆满杂物]
    topics: [楼道]
  - id: pets
    names: {zh-CN: 宠物}
    sla: {ack: 1d, resolve: 3d}
    problems: [狗屎]
    topics: [狗]
  - id: gas
    names: {zh-CN: 燃气}
    urgency: urgent
    sla: {ack: 30m, resolve: 4h}
    problems: [燃气味]
    topics: [燃气]
""")


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(parse_catalog(CATALOG))


def answer(matcher: Matcher, text: str) -> tuple[str, str]:
    intent = matcher.match(text)
    return intent.category, intent.band


@pytest.mark.parametrize(
    ("text", "category", "band"),
    [
        ("楼顶漏水了", "water_leak", "sure"),  # a problem is a report on its own
        ("電梯又壞了", "elevator", "sure"),  # Traditional script
        ("电梯什么时候能修", "elevator", "sure"),  # a question about a service belongs to it
        ("我在电梯里碰到老王", "none", "none"),  # a topic alone is chatter
        ("狗又在门口拉了", "pets", "maybe"),  # one-character subject with a complaint
        ("你家狗叫什么名字吗", "none", "none"),  # ... but a question is not enough
        ("天花板一直在滴水", "water_leak", "sure"),  # a combination
        ("天花板很好看 我家阳台在滴水", "none", "none"),  # ... stays within one clause
        ("楼道里堆满杂物，电梯又坏了", "fire_safety", "sure"),  # the more specific phrase wins
    ],
)
def test_reports_topics_and_questions(
    matcher: Matcher, text: str, category: str, band: str
) -> None:
    assert answer(matcher, text) == (category, band)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("店梯停了", "elevator"),  # homophone: 店 for 电
        ("又听电了", "power"),  # 听 for 停, with a complaint
        ("楼顶身水", "water_leak"),  # 身 for 渗
        ("咚的一声", "none"),  # a slip on a function character is no typo
    ],
)
def test_homophone_typos(matcher: Matcher, text: str, category: str) -> None:
    assert matcher.match(text).category == category


def test_a_real_word_that_sounds_like_a_problem_needs_other_evidence(matcher: Matcher) -> None:
    # 露水 (dew) is a word: alone it is not 漏水, beside 楼顶 it is
    assert matcher.match("早上草地上都是露水").category == "none"
    assert matcher.match("楼顶露水了").category == "water_leak"


@pytest.mark.parametrize(
    "text",
    [
        "终于不漏水了",  # negation
        "电梯修好了，点赞",  # fixed
        "刚才电梯困人的事已经解决了",  # fixed after the story
        "来电了",  # a category's own "fixed" cue
        "停电通知：明天上午检修",  # a notice
        "【温馨提示】燃气味道异常请开窗",  # a notice heading
        "转发：楼道堆满杂物很危险",  # a forward
        "明天装修可能会漏水，先说声抱歉",  # an apology in advance
        "谢谢物业，电梯挺好",  # praise
        "机器人你好",  # the bot itself
        "我们公司楼顶漏水了，今天在家办公",  # somewhere else
    ],
)
def test_chatter_stays_none(matcher: Matcher, text: str) -> None:
    assert matcher.match(text).category == "none", text


def test_fixed_then_broken_again_is_a_report(matcher: Matcher) -> None:
    assert matcher.match("电梯修好了没两天又坏了").category == "elevator"
    assert matcher.match("电梯修好了吗").category == "elevator"  # a question, not a fix
    # power's own "fixed" cue does not end another category's story
    assert matcher.match("来电了 可是楼顶还在漏水").category == "water_leak"


def test_somewhere_else_with_a_plea_is_still_a_report(matcher: Matcher) -> None:
    assert matcher.match("老家回来发现家里又漏水了").category == "water_leak"


def test_urgency_and_location(matcher: Matcher) -> None:
    trapped = matcher.match("救命 有人被困在11号楼2单元电梯里")
    assert (trapped.category, trapped.urgent) == ("elevator", True)
    assert trapped.location.to_dict() == {"building": "11", "unit": "2"}
    assert matcher.match("电梯又坏了").urgent is False
    assert matcher.match("一股燃气味").urgent is True  # an urgent category


def test_quoted_message_gives_the_subject(matcher: Matcher) -> None:
    assert matcher.match("「王姐：你家电梯能用吗」又坏了").category == "elevator"
    assert matcher.match("「王姐：你家电梯能用吗」能用").category == "none"


def test_answer_shape(matcher: Matcher) -> None:
    data = matcher.match("楼道里堆满杂物，电梯又坏了").to_dict()
    assert set(data) == {"category", "score", "alternatives", "band", "urgent", "location"}
    assert 0.0 <= data["score"] <= 1.0
    assert data["alternatives"] and data["alternatives"][0]["category"] == "elevator"
    assert len(data["alternatives"]) <= 3
    none = matcher.match("大家早上好").to_dict()
    assert (none["category"], none["band"], none["alternatives"]) == ("none", "none", [])
