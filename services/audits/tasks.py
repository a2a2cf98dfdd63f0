"""Lists and reading: a person's audit tasks ('my tasks'), the audits of a manager's teams
('team audits'), and opening a submitted audit to read it."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from cards import text_audits as text
from services import access_log, policy
from services.actors import Actor
from services.audits.loading import AuditContext, audit_record, reflection_deadline
from services.audits.reading import checked_view
from services.errors import NotAllowed
from services.policy import Permission
from storage.db import transaction
from storage.models import AuditStatus, Role
from storage.repositories import audits as audit_rows
from views.audits import AuditPage, SubmittedAudit, Task, TeamAudit
from views.digest import GradeKey

TEAM_AUDITS_SHOWN = 30
"""Lines on the 'team audits' card (the latest by due date); older audits are in the reports."""


class Tasks:
    """What waits for each person, what their teams' audits are, and reading a submitted one."""

    def __init__(self, context: AuditContext) -> None:
        self.context = context

    async def view(self, actor_id: str, assignment_id: int) -> SubmittedAudit | AuditPage:
        """The submitted audit for someone allowed to read it; ``actor_id`` is their Teams user id."""
        async with transaction(self.context.sessions) as session:
            item = await self.context.load(session, assignment_id)
            actor = await self.context.actor(session, actor_id, among=item)
            return await checked_view(self.context, session, actor, item)

    async def my_tasks(self, actor_id: str) -> list[Task]:
        """What is waiting for this person (``actor_id``, their Teams user id): audits to do,
        reflections to write, moderation."""
        async with self.context.sessions() as session:
            actor = await self.context.actor(session, actor_id)
            if actor.person_id is None:
                return []
            me = actor.person_id
            found: list[Task] = []
            for a in await audit_rows.open_audits_of_auditor(session, me):
                title = text.TASK_AUDIT_RESUME if a.status == AuditStatus.IN_PROGRESS else text.TASK_AUDIT_START
                found.append(Task("audit", a.id, a.case_ref, title, a.due_date))
            for a in await audit_rows.unreflected_audits_of_practitioner(session, me):
                found.append(Task("reflection", a.id, a.case_ref, text.TASK_REFLECTION, reflection_deadline(a)))
            for a in await audit_rows.unconfirmed_audits_of_practitioner(session, me):
                found.append(Task("confirm", a.id, a.case_ref, text.TASK_CONFIRM, None))
            for a in await audit_rows.awaiting_moderation_by(session, me):
                found.append(Task("moderation", a.id, a.case_ref, text.TASK_MODERATION, None))
            if actor.has(Role.QA_LEAD):
                found += await _waiting_for_a_moderator(session, actor)
            return found

    async def team_audits(self, actor_id: str) -> list[TeamAudit]:
        """The audits a team manager (of their teams) or the QA lead (of every team) may open,
        latest due first. The list itself is a view of case references, so it is logged.
        ``actor_id`` is the Teams user id of the person asking."""
        async with transaction(self.context.sessions) as session:
            actor = await self.context.actor(session, actor_id)
            team_ids: list[int] | None = None
            if not actor.has(Role.QA_LEAD):
                if not actor.managed_team_ids:
                    raise NotAllowed(text.ONLY_MANAGERS_SEE_TEAM_AUDITS)
                team_ids = list(actor.managed_team_ids)
            rows = await audit_rows.team_audit_rows(session, team_ids=team_ids, limit=TEAM_AUDITS_SHOWN)
            grades = GradeKey.of(self.context.templates.grade_scales())
            found = [
                TeamAudit(
                    row.assignment.id,
                    row.assignment.case_ref,
                    row.team_name,
                    row.auditor_name,
                    row.assignment.status,
                    row.assignment.due_date,
                    row.overall_grade,
                    grades.label_of(row.overall_grade) if row.overall_grade else None,
                    no_moderator=row.assignment.status == AuditStatus.MODERATION
                    and row.assignment.moderator_id is None,
                )
                for row in rows
            ]
            await access_log.record(
                session, actor, access_log.VIEW, "audit list", None, {"audits": [x.assignment_id for x in found]}
            )
            return found


async def _waiting_for_a_moderator(session: AsyncSession, actor: Actor) -> list[Task]:
    """For a QA lead: audits selected for moderation that nobody could be assigned, so they are
    in nobody else's tasks. Normally the QA lead is the audit's auditor or practitioner (an
    independent QA lead would have been chosen), so it is shown with what to do and no button;
    a QA lead the policy lets moderate it (one who got the role after it was submitted, before
    the reminder pass) is offered it."""
    found: list[Task] = []
    for a in await audit_rows.waiting_without_moderator(session):
        if policy.allows(actor, Permission.MODERATE, audit_record(a)):
            found.append(Task("moderation", a.id, a.case_ref, text.TASK_MODERATION, None, text.TASK_UNASSIGNED))
        else:
            found.append(
                Task("no moderator", a.id, a.case_ref, text.TASK_NO_MODERATOR, None, text.TASK_NO_MODERATOR_HINT)
            )
    return found
