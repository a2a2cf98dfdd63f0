"""What a digest picks out for the four questions and its overdue list: the rules, on plain figures."""

from __future__ import annotations

from datetime import date

from services.digest.findings import INADEQUATE_WORTH_NAMING, MODERATED_WORTH_NAMING, digest_findings
from tests.support.grades import shipped_counts
from views.digest import Digest, Moderation, OverdueAction, PeriodFigures, StageFigures
from views.periods import week_starting

WEEK = week_starting(date(2026, 3, 23), "Europe/London")
OVERDUE = [OverdueAction("Update the plan", "Priya Shah", "26 Mar", "C1234567")]


def _digest(
    *, inadequate: int = 0, good: tuple[int, int] = (0, 0), moderated: int = 0, scope: str = "team", refs: bool = False
) -> Digest:
    before, now = good
    return Digest(
        scope_kind=scope,
        scope_label="Riverside",
        period=WEEK,
        trend=[
            PeriodFigures(WEEK.previous(), grades=shipped_counts({"good": before, "inadequate": 20 - before})),
            PeriodFigures(
                WEEK,
                grades=shipped_counts(
                    {"good": now, "inadequate": inadequate, "requires_improvement": 20 - now - inadequate}
                ),
            ),
        ],
        stages=[
            StageFigures("assessment", "Assessment", shipped_counts({"good": 5, "inadequate": 5})),
            StageFigures("planning", "Planning", shipped_counts({"good": 10})),
        ],
        overdue_total=3,
        overdue=OVERDUE,
        moderation=Moderation(moderated=moderated, raised=1, lowered=0),
        show_case_references=refs,
    )


def test_inadequate_audits_are_a_worry_from_the_threshold() -> None:
    assert digest_findings(_digest(inadequate=INADEQUATE_WORTH_NAMING - 1, good=(10, 10))).inadequate == 0
    assert (
        digest_findings(_digest(inadequate=INADEQUATE_WORTH_NAMING, good=(10, 10))).inadequate
        == INADEQUATE_WORTH_NAMING
    )


def test_stages_are_ranked_worst_and_best_first() -> None:
    findings = digest_findings(_digest(good=(10, 10)))
    assert [s.stage_id for s in findings.worrying_stages] == ["assessment"]
    assert [s.stage_id for s in findings.strong_stages] == ["planning", "assessment"]


def test_a_rise_in_good_or_better_is_celebrated_only_when_it_rose() -> None:
    assert digest_findings(_digest(good=(10, 12))).good_or_better_rise == (50.0, 60.0)
    assert digest_findings(_digest(good=(12, 10))).good_or_better_rise is None


def test_moderation_is_named_from_enough_moderated_grades() -> None:
    assert digest_findings(_digest(moderated=MODERATED_WORTH_NAMING - 1)).moderation is None
    assert digest_findings(_digest(moderated=MODERATED_WORTH_NAMING)).moderation is not None


def test_only_a_team_digest_lists_overdue_actions_and_case_references_only_when_allowed() -> None:
    team = digest_findings(_digest())
    assert [a.case_reference for a in team.overdue] == [None] and team.overdue_not_listed == 2
    assert digest_findings(_digest(refs=True)).overdue[0].case_reference == "C1234567"
    area = digest_findings(_digest(scope="area"))
    assert area.overdue == () and area.overdue_not_listed == 0
