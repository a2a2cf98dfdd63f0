"""The demo's practice days (``load_demo_practice_days``) on SQLite and PostgreSQL: last month's day
held and summarised with grades, themes and actions, next month's planned, nothing sent, the same
figures on every backend, and nothing added when loaded again."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from cards.practice_day import summary_card
from services import working_time
from services.container import Services
from services.demo_practice_days import (
    HELD_WORKING_DAYS_AGO,
    PLANNED_IN_WORKING_DAYS,
    PLANNER,
    load_demo_practice_days,
)
from storage.models import AuditAssignment, CalendarOccurrence, Delivery, Person, PracticeDay, PracticeDayCase
from tests.support.outbox import RecordingOutbox

ACTIONS = [
    ("Hold the review the plan promised and record the family's scaling.", "Sam Okafor", "LCS310101"),
    ("Write a danger statement and safety goal with the family.", "Leah Brannigan", "LCS310103"),
    ("Ask the family for feedback on the plan and record what they say.", "Patti Fernandez", "LCS310104"),
]


async def test_the_demo_holds_one_practice_day_and_plans_the_next(
    recorded_services: Services, outbox: RecordingOutbox, sessions: Any
) -> None:
    services = recorded_services
    assert (await services.demo.load()).rejections == []
    assert await load_demo_practice_days(services.audits) == 2
    assert await load_demo_practice_days(services.audits) == 0, "loading again adds nothing"
    assert outbox.requests == [], "the past day's cards would be a month late; the next day has not started"

    today = services.audits.context.today()
    held_on = working_time.add_working_days(today, -HELD_WORKING_DAYS_AGO)
    planned_on = working_time.add_working_days(today, PLANNED_IN_WORKING_DAYS)
    async with sessions() as session:
        helen = await session.scalar(select(Person.id).where(Person.email == PLANNER))
        assert helen is not None
        deliveries = await session.scalar(select(func.count()).select_from(Delivery))
    days = await services.audits.practice_days.days(helen)
    assert [(d.area_name, d.held_on, d.status, d.cases) for d in days] == [
        ("Locality social work", planned_on, "planned", 3),
        ("Locality social work", held_on, "closed", 4),
    ]
    assert deliveries == 0

    summary = await services.audits.practice_days.summary(helen, days[1].day_id)
    assert (summary.planned, summary.submitted, summary.not_completed, summary.not_started) == (4, 4, (), ())
    assert summary.overall.counts == {"good": 2, "outstanding": 1, "requires_improvement": 1}
    stages = {stage.stage_id: stage.grades.counts for stage in summary.stages}
    assert stages["planning"] == {"outstanding": 1, "good": 2, "requires_improvement": 1}
    assert stages["review"] == {"good": 3, "requires_improvement": 1}
    themes = {theme.question_id: theme.answers for theme in summary.themes}
    assert themes["child_voice_clear"] == {"yes": 3, "partly": 1}
    assert themes["family_feedback_sought"] == {"no": 3, "partly": 1}
    assert len(summary.went_well) == 4
    due = working_time.add_working_days(held_on, 25)
    assert [(a.description, a.owner_name, a.case_ref) for a in summary.actions] == ACTIONS
    assert {a.due_date for a in summary.actions} == {due}
    card = str(summary_card(summary))
    assert "Practice day summary: Locality social work" in card and ACTIONS[0][0] in card

    async with sessions() as session:
        held = await session.get(PracticeDay, days[1].day_id)
        assert held is not None and held.calendar_occurrence_id is not None
        occurrence = await session.get(CalendarOccurrence, held.calendar_occurrence_id)
        assigned = list(
            await session.execute(
                select(AuditAssignment.case_ref, AuditAssignment.status, AuditAssignment.due_date)
                .where(AuditAssignment.round_id == held.round_id)
                .order_by(AuditAssignment.case_ref)
            )
        )
        planned_cases = list(
            await session.scalars(
                select(PracticeDayCase.case_ref)
                .where(PracticeDayCase.practice_day_id == days[0].day_id)
                .order_by(PracticeDayCase.case_ref)
            )
        )
    assert occurrence is not None and (occurrence.activity, occurrence.held_on) == ("practice_days", held_on)
    assert [tuple(row) for row in assigned] == [
        (case, "completed", held_on) for case in ("LCS310101", "LCS310102", "LCS310103", "LCS310104")
    ]
    assert planned_cases == ["LCS310201", "LCS310202", "LCS310203"]
