"""Moderation: which submitted audits a moderator looks at (a configurable rule with an injectable
RNG), who moderates each (the independent moderator with the fewest waiting), telling someone when
nobody independent can, and the moderator agreeing or changing each grade."""

from __future__ import annotations

import logging
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cards import audit as audit_cards
from cards import text_audits as text
from services import access_log, actors, policy
from services.audits.loading import RECORD, Alert, AuditContext, Loaded, active_team_manager
from services.audits.reading import submitted_view
from services.personal_data import screen_fields
from services.policy import Permission
from storage.db import transaction
from storage.models import AuditModeration, AuditStatus, AuditSubmission, ModerationOutcome, Role
from storage.repositories import audits as audit_rows
from views.audits import ModerationForm, ModeratorNeeded, SubmittedAudit
from views.templates import GradeScale

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ModerationRule:
    """Every audit holding a grade its scale marks ``always_moderated`` (Ofsted's: Outstanding and
    Inadequate), and ``sample_percent`` of the rest at random. ``always``, when given (the
    ``AUDIT_MODERATION_ALWAYS`` setting), names the always-moderated grade values instead of the
    scales. ``rng`` is injected by tests and by anyone who needs a reproducible draw."""

    always: frozenset[str] | None = None
    sample_percent: float = 10.0
    rng: random.Random = field(default_factory=random.Random, compare=False)

    def always_moderated(self, scale: GradeScale | None) -> frozenset[str]:
        """The grade values of ``scale`` that always go to a moderator: the setting's, else the scale's."""
        if self.always is not None:
            return self.always
        return scale.always_moderated if scale is not None else frozenset()

    def reason_to_moderate(self, graded: Iterable[tuple[str, GradeScale | None]]) -> str | None:
        """Why an audit with these grades (each stage's and the overall, with the scale it was given
        on) goes to a moderator: 'grade' when any of them is always moderated, 'sample' when drawn
        at random, else None."""
        if any(grade in self.always_moderated(scale) for grade, scale in graded):
            return "grade"
        if self.rng.random() * 100 < self.sample_percent:
            return "sample"
        return None


def outcome_of(original: str, moderated: str, scale: GradeScale) -> ModerationOutcome:
    """Agreed, raised or lowered, by the grades' places on their scale (best first)."""
    if original == moderated:
        return ModerationOutcome.AGREED
    order = list(scale.labels)
    if order.index(moderated) < order.index(original):
        return ModerationOutcome.RAISED
    return ModerationOutcome.LOWERED


