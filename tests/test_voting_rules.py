"""Vote counting: exact boundaries of every rule, and properties against an integer oracle."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.rules.tickets import Refusal
from handlers.rules.voting import Result, Rule, Sides, Voter, exact_area, sides, tally

APPROVE, OPPOSE, ABSTAIN = 0, 1, 2


def flats(count: int, area: Fraction | int = 100) -> list[Voter]:
    """`count` households of the same area."""
    return [Voter(h, Fraction(area)) for h in range(count)]


def cast(*blocks: tuple[int, int]) -> dict[int, int]:
    """Votes from consecutive households: (how many, option), …"""
    votes: dict[int, int] = {}
    for how_many, option in blocks:
        for _ in range(how_many):
            votes[len(votes)] = option
    return votes


def held(result: Result, name: str) -> bool:
    """Whether the named test held."""
    return next(t for t in result.tests if t.name == name).held


# exact boundaries --------------------------------------------------------------------------
def test_exactly_two_thirds_turnout_passes_civil_code() -> None:
    result = tally(Rule.CIVIL_CODE, 3, flats(30), cast((20, APPROVE)))
    assert held(result, "turnout_households") and held(result, "turnout_area")
    assert result.passed


def test_just_under_two_thirds_turnout_fails() -> None:
    result = tally(Rule.CIVIL_CODE, 3, flats(30), cast((19, APPROVE)))
    assert not held(result, "turnout_households") and not result.passed


def test_exactly_half_approval_fails_civil_code() -> None:
    result = tally(Rule.CIVIL_CODE, 3, flats(30), cast((12, APPROVE), (12, OPPOSE)))
    assert not held(result, "approve_households") and not result.passed
    majority = tally(Rule.MAJORITY, 3, flats(30), cast((12, APPROVE), (12, OPPOSE)))
    assert not majority.passed


def test_exactly_three_quarters_passes_civil_code_special() -> None:
    result = tally(Rule.CIVIL_CODE_SPECIAL, 3, flats(24), cast((18, APPROVE), (6, OPPOSE)))
    assert held(result, "approve_households") and held(result, "approve_area")
    assert result.passed
    short = tally(Rule.CIVIL_CODE_SPECIAL, 3, flats(24), cast((17, APPROVE), (7, OPPOSE)))
    assert not short.passed


def test_exactly_thirty_percent_opposition_fails_5030() -> None:
    result = tally(Rule.RULE_5030, 3, flats(10), cast((7, APPROVE), (3, OPPOSE)))
    assert held(result, "approve_votes") and not held(result, "oppose_votes")
    assert not result.passed
    below = tally(Rule.RULE_5030, 3, flats(20), cast((14, APPROVE), (5, OPPOSE), (1, ABSTAIN)))
    assert below.passed


def test_area_and_headcount_disagreeing() -> None:
    # six small flats approve, three large ones oppose: a headcount majority, an area minority
    electorate = [Voter(h, Fraction(50)) for h in range(6)] + [
        Voter(h, Fraction(200)) for h in range(6, 9)
    ]
    votes = {h: APPROVE for h in range(6)} | {h: OPPOSE for h in range(6, 9)}
    result = tally(Rule.CIVIL_CODE, 2, electorate, votes)
    assert held(result, "approve_households") and not held(result, "approve_area")
    assert not result.passed
    # and the other way round: the big flats approve
    flipped = {h: 1 - o for h, o in votes.items()}
    result = tally(Rule.CIVIL_CODE, 2, electorate, flipped)
    assert not held(result, "approve_households") and held(result, "approve_area")
    assert not result.passed


def test_turnout_by_area_alone_can_fail() -> None:
    electorate = [Voter(h, Fraction(50)) for h in range(7)] + [
        Voter(h, Fraction(300)) for h in range(7, 10)
    ]
    result = tally(Rule.CIVIL_CODE, 2, electorate, {h: APPROVE for h in range(7)})
    assert held(result, "turnout_households") and not held(result, "turnout_area")
    assert not result.passed


def test_abstentions_count_as_participation() -> None:
    # 20 of 30 take part, 11 of them approve: turnout reached only thanks to the abstentions
    result = tally(Rule.CIVIL_CODE, 3, flats(30), cast((11, APPROVE), (9, ABSTAIN)))
    assert result.voted_households == 20 and result.passed
    # and an abstention weighs against a simple majority
    assert not tally(Rule.MAJORITY, 3, flats(4), cast((2, APPROVE), (2, ABSTAIN))).passed


def test_approve_and_oppose_options_can_be_named() -> None:
    side = sides(4, approve=3, oppose=1)
    assert side == Sides(approve=2, oppose=0)
    result = tally(Rule.MAJORITY, 4, flats(3), {0: 2, 1: 2, 2: 0}, side)
    assert result.passed
    with pytest.raises(Refusal) as same:
        sides(3, approve=2, oppose=2)
    assert same.value.reason == "poll.error.side_same"
    with pytest.raises(Refusal) as out_of_range:
        sides(3, oppose=4)
    assert out_of_range.value.reason == "poll.error.side_range"
    with pytest.raises(Refusal):
        sides(1)


def test_plurality_winner_and_tie() -> None:
    assert tally(Rule.PLURALITY, 3, flats(9), cast((4, 2), (3, 0), (2, 1))).winners == (2,)
    tie = tally(Rule.PLURALITY, 3, flats(9), cast((3, 0), (3, 1), (1, 2)))
    assert tie.winners == (0, 1) and not tie.passed
    nobody = tally(Rule.PLURALITY, 3, flats(9), {})
    assert nobody.winners == () and not nobody.passed


def test_nothing_cast_passes_nothing() -> None:
    for rule in Rule:
        result = tally(rule, 3, flats(5), {})
        assert not result.passed
        assert all(t.share is None or t.share == 0 for t in result.tests)


def test_votes_outside_the_electorate_are_not_counted() -> None:
    result = tally(Rule.MAJORITY, 2, flats(3), {0: APPROVE, 99: APPROVE, 1: 7})
    assert result.voted_households == 1 and result.households == (1, 0)


def test_roster_areas_are_exact() -> None:
    assert exact_area(89.5) == Fraction(179, 2)
    assert exact_area(0.1) + exact_area(0.2) == exact_area(0.3)
    assert exact_area("120.37") == Fraction(12037, 100)


# properties --------------------------------------------------------------------------------
AREAS = st.integers(min_value=1, max_value=40000).map(lambda cents: Fraction(cents, 100))


@st.composite
def polls(draw: st.DrawFn) -> tuple[list[Voter], dict[int, int], int]:
    """An electorate with areas, some of it voting, over 2–4 options."""
    areas = draw(st.lists(AREAS, min_size=1, max_size=40))
    electorate = [Voter(h, a) for h, a in enumerate(areas)]
    options = draw(st.integers(min_value=2, max_value=4))
    votes = draw(
        st.dictionaries(
            st.sampled_from([v.household for v in electorate]),
            st.integers(min_value=0, max_value=options - 1),
        )
    )
    return electorate, votes, options


@given(polls(), st.sampled_from(list(Rule)))
def test_rules_agree_with_integer_arithmetic(
    poll: tuple[list[Voter], dict[int, int], int], rule: Rule
) -> None:
    electorate, votes, options = poll
    result = tally(rule, options, electorate, votes)
    area = {v.household: v.area for v in electorate}
    n, total = len(electorate), sum(area.values(), Fraction(0))
    voted = len(votes)
    voted_area = sum((area[h] for h in votes), Fraction(0))
    yes = sum(1 for o in votes.values() if o == APPROVE)
    no = sum(1 for o in votes.values() if o == OPPOSE)
    yes_area = sum((area[h] for h, o in votes.items() if o == APPROVE), Fraction(0))
    turnout = 3 * voted >= 2 * n and 3 * voted_area >= 2 * total
    expected = {
        Rule.MAJORITY: 2 * yes > voted,
        Rule.RULE_5030: 2 * yes > voted and 10 * no < 3 * voted,
        Rule.CIVIL_CODE: turnout and 2 * yes > voted and 2 * yes_area > voted_area,
        Rule.CIVIL_CODE_SPECIAL: (
            turnout and 4 * yes >= 3 * voted and 4 * yes_area >= 3 * voted_area
        ),
    }
    if rule is Rule.PLURALITY:
        counts = [sum(1 for o in votes.values() if o == i) for i in range(options)]
        assert result.passed == (bool(votes) and counts.count(max(counts)) == 1)
    else:
        assert result.passed == expected[rule]
    assert result.voted_households == voted and result.voted_area == voted_area
    assert sum(result.households) == voted and sum(result.area, Fraction(0)) == voted_area
    for test in result.tests:  # every test explains itself with its own numbers
        assert test.held == (
            test.share is not None
            and {">=": test.share >= test.threshold, ">": test.share > test.threshold}.get(
                test.comparison.value, test.share < test.threshold
            )
        )


@given(polls(), st.sampled_from([Rule.CIVIL_CODE, Rule.CIVIL_CODE_SPECIAL]))
def test_an_extra_abstention_never_lowers_turnout(
    poll: tuple[list[Voter], dict[int, int], int], rule: Rule
) -> None:
    electorate, votes, options = poll
    silent = [v.household for v in electorate if v.household not in votes]
    if not silent or options < 3:
        return
    before = tally(rule, options, electorate, votes)
    after = tally(rule, options, electorate, votes | {silent[0]: ABSTAIN})
    assert after.voted_households == before.voted_households + 1
    assert after.voted_area > before.voted_area


@given(polls(), st.sampled_from(list(Rule)))
def test_order_of_votes_does_not_matter(
    poll: tuple[list[Voter], dict[int, int], int], rule: Rule
) -> None:
    electorate, votes, options = poll
    reversed_votes = dict(reversed(list(votes.items())))
    assert tally(rule, options, electorate, votes) == tally(
        rule, options, list(reversed(electorate)), reversed_votes
    )
