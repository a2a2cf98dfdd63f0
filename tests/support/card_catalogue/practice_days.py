"""Realistic examples of every practice day card."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from cards import practice_day
from cards.base import Json
from views.audits import RoundReport, RowProblem
from views.digest import GradeCounts, StageFigures, ThemeFigures
from views.practice_days import DayLine, DaySummary, OpenAudit, Pair, PlanForm, PlannedDay, RaisedAction

AREAS = ((1, "Early Help"), (2, "Children in Care"))
TEMPLATES = (("standard-collaborative-audit", "Standard collaborative audit"),)
AUDITORS = tuple((n, f"Auditor {n}, Team {n % 4}") for n in range(1, 151))
"""As many choices as the plan card ever lists."""
PAIRS = (
    Pair("LCS100234", "Riverside Locality Team", "Sam Okafor", "Dana Marsh"),
    Pair("LCS100871", "Hillside Family Support", "Jo Pritchard", "Priya Shah"),
)
PROBLEMS = (RowProblem(4, "team Seaview Care Team is not in Early Help"), RowProblem(7, "LCS9: bad case reference"))


def _summary(*, finished: bool) -> DaySummary:
    return DaySummary(
        day_id=5,
        area_name="Early Help",
        held_on=date(2026, 5, 14),
        template_title="Standard collaborative audit",
        planned=8,
        submitted=8 if finished else 6,
        overall=GradeCounts({"good": 4, "requires_improvement": 2}),
        stages=(
            StageFigures("assessment", "Assessment", GradeCounts({"good": 3, "outstanding": 1, "inadequate": 2})),
            StageFigures("planning", "Planning", GradeCounts({"requires_improvement": 6})),
        ),
        themes=(ThemeFigures("child_voice_clear", "The child's voice is clear.", {"yes": 4, "partly": 2}),),
        went_well=("The family's own words are in the plan.", "Scaling recorded at every review."),
        actions=(RaisedAction("Share the plan in words and pictures", "Sam Okafor", date(2026, 6, 1), "LCS100234"),),
        not_completed=() if finished else (OpenAudit("LCS100871", "Priya Shah", "in_progress"),),
        not_started=() if finished else (RowProblem(3, "LCS100999: the practitioner has left"),),
    )


def practice_day_examples() -> Iterator[tuple[str, Json]]:
    form = PlanForm(AREAS, TEMPLATES, AUDITORS, date(2026, 5, 14))
    yield "practice_day_plan", practice_day.plan_card(form)
    errors = {"cases": "Line 2: bad case reference", "auditors": "Add an auditor from another team", "day": "Past"}
    values = {
        "day": "2026-05-14",
        "area": "1",
        "cases": "LCS1,Riverside,sam@x.example",
        "sample": "4",
        "auditors": "1,2",
    }
    yield (
        "practice_day_plan_errors",
        practice_day.plan_card(PlanForm(AREAS, TEMPLATES, AUDITORS[:3], date(2026, 5, 14), values, errors)),
    )
    planned = PlannedDay(5, "Early Help", date(2026, 5, 14), "Standard collaborative audit", "planned", PAIRS, PROBLEMS)
    yield "practice_day_planned", practice_day.planned_card(planned)
    yield (
        "practice_day_already_planned",
        practice_day.planned_card(
            PlannedDay(5, "Early Help", date(2026, 5, 14), "Standard", "started", PAIRS, already_planned=True)
        ),
    )
    report = RoundReport(9, "Standard collaborative audit", date(2026, 5, 14), (1, 2), ())
    yield "practice_day_started", practice_day.started_card("Early Help", report, PROBLEMS)
    nothing = RoundReport(None, "Standard collaborative audit", date(2026, 5, 14), (), PROBLEMS)
    yield "practice_day_not_started", practice_day.started_card("Early Help", nothing, PROBLEMS)
    yield "practice_day_summary", practice_day.summary_card(_summary(finished=False))
    yield "practice_day_summary_finished", practice_day.summary_card(_summary(finished=True))
    yield (
        "practice_day_workbook_link",
        practice_day.workbook_link_card(
            url="https://qop.example/reports/practice-day.xlsx?t=1.5.99.ab", expires="14:30"
        ),
    )
    lines = [
        DayLine(5, "Early Help", date(2026, 5, 14), "closed", 8),
        DayLine(6, "Children in Care", date(2026, 6, 11), "planned", 10),
    ]
    yield "practice_days", practice_day.days_card(lines)
    yield "practice_days_empty", practice_day.days_card([])
