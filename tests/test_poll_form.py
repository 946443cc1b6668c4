"""The one-line /poll form: what it reads, and how each mistake is named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.rules.poll_form import DEFAULT_DURATION, Scope, parse_poll
from handlers.rules.tickets import Refusal
from handlers.rules.voting import Rule, Sides
from handlers.texts import text

ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def refused(body: str) -> str:
    """The Chinese message for a form's mistake."""
    with pytest.raises(Refusal) as caught:
        parse_poll(body, NOW, ZONE)
    return text("zh-CN", caught.value.reason, **caught.value.params)


def test_the_example_of_the_issue() -> None:
    form = parse_poll(
        "是否同意加装电梯 | 同意 | 反对 | 弃权 "
        "--rule civil-code-special --for 7d --scope building:29",
        NOW,
        ZONE,
    )
    assert form.question == "是否同意加装电梯"
    assert form.options == ("同意", "反对", "弃权")
    assert form.rule is Rule.CIVIL_CODE_SPECIAL
    assert form.closes_at == NOW + timedelta(days=7)
    assert form.scope == Scope("building", ("29",))
    assert form.sides == Sides(0, 1) and not form.native


def test_defaults_majority_seven_days_the_chats_scope() -> None:
    form = parse_poll("换物业吗|换|不换", NOW, ZONE)
    assert form.rule is Rule.MAJORITY and form.scope is None
    assert form.closes_at == NOW + DEFAULT_DURATION


@pytest.mark.parametrize(
    ("flag", "delta"),
    [("30m", timedelta(minutes=30)), ("12h", timedelta(hours=12)), ("7d", timedelta(days=7))],
)
def test_durations(flag: str, delta: timedelta) -> None:
    assert parse_poll(f"问|是|否 --for {flag}", NOW, ZONE).closes_at == NOW + delta


def test_until_is_read_in_the_deployments_zone() -> None:
    form = parse_poll("问|是|否 --until 2026-12-01T18:00", NOW, ZONE)
    assert form.closes_at == datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    spaced = parse_poll("问|是|否 --until 2026-12-01 18:00", NOW, ZONE)
    assert spaced.closes_at == form.closes_at


def test_scopes() -> None:
    assert parse_poll("问|是|否 --scope building:29,30", NOW, ZONE).scope == Scope(
        "building", ("29", "30")
    )
    assert parse_poll("问|是|否 --scope grid:G01", NOW, ZONE).scope == Scope("grid", ("G01",))
    assert parse_poll("问|是|否 --scope community", NOW, ZONE).scope == Scope("community")


def test_native_and_named_sides() -> None:
    form = parse_poll("问|弃权|反对|同意 --approve 3 --oppose 2 --native", NOW, ZONE)
    assert form.native and form.sides == Sides(2, 1)


def test_plurality_has_no_sides() -> None:
    form = parse_poll("选哪家物业|甲|乙|丙 --rule plurality", NOW, ZONE)
    assert form.sides is None
    assert "plurality" in refused("选哪家物业|甲|乙 --rule plurality --approve 1")


def test_input_method_dashes_and_bars() -> None:
    form = parse_poll("是否同意｜同意｜反对 ——for 3d", NOW, ZONE)
    assert form.options == ("同意", "反对") and form.closes_at == NOW + timedelta(days=3)


def test_flags_start_at_the_first_double_dash() -> None:
    form = parse_poll("A--B 方案|A--B|C --for 1d", NOW, ZONE)
    assert form.question == "A--B 方案" and form.options == ("A--B", "C")


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("是否同意加装电梯 | 同意", "至少需要两个选项"),
        ("是否同意加装电梯", "至少需要两个选项"),
        ("| 同意 | 反对", "请写明表决的事项"),
        ("问|是|否 --until 2026-11-01T18:00", "截止时间已过"),
        ("问|是|否 --for 200d", "最长 90 天"),
        ("问|是|否 --for 7x", "7x"),
        ("问|是|否 --for 0m", "0m"),
        ("问|是|否 --until tomorrow", "tomorrow"),
        ("问|是|否 --for 1d --until 2026-12-01T18:00", "只能选一个"),
        ("问|是|否 --rule unanimous", "unanimous"),
        ("问|是|否 --scope street:1", "street:1"),
        ("问|是|否 --scope grid:G01,G02", "grid:G01,G02"),
        ("问|是|否 --colour red", "--colour"),
        ("问|是|否 --for", "--for"),
        ("问|是|否 --for 1d --for 2d", "--for"),
        ("问|是|是", "选项重复：是"),
        ("问|是|否 --approve 2 --oppose 2", "不能是同一个"),
        ("问|是|否 --oppose 5", "5"),
        ("问|是|否 --approve yes", "yes"),
        ("问|" + "|".join(str(i) for i in range(11)), "最多 10 个选项"),
        ("问" * 301 + "|是|否", "300"),
    ],
)
def test_mistakes_are_named(body: str, says: str) -> None:
    assert says in refused(body)


@given(st.text(max_size=200))
def test_any_text_is_a_form_or_a_named_mistake(body: str) -> None:
    try:
        form = parse_poll(body, NOW, ZONE)
    except Refusal as refusal:
        assert text("zh-CN", refusal.reason, **refusal.params)
    else:
        assert len(form.options) >= 2 and form.closes_at > NOW
