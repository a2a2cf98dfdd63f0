"""The measures file's validation (file, line, field) and the triangulation rules, without a database."""

from __future__ import annotations

import textwrap
from datetime import date

import pytest

from cards.measures_wording import figure, headline, trend_text, why
from qop.settings import PROJECT_ROOT
from services.measures.declarations import Indicator, MeasuresFileError, parse_measures
from services.measures.triangulation import Combined, answer_four_questions, combine, judge
from services.templates import TemplateLibrary
from views.measures import AnswerEvidence, MonthlyValue, WorryReason

LIBRARY = TemplateLibrary.from_folder()
JANUARY = date(2026, 1, 1)


def problems_of(text: str) -> list[tuple[int, str, str]]:
    with pytest.raises(MeasuresFileError) as raised:
        parse_measures("measures.yaml", textwrap.dedent(text), LIBRARY)
    return [(p.line, p.field, p.message) for p in raised.value.problems]


def test_the_demo_file_is_valid_and_declares_five_measures() -> None:
    loaded = parse_measures(
        "measures.yaml", (PROJECT_ROOT / "deploy" / "demo" / "measures.yaml").read_text(encoding="utf-8"), LIBRARY
    )
    assert [m.name for m in loaded.measures.measures] == [
        "Children are safe",
        "Children live in stable, loving homes",
        "Families get the right help at the right time",
        "Children are heard",
        "Our workforce is skilled and stable",
    ]
    first_contact = {i.id: i for i in loaded.measures.indicators_of("first contact")}
    assert first_contact["referral_decisions_24h"].target == 95
    assert first_contact["dip_referral_decisions"].source is not None


def test_field_errors_name_their_line_and_field() -> None:
    problems = problems_of(
        """\
        measures:
          - id: safe
            name: Children are safe
        service_areas:
          First Contact:
            - id: referral_decisions_24h
              name: Referral decisions within 24 hours
              measure: safe
              kind: quantitative
              unit: percentage
              direction: higher_is_better
              target: 95
              owner: Priya
            - id: Bad Id
              measure: safe
              kind: quantitative
              unit: count
              direction: up
              owner: team manager
        """
    )
    assert (
        10,
        "service_areas.First Contact[0].unit",
        "Input should be 'percent', 'count', 'days' or 'rate'",
    ) in problems
    assert any(line == 13 and field.endswith("[0].owner") and "role" in message for line, field, message in problems)
    assert any(line == 14 and field.endswith("[1].id") for line, field, _ in problems)
    assert (14, "service_areas.First Contact[1].name", "Field required") in problems
    assert any(line == 18 and field.endswith("[1].direction") for line, field, _ in problems)


def test_references_are_checked_with_their_line() -> None:
    problems = problems_of(
        """\
        measures:
          - {id: safe, name: Children are safe}
          - {id: safe, name: Children are safe again}
        service_areas:
          First Contact:
            - id: dip
              name: Dip sample
              measure: unsafe
              kind: qualitative
              unit: percent
              direction: higher_is_better
              owner: team manager
              source: {template: dip-sample-compliance, question: no_such_question}
            - id: seen
              name: Seen alone
              measure: safe
              kind: quantitative
              unit: percent
              direction: higher_is_better
              owner: qa lead
              evidence:
                - {template: standard-collaborative-audit, question: child_seen_and_spoken_to, counts: [maybe]}
        """
    )
    assert problems == [
        (3, "measures[1].id", "measure id 'safe' is used twice"),
        (8, "service_areas.First Contact[0].measure", "no measure with id 'unsafe'"),
        (
            13,
            "service_areas.First Contact[0].source.question",
            "'dip-sample-compliance' has no question 'no_such_question'",
        ),
        (
            22,
            "service_areas.First Contact[1].evidence[0].counts",
            "'child_seen_and_spoken_to' cannot be answered ['maybe']; use ['no', 'not_applicable', 'partly', 'yes']",
        ),
    ]


def test_kind_rules_and_yaml_syntax_errors() -> None:
    qualitative_without_source = problems_of(
        """\
        measures: [{id: safe, name: Safe}]
        service_areas:
          Early Help:
            - {id: a, name: A, measure: safe, kind: qualitative, unit: percent, direction: higher_is_better,
               owner: team manager}
        """
    )
    assert qualitative_without_source == [
        (4, "service_areas.Early Help[0]", "a qualitative indicator needs a source: the audit question that feeds it")
    ]
    assert problems_of("measures: [\n  {id: safe\n")[0][0] in (2, 3)
    assert problems_of("") == [(1, "", "the file is empty")]


def indicator(direction: str = "higher_is_better", unit: str = "percent") -> Indicator:
    return Indicator.model_validate(
        {
            "id": "referral_decisions_24h",
            "name": "Referral decisions within 24 hours",
            "measure": "safe",
            "kind": "quantitative",
            "unit": unit,
            "direction": direction,
            "target": 95,
            "tolerance": 2,
            "owner": "team manager",
        }
    )


