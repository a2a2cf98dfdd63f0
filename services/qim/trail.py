"""What the QIM sees of its service-level actions and plan priorities: where each stands, and
the trail of owners' monthly updates, completion evidence and impact reviews.

Read by the pack (``services.qim.meetings``) and the QIM report (``services.digest``), so both
show the same thing.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cards import text_qim as text
from cards import text_report
from services import working_time
from storage.models import Action, AssuranceUpdate, ImprovementPriority
from storage.repositories import improvement as plan_repo
from storage.repositories import qim as repo
from views.actions import ActionStatus
from views.qim import AssuredKind, PriorityProgress, Progress, ServiceActionView, TrailEntry

PROGRESS = {
    ActionStatus.OPEN: Progress.ON_TRACK,
    ActionStatus.OVERDUE: Progress.LATE,
    ActionStatus.DONE: Progress.DONE,
    ActionStatus.CANCELLED: Progress.CANCELLED,
}


def _key(update: AssuranceUpdate) -> tuple[str, int]:
    if update.action_id is not None:
        return AssuredKind.ACTION.value, update.action_id
    return AssuredKind.PRIORITY.value, update.priority_id or 0


async def service_actions(session: AsyncSession, *, today: date, closed_since: datetime) -> list[ServiceActionView]:
    """Every open service-level action and those closed since ``closed_since``, with the owner's latest RAG."""
    actions = await repo.service_actions(session, closed_since=closed_since)
    people = await plan_repo.people(session, (a.owner_id for a in actions))
    latest = await repo.latest_updates(session)
    return [
        ServiceActionView(
            id=a.id,
            description=a.description,
            owner_name=people[a.owner_id].display_name if a.owner_id in people else "?",
            due_date=a.due_date,
            progress=PROGRESS[a.status_on(today)],
            impact_evidenced=a.impact_evidenced,
            latest_rag=latest[(AssuredKind.ACTION.value, a.id)].rag
            if (AssuredKind.ACTION.value, a.id) in latest
            else None,
        )
        for a in actions
    ]


async def priority_progress(session: AsyncSession, *, today: date) -> list[PriorityProgress]:
    """Every active priority of the plan: milestones done and late, the owner's latest RAG."""
    priorities = await repo.active_priorities(session)
    milestones = await plan_repo.milestones(session, [p.id for p in priorities])
    people = await plan_repo.people(session, (p.owner_id for p in priorities))
    latest = await repo.latest_updates(session)
    found = []
    for priority in priorities:
        steps = milestones.get(priority.id, [])
        update = latest.get((AssuredKind.PRIORITY.value, priority.id))
        found.append(
            PriorityProgress(
                id=priority.id,
                title=priority.title,
                owner_name=people[priority.owner_id].display_name if priority.owner_id in people else "?",
                status=priority.status,
                milestones_done=sum(m.done_at is not None for m in steps),
                milestones_total=len(steps),
                milestones_late=sum(m.done_at is None and m.due_date < today for m in steps),
                latest_rag=update.rag if update else None,
            )
        )
    return found


async def trail_since(session: AsyncSession, since: datetime, *, time_zone: str) -> list[TrailEntry]:
    """Owners' updates, and the completion evidence and impact of service-level actions, written
    since ``since``: grouped by what they are about, oldest first within each."""
    updates = await repo.updates_since(session, since)
    actions = {a.id: a for a in await repo.service_actions(session, closed_since=since)}
    wanted_actions = {u.action_id for u in updates if u.action_id is not None} - set(actions)
    for action_id in wanted_actions:
        action = await session.get(Action, action_id)
        if action is not None:
            actions[action_id] = action
    priorities = {
        p.id: p
        for p in [
            await session.get(ImprovementPriority, pid) for pid in {u.priority_id for u in updates if u.priority_id}
        ]
        if p is not None
    }
    people = await plan_repo.people(
        session,
        [u.author_id for u in updates]
        + [a.completed_by_id for a in actions.values()]
        + [a.owner_id for a in actions.values()],
    )

    def name(person_id: int | None) -> str:
        person = people.get(person_id) if person_id is not None else None
        return person.display_name if person else ""

    def local(moment: datetime) -> date:
        return working_time.local_date(moment, time_zone)

    entries: list[TrailEntry] = []
    for update in updates:
        kind, subject_id = _key(update)
        subject = (actions[subject_id].description if kind == AssuredKind.ACTION and subject_id in actions else "") or (
            priorities[subject_id].title if kind == AssuredKind.PRIORITY and subject_id in priorities else ""
        )
        entries.append(
            TrailEntry(
                AssuredKind(kind),
                subject_id,
                subject,
                update.month,
                update.rag,
                update.progress,
                name(update.author_id),
                local(update.written_at),
            )
        )
    for action in actions.values():
        steps = (
            (action.completed_at, text.TRAIL_DONE, action.completion_evidence, action.completed_by_id),
            (action.impact_reviewed_at, text.TRAIL_IMPACT, action.impact_answer, action.owner_id),
        )
        for moment, step, note, author in steps:
            if moment is not None and moment >= since and note:
                day = local(moment)
                entries.append(
                    TrailEntry(
                        AssuredKind.ACTION, action.id, action.description, f"{day:%Y-%m}", step, note, name(author), day
                    )
                )
    return sorted(entries, key=lambda e: (e.kind.value, e.subject_id, e.written_on))


async def report_sections(
    session: AsyncSession, *, since: datetime, today: date, time_zone: str
) -> list[tuple[str, str, list[list[Any]]]]:
    """The QIM report's assurance sections (sheet name, Ofsted question, rows with a header first):
    service-level actions where they stand, and the trail of updates, evidence and impact."""
    actions = await service_actions(session, today=today, closed_since=since)
    trail = await trail_since(session, since, time_zone=time_zone)
    plans = text_report.Q_PLANS
    action_rows: list[list[Any]] = [list(text.REPORT_ACTIONS_HEADER)]
    action_rows += [
        [
            f"#{a.id}",
            a.description,
            a.owner_name,
            a.due_date.isoformat(),
            a.progress.value,
            a.latest_rag or "",
            text.YES if a.impact_evidenced else text.NO,
        ]
        for a in actions
    ]
    trail_rows: list[list[Any]] = [list(text.REPORT_TRAIL_HEADER)]
    trail_rows += [
        [
            f"{text.KIND_LABELS[e.kind.value]} #{e.subject_id}",
            e.subject,
            e.month,
            e.rag,
            e.note,
            e.author,
            e.written_on.isoformat(),
        ]
        for e in trail
    ]
    return [(text.SHEET_SERVICE_ACTIONS, plans, action_rows), (text.SHEET_TRAIL, plans, trail_rows)]
