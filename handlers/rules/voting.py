"""Counting a building decision: one voice per household, exact fractions, a result that
explains itself.

The rules (民法典 第二百七十八条 for the two civil-code ones; "以上" includes the boundary,
"过半数" does not):
- majority: approve > 1/2 of the votes cast;
- 5030: approve > 1/2 and oppose < 3/10 of the votes cast;
- civil-code: turnout >= 2/3 of the households and >= 2/3 of the floor area, then approve
  > 1/2 of the participating households and > 1/2 of the participating area;
- civil-code-special: the same turnout, then approve >= 3/4 of both;
- plurality: the option with most votes wins; equal tops are a tie.
Every option that is neither approve nor oppose is an abstention; abstaining is taking part.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from handlers.rules.tickets import Refusal


class Rule(StrEnum):
    """How a poll is decided."""

    MAJORITY = "majority"
    RULE_5030 = "5030"
    CIVIL_CODE = "civil-code"
    CIVIL_CODE_SPECIAL = "civil-code-special"
    PLURALITY = "plurality"

    @property
    def owners_only(self) -> bool:
        """Under the Civil Code only owners (业主) decide; tenants may not cast the vote."""
        return self in (Rule.CIVIL_CODE, Rule.CIVIL_CODE_SPECIAL)

    @property
    def has_sides(self) -> bool:
        """Whether options are approve / oppose / abstain (every rule but plurality)."""
        return self is not Rule.PLURALITY


class Comparison(StrEnum):
    """How a share is held against its threshold."""

    AT_LEAST = ">="
    MORE_THAN = ">"
    LESS_THAN = "<"


@dataclass(frozen=True, slots=True)
class Voter:
    """A household of the electorate, with its floor area in m² (exact)."""

    household: int
    area: Fraction


@dataclass(frozen=True, slots=True)
class Sides:
    """Which options (0-based) mean approve and oppose; every other option abstains."""

    approve: int
    oppose: int


@dataclass(frozen=True, slots=True)
class Test:
    """One condition of a rule: part / whole against a threshold, and whether it held."""

    name: str  # turnout_households | turnout_area | approve_households | approve_area |
    #            approve_votes | oppose_votes
    part: Fraction
    whole: Fraction
    comparison: Comparison
    threshold: Fraction
    held: bool

    @property
    def share(self) -> Fraction | None:
        """part / whole; None when the whole is nothing (the test cannot hold)."""
        return self.part / self.whole if self.whole else None


@dataclass(frozen=True, slots=True)
class Result:
    """A tally: counts per option by households and by area, each test, the outcome."""

    rule: Rule
    electorate_households: int
    electorate_area: Fraction
    voted_households: int
    voted_area: Fraction
    households: tuple[int, ...]  # per option
    area: tuple[Fraction, ...]  # per option
    tests: tuple[Test, ...]
    passed: bool  # plurality: a single winner
    winners: tuple[int, ...] = ()  # plurality: the options with the most votes


def sides(options: int, approve: int | None = None, oppose: int | None = None) -> Sides:
    """Approve and oppose options (1-based as leaders write them, `--approve 2`), checked."""
    if options < 2:
        raise Refusal("poll.error.options")
    approve_index = (approve if approve is not None else 1) - 1
    oppose_index = (oppose if oppose is not None else 2) - 1
    for index in (approve_index, oppose_index):
        if not 0 <= index < options:
            raise Refusal("poll.error.side_range", n=index + 1, count=options)
    if approve_index == oppose_index:
        raise Refusal("poll.error.side_same", n=approve_index + 1)
    return Sides(approve_index, oppose_index)


def _test(
    name: str, part: Fraction, whole: Fraction, comparison: Comparison, threshold: Fraction
) -> Test:
    """Evaluate part / whole against a threshold by cross-multiplying (whole 0: not held)."""
    if not whole:
        held = False
    elif comparison is Comparison.AT_LEAST:
        held = part >= threshold * whole
    elif comparison is Comparison.MORE_THAN:
        held = part > threshold * whole
    else:
        held = part < threshold * whole
    return Test(name, part, whole, comparison, threshold, held)


HALF, TWO_THIRDS, THREE_QUARTERS, THIRTY_PERCENT = (
    Fraction(1, 2),
    Fraction(2, 3),
    Fraction(3, 4),
    Fraction(3, 10),
)


def tally(
    rule: Rule,
    options: int,
    electorate: Iterable[Voter],
    votes: Mapping[int, int],
    side: Sides | None = None,
) -> Result:
    """Count `votes` (household -> 0-based option) over the electorate under `rule`.

    Votes from households outside the electorate, or for options that do not exist, are not
    counted: the electorate is fixed when the poll opens.
    """
    side = side or sides(options)
    voters = {v.household: v.area for v in electorate}
    households = [0] * options
    area = [Fraction(0)] * options
    for household, option in votes.items():
        if household in voters and 0 <= option < options:
            households[option] += 1
            area[option] += voters[household]
    cast = sum(households)
    cast_area = sum(area, Fraction(0))
    total_households = len(voters)
    total_area = sum(voters.values(), Fraction(0))
    winners: tuple[int, ...] = ()
    tests: list[Test] = []
    if rule is Rule.PLURALITY:
        top = max(households, default=0)
        winners = tuple(i for i, n in enumerate(households) if n == top) if top else ()
        passed = len(winners) == 1
    elif rule in (Rule.MAJORITY, Rule.RULE_5030):
        tests.append(
            _test(
                "approve_votes",
                Fraction(households[side.approve]),
                Fraction(cast),
                Comparison.MORE_THAN,
                HALF,
            )
        )
        if rule is Rule.RULE_5030:
            tests.append(
                _test(
                    "oppose_votes",
                    Fraction(households[side.oppose]),
                    Fraction(cast),
                    Comparison.LESS_THAN,
                    THIRTY_PERCENT,
                )
            )
        passed = all(t.held for t in tests)
    else:
        special = rule is Rule.CIVIL_CODE_SPECIAL
        approval = THREE_QUARTERS if special else HALF
        approve_by = Comparison.AT_LEAST if special else Comparison.MORE_THAN
        tests += [
            _test(
                "turnout_households",
                Fraction(cast),
                Fraction(total_households),
                Comparison.AT_LEAST,
                TWO_THIRDS,
            ),
            _test("turnout_area", cast_area, total_area, Comparison.AT_LEAST, TWO_THIRDS),
            _test(
                "approve_households",
                Fraction(households[side.approve]),
                Fraction(cast),
                approve_by,
                approval,
            ),
            _test("approve_area", area[side.approve], cast_area, approve_by, approval),
        ]
        passed = all(t.held for t in tests)
    return Result(
        rule=rule,
        electorate_households=total_households,
        electorate_area=total_area,
        voted_households=cast,
        voted_area=cast_area,
        households=tuple(households),
        area=tuple(area),
        tests=tuple(tests),
        passed=passed,
        winners=winners,
    )


def exact_area(square_metres: float | str) -> Fraction:
    """A roster area as an exact fraction of what was written (89.5 -> 179/2, never the
    binary float's expansion)."""
    return Fraction(str(square_metres))