def judged(by_month: dict[date, float], evidence: tuple[AnswerEvidence, ...] = (), **changes: str):  # type: ignore[no-untyped-def]
    item = indicator(**changes)
    return judge(
        item,
        target=item.target,
        tolerance=item.tolerance,
        owner=item.owner,
        by_month={m: Combined(v, None, None) for m, v in by_month.items()},
        month=JANUARY,
        evidence=evidence,
        min_cases=5,
    )


def test_no_data_is_never_zero_percent() -> None:
    status = judged({})
    assert status.value is None and not status.has_data
    assert (status.off_target, status.on_target, status.wrong_way) == (False, False, False)
    assert figure(status) == "no data"
    assert headline(status) == "Referral decisions within 24 hours: no data (target 95 %)"
    assert combine([]) is None
    assert answer_four_questions("safe", "Children are safe", [status]).worries == ()


def test_down_three_points_in_three_months_is_moving_the_wrong_way() -> None:
    status = judged({date(2025, 11, 1): 94, date(2025, 12, 1): 92.5, JANUARY: 91})
    assert status.change == -3 and status.wrong_way and status.off_target
    assert trend_text(status) == "down 3 points in three months"
    [worry] = answer_four_questions("safe", "Children are safe", [status]).worries
    assert worry.reasons == (WorryReason.OFF_TARGET, WorryReason.WRONG_WAY)
    assert why(worry) == (
        "Referral decisions within 24 hours: 91 % (target 95 %; down 3 points in three months) "
        "[off target, moving the wrong way]"
    )

    # On target but slipping by less than the tolerance: neither a worry nor "improving".
    steady = judged({date(2025, 11, 1): 98, JANUARY: 97})
    assert (steady.on_target, steady.wrong_way, steady.improving) == (True, False, False)
    # Lower is better: a figure going down is improving.
    caseload = judged({date(2025, 11, 1): 24, JANUARY: 19}, direction="lower_is_better", unit="count")
    assert caseload.improving and not caseload.wrong_way
    # A gap in the three months is no trend at all, not a fall to 0.
    gap = judged({date(2025, 11, 1): 96, date(2025, 12, 1): 90})
    assert gap.value == 90 and gap.value_month == date(2025, 12, 1) and gap.change is None
    assert figure(gap) == "90 % (in Dec 2025)"


def test_a_figure_a_month_behind_keeps_its_trend() -> None:
    """The extract comes after the month ends: January's clinic shows December's figure, and the
    trend of the three months ending with it."""
    late = judged({date(2025, 10, 1): 94, date(2025, 11, 1): 92.5, date(2025, 12, 1): 91})
    assert late.value_month == date(2025, 12, 1) and late.change == -3 and late.wrong_way
    assert figure(late) == "91 % (in Dec 2025)"
    assert trend_text(late) == "down 3 points in three months"
    # Two months behind, with nothing three months before it: no trend rather than a made-up one.
    older = judged({date(2025, 8, 1): 99, date(2025, 11, 1): 91})
    assert older.value_month == date(2025, 11, 1) and older.change is None and not older.wrong_way


def test_audits_that_disagree_with_the_figures_are_a_worry_with_the_why() -> None:
    low_audits = (AnswerEvidence("Standard collaborative audit", "Referral decided in time", 14, 20),)
    status = judged({JANUARY: 96}, low_audits)
    assert status.on_target and status.disagreeing_evidence == low_audits
    measure = answer_four_questions("safe", "Children are safe", [status])
    assert measure.worries[0].reasons == (WorryReason.AUDITS_DISAGREE,)
    assert why(measure.worries[0]) == (
        "Referral decisions within 24 hours: 96 % (target 95 %) — but Standard collaborative audit found it in "
        "14 of 20 cases [audits disagree with the figures]"
    )
    assert measure.learn == (status,)
    # Too few audits to compare: shown, not judged.
    few = judged({JANUARY: 96}, (AnswerEvidence("Standard collaborative audit", "q", 1, 4),))
    assert few.disagreeing_evidence == ()
    # Audits that agree: done well and celebrated.
    agreeing = judged({JANUARY: 96}, (AnswerEvidence("Standard collaborative audit", "q", 19, 20),))
    measure = answer_four_questions("safe", "Children are safe", [agreeing])
    assert measure.worries == () and measure.did_well == (agreeing,) and measure.celebrate == (agreeing,)


def test_team_figures_pool_their_counts_or_average() -> None:
    pooled = combine(
        [
            MonthlyValue("x", 1, JANUARY, 50.0, 1, 2),
            MonthlyValue("x", 2, JANUARY, 100.0, 8, 8),
        ]
    )
    assert pooled == Combined(90.0, 9, 10, teams=2)
    averaged = combine([MonthlyValue("x", 1, JANUARY, 18.0), MonthlyValue("x", 2, JANUARY, 20.0)])
    assert averaged == Combined(19.0, None, None, teams=2)
    item = indicator()
    partial = judge(
        item,
        target=95,
        tolerance=2,
        owner="team manager",
        by_month={JANUARY: pooled},
        month=JANUARY,
        evidence=(),
        min_cases=5,
        teams_in_scope=3,
    )
    assert figure(partial) == "90 % (9 of 10; 2 of 3 teams)", "a team that sent no figure is not counted as 0"
