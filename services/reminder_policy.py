"""Which reminder an action deserves on a given day: pure planning, no I/O, no clock.

The plan is computed from the action's current state every time (never stored), so changing a
due date, reassigning, finishing or cancelling an action re-plans its reminders by itself.
A reminder is identified by (action, kind, day), and by its recipient too for the one kind sent to
several people; ``PlannedReminder.key`` is what the sent reminders table keeps unique, which is what
makes each one go out exactly once.

For an open action due on D (all counts in England and Wales working days):

* ``due_soon``   N working days before D;
* ``due_today``  on D (on the last working day before D when D is not a working day);
* ``overdue``    every M working days after D while it stays open;
* ``escalation`` to the owner's manager once, K working days after D;
* ``senior_escalation`` instead, when the owner has no manager in their team (they manage it, or
  it has none): once to each senior manager of the team's service area, else to each QA lead.
  Its key names the recipient, so each of them gets it exactly once.

A done action gets one ``impact`` card a configurable number of days after it was done (and
another, ``impact_more``, when the manager asks for more). Only the latest reminder of each
track that is due by today is offered, so downtime is caught up with one card, not a pile.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from services import working_time
from services.working_time import WorkingHours


class ReminderKind(enum.StrEnum):
    DUE_SOON = "due_soon"
    DUE_TODAY = "due_today"
    OVERDUE = "overdue"
    ESCALATION = "escalation"
    SENIOR_ESCALATION = "senior_escalation"
    IMPACT = "impact"
    IMPACT_MORE = "impact_more"


@dataclass(frozen=True)
class ReminderPolicy:
    """How insistent qop is. Defaults suit a children's services team; all are settings."""

    nudge_working_days_before: int = 3
    remind_on_due_day: bool = True
    overdue_every_working_days: int = 2
    escalate_after_working_days_overdue: int = 5
    impact_after_days: int = 42
    hours: WorkingHours = field(default_factory=WorkingHours)


@dataclass(frozen=True)
class ActionState:
    """The few facts about an action the planner needs, taken from the database row."""

    action_id: int
    status: str
    """Stored status: open, done or cancelled."""
    due_date: date
    created_on: date
    """Local date the action was created: no reminder is planned for before it."""
    owner_id: int
    manager_id: int | None
    seniors: tuple[int, ...] = ()
    """Who the escalation goes to when there is no ``manager_id`` (``services.actions.Seniors.above``)."""
    completed_on: date | None = None
    impact_answered: bool = False
    more_asked_on: date | None = None
    """Local date the manager asked for more impact evidence (None if not asked, or answered since)."""


@dataclass(frozen=True)
class PlannedReminder:
    action_id: int
    kind: ReminderKind
    day: date
    recipient_id: int

    @property
    def key(self) -> str:
        key = f"action:{self.action_id}:{self.kind.value}:{self.day.isoformat()}"
        # Only the kind with several recipients names one; the others keep the keys already stored.
        return f"{key}:{self.recipient_id}" if self.kind is ReminderKind.SENIOR_ESCALATION else key


def due_day_reminder_day(due: date) -> date:
    """The working day the 'due today' reminder goes out: D itself or the working day before it."""
    return due if working_time.is_working_day(due) else working_time.add_working_days(due, -1)


def _latest_on_or_before(points: list[tuple[ReminderKind, date]], today: date) -> tuple[ReminderKind, date] | None:
    eligible = [point for point in points if point[1] <= today]
    return max(eligible, key=lambda point: point[1]) if eligible else None


def owner_points(state: ActionState, policy: ReminderPolicy, today: date) -> list[tuple[ReminderKind, date]]:
    """The owner's reminder days for an open action, from its creation up to ``today``."""
    due = state.due_date
    points: list[tuple[ReminderKind, date]] = []
    if policy.nudge_working_days_before > 0:
        points.append((ReminderKind.DUE_SOON, working_time.add_working_days(due, -policy.nudge_working_days_before)))
    if policy.remind_on_due_day:
        points.append((ReminderKind.DUE_TODAY, due_day_reminder_day(due)))
    if policy.overdue_every_working_days > 0:
        step = 1
        while True:
            day = working_time.add_working_days(due, policy.overdue_every_working_days * step)
            if day > today:
                break
            points.append((ReminderKind.OVERDUE, day))
            step += 1
    return [(kind, day) for kind, day in points if day >= state.created_on]


def reminders_due(state: ActionState, policy: ReminderPolicy, today: date) -> list[PlannedReminder]:
    """What this action should have sent by ``today`` (the caller skips the ones already sent)."""
    if state.status == "open":
        return _open_reminders(state, policy, today)
    if state.status == "done":
        return _impact_reminders(state, policy, today)
    return []


def _open_reminders(state: ActionState, policy: ReminderPolicy, today: date) -> list[PlannedReminder]:
    planned: list[PlannedReminder] = []
    latest = _latest_on_or_before(owner_points(state, policy, today), today)
    if latest is not None:
        planned.append(PlannedReminder(state.action_id, latest[0], latest[1], state.owner_id))
    if policy.escalate_after_working_days_overdue > 0:
        day = working_time.add_working_days(state.due_date, policy.escalate_after_working_days_overdue)
        if state.created_on <= day <= today:
            if state.manager_id is not None:
                planned.append(PlannedReminder(state.action_id, ReminderKind.ESCALATION, day, state.manager_id))
            else:
                planned += [
                    PlannedReminder(state.action_id, ReminderKind.SENIOR_ESCALATION, day, senior)
                    for senior in state.seniors
                ]
    return planned


def _impact_reminders(state: ActionState, policy: ReminderPolicy, today: date) -> list[PlannedReminder]:
    if state.completed_on is None:
        return []
    if state.more_asked_on is not None:
        day = working_time.working_day_on_or_after(state.more_asked_on)
        return [PlannedReminder(state.action_id, ReminderKind.IMPACT_MORE, day, state.owner_id)] if day <= today else []
    if state.impact_answered:
        return []
    day = working_time.working_day_on_or_after(state.completed_on + timedelta(days=policy.impact_after_days))
    return [PlannedReminder(state.action_id, ReminderKind.IMPACT, day, state.owner_id)] if day <= today else []


def may_send_now(policy: ReminderPolicy, now: datetime, time_zone: str | None) -> bool:
    """Reminders reach people only in their working hours, never at weekends or on bank holidays."""
    return policy.hours.contains(now, time_zone)
