"""Judging indicators and answering the four questions: pure functions over figures and evidence.

Rules (``docs/measures.md``):

- A scope's figure for a month combines its teams': pooled from numerators and denominators where
  every team has them, else the mean of the teams' figures. No figure at all is "no data" (None).
- Off target: worse than the target by more than the tolerance. On target: at or better than it.
- Moving the wrong way: the month's figure is worse than the figure two months earlier (three
  monthly figures) by at least the tolerance (by anything, when the tolerance is 0). Improving is
  the mirror image.
- Audits disagree: for a percent indicator where higher is better, the share of audited cases that
  found the practice (over the same three months, with at least ``min_cases`` cases) is judged
  against the same target and lands on the other side of "off target" than the figure.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from services.measures.declarations import AnswerSource, Direction, Indicator, MeasuresFile, Unit
from storage.repositories.measures import TeamRow
from views.measures import (
    AnswerEvidence,
    IndicatorStatus,
    MeasureStatus,
    MonthlyValue,
    Worry,
    WorryReason,
)

TREND_MONTHS = 3


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def trend_months(month: date) -> tuple[date, ...]:
    """The three months ending with ``month``, oldest first."""
    return tuple(add_months(month, offset) for offset in range(1 - TREND_MONTHS, 1))


@dataclass(frozen=True)
class Combined:
    value: float
    numerator: int | None
    denominator: int | None
    teams: int = 1
    """How many teams' figures went into it."""


@dataclass
class MonthSums:
    """Several teams' figures for one indicator and month, summed so that more can be added (the
    database sums the stored figures of each service area; qop adds the ones it computes)."""

    teams: int = 0
    pooled: int = 0
    """How many of the figures have a numerator and a (non-zero) denominator."""
    numerator: int = 0
    denominator: int = 0
    value_sum: float = 0.0

    def add(self, other: MonthSums) -> None:
        self.teams += other.teams
        self.pooled += other.pooled
        self.numerator += other.numerator
        self.denominator += other.denominator
        self.value_sum += other.value_sum

    def combined(self) -> Combined | None:
        """Pooled from the counts when every team has them, else the mean of the teams' figures."""
        if not self.teams:
            return None
        if self.pooled == self.teams:
            return Combined(100.0 * self.numerator / self.denominator, self.numerator, self.denominator, self.teams)
        return Combined(self.value_sum / self.teams, None, None, self.teams)


def sums_of(value: MonthlyValue) -> MonthSums:
    if value.numerator is not None and value.denominator:
        return MonthSums(1, 1, value.numerator, value.denominator, value.value)
    return MonthSums(1, 0, 0, 0, value.value)


def combine(values: Sequence[MonthlyValue]) -> Combined | None:
    """One figure from several teams' figures for the same month (None: no data)."""
    total = MonthSums()
    for value in values:
        total.add(sums_of(value))
    return total.combined()


def _better_by(indicator: Indicator, difference: float) -> float:
    """How much better (positive) or worse (negative) a difference is for this indicator."""
    return difference if indicator.direction == Direction.HIGHER_IS_BETTER else -difference


def _is_off_target(indicator: Indicator, target: float | None, tolerance: float, value: float | None) -> bool:
    return value is not None and target is not None and _better_by(indicator, value - target) < -tolerance


def judge(
    indicator: Indicator,
    *,
    target: float | None,
    tolerance: float,
    owner: str,
    by_month: Mapping[date, Combined],
    month: date,
    evidence: Sequence[AnswerEvidence],
    min_cases: int,
    teams_in_scope: int = 1,
) -> IndicatorStatus:
    """Judge one indicator for ``month`` from its combined monthly figures (any months up to it)."""
    known = sorted(m for m in by_month if m <= month)
    latest_month = known[-1] if known else None
    latest = by_month[latest_month] if latest_month else None
    value = latest.value if latest else None
    history = tuple((m, by_month[m].value if m in by_month else None) for m in trend_months(month))
    # The trend is the figure shown's: the three months ending with it, so an extract that comes
    # a month behind (last month's figures at this month's clinic) still shows which way it moves.
    trend = [by_month[m].value if m in by_month else None for m in trend_months(latest_month or month)]
    first, last = trend[0], trend[-1]
    change = last - first if first is not None and last is not None else None
    gain = _better_by(indicator, change) if change is not None else None
    if gain is None:
        wrong_way = improving = False
    elif tolerance > 0:
        wrong_way, improving = gain <= -tolerance, gain >= tolerance
    else:
        wrong_way, improving = gain < 0, gain > 0
    off_target = _is_off_target(indicator, target, tolerance, value)
    on_target = value is not None and target is not None and _better_by(indicator, value - target) >= 0
    comparable = (
        indicator.unit == Unit.PERCENT
        and indicator.direction == Direction.HIGHER_IS_BETTER
        and value is not None
        and target is not None
    )
    disagreeing = tuple(
        item
        for item in evidence
        if comparable
        and item.of >= min_cases
        and _is_off_target(indicator, target, tolerance, item.share) != off_target
    )
    return IndicatorStatus(
        key=indicator.id,
        measure_id=indicator.measure,
        name=indicator.name,
        kind=indicator.kind.value,
        unit=indicator.unit.value,
        direction=indicator.direction.value,
        target=target,
        tolerance=tolerance,
        owner=owner,
        value=value,
        value_month=latest_month,
        numerator=latest.numerator if latest else None,
        denominator=latest.denominator if latest else None,
        teams_reporting=latest.teams if latest else 0,
        teams_in_scope=teams_in_scope,
        history=history,
        change=change,
        off_target=off_target,
        on_target=on_target,
        wrong_way=wrong_way,
        improving=improving,
        evidence=tuple(evidence),
        disagreeing_evidence=disagreeing,
    )


