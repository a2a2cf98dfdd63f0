"""The audit cycle: rounds, pages with server-side drafts, submission, reflection, escalation,
moderation and the actions an audit raises.

Every call names the person acting (their Teams user id, or None for the command line),
checks ``services.policy`` and writes the access log in the same transaction as the work.
"""

from __future__ import annotations

import logging
import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from cards import audit as audit_cards
from cards import text_audits as text
from services import access_log, actors, policy
from services.actions import NewAction, add_action
from services.actors import Actor
from services.audits import rounds as round_rules
from services.audits.moderation import GRADE_ORDER, ModerationRule, outcome_of
from services.audits.notify import AuditNotifier
from services.clock import Clock
from services.errors import InvalidInput, NotAllowed, NotFound
from services.outbox import Outbox
from services.personal_data import screen_fields
from services.policy import Permission
from services.templates import TemplateLibrary
from services.templates import answers as answer_rules
from storage.db import transaction
from storage.models import (
    Action,
    ActionSource,
    AuditAssignment,
    AuditEscalation,
    AuditGrade,
    AuditModeration,
    AuditReflection,
    AuditRound,
    AuditStatus,
    AuditSubmission,
    Person,
    Role,
    RoleAssignment,
    Team,
)
from views.audits import (
    MAX_ACTIONS,
    ActionLine,
    AssignmentSummary,
    AuditPage,
    EscalationAlert,
    GradeLine,
    ModerationForm,
    ModeratorNeeded,
    ReflectionForm,
    ReflectionSummary,
    RoundReport,
    RowProblem,
    SubmittedAudit,
    Task,
    TeamAudit,
    action_ids,
    action_rows_shown,
)
from views.templates import GRADE_LABELS, QuestionRole, QuestionType, Template, TemplateKind

logger = logging.getLogger(__name__)

RECORD = "audit"
Alert = tuple[int, dict[str, Any], str]
"""(person id, card, idempotency key) of a notification to send after the transaction."""
REFLECTION_TEMPLATE = "practitioner-reflection"
RECENT_AUDIT_DAYS = 365
TEAM_AUDITS_SHOWN = 30
"""Lines on the 'team audits' card (the latest by due date); older audits are in the reports."""


ACTION_INPUT_IDS = [key for row in range(1, MAX_ACTIONS + 1) for key in action_ids(row)]


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

    def policy_record(self, *, reflection: bool = False) -> policy.RecordContext:
        return audit_record(self.assignment, reflection=reflection)

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


