"""What every part of the audit feature shares: its settings and collaborators (``AuditContext``),
an assignment loaded with its round, template and people (``Loaded``), and the person acting.

Every public audit call names the person acting as ``actor_id``: their Teams user id (the
``29:...`` id Teams sends with each activity), or None for the command line and jobs. The
call checks ``services.policy`` and writes the access log in the same transaction as the work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cards import text_audits as text
from services import actors, policy
from services.actors import Actor
from services.audits.notify import AuditNotifier
from services.clock import Clock
from services.errors import NotFound
from services.templates import TemplateLibrary
from storage.models import AuditAssignment, AuditReflection, AuditRound, AuditStatus, Person, Team
from storage.repositories import audits as audit_rows
from views.audits import AssignmentSummary
from views.templates import Template

RECORD = "audit"
"""The record type audits are logged under in the access log."""
REFLECTION_RECORD = "audit reflection"
REFLECTION_TEMPLATE = "practitioner-reflection"

Alert = tuple[int, dict[str, Any], str]
"""(person id, card, idempotency key) of a notification to send after the transaction."""


def reflection_deadline(a: AuditAssignment) -> date:
    """The practitioner's reflection deadline (the audit's due date for audits assigned before
    reflections had their own)."""
    return a.reflection_due or a.due_date


def audit_record(a: AuditAssignment, *, reflection: bool = False) -> policy.RecordContext:
    """What the policy needs to know about an assignment (or, ``reflection=True``, its reflection)."""
    return policy.audit(
        practitioner_id=a.practitioner_id,
        auditor_ids=[a.auditor_id],
        team_id=a.team_id,
        moderator_ids=[a.moderator_id] if a.moderator_id else [],
        awaiting_moderation=a.status == AuditStatus.MODERATION,
        reflection=reflection,
    )


@dataclass
class Loaded:
    """An assignment with what every decision about it needs."""

    assignment: AuditAssignment
    round: AuditRound
    template: Template
    team: Team | None
    practitioner: Person
    auditor: Person
    reflection: AuditReflection | None = None
    """The practitioner's reflection as it stood when the assignment was loaded."""

    def policy_record(self, *, reflection: bool = False) -> policy.RecordContext:
        return audit_record(self.assignment, reflection=reflection)

    @property
    def reflection_due(self) -> date:
        return reflection_deadline(self.assignment)

    @property
    def summary(self) -> AssignmentSummary:
        a = self.assignment
        return AssignmentSummary(
            id=a.id,
            case_ref=a.case_ref,
            team_name=self.team.name if self.team else "",
            practitioner_name=self.practitioner.display_name,
            auditor_name=self.auditor.display_name,
            template_title=self.template.title,
            due_date=a.due_date,
            status=a.status,
        )


@dataclass(frozen=True)
class AuditContext:
    """The database, clock, templates, notifier and time zone every audit part works with."""

    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    templates: TemplateLibrary
    notifier: AuditNotifier
    time_zone: ZoneInfo
    reflection_days: int = 10
    """Days from assignment within which the practitioner sends their reflection (organisation setting)."""
    done_together: bool = False
    """Whether the practitioner confirms the findings and actions after submission (organisation setting)."""

    def today(self) -> date:
        """Today in the council's time zone (due dates are local dates)."""
        return self.clock.now().astimezone(self.time_zone).date()

    def reflection_due_for(self, due_date: date) -> date:
        """The reflection deadline of an audit assigned today: ``reflection_days`` away, at the latest
        the audit's own due date (the auditor must be able to finish on time)."""
        return min(self.today() + timedelta(days=self.reflection_days), due_date)

    def reflection_overdue(self, a: AuditAssignment) -> bool:
        """Whether the practitioner's reflection deadline has passed (the audit may go without it)."""
        return self.today() > reflection_deadline(a)

    async def load(self, session: AsyncSession, assignment_id: int) -> Loaded:
        """The assignment with its round, template and people (``NotFound`` if there is none)."""
        rows = await audit_rows.assignment_with_people(session, assignment_id)
        if rows is None:
            raise NotFound(text.NO_SUCH_AUDIT)
        # The auditor's pages, checks and submission cover the council's part only: partner
        # agencies answer theirs through their own links (services.audits.partners).
        template = self.templates.get(rows.round.template_id, rows.round.template_version).auditor_part()
        return Loaded(
            rows.assignment, rows.round, template, rows.team, rows.practitioner, rows.auditor, rows.reflection
        )

    async def actor(self, session: AsyncSession, actor_id: str | None, *, among: Loaded | None = None) -> Actor:
        """The person acting, from their Teams user id (None: the command line, ``NOBODY``).
        ``among``: an assignment just loaded in this session; when its auditor or practitioner is
        the one acting (the usual case), their row is taken from it rather than queried again
        (the query would hand back the very same object from the session's identity map)."""
        if actor_id is None:
            return actors.NOBODY
        if among is not None:
            for person in (among.auditor, among.practitioner):
                if person.teams_user_id == actor_id:
                    return await actors.actor_for(session, person)
        return await actors.load_for_teams_user(session, actor_id)

    async def send(self, alerts: list[Alert]) -> None:
        """Send alerts gathered in a transaction, once it has committed."""
        for person_id, card, key in alerts:
            await self.notifier.send_card(person_id, card, key=key)


async def active_team_manager(session: AsyncSession, item: Loaded) -> int | None:
    """The practitioner's team manager, unless they have left (deactivated, not deleted): an alert
    sent to someone who has gone would reach nobody."""
    if item.team is None or item.team.manager_id is None:
        return None
    manager = await session.get(Person, item.team.manager_id)
    return manager.id if manager is not None and manager.active else None