@dataclass(frozen=True)
class ScopedIndicator:
    """An indicator as one scope sees it: the teams it covers there and the target that applies."""

    indicator: Indicator
    team_ids: tuple[int, ...]
    target: float | None
    tolerance: float
    owner: str


def indicators_in_scope(measures: MeasuresFile, teams: Sequence[TeamRow]) -> list[ScopedIndicator]:
    """The indicators declared for the scope's teams' service areas, in file order. Where areas
    set different targets for one indicator, a scope spanning them has no single target (None)."""
    by_id: dict[str, list[tuple[Indicator, TeamRow]]] = {}
    for area_name in dict.fromkeys(team.area_name for team in teams):
        for indicator in measures.indicators_of(area_name):
            for team in teams:
                if team.area_name == area_name:
                    by_id.setdefault(indicator.id, []).append((indicator, team))
    scoped = []
    for pairs in by_id.values():
        declarations = {(i.target, i.tolerance, i.owner) for i, _ in pairs}
        first = pairs[0][0]
        target, tolerance, owner = (
            next(iter(declarations)) if len(declarations) == 1 else (None, first.tolerance, first.owner)
        )
        scoped.append(ScopedIndicator(first, tuple(t.id for _, t in pairs), target, tolerance, owner))
    return scoped


GroupSums = Mapping[tuple[str, int, date], MonthSums]
"""(indicator, group, month) -> the sums of that group's teams' figures; a group is a set of
teams that always come together in a scope (a service area)."""


def judge_all(
    scoped: Sequence[ScopedIndicator],
    sums: GroupSums,
    group_of: Mapping[int, int],
    evidence: Mapping[str, Sequence[AnswerEvidence]],
    *,
    month: date,
    min_cases: int,
) -> list[IndicatorStatus]:
    """Judge every indicator of a scope from its groups' monthly sums (``group_of``: team -> group)."""
    by_indicator: dict[str, dict[date, dict[int, MonthSums]]] = defaultdict(lambda: defaultdict(dict))
    for (key, group, value_month), month_sums in sums.items():
        by_indicator[key][value_month][group] = month_sums
    statuses = []
    for item in scoped:
        groups = {group_of[team_id] for team_id in item.team_ids}
        monthly = {}
        for value_month, by_group in by_indicator[item.indicator.id].items():
            total = MonthSums()
            for group, month_sums in by_group.items():
                if group in groups:
                    total.add(month_sums)
            if (combined := total.combined()) is not None:
                monthly[value_month] = combined
        statuses.append(
            judge(
                item.indicator,
                target=item.target,
                tolerance=item.tolerance,
                owner=item.owner,
                by_month=monthly,
                month=month,
                evidence=evidence.get(item.indicator.id, ()),
                min_cases=min_cases,
                teams_in_scope=len(item.team_ids),
            )
        )
    return statuses


def answer_four_questions(measure_id: str, name: str, statuses: Sequence[IndicatorStatus]) -> MeasureStatus:
    worries = []
    for status in statuses:
        reasons = []
        if status.off_target:
            reasons.append(WorryReason.OFF_TARGET)
        if status.wrong_way:
            reasons.append(WorryReason.WRONG_WAY)
        if status.disagreeing_evidence:
            reasons.append(WorryReason.AUDITS_DISAGREE)
        if reasons:
            worries.append(Worry(status, tuple(reasons)))
    confirmed = [s for s in statuses if any(e.of for e in s.evidence) and not s.disagreeing_evidence]
    return MeasureStatus(
        measure_id=measure_id,
        name=name,
        indicators=tuple(statuses),
        worries=tuple(worries),
        did_well=tuple(s for s in statuses if s.on_target and not s.wrong_way),
        impact=tuple(s for s in statuses if s.improving),
        celebrate=tuple(s for s in statuses if s.on_target and (s.improving or s in confirmed)),
        learn=tuple(s for s in statuses if s.disagreeing_evidence),
    )


def source_key(source: AnswerSource) -> tuple[str, str, tuple[str, ...], tuple[str, ...]]:
    return (source.template, source.question, tuple(source.counts), tuple(source.excludes))


def _judge_answer(source: AnswerSource, answer: object) -> tuple[int, int]:
    """(found, of) for one audit's answer: (0, 0) when it was not given or only excluded."""
    if isinstance(answer, str) and answer.startswith("["):
        answer = json.loads(answer)  # a multiple choice, read from the database as its JSON text
    values = answer if isinstance(answer, list) else [answer]
    given = [str(v) for v in values if v not in (None, "")]
    if not given or all(v in source.excludes for v in given):
        return 0, 0
    return int(any(v in source.counts for v in given)), 1


def answer_counter(source: AnswerSource) -> Callable[[Iterable[object]], tuple[int, int]]:
    """``count_answers`` for one source, remembering how it judged each distinct answer across
    calls (thousands of audits hold a handful of distinct answers)."""
    judged: dict[tuple[type, object], tuple[int, int]] = {}

    def count(answers: Iterable[object]) -> tuple[int, int]:
        found = of = 0
        for answer in answers:
            if answer is None:
                continue
            key = (
                type(answer),
                answer if isinstance(answer, str | int | float) else json.dumps(answer, sort_keys=True),
            )
            result = judged.get(key)
            if result is None:
                result = judged[key] = _judge_answer(source, answer)
            found += result[0]
            of += result[1]
        return found, of

    return count


def count_answers(source: AnswerSource, answers: Iterable[object]) -> tuple[int, int]:
    """(found, of): answers counted, out of answers that were given and not excluded."""
    return answer_counter(source)(answers)