class AuditService:
    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        templates: TemplateLibrary,
        case_reference_pattern: str,
        moderation_rule: ModerationRule | None = None,
        outbox: Outbox | None = None,
        rng: random.Random | None = None,
        time_zone: str = "Europe/London",
    ) -> None:
        self._time_zone = ZoneInfo(time_zone)
        self._sessions = sessions
        self._clock = clock
        self.templates = templates
        self._case_ref = re.compile(case_reference_pattern)
        self._moderation = moderation_rule or ModerationRule()
        self.notifier = AuditNotifier(outbox)
        self._rng = rng or random.Random()

    # -- rounds --------------------------------------------------------------------------------

    def audit_templates(self) -> list[Template]:
        return [t for t in self.templates.latest() if t.kind == TemplateKind.AUDIT]

    async def start_round(
        self,
        *,
        template_id: str,
        due_date: date,
        rows: list[round_rules.RoundRow],
        starter: str | None,
        source: str,
        problems: list[RowProblem] | None = None,
    ) -> RoundReport:
        """Create a round from rows (people by e-mail, team by name). Bad rows are reported one by
        one; the good ones go ahead. ``starter`` is a Teams user id (None: the command line)."""
        template = self._audit_template(template_id)
        if due_date < self.today():
            raise InvalidInput(text.DUE_IN_PAST, {"due_date": text.DUE_IN_PAST})
        problems = list(problems or [])
        created: list[tuple[AuditAssignment, str]] = []
        async with transaction(self._sessions) as session:
            actor = await self._actor(session, starter)
            if starter is not None:
                self._require_round_starter(actor)
            audit_round = AuditRound(
                template_id=template.id,
                template_version=template.version,
                title=template.title,
                due_date=due_date,
                source=source,
                created_by_id=actor.person_id,
            )
            session.add(audit_round)
            await session.flush()
            seen: set[str] = set()
            for row in rows:
                assignment, problem = await self._assignment_from_row(session, audit_round, row, seen)
                if problem:
                    problems.append(RowProblem(row.row, problem))
                elif assignment is not None:
                    session.add(assignment)
                    created.append((assignment, row.case_ref))
            await session.flush()
            if not created:
                await session.rollback()
                return RoundReport(None, template.title, due_date, (), tuple(sorted(problems, key=lambda p: p.row)))
            await access_log.record(
                session, actor, access_log.CHANGE, "audit round", audit_round.id, {"assignments": len(created)}
            )
            loaded = [await self._load(session, a.id) for a, _ in created]
        for item in loaded:
            await self._send_invitations(item)
        return RoundReport(
            audit_round.id,
            template.title,
            due_date,
            tuple(a.id for a, _ in created),
            tuple(sorted(problems, key=lambda p: p.row)),
        )

    async def start_round_from_csv(
        self, *, template_id: str, due_date: date, csv_text: str, starter: str | None
    ) -> RoundReport:
        rows, problems = round_rules.round_rows(csv_text)
        return await self.start_round(
            template_id=template_id, due_date=due_date, rows=rows, starter=starter, source="csv", problems=problems
        )

    async def start_sampled_round(
        self, *, template_id: str, due_date: date, open_cases_csv: str, per_manager: int, starter: str | None
    ) -> RoundReport:
        """N open cases per team manager, none audited in the last 12 months; the manager audits."""
        raw, problems = round_rules.read_rows(open_cases_csv, round_rules.OPEN_CASE_COLUMNS)
        cases = [round_rules.OpenCase(int(r["row"]), r["case_ref"], r["team"], r["practitioner"]) for r in raw]
        async with self._sessions() as session:
            managers = await self._manager_emails_by_team(session)
            since = self._clock.now() - timedelta(days=RECENT_AUDIT_DAYS)
            recent = set(
                await session.scalars(select(AuditAssignment.case_ref).where(AuditAssignment.created_at >= since))
            )
        chosen = round_rules.sample_cases(
            cases, per_manager=per_manager, manager_of_team=managers, recently_audited=recent, rng=self._rng
        )
        rows = [
            round_rules.RoundRow(c.row, c.case_ref, c.team, c.practitioner, managers[c.team.lower()]) for c in chosen
        ]
        return await self.start_round(
            template_id=template_id, due_date=due_date, rows=rows, starter=starter, source="sampling", problems=problems
        )

    async def _manager_emails_by_team(self, session: AsyncSession) -> dict[str, str]:
        rows = await session.execute(
            select(Team.name, Person.email).join(Person, Person.id == Team.manager_id).where(Team.active.is_(True))
        )
        return {name.lower(): email for name, email in rows if email}

    async def _assignment_from_row(
        self, session: AsyncSession, audit_round: AuditRound, row: round_rules.RoundRow, seen: set[str]
    ) -> tuple[AuditAssignment | None, str | None]:
        case_ref = round_rules.normalise_case_ref(row.case_ref)
        if not self._case_ref.fullmatch(case_ref):
            return None, text.ROW_BAD_CASE_REF.format(case_ref=row.case_ref or "(empty)")
        if case_ref in seen:
            return None, text.ROW_DUPLICATE_CASE.format(case_ref=case_ref)
        team = await session.scalar(select(Team).where(func.lower(Team.name) == row.team.lower()))
        if team is None:
            return None, text.ROW_UNKNOWN_TEAM.format(team=row.team or "(empty)")
        practitioner = await self._person_by_email(session, row.practitioner)
        if practitioner is None:
            return None, text.ROW_UNKNOWN_PERSON.format(role="practitioner", email=row.practitioner or "(empty)")
        auditor = await self._person_by_email(session, row.auditor)
        if auditor is None:
            return None, text.ROW_UNKNOWN_PERSON.format(role="auditor", email=row.auditor or "(empty)")
        if auditor.id == practitioner.id:
            return None, text.ROW_SELF_AUDIT
        seen.add(case_ref)
        return (
            AuditAssignment(
                round_id=audit_round.id,
                case_ref=case_ref,
                team_id=team.id,
                practitioner_id=practitioner.id,
                auditor_id=auditor.id,
                due_date=audit_round.due_date,
                status=AuditStatus.ASSIGNED.value,
                draft={},
                reflection_draft={},
            ),
            None,
        )

    async def _person_by_email(self, session: AsyncSession, email: str) -> Person | None:
        if not email:
            return None
        return await session.scalar(
            select(Person).where(func.lower(Person.email) == email.strip().lower(), Person.active.is_(True))
        )

    def _require_round_starter(self, actor: Actor) -> None:
        if not (actor.has(Role.QA_LEAD) or actor.managed_team_ids):
            raise NotAllowed(text.ONLY_LEADS_START_ROUNDS)

    async def _send_invitations(self, item: Loaded) -> None:
        a = item.assignment
        reference = await self.notifier.send_card(
            a.auditor_id, audit_cards.invitation_card(item.summary), key=f"audit-{a.id}-invite"
        )
        if reference:
            async with transaction(self._sessions) as session:
                stored = await session.get(AuditAssignment, a.id)
                assert stored is not None
                stored.auditor_message = {"reference": reference}
        form = ReflectionForm(item.summary, self.templates.get(REFLECTION_TEMPLATE), {})
        await self.notifier.send_card(
            a.practitioner_id, audit_cards.reflection_card(form), key=f"audit-{a.id}-reflection"
        )

    # -- the auditor's pages -------------------------------------------------------------------

    async def open_audit(self, user_id: str, assignment_id: int) -> AuditPage | SubmittedAudit:
        """The page the auditor left off at (or the read-only audit once it is submitted)."""
        async with transaction(self._sessions) as session:
            item = await self._load(session, assignment_id)
            actor = await self._actor(session, user_id)
            if actor.person_id != item.assignment.auditor_id:
                return await self._view(session, actor, item)
            policy.require(actor, Permission.SUBMIT, item.policy_record())
            await access_log.record(session, actor, access_log.VIEW, RECORD, assignment_id)
            if item.assignment.status not in (AuditStatus.ASSIGNED, AuditStatus.IN_PROGRESS):
                return await self._submitted_view(session, item)
            return await self._page(session, item, item.assignment.draft_page, {})

    async def save_page(
        self, user_id: str, assignment_id: int, *, page: int, data: dict[str, Any], move: str
    ) -> AuditPage | SubmittedAudit:
        """Save what the page holds into the draft (always), then move: 'next' only when the
        page is complete, 'back' and 'save' whatever it holds; 'add_action' stays on the actions
        page, which then shows one more empty row once the last one is filled in."""
        alerts: list[Alert] = []
        async with transaction(self._sessions) as session:
            item = await self._load(session, assignment_id)
            actor = await self._actor(session, user_id)
            policy.require(actor, Permission.SUBMIT, item.policy_record())
            a = item.assignment
            if a.status not in (AuditStatus.ASSIGNED, AuditStatus.IN_PROGRESS):
                return await self._submitted_view(session, item)
            page = self._clamp(item.template, page)
            values = self._extract(item.template, page, data)
            rows_before = action_rows_shown(a.draft)
            a.draft = {**a.draft, **values}
            a.draft_saved_at = self._clock.now()
            a.status = AuditStatus.IN_PROGRESS.value
            errors = self._page_errors(item, page, a.draft) if move == "next" else {}
            alerts = await self._escalate_if_needed(session, actor, item, page, a.draft, errors)
            if move == "next" and not errors:
                page = page + 1
            elif move == "back":
                page = max(0, page - 1)
            a.draft_page = self._clamp(item.template, page)
            await access_log.record(session, actor, access_log.CHANGE, RECORD, a.id, {"page": page, "move": move})
            if alerts:
                notice = text.ESCALATION_SENT
            elif move == "add_action" and page == len(item.template.sections):
                notice = self._added_action_notice(rows_before, action_rows_shown(a.draft))
            else:
                notice = text.DRAFT_SAVED if move in ("save", "add_action") else None
            result = await self._page(session, item, a.draft_page, errors, notice=notice)
        # Sent once the escalation is committed: the alert never names a concern that was rolled back.
        for person_id, card, key in alerts:
            await self.notifier.send_card(person_id, card, key=key)
        return result

    @staticmethod
    def _added_action_notice(rows_before: int, rows_after: int) -> str:
        if rows_after > rows_before:
            return text.ACTION_ROW_ADDED.format(number=rows_after)
        if rows_after == MAX_ACTIONS:
            return text.ACTIONS_FULL.format(limit=MAX_ACTIONS)
        return text.ACTION_ROW_FILL_FIRST

    def _clamp(self, template: Template, page: int) -> int:
        return min(max(0, page), len(template.sections) + 1)

    def _extract(self, template: Template, page: int, data: dict[str, Any]) -> dict[str, str]:
        if page < len(template.sections):
            return answer_rules.extract([template.sections[page]], data)
        if page == len(template.sections):
            return {k: str(data[k]).strip()[: answer_rules.MAX_RAW_LENGTH] for k in ACTION_INPUT_IDS if k in data}
        return {}

    def _page_errors(self, item: Loaded, page: int, draft: dict[str, str]) -> dict[str, str]:
        template = item.template
        if page < len(template.sections):
            sections = [template.sections[page]]
            errors = answer_rules.check(sections, draft, today=self.today())
            screened = screen_fields(draft, answer_rules.free_text_ids(sections), allowed=[item.assignment.case_ref])
            return {**screened, **errors}
        if page == len(template.sections):
            return self._action_errors(item, draft)
        return {}

    def _all_errors(self, item: Loaded, draft: dict[str, str]) -> tuple[int, dict[str, str]] | None:
        for page in range(len(item.template.sections) + 1):
            errors = self._page_errors(item, page, draft)
            if errors:
                return page, errors
        return None

    def _action_errors(self, item: Loaded, draft: dict[str, str]) -> dict[str, str]:
        errors: dict[str, str] = {}
        allowed_owners = {str(pid) for pid, _ in self._owners(item)}
        for row in range(1, MAX_ACTIONS + 1):
            what_id, owner_id, due_id = action_ids(row)
            what, owner, due = (draft.get(k, "") for k in (what_id, owner_id, due_id))
            if not (what or owner or due):
                continue
            if not what:
                errors[what_id] = text.ACTION_WHAT_NEEDED
            elif len(what) > 2000:
                errors[what_id] = text.ACTION_TOO_LONG
            if owner not in allowed_owners:
                errors[owner_id] = text.ACTION_OWNER_NEEDED
            try:
                if date.fromisoformat(due) < self.today():
                    errors[due_id] = text.ACTION_DUE_IN_PAST
            except ValueError:
                errors[due_id] = text.ACTION_DUE_NEEDED
        what_fields = [action_ids(row)[0] for row in range(1, MAX_ACTIONS + 1)]
        screened = screen_fields(draft, what_fields, allowed=[item.assignment.case_ref])
        return {**screened, **errors}

    def _owners(self, item: Loaded) -> tuple[tuple[int, str], ...]:
        people = [(item.practitioner.id, item.practitioner.display_name + text.OWNER_PRACTITIONER)]
        if item.team and item.team.manager_id and item.team.manager_id != item.practitioner.id:
            people.append((item.team.manager_id, text.OWNER_TEAM_MANAGER))
        people.append((item.auditor.id, item.auditor.display_name + text.OWNER_AUDITOR))
        return tuple(people)

    async def _page(
        self, session: AsyncSession, item: Loaded, page: int, errors: dict[str, str], *, notice: str | None = None
    ) -> AuditPage:
        a = item.assignment
        reflection = await self._reflection_summary(session, a.id) if page == len(item.template.sections) + 1 else None
        saved = a.draft_saved_at.isoformat() if a.draft_saved_at else "new"
        return AuditPage(
            assignment=item.summary,
            template=item.template,
            page=page,
            values=dict(a.draft),
            errors=errors,
            owners=self._owners(item),
            reflection=reflection,
            submission_key=f"audit-{a.id}-{saved}",
            notice=notice,
        )

    # -- stop and escalate ---------------------------------------------------------------------

    async def _escalate_if_needed(
        self,
        session: AsyncSession,
        actor: Actor,
        item: Loaded,
        page: int,
        draft: dict[str, str],
        errors: dict[str, str],
    ) -> list[Alert]:
        """Record a "stop and escalate" answer the moment it is saved, once, and return the
        alerts for the team manager and the QA lead."""
        if page >= len(item.template.sections):
            return []
        section = item.template.sections[page]
        alerts: list[Alert] = []
        for question, note in answer_rules.escalations([section], draft):
            if not note and question.escalation_note:
                errors.setdefault(question.escalation_note, text.ESCALATION_NOTE_NEEDED)
                continue
            if question.escalation_note and question.escalation_note in errors:
                continue
            exists = await session.scalar(
                select(AuditEscalation.id).where(
                    AuditEscalation.assignment_id == item.assignment.id, AuditEscalation.question_id == question.id
                )
            )
            if exists:
                continue
            recipients = await self._escalation_recipients(session, item)
            escalation = AuditEscalation(
                assignment_id=item.assignment.id,
                question_id=question.id,
                note=note,
                raised_by_id=actor.person_id,
                raised_at=self._clock.now(),
                alerted_person_ids=recipients,
            )
            session.add(escalation)
            await session.flush()
            await access_log.record(session, actor, "escalate", RECORD, item.assignment.id, {"to": recipients})
            alert = EscalationAlert(
                case_ref=item.assignment.case_ref,
                team_name=item.team.name if item.team else "",
                auditor_name=item.auditor.display_name,
                practitioner_name=item.practitioner.display_name,
                question_text=question.text,
                note=note,
                raised_at=escalation.raised_at,
            )
            card = audit_cards.escalation_card(alert)
            alerts += [(person_id, card, f"audit-escalation-{escalation.id}-{person_id}") for person_id in recipients]
        return alerts

    async def _escalation_recipients(self, session: AsyncSession, item: Loaded) -> list[int]:
        recipients = [manager] if (manager := await self._active_team_manager(session, item)) else []
        recipients += await self._people_with_role(session, Role.QA_LEAD)
        return list(dict.fromkeys(r for r in recipients if r != item.auditor.id))

    async def _active_team_manager(self, session: AsyncSession, item: Loaded) -> int | None:
        """The practitioner's team manager, unless they have left (deactivated, not deleted): an alert
        sent to someone who has gone would reach nobody."""
        if item.team is None or item.team.manager_id is None:
            return None
        manager = await session.get(Person, item.team.manager_id)
        return manager.id if manager is not None and manager.active else None

    async def _people_with_role(self, session: AsyncSession, role: Role) -> list[int]:
        return list(
            await session.scalars(
                select(RoleAssignment.person_id)
                .join(Person, Person.id == RoleAssignment.person_id)
                .where(RoleAssignment.role == role.value, Person.active.is_(True))
                .order_by(RoleAssignment.person_id)
            )
        )

    # -- submission ----------------------------------------------------------------------------

    async def submit(
        self, user_id: str, assignment_id: int, *, data: dict[str, Any], idempotency_key: str
    ) -> AuditPage | SubmittedAudit:
        """Store the audit once. A double click or a retried invoke gets the same read-only audit."""
        try:
            return await self._submit_once(user_id, assignment_id, data, idempotency_key)
        except IntegrityError:
            # Another request for the same assignment won the race: show what it stored.
            async with self._sessions() as session:
                item = await self._load(session, assignment_id)
                return await self._submitted_view(session, item)

    async def _submit_once(
        self, user_id: str, assignment_id: int, data: dict[str, Any], idempotency_key: str
    ) -> AuditPage | SubmittedAudit:
        async with transaction(self._sessions) as session:
            item = await self._load(session, assignment_id)
            actor = await self._actor(session, user_id)
            policy.require(actor, Permission.SUBMIT, item.policy_record())
            a = item.assignment
            existing = await session.scalar(select(AuditSubmission).where(AuditSubmission.assignment_id == a.id))
            if existing is not None:
                return await self._submitted_view(session, item)
            page = self._clamp(item.template, int(data.get("page", a.draft_page) or 0))
            a.draft = {**a.draft, **self._extract(item.template, page, data)}
            a.draft_saved_at = self._clock.now()
            problems = self._all_errors(item, a.draft)
            if problems:
                a.draft_page, errors = problems
                await access_log.record(session, actor, "submit refused", RECORD, a.id, {"page": a.draft_page})
                return await self._page(session, item, a.draft_page, errors, notice=text.FIX_BEFORE_SUBMIT)
            submission = await self._store_submission(session, actor, item, idempotency_key)
            await access_log.record(session, actor, access_log.SUBMIT, RECORD, a.id, {"submission": submission.id})
            alerts: list[Alert] = []
            if a.status == AuditStatus.MODERATION and a.moderator_id is None:
                alerts = await self._moderator_needed_alerts(session, item, submission)
                await access_log.record(
                    session, actor, "no moderator", RECORD, a.id, {"to": [person for person, _, _ in alerts]}
                )
            view = await self._submitted_view(session, item)
            reference = (a.auditor_message or {}).get("reference")
            moderator_id = a.moderator_id
        await self._after_submission(view, reference, moderator_id, item)
        for person_id, card, key in alerts:
            await self.notifier.send_card(person_id, card, key=key)
        return view

    async def _store_submission(
        self, session: AsyncSession, actor: Actor, item: Loaded, idempotency_key: str
    ) -> AuditSubmission:
        a, template = item.assignment, item.template
        answers = answer_rules.typed(template.sections, a.draft)
        overall = template.overall_grade_question
        overall_grade = answers.get(overall.id) if overall else None
        graded = [answers[q.id] for q in template.questions() if q.type == QuestionType.GRADE4 and q.id in answers]
        reason = self._moderation.reason_to_moderate(graded) if template.moderated else None
        now = self._clock.now()
        submission = AuditSubmission(
            assignment_id=a.id,
            idempotency_key=idempotency_key[:80] or f"audit-{a.id}",
            template_id=template.id,
            template_version=template.version,
            answers=answers,
            overall_grade=overall_grade,
            submitted_by_id=actor.person_id,
            submitted_at=now,
            moderation_selected=reason is not None,
            moderation_reason=reason,
        )
        session.add(submission)
        await session.flush()
        for section in template.sections:
            for question in section.questions:
                if question.role in (QuestionRole.SECTION_GRADE, QuestionRole.OVERALL_GRADE) and question.id in answers:
                    session.add(
                        AuditGrade(
                            submission_id=submission.id,
                            section_id=section.id,
                            question_id=question.id,
                            is_overall=question.role == QuestionRole.OVERALL_GRADE,
                            grade=answers[question.id],
                            rationale=answers.get(answer_rules.rationale_id(question)),
                        )
                    )
        for row in range(1, MAX_ACTIONS + 1):
            what_id, owner_id, due_id = action_ids(row)
            if a.draft.get(what_id):
                await add_action(
                    session,
                    NewAction(
                        source=ActionSource.AUDIT,
                        source_ref=f"audit:{a.id}",
                        description=a.draft[what_id],
                        owner_id=int(a.draft[owner_id]),
                        due_date=date.fromisoformat(a.draft[due_id]),
                        case_reference=a.case_ref,
                    ),
                    created_by_id=actor.person_id,
                    now=now,
                )
        if reason is not None:
            a.status = AuditStatus.MODERATION.value
            a.moderator_id = await self._choose_moderator(session, item)
        else:
            a.status = AuditStatus.COMPLETED.value
        await session.flush()
        return submission

    async def _choose_moderator(self, session: AsyncSession, item: Loaded) -> int | None:
        """The independent moderator with the fewest audits waiting; else the QA lead."""
        excluded = {item.assignment.auditor_id, item.assignment.practitioner_id}
        for role in (Role.MODERATOR, Role.QA_LEAD):
            candidates = [p for p in await self._people_with_role(session, role) if p not in excluded]
            if candidates:
                waiting = dict(
                    (
                        await session.execute(
                            select(AuditAssignment.moderator_id, func.count())
                            .where(AuditAssignment.status == AuditStatus.MODERATION.value)
                            .group_by(AuditAssignment.moderator_id)
                        )
                    ).all()
                )
                return min(candidates, key=lambda p: (waiting.get(p, 0), p))
        return None

    async def _moderator_needed_alerts(
        self, session: AsyncSession, item: Loaded, submission: AuditSubmission
    ) -> list[Alert]:
        """Cards for whoever can find this audit a moderator: every QA lead (even one who is the
        auditor or the practitioner: they can still give someone else the role), else the team
        manager. Keyed per audit and person, so repeating this tells nobody twice."""
        recipients = await self._people_with_role(session, Role.QA_LEAD)
        if not recipients and (manager := await self._active_team_manager(session, item)):
            recipients = [manager]
        if not recipients:
            logger.warning(
                "audit %s awaits a moderator and there is no QA lead or team manager to tell", item.assignment.id
            )
            return []
        grades = set(await session.scalars(select(AuditGrade.grade).where(AuditGrade.submission_id == submission.id)))
        always = [GRADE_LABELS[g] for g in GRADE_ORDER if g in grades and g in self._moderation.always]
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

    async def assign_waiting_moderation(self) -> list[int]:
        """Give every audit waiting for moderation with nobody assigned to an independent moderator,
        now that one exists, and send them the moderation card (the same key as at submission, so
        it goes once). Audits still without one have their QA lead(s) told, once per person.

        Run by the reminder pass and after a role is added. Safe on several instances at once: the
        assignment is a conditional UPDATE (only while nobody is assigned), so one run wins each
        audit and only the winner sends the card. Returns the ids of the audits it assigned."""
        async with self._sessions() as session:
            waiting = list(
                await session.scalars(
                    select(AuditAssignment.id)
                    .where(
                        AuditAssignment.status == AuditStatus.MODERATION.value,
                        AuditAssignment.moderator_id.is_(None),
                    )
                    .order_by(AuditAssignment.id)
                )
            )
        assigned: list[int] = []
        for assignment_id in waiting:
            alerts: list[Alert] = []
            async with transaction(self._sessions) as session:
                item = await self._load(session, assignment_id)
                submission = await session.scalar(
                    select(AuditSubmission).where(AuditSubmission.assignment_id == assignment_id)
                )
                if submission is None:
                    continue
                moderator_id = await self._choose_moderator(session, item)
                if moderator_id is None:
                    alerts = await self._moderator_needed_alerts(session, item, submission)
                else:
                    won = await session.execute(
                        update(AuditAssignment)
                        .where(
                            AuditAssignment.id == assignment_id,
                            AuditAssignment.status == AuditStatus.MODERATION.value,
                            AuditAssignment.moderator_id.is_(None),
                        )
                        .values(moderator_id=moderator_id)
                        .execution_options(synchronize_session=False)
                    )
                    if won.rowcount != 1:
                        continue  # another run (or a moderator who opened it) got there first
                    await access_log.record(
                        session, actors.NOBODY, "assign moderator", RECORD, assignment_id, {"moderator": moderator_id}
                    )
                    view = await self._submitted_view(session, item)
            if moderator_id is None:
                for person_id, card, key in alerts:
                    await self.notifier.send_card(person_id, card, key=key)
                continue
            await self._send_moderation_card(moderator_id, view, assignment_id)
            assigned.append(assignment_id)
        return assigned

    async def _send_moderation_card(self, moderator_id: int, view: SubmittedAudit, assignment_id: int) -> None:
        """One key per audit whichever path assigns the moderator (at submission, or later by
        ``assign_waiting_moderation``), so the moderator gets the card once."""
        await self.notifier.send_card(
            moderator_id, audit_cards.moderation_card(ModerationForm(view)), key=f"audit-{assignment_id}-moderate"
        )

    async def _after_submission(
        self, view: SubmittedAudit, reference: str | None, moderator_id: int | None, item: Loaded
    ) -> None:
        if reference:
            await self.notifier.update_card(reference, audit_cards.submitted_card(view, viewer="auditor"))
        a = item.assignment
        if moderator_id is not None:
            await self._send_moderation_card(moderator_id, view, a.id)
        elif view.moderation == "not selected":
            await self.notifier.send_card(
                a.practitioner_id, audit_cards.outcome_card(view), key=f"audit-{a.id}-outcome"
            )

    # -- reading a submitted audit -------------------------------------------------------------

    async def view(self, user_id: str, assignment_id: int) -> SubmittedAudit | AuditPage:
        async with transaction(self._sessions) as session:
            item = await self._load(session, assignment_id)
            actor = await self._actor(session, user_id)
            return await self._view(session, actor, item)

    async def _view(self, session: AsyncSession, actor: Actor, item: Loaded) -> SubmittedAudit:
        policy.require(actor, Permission.VIEW, item.policy_record())
        await access_log.record(session, actor, access_log.VIEW, RECORD, item.assignment.id)
        if item.assignment.status in (AuditStatus.ASSIGNED, AuditStatus.IN_PROGRESS):
            raise NotFound(text.NOT_SUBMITTED_YET.format(case_ref=item.assignment.case_ref))
        return await self._submitted_view(session, item)

    async def _submitted_view(self, session: AsyncSession, item: Loaded) -> SubmittedAudit:
        a = item.assignment
        submission = await session.scalar(select(AuditSubmission).where(AuditSubmission.assignment_id == a.id))
        if submission is None:
            raise NotFound(text.NOT_SUBMITTED_YET.format(case_ref=a.case_ref))
        template = self.templates.get(submission.template_id, submission.template_version)
        grades = []
        rows = await session.execute(
            select(AuditGrade, AuditModeration)
            .outerjoin(AuditModeration, AuditModeration.grade_id == AuditGrade.id)
            .where(AuditGrade.submission_id == submission.id)
            .order_by(AuditGrade.id)
        )
        for grade, moderation in rows:
            grades.append(
                GradeLine(
                    section_title=template.section(grade.section_id).title,
                    question_id=grade.question_id,
                    grade=grade.grade,
                    rationale=grade.rationale,
                    moderated_grade=moderation.moderated_grade if moderation else None,
                    moderation_outcome=moderation.outcome if moderation else None,
                    moderation_rationale=moderation.rationale if moderation else None,
                )
            )
        actions = await session.execute(
            select(Action, Person.display_name)
            .join(Person, Person.id == Action.owner_id)
            .where(Action.source == ActionSource.AUDIT.value, Action.source_ref == f"audit:{a.id}")
            .order_by(Action.id)
        )
        if not submission.moderation_selected:
            moderation = "not selected"
        elif a.status == AuditStatus.MODERATION:
            moderation = "awaiting moderation"
        else:
            moderation = "moderated"
        return SubmittedAudit(
            assignment=item.summary,
            template=template,
            answers=submission.answers,
            grades=tuple(grades),
            actions=tuple(ActionLine(x.description, name, x.due_date) for x, name in actions),
            submitted_at=submission.submitted_at,
            reflection=await self._reflection_summary(session, a.id),
            moderation=moderation,
            practitioner_comment=submission.practitioner_comment,
        )

    # -- the practitioner's reflection and comment ---------------------------------------------

    async def open_reflection(self, user_id: str, assignment_id: int) -> ReflectionForm | ReflectionSummary:
        async with transaction(self._sessions) as session:
            item = await self._load(session, assignment_id)
            actor = await self._actor(session, user_id)
            record = item.policy_record(reflection=True)
            done = await self._reflection_summary(session, assignment_id)
            policy.require(actor, Permission.VIEW if done else Permission.SUBMIT, record)
            await access_log.record(session, actor, access_log.VIEW, "audit reflection", assignment_id)
            if done:
                return done
            template = self.templates.get(REFLECTION_TEMPLATE)
            return ReflectionForm(item.summary, template, dict(item.assignment.reflection_draft))

    async def submit_reflection(
        self, user_id: str, assignment_id: int, data: dict[str, Any]
    ) -> ReflectionForm | ReflectionSummary:
        try:
            async with transaction(self._sessions) as session:
                item = await self._load(session, assignment_id)
                actor = await self._actor(session, user_id)
                policy.require(actor, Permission.SUBMIT, item.policy_record(reflection=True))
                done = await self._reflection_summary(session, assignment_id)
                if done:
                    return done
                template = self.templates.get(REFLECTION_TEMPLATE)
                values = {**item.assignment.reflection_draft, **answer_rules.extract(template.sections, data)}
                item.assignment.reflection_draft = values
                errors = {
                    **screen_fields(
                        values, answer_rules.free_text_ids(template.sections), allowed=[item.assignment.case_ref]
                    ),
                    **answer_rules.check(template.sections, values, today=self.today()),
                }
                if errors:
                    return ReflectionForm(item.summary, template, values, errors)
                answers = answer_rules.typed(template.sections, values)
                scale = next((q.id for q in template.questions() if q.role == QuestionRole.SCALE), None)
                session.add(
                    AuditReflection(
                        assignment_id=assignment_id,
                        template_id=template.id,
                        template_version=template.version,
                        answers=answers,
                        practitioner_scale=answers.get(scale) if scale else None,
                        submitted_by_id=actor.person_id,
                        submitted_at=self._clock.now(),
                    )
                )
                await session.flush()
                await access_log.record(session, actor, access_log.SUBMIT, "audit reflection", assignment_id)
                summary = await self._reflection_summary(session, assignment_id)
                assert summary is not None
                return summary
        except IntegrityError:
            async with self._sessions() as session:
                summary = await self._reflection_summary(session, assignment_id)
                assert summary is not None
                return summary

    async def _reflection_summary(self, session: AsyncSession, assignment_id: int) -> ReflectionSummary | None:
        reflection = await session.scalar(select(AuditReflection).where(AuditReflection.assignment_id == assignment_id))
        if reflection is None:
            return None
        template = self.templates.get(reflection.template_id, reflection.template_version)
        case_ref = await session.scalar(select(AuditAssignment.case_ref).where(AuditAssignment.id == assignment_id))
        return ReflectionSummary(template, reflection.answers, reflection.submitted_at, case_ref or "")

    async def comment_on_grade(self, user_id: str, assignment_id: int, comment: str) -> SubmittedAudit:
        """The practitioner's comment on the final grade (they may change it until moderated)."""
        async with transaction(self._sessions) as session:
            item = await self._load(session, assignment_id)
            actor = await self._actor(session, user_id)
            policy.require(actor, Permission.SUBMIT, item.policy_record(reflection=True))
            submission = await session.scalar(
                select(AuditSubmission).where(AuditSubmission.assignment_id == assignment_id)
            )
            if submission is None:
                raise NotFound(text.NOT_SUBMITTED_YET.format(case_ref=item.assignment.case_ref))
            comment = comment.strip()
            errors = screen_fields({"comment": comment}, ["comment"], allowed=[item.assignment.case_ref])
            if not comment:
                errors["comment"] = text.COMMENT_NEEDED
            if len(comment) > 2000:
                errors["comment"] = text.ACTION_TOO_LONG
            if errors:
                raise InvalidInput(text.COMMENT_CHECK, errors)
            submission.practitioner_comment = comment
            submission.practitioner_commented_at = self._clock.now()
            await access_log.record(session, actor, access_log.CHANGE, "audit comment", assignment_id)
            return await self._submitted_view(session, item)

    # -- moderation ----------------------------------------------------------------------------

    async def open_moderation(self, user_id: str, assignment_id: int) -> ModerationForm | SubmittedAudit:
        async with transaction(self._sessions) as session:
            item = await self._load(session, assignment_id)
            actor = await self._actor(session, user_id)
            policy.require(actor, Permission.MODERATE, item.policy_record())
            await access_log.record(session, actor, access_log.VIEW, RECORD, assignment_id, {"for": "moderation"})
            view = await self._submitted_view(session, item)
            return view if item.assignment.status != AuditStatus.MODERATION else ModerationForm(view)

    async def moderate(self, user_id: str, assignment_id: int, data: dict[str, Any]) -> ModerationForm | SubmittedAudit:
        """Agree or change each grade, with a rationale for every change; both grades are kept."""
        async with transaction(self._sessions) as session:
            item = await self._load(session, assignment_id)
            actor = await self._actor(session, user_id)
            policy.require(actor, Permission.MODERATE, item.policy_record())
            a = item.assignment
            view = await self._submitted_view(session, item)
            if a.status != AuditStatus.MODERATION:
                return view
            values = {k: str(v).strip() for k, v in data.items() if isinstance(v, str | int)}
            errors = self._moderation_errors(view, values, a.case_ref)
            if errors:
                return ModerationForm(view, values, errors)
            submission = await session.scalar(select(AuditSubmission).where(AuditSubmission.assignment_id == a.id))
            assert submission is not None
            grades = await session.scalars(select(AuditGrade).where(AuditGrade.submission_id == submission.id))
            now = self._clock.now()
            for grade in grades:
                moderated = values[f"moderated_{grade.question_id}"]
                session.add(
                    AuditModeration(
                        grade_id=grade.id,
                        original_grade=grade.grade,
                        moderated_grade=moderated,
                        outcome=outcome_of(grade.grade, moderated).value,
                        rationale=values.get(f"moderation_rationale_{grade.question_id}") or None,
                        moderator_id=actor.person_id,
                        moderated_at=now,
                    )
                )
            a.status = AuditStatus.COMPLETED.value
            a.moderator_id = actor.person_id
            await session.flush()
            await access_log.record(session, actor, "moderate", RECORD, a.id)
            result = await self._submitted_view(session, item)
        for person_id in (a.auditor_id, a.practitioner_id):
            # Only the practitioner comments on the final grade; the auditor's card has no box to type in.
            card = audit_cards.outcome_card(result, for_practitioner=person_id == a.practitioner_id)
            await self.notifier.send_card(person_id, card, key=f"audit-{a.id}-moderated-{person_id}")
        return result

    def _moderation_errors(self, view: SubmittedAudit, values: dict[str, str], case_ref: str) -> dict[str, str]:
        errors: dict[str, str] = {}
        for line in view.grades:
            grade_id, rationale_id = f"moderated_{line.question_id}", f"moderation_rationale_{line.question_id}"
            chosen = values.get(grade_id, "")
            if chosen not in GRADE_LABELS:
                errors[grade_id] = text.MODERATED_GRADE_NEEDED
            elif chosen != line.grade and not values.get(rationale_id):
                errors[rationale_id] = text.MODERATION_RATIONALE_NEEDED
        rationale_ids = [f"moderation_rationale_{line.question_id}" for line in view.grades]
        return {**screen_fields(values, rationale_ids, allowed=[case_ref]), **errors}

    # -- my tasks ------------------------------------------------------------------------------

    async def tasks(self, user_id: str) -> list[Task]:
        """What is waiting for this person: audits to do, reflections to write, moderation."""
        async with self._sessions() as session:
            actor = await self._actor(session, user_id)
            if actor.person_id is None:
                return []
            me = actor.person_id
            found: list[Task] = []
            open_statuses = (AuditStatus.ASSIGNED.value, AuditStatus.IN_PROGRESS.value)
            for a in await session.scalars(
                select(AuditAssignment)
                .where(AuditAssignment.auditor_id == me, AuditAssignment.status.in_(open_statuses))
                .order_by(AuditAssignment.due_date, AuditAssignment.id)
            ):
                title = text.TASK_AUDIT_RESUME if a.status == AuditStatus.IN_PROGRESS else text.TASK_AUDIT_START
                found.append(Task("audit", a.id, a.case_ref, title, a.due_date))
            reflected = select(AuditReflection.assignment_id)
            for a in await session.scalars(
                select(AuditAssignment)
                .where(
                    AuditAssignment.practitioner_id == me,
                    AuditAssignment.status != AuditStatus.CANCELLED.value,
                    AuditAssignment.id.not_in(reflected),
                )
                .order_by(AuditAssignment.due_date, AuditAssignment.id)
            ):
                found.append(Task("reflection", a.id, a.case_ref, text.TASK_REFLECTION, a.due_date))
            for a in await session.scalars(
                select(AuditAssignment)
                .where(AuditAssignment.moderator_id == me, AuditAssignment.status == AuditStatus.MODERATION.value)
                .order_by(AuditAssignment.id)
            ):
                found.append(Task("moderation", a.id, a.case_ref, text.TASK_MODERATION, None))
            if actor.has(Role.QA_LEAD):
                found += await self._waiting_for_a_moderator(session, actor)
            return found

    async def _waiting_for_a_moderator(self, session: AsyncSession, actor: Actor) -> list[Task]:
        """For a QA lead: audits selected for moderation that nobody could be assigned, so they are
        in nobody else's tasks. Normally the QA lead is the audit's auditor or practitioner (an
        independent QA lead would have been chosen), so it is shown with what to do and no button;
        a QA lead the policy lets moderate it (one who got the role after it was submitted, before
        the reminder pass) is offered it."""
        found: list[Task] = []
        for a in await session.scalars(
            select(AuditAssignment)
            .where(AuditAssignment.moderator_id.is_(None), AuditAssignment.status == AuditStatus.MODERATION.value)
            .order_by(AuditAssignment.id)
        ):
            if policy.allows(actor, Permission.MODERATE, audit_record(a)):
                found.append(Task("moderation", a.id, a.case_ref, text.TASK_MODERATION, None, text.TASK_UNASSIGNED))
            else:
                found.append(
                    Task("no moderator", a.id, a.case_ref, text.TASK_NO_MODERATOR, None, text.TASK_NO_MODERATOR_HINT)
                )
        return found

    # -- team audits ---------------------------------------------------------------------------

    async def team_audits(self, user_id: str) -> list[TeamAudit]:
        """The audits a team manager (of their teams) or the QA lead (of every team) may open,
        latest due first. The list itself is a view of case references, so it is logged."""
        async with transaction(self._sessions) as session:
            actor = await self._actor(session, user_id)
            overall = aliased(AuditGrade)
            query = (
                select(
                    AuditAssignment,
                    Team.name,
                    Person.display_name,
                    func.coalesce(AuditModeration.moderated_grade, overall.grade),
                )
                .join(Team, Team.id == AuditAssignment.team_id)
                .join(Person, Person.id == AuditAssignment.auditor_id)
                .outerjoin(AuditSubmission, AuditSubmission.assignment_id == AuditAssignment.id)
                .outerjoin(overall, (overall.submission_id == AuditSubmission.id) & overall.is_overall.is_(True))
                .outerjoin(AuditModeration, AuditModeration.grade_id == overall.id)
                .where(AuditAssignment.status != AuditStatus.CANCELLED.value)
            )
            if not actor.has(Role.QA_LEAD):
                if not actor.managed_team_ids:
                    raise NotAllowed(text.ONLY_MANAGERS_SEE_TEAM_AUDITS)
                query = query.where(AuditAssignment.team_id.in_(actor.managed_team_ids))
            rows = await session.execute(
                query.order_by(AuditAssignment.due_date.desc(), AuditAssignment.id.desc()).limit(TEAM_AUDITS_SHOWN)
            )
            found = [
                TeamAudit(
                    a.id,
                    a.case_ref,
                    team,
                    auditor,
                    a.status,
                    a.due_date,
                    grade,
                    no_moderator=a.status == AuditStatus.MODERATION and a.moderator_id is None,
                )
                for a, team, auditor, grade in rows
            ]
            await access_log.record(
                session, actor, access_log.VIEW, "audit list", None, {"audits": [x.assignment_id for x in found]}
            )
            return found

    # -- helpers -------------------------------------------------------------------------------

    def _audit_template(self, template_id: str) -> Template:
        try:
            template = self.templates.get(template_id)
        except KeyError:
            template = None
        if template is None or template.kind != TemplateKind.AUDIT:
            known = ", ".join(t.id for t in self.audit_templates())
            raise InvalidInput(text.UNKNOWN_TEMPLATE.format(known=known), {"template": text.UNKNOWN_TEMPLATE_SHORT})
        return template

    async def _actor(self, session: AsyncSession, user_id: str | None) -> Actor:
        if user_id is None:
            return actors.NOBODY
        return await actors.load_for_teams_user(session, user_id)

    async def _load(self, session: AsyncSession, assignment_id: int) -> Loaded:
        assignment = await session.get(AuditAssignment, assignment_id)
        if assignment is None:
            raise NotFound(text.NO_SUCH_AUDIT)
        audit_round = await session.get(AuditRound, assignment.round_id)
        practitioner = await session.get(Person, assignment.practitioner_id)
        auditor = await session.get(Person, assignment.auditor_id)
        team = await session.get(Team, assignment.team_id) if assignment.team_id else None
        assert audit_round is not None and practitioner is not None and auditor is not None
        template = self.templates.get(audit_round.template_id, audit_round.template_version)
        return Loaded(assignment, audit_round, template, team, practitioner, auditor)

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        return self._sessions

    def today(self) -> date:
        """Today in the council's time zone (due dates are local dates)."""
        return self._clock.now().astimezone(self._time_zone).date()