class Moderation:
    """Moderating submitted audits, and finding each one a moderator."""

    def __init__(self, context: AuditContext, rule: ModerationRule | None = None) -> None:
        self.context = context
        self.rule = rule or ModerationRule()

    async def open_moderation(self, actor_id: str, assignment_id: int) -> ModerationForm | SubmittedAudit:
        """The moderation form (or the audit, once moderated); ``actor_id`` is the moderator's Teams user id."""
        async with transaction(self.context.sessions) as session:
            item = await self.context.load(session, assignment_id)
            actor = await self.context.actor(session, actor_id, among=item)
            policy.require(actor, Permission.MODERATE, item.policy_record())
            await access_log.record(session, actor, access_log.VIEW, RECORD, assignment_id, {"for": "moderation"})
            view = await submitted_view(self.context, session, item)
            return view if item.assignment.status != AuditStatus.MODERATION else ModerationForm(view)

    async def moderate(
        self, actor_id: str, assignment_id: int, data: dict[str, Any]
    ) -> ModerationForm | SubmittedAudit:
        """Agree or change each grade, with a rationale for every change; both grades are kept.
        ``actor_id`` is the moderator's Teams user id."""
        async with transaction(self.context.sessions) as session:
            item = await self.context.load(session, assignment_id)
            actor = await self.context.actor(session, actor_id, among=item)
            policy.require(actor, Permission.MODERATE, item.policy_record())
            a = item.assignment
            view = await submitted_view(self.context, session, item)
            if a.status != AuditStatus.MODERATION:
                return view
            values = {k: str(v).strip() for k, v in data.items() if isinstance(v, str | int)}
            errors = _moderation_errors(view, values, a.case_ref)
            if errors:
                return ModerationForm(view, values, errors)
            submission = await audit_rows.submission_of(session, a.id)
            assert submission is not None
            now = self.context.clock.now()
            scales = {line.question_id: line.scale for line in view.grades}
            for grade in await audit_rows.grades_of(session, submission.id):
                moderated = values[f"moderated_{grade.question_id}"]
                scale = scales[grade.question_id]
                assert scale is not None, "a stored grade's question is a grade question"
                session.add(
                    AuditModeration(
                        grade_id=grade.id,
                        original_grade=grade.grade,
                        moderated_grade=moderated,
                        outcome=outcome_of(grade.grade, moderated, scale).value,
                        rationale=values.get(f"moderation_rationale_{grade.question_id}") or None,
                        moderator_id=actor.person_id,
                        moderated_at=now,
                    )
                )
            a.status = AuditStatus.COMPLETED.value
            a.moderator_id = actor.person_id
            await session.flush()
            await access_log.record(session, actor, "moderate", RECORD, a.id)
            result = await submitted_view(self.context, session, item)
        for person_id in (a.auditor_id, a.practitioner_id):
            # Only the practitioner comments on the final grade; the auditor's card has no box to type in.
            card = audit_cards.outcome_card(result, for_practitioner=person_id == a.practitioner_id)
            await self.context.notifier.send_card(person_id, card, key=f"audit-{a.id}-moderated-{person_id}")
        return result

    async def assign_waiting_moderation(self) -> list[int]:
        """Give every audit waiting for moderation with nobody assigned to an independent moderator,
        now that one exists, and send them the moderation card (the same key as at submission, so
        it goes once). Audits still without one have their QA lead(s) told, once per person.

        Run by the reminder pass and after a role is added. Safe on several instances at once: the
        assignment is a conditional UPDATE (only while nobody is assigned), so one run wins each
        audit and only the winner sends the card. Returns the ids of the audits it assigned."""
        async with self.context.sessions() as session:
            waiting = [a.id for a in await audit_rows.waiting_without_moderator(session)]
        assigned: list[int] = []
        for assignment_id in waiting:
            alerts: list[Alert] = []
            async with transaction(self.context.sessions) as session:
                item = await self.context.load(session, assignment_id)
                submission = await audit_rows.submission_of(session, assignment_id)
                if submission is None:
                    continue
                moderator_id = await self.choose_moderator(session, item)
                if moderator_id is None:
                    alerts = await self.moderator_needed_alerts(session, item, submission)
                else:
                    if not await audit_rows.claim_for_moderator(session, assignment_id, moderator_id):
                        continue  # another run (or a moderator who opened it) got there first
                    await access_log.record(
                        session, actors.NOBODY, "assign moderator", RECORD, assignment_id, {"moderator": moderator_id}
                    )
                    view = await submitted_view(self.context, session, item)
            if moderator_id is None:
                await self.context.send(alerts)
                continue
            await self.send_moderation_card(moderator_id, view, assignment_id)
            assigned.append(assignment_id)
        return assigned

    async def choose_moderator(self, session: AsyncSession, item: Loaded) -> int | None:
        """The independent moderator with the fewest audits waiting; else the QA lead."""
        excluded = {item.assignment.auditor_id, item.assignment.practitioner_id}
        for role in (Role.MODERATOR, Role.QA_LEAD):
            candidates = [p for p in await audit_rows.active_people_with_role(session, role) if p not in excluded]
            if candidates:
                waiting = await audit_rows.moderation_waiting_counts(session)
                return min(candidates, key=lambda p: (waiting.get(p, 0), p))
        return None

    async def moderator_needed_alerts(
        self, session: AsyncSession, item: Loaded, submission: AuditSubmission
    ) -> list[Alert]:
        """Cards for whoever can find this audit a moderator: every QA lead (even one who is the
        auditor or the practitioner: they can still give someone else the role), else the team
        manager. Keyed per audit and person, so repeating this tells nobody twice."""
        recipients = await audit_rows.active_people_with_role(session, Role.QA_LEAD)
        if not recipients and (manager := await active_team_manager(session, item)):
            recipients = [manager]
        if not recipients:
            logger.warning(
                "audit %s awaits a moderator and there is no QA lead or team manager to tell", item.assignment.id
            )
            return []
        view = await submitted_view(self.context, session, item)
        always = _always_moderated_labels(view, self.rule)
        alert = ModeratorNeeded(
            case_ref=item.assignment.case_ref,
            team_name=item.team.name if item.team else "",
            template_title=item.template.title,
            auditor_name=item.auditor.display_name,
            practitioner_name=item.practitioner.display_name,
            reason=submission.moderation_reason or "sample",
            grades=tuple(always),
            submitted_at=submission.submitted_at,
        )
        card = audit_cards.moderator_needed_card(alert)
        return [(person_id, card, f"audit-{item.assignment.id}-no-moderator-{person_id}") for person_id in recipients]

    async def send_moderation_card(self, moderator_id: int, view: SubmittedAudit, assignment_id: int) -> None:
        """One key per audit whichever path assigns the moderator (at submission, or later by
        ``assign_waiting_moderation``), so the moderator gets the card once."""
        await self.context.notifier.send_card(
            moderator_id, audit_cards.moderation_card(ModerationForm(view)), key=f"audit-{assignment_id}-moderate"
        )


def _always_moderated_labels(view: SubmittedAudit, rule: ModerationRule) -> list[str]:
    """The labels of the always-moderated grades an audit holds, each once, worst first."""
    found: dict[str, tuple[int, str]] = {}
    for line in view.grades:
        if line.scale is not None and line.grade in rule.always_moderated(line.scale):
            found[line.grade] = (-list(line.scale.labels).index(line.grade), line.label_of(line.grade))
    return [label for _, label in sorted(found.values())]


def _moderation_errors(view: SubmittedAudit, values: dict[str, str], case_ref: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    for line in view.grades:
        grade_id, rationale_id = f"moderated_{line.question_id}", f"moderation_rationale_{line.question_id}"
        chosen = values.get(grade_id, "")
        if line.scale is None or chosen not in line.scale.labels:
            errors[grade_id] = text.MODERATED_GRADE_NEEDED
        elif chosen != line.grade and not values.get(rationale_id):
            errors[rationale_id] = text.MODERATION_RATIONALE_NEEDED
    rationale_ids = [f"moderation_rationale_{line.question_id}" for line in view.grades]
    return {**screen_fields(values, rationale_ids, allowed=[case_ref]), **errors}
