"""Demo actions for the fictional organisation (``python -m qop demo load``): open, due soon,
due today, overdue, one done six weeks ago whose impact question is waiting, and a team
manager's own overdue action, escalated to the senior manager and Head of Service of her area.

Dates are relative to the day the demo is loaded, so the playground always shows a live
picture. Loading again adds nothing (each demo action has a stable ``source_ref``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services import working_time
from services.actions import NewAction, add_action
from services.clock import Clock
from storage.db import transaction
from storage.models import Action, Person
from views.actions import ActionStatus


@dataclass(frozen=True)
class DemoAction:
    ref: str
    owner_email: str
    source: str
    description: str
    due_in_working_days: int
    """Negative: overdue by that many working days."""
    case_reference: str | None = None
    done_days_ago: int | None = None


DEMO_ACTIONS = (
    DemoAction(
        "demo:1",
        "alexw@example.com",
        "audit",
        "Add the child's own words about school to the plan, and share the updated plan with mum.",
        -4,
        "LCS204117",
    ),
    DemoAction(
        "demo:2",
        "alexw@example.com",
        "audit",
        "Write a danger statement and safety goal for the family network meeting.",
        0,
        "LCS198820",
    ),
    DemoAction(
        "demo:3",
        "alexw@example.com",
        "practice_day",
        "Book a reflective supervision on the case discussed at the practice day.",
        3,
    ),
    DemoAction(
        "demo:4",
        "alexw@example.com",
        "survey",
        "Ask the family for feedback on the last review meeting.",
        12,
        "LCS204117",
    ),
    DemoAction(
        "demo:5",
        "alexw@example.com",
        "audit",
        "Update the chronology with the health visitor's information.",
        -30,
        "LCS187345",
        done_days_ago=43,
    ),
    DemoAction(
        "demo:6",
        "sam.okafor@northshire.example",
        "audit",
        "Record why the child was not seen alone at the last visit, and plan how they will be.",
        -7,
        "LCS201556",
    ),
    DemoAction(
        "demo:7", "jo.pritchard@northshire.example", "qim", "Share the QIM learning on scaling at the team meeting.", -2
    ),
    DemoAction(
        "demo:8",
        "jo.pritchard@northshire.example",
        "manual",
        "Complete the core group minutes within the timescale.",
        5,
        "LCS199002",
    ),
    DemoAction(
        "demo:9",
        "helen.carrow@northshire.example",
        "qim",
        "Report back to QIM on drift and delay in locality assessments.",
        20,
    ),
    DemoAction(  # a team manager's own overdue action: it escalates to her area's senior manager and Head of Service
        "demo:10",
        "meganb@example.com",
        "qim",
        "Audit the team's plans for the child's voice, as agreed at the QIM.",
        -6,
    ),
)


async def load_demo_actions(sessions: async_sessionmaker[AsyncSession], clock: Clock) -> int:
    """Create the demo actions that are not there yet; returns how many were created."""
    now = clock.now()
    today = working_time.local_date(now)
    created = 0
    async with transaction(sessions) as session:
        existing = set(await session.scalars(select(Action.source_ref).where(Action.source_ref.like("demo:%"))))
        for demo in DEMO_ACTIONS:
            owner = await session.scalar(select(Person).where(Person.email == demo.owner_email))
            if demo.ref in existing or owner is None:
                continue
            await _create(session, demo, owner, now, today)
            created += 1
    return created


async def _create(session: AsyncSession, demo: DemoAction, owner: Person, now, today) -> None:  # type: ignore[no-untyped-def]
    due = working_time.add_working_days(today, demo.due_in_working_days)
    action = await add_action(
        session,
        NewAction(
            demo.source, demo.description, owner.id, due, source_ref=demo.ref, case_reference=demo.case_reference
        ),
        created_by_id=None,
        now=now - timedelta(days=60),
    )
    if demo.done_days_ago is not None:
        action.status = ActionStatus.DONE.value
        action.completed_at = now - timedelta(days=demo.done_days_ago)
        action.completed_by_id = owner.id
        action.completion_evidence = "Chronology updated in LCS; checked with the health visitor."
