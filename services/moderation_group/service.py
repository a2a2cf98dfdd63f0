"""The moderation group: the QA lead schedules a meeting (date, members by role, cadence) with
audits picked or sampled; members read each audit read-only and record what the group agreed
(overall grade and learning themes), which the auditor and the practitioner are told; the
meeting's own themes close it and record the QA calendar's moderation group occurrence held.

Every call names the person acting by their Teams user id (or qop person id), checks
``services.policy`` (``RecordKind.MODERATION_GROUP``) and writes the access log in the
transaction that does the work. Per-audit moderation (``services.audits.moderation``) is untouched.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from cards import moderation_group as group_cards
from cards import text_moderation_group as text
from services import access_log, actors, policy
from services.actors import Actor, ActorId
from services.audits.loading import RECORD as AUDIT_RECORD
from services.audits.loading import AuditContext, Loaded
from services.audits.moderation import outcome_of
from services.audits.reading import submitted_view
from services.errors import InvalidInput, NotFound
from services.moderation_group import checks
from services.moderation_group.calendar import CalendarLink
from services.moderation_group.report import themes_between
from services.policy import Permission
from services.templates.loader import DEFAULT_GRADE_SCALE
from storage.db import transaction
from storage.models import ModerationGroupAudit, ModerationGroupMeeting, ModerationGroupMember
from storage.repositories import audits as audit_rows
from storage.repositories import moderation_group as rows
from views.audits import SubmittedAudit
from views.moderation_group import (
    AREA_INPUT,
    AUDITS_INPUT,
    DEFAULT_CADENCE,
    GRADE_INPUT,
    LEARNING_INPUT,
    MEMBER_ROLES,
    MEMBERS_INPUT,
    NOTES_INPUT,
    SUBMISSION_KEY,
    AuditChoice,
    CloseForm,
    GroupAudit,
    GroupMember,
    MeetingList,
    MeetingSummary,
    MeetingView,
    MemberChoice,
    ModerationGroupThemes,
    OutcomeForm,
    OutcomeNotice,
    ScheduleForm,
)
from views.observations import Choice
from views.templates import GradeScale, Template

RECORD = "moderation group"
AUDITS_OFFERED = 40
"""Submitted audits the schedule card lists to pick from (the latest); sampling reaches the rest."""
MEETINGS_LISTED = 10


class ModerationGroupService:
    """Scheduling moderation group meetings, reading their audits and recording what they agreed."""

    def __init__(self, *, context: AuditContext, calendar: CalendarLink, rng: random.Random | None = None) -> None:
        self._context = context
        self._calendar = calendar
        self.rng = rng or random.Random()

    # -- the list and scheduling -------------------------------------------------------------------

    async def meetings(self, actor_id: ActorId) -> MeetingList:
        """The meetings this person sits in (every meeting for the QA lead), latest first."""
        async with transaction(self._context.sessions) as session:
            actor = await actors.load(session, actor_id)
            may_schedule = policy.allows(actor, Permission.CHANGE, policy.moderation_group())
            if not actor.is_member:  # someone qop cannot match, or who has left: the policy's own refusal
                policy.require(actor, Permission.VIEW, policy.moderation_group())
            found = await rows.meetings_for(session, None if may_schedule else actor.person_id, limit=MEETINGS_LISTED)
            summaries = []
            for meeting in found:
                listed = await rows.audits_of(session, meeting.id)
                recorded = sum(1 for item in listed if item.agreed_grade)
                summaries.append(
                    MeetingSummary(meeting.id, meeting.meets_on, len(listed), recorded, meeting.closed_at is not None)
                )
            return MeetingList(tuple(summaries), may_schedule)

    async def new_form(self, actor_id: ActorId) -> ScheduleForm:
        """The QA lead's blank schedule card."""
        async with transaction(self._context.sessions) as session:
            await self._scheduler(session, actor_id)
            return await self._form(session, new_key())

    async def schedule(self, actor_id: ActorId, data: dict[str, Any]) -> ScheduleForm | MeetingView:
        """Schedule a meeting, or give the card back with what needs fixing. Each member is sent
        the meeting; the card's submission key makes a second click show the first meeting."""
        key = str(data.get(SUBMISSION_KEY) or "").strip()[:64] or new_key()
        try:
            async with transaction(self._context.sessions) as session:
                actor = await self._scheduler(session, actor_id)
                earlier = await rows.meeting_by_key(session, key)
                if earlier is not None:
                    return await self._view(session, earlier, actor)
                form = await self._form(session, key, checks.values_of(data, checks.SCHEDULE_INPUTS))
                meeting = await self._create(session, actor, form)
                if isinstance(meeting, ScheduleForm):
                    return meeting
                view = await self._view(session, meeting, actor)
                member_ids = [m.person_id for m, _ in await rows.members_of(session, meeting.id)]
        except IntegrityError:
            async with self._context.sessions() as session:
                earlier = await rows.meeting_by_key(session, key)
                if earlier is None:
                    raise
                return await self._view(session, earlier, await actors.load(session, actor_id))
        for person_id in member_ids:
            await self._context.notifier.send_card(
                person_id, group_cards.invitation_card(view), key=f"moderation-group-{view.id}-member-{person_id}"
            )
        return view

    async def _scheduler(self, session: AsyncSession, actor_id: ActorId) -> Actor:
        actor = await actors.load(session, actor_id)
        policy.require(actor, Permission.CHANGE, policy.moderation_group())
        return actor

    async def _form(self, session: AsyncSession, key: str, values: dict[str, str] | None = None) -> ScheduleForm:
        members = tuple(
            MemberChoice(person.id, person.display_name, role)
            for person, role in await rows.people_holding(session, MEMBER_ROLES)
        )
        taken = await rows.listed_assignment_ids(session)
        submitted = await rows.submitted_audits(session, limit=AUDITS_OFFERED + len(taken))
        audits = tuple(
            AuditChoice(r.assignment.id, r.assignment.case_ref, r.team_name, self._overall_label(r), _day(r))
            for r in submitted
            if r.assignment.id not in taken
        )[:AUDITS_OFFERED]
        areas = tuple(Choice(str(area.id), area.name) for area in await rows.active_areas(session))
        default = await self._default_date(session)
        return ScheduleForm(members, audits, areas, default, key, values or {})

    async def _default_date(self, session: AsyncSession) -> date:
        """After the latest meeting by its cadence, else the QA calendar's next moderation group."""
        today = self._context.today()
        latest = await rows.latest_meeting(session)
        if latest is not None:
            following = _months_later(latest.meets_on, latest.cadence_months)
            if following >= today:
                return following
        return self._calendar.next_due(today) or today

    async def _create(
        self, session: AsyncSession, actor: Actor, form: ScheduleForm
    ) -> ScheduleForm | ModerationGroupMeeting:
        values, today = form.values, self._context.today()
        meets_on, cadence, errors = checks.check_date_and_cadence(values, today)
        roles = {m.person_id: m.role for m in form.members}
        member_ids, member_errors = checks.check_members(values[MEMBERS_INPUT], set(roles))
        audit_ids, audit_errors = await self._audits_chosen(session, form, values)
        errors.update(member_errors | audit_errors)
        if errors or meets_on is None:
            return ScheduleForm(
                form.members, form.audits, form.areas, form.default_date, form.submission_key, values, errors
            )
        meeting = ModerationGroupMeeting(
            meets_on=meets_on,
            cadence_months=cadence or DEFAULT_CADENCE,
            calendar_due_on=self._calendar.due_for(meets_on),
            scheduled_by_id=actor.person_id,
            scheduled_at=self._context.clock.now(),
            themes=[],
            submission_key=form.submission_key,
        )
        session.add(meeting)
        await session.flush()
        session.add_all(ModerationGroupMember(meeting_id=meeting.id, person_id=p, role=roles[p]) for p in member_ids)
        for assignment_id in audit_ids:
            submission = await audit_rows.submission_of(session, assignment_id)
            grade = submission.overall_grade if submission else None
            session.add(
                ModerationGroupAudit(
                    meeting_id=meeting.id, assignment_id=assignment_id, original_grade=grade, themes=[]
                )
            )
        await session.flush()
        await access_log.record(
            session, actor, "schedule", RECORD, meeting.id, {"members": member_ids, "audits": audit_ids}
        )
        return meeting

    async def _audits_chosen(
        self, session: AsyncSession, form: ScheduleForm, values: dict[str, str]
    ) -> tuple[list[int], dict[str, str]]:
        """The audits picked, or a sample drawn from the period and area asked for."""
        picked = values[AUDITS_INPUT]
        if picked and values[checks.SAMPLE_INPUT]:
            return [], {AUDITS_INPUT: text.AUDITS_BOTH}
        if picked:
            ids = checks.ids_of(picked)
            if not ids or not set(ids) <= {a.assignment_id for a in form.audits}:
                return [], {AUDITS_INPUT: text.AUDIT_UNKNOWN}
            return ids, {}
        if not values[checks.SAMPLE_INPUT]:
            return [], {AUDITS_INPUT: text.AUDITS_NEEDED}
        size, since, until, errors = checks.check_sample(values, self._context.today())
        area_id, area_name = None, ""
        if values[AREA_INPUT]:
            area = next((a for a in form.areas if a.value == values[AREA_INPUT]), None)
            if area is None:
                return [], {AREA_INPUT: text.AREA_UNKNOWN}
            area_id, area_name = int(area.value), area.label
        if errors:
            return [], errors
        taken = await rows.listed_assignment_ids(session)
        pool = [
            r.assignment.id
            for r in await rows.submitted_audits(session, since=since, until=until, service_area_id=area_id)
            if r.assignment.id not in taken
        ]
        if not pool:
            where = text.IN_AREA.format(area=area_name) if area_name else ""
            return [], {checks.SAMPLE_INPUT: text.NOTHING_TO_SAMPLE.format(area=where)}
        return sorted(self.rng.sample(sorted(pool), min(size, len(pool)))), {}

    # -- the meeting and its audits ----------------------------------------------------------------

    async def meeting(self, actor_id: ActorId, meeting_id: int) -> MeetingView:
        """The meeting for its members and the QA lead."""
        async with transaction(self._context.sessions) as session:
            actor = await actors.load(session, actor_id)
            meeting = await self._load(session, meeting_id)
            policy.require(actor, Permission.VIEW, await self._record(session, meeting))
            await access_log.record(session, actor, access_log.VIEW, RECORD, meeting.id)
            return await self._view(session, meeting, actor)

    async def read_audit(self, actor_id: ActorId, meeting_id: int, assignment_id: int) -> SubmittedAudit:
        """An audit on the meeting's list, read-only as submitted, for the meeting's members."""
        async with transaction(self._context.sessions) as session:
            actor = await actors.load(session, actor_id)
            meeting = await self._load(session, meeting_id)
            policy.require(actor, Permission.VIEW, await self._record(session, meeting))
            await self._listed(session, meeting.id, assignment_id)
            item = await self._context.load(session, assignment_id)
            detail = {"for": RECORD, "meeting": meeting.id}
            await access_log.record(session, actor, access_log.VIEW, AUDIT_RECORD, assignment_id, detail)
            return await submitted_view(self._context, session, item)

    async def open_outcome(self, actor_id: ActorId, meeting_id: int, assignment_id: int) -> OutcomeForm | MeetingView:
        """The card to record the group's outcome for one audit (the meeting once it is recorded)."""
        async with transaction(self._context.sessions) as session:
            actor = await actors.load(session, actor_id)
            meeting, listed, item = await self._outcome_parts(session, actor, meeting_id, assignment_id)
            if listed.agreed_grade is not None or meeting.closed_at is not None:
                return await self._view(session, meeting, actor)
            view = await submitted_view(self._context, session, item)
            return OutcomeForm(meeting.id, view, listed.original_grade, grade_labels=self._scale(item.template).labels)

    async def record_outcome(
        self, actor_id: ActorId, meeting_id: int, assignment_id: int, data: dict[str, Any]
    ) -> OutcomeForm | MeetingView:
        """Keep the grade and learning themes the group agreed (the first record stands) and tell
        the auditor and the practitioner."""
        async with transaction(self._context.sessions) as session:
            actor = await actors.load(session, actor_id)
            meeting, listed, item = await self._outcome_parts(session, actor, meeting_id, assignment_id)
            if meeting.closed_at is not None:
                raise InvalidInput(text.MEETING_ALREADY_CLOSED)
            if listed.agreed_grade is not None:
                return await self._view(session, meeting, actor)
            values = checks.values_of(data, checks.OUTCOME_INPUTS)
            scale = self._scale(item.template)
            case_ref = item.assignment.case_ref
            themes, errors = checks.check_outcome(values, listed.original_grade, case_ref, scale.labels)
            if errors:
                view = await submitted_view(self._context, session, item)
                return OutcomeForm(meeting.id, view, listed.original_grade, values, errors, grade_labels=scale.labels)
            agreed = values[GRADE_INPUT]
            known = listed.original_grade in scale.labels
            outcome = {
                "agreed_grade": agreed,
                "outcome": outcome_of(listed.original_grade, agreed, scale).value if known else None,
                "themes": themes,
                "learning": values[LEARNING_INPUT] or None,
                "recorded_by_id": actor.person_id,
                "recorded_at": self._context.clock.now(),
            }
            claimed = await rows.claim_outcome(session, listed.id, outcome)
            await session.refresh(meeting)
            await session.refresh(listed)
            if not claimed:  # another member saved it, or the meeting was closed, a moment ago
                if meeting.closed_at is not None:
                    raise InvalidInput(text.MEETING_ALREADY_CLOSED)
                return await self._view(session, meeting, actor)
            detail = {"meeting": meeting.id, "outcome": listed.outcome}
            await access_log.record(session, actor, "moderation group outcome", AUDIT_RECORD, assignment_id, detail)
            notice = _notice(meeting, listed, case_ref, scale.labels)
            told = (item.assignment.auditor_id, item.assignment.practitioner_id)
            result = await self._view(session, meeting, actor)
        for person_id in told:
            await self._context.notifier.send_card(
                person_id,
                group_cards.outcome_notice_card(notice),
                key=f"moderation-group-{meeting_id}-audit-{assignment_id}-{person_id}",
            )
        return result

    async def _outcome_parts(
        self, session: AsyncSession, actor: Actor, meeting_id: int, assignment_id: int
    ) -> tuple[ModerationGroupMeeting, ModerationGroupAudit, Loaded]:
        meeting = await self._load(session, meeting_id)
        listed = await self._listed(session, meeting.id, assignment_id)
        item = await self._context.load(session, assignment_id)
        a = item.assignment
        record = await self._record(session, meeting, practitioner_id=a.practitioner_id, auditor_id=a.auditor_id)
        policy.require(actor, Permission.SUBMIT, record)
        return meeting, listed, item

    # -- closing the meeting -----------------------------------------------------------------------

    async def open_close(self, actor_id: ActorId, meeting_id: int) -> CloseForm | MeetingView:
        """The card for the meeting's own themes and notes (the meeting itself once closed)."""
        async with transaction(self._context.sessions) as session:
            actor, meeting = await self._closer(session, actor_id, meeting_id)
            view = await self._view(session, meeting, actor)
            return view if meeting.closed_at is not None else CloseForm(view)

    async def close(self, actor_id: ActorId, meeting_id: int, data: dict[str, Any]) -> CloseForm | MeetingView:
        """Keep the meeting's themes and notes, close it, and record the QA calendar's moderation
        group occurrence held (unless someone recorded it already)."""
        async with transaction(self._context.sessions) as session:
            actor, meeting = await self._closer(session, actor_id, meeting_id)
            if meeting.closed_at is not None:
                return await self._view(session, meeting, actor)
            values = checks.values_of(data, checks.CLOSE_INPUTS)
            themes, errors = checks.check_close(values)
            if errors:
                return CloseForm(await self._view(session, meeting, actor), values, errors)
            closing = {
                "themes": themes,
                "notes": values[NOTES_INPUT] or None,
                "closed_by_id": actor.person_id,
                "closed_at": self._context.clock.now(),
            }
            claimed = await rows.claim_close(session, meeting.id, closing)
            await session.refresh(meeting)
            if not claimed:  # closed by someone else a moment ago: their record stands
                return await self._view(session, meeting, actor)
            await access_log.record(session, actor, "close", RECORD, meeting.id)
            members = [m.person_id for m, _ in await rows.members_of(session, meeting.id)]
            await self._calendar.record_held(session, meeting, members)
            return await self._view(session, meeting, actor)

    async def _closer(
        self, session: AsyncSession, actor_id: ActorId, meeting_id: int
    ) -> tuple[Actor, ModerationGroupMeeting]:
        actor = await actors.load(session, actor_id)
        meeting = await self._load(session, meeting_id)
        policy.require(actor, Permission.SUBMIT, await self._record(session, meeting))
        return actor, meeting

    # -- themes for digests and reports --------------------------------------------------------------

    async def themes(self, *, since: date, until: date) -> ModerationGroupThemes:
        """What the meetings held from ``since`` to ``until`` (inclusive) agreed, as counts only."""
        async with self._context.sessions() as session:
            return await themes_between(session, since, until)

    # -- grade scales --------------------------------------------------------------------------------

    def _scale(self, template: Template) -> GradeScale:
        """The scale the group agrees an audit's overall grade on: its overall grade question's, else
        the library's default (a template that grades no overall, such as a dip sample)."""
        question = template.overall_grade_question
        if question is not None and question.grade_scale is not None:
            return question.grade_scale
        scales = self._context.templates.grade_scales()
        return next((s for s in scales if s.id == DEFAULT_GRADE_SCALE), scales[0])

    def _overall_label(self, row: rows.SubmittedRow) -> str | None:
        grade = row.submission.overall_grade
        if grade is None:
            return None
        template = self._context.templates.get(row.submission.template_id, row.submission.template_version)
        return self._scale(template).labels.get(grade, grade)

    # -- helpers -------------------------------------------------------------------------------------

    async def _load(self, session: AsyncSession, meeting_id: int) -> ModerationGroupMeeting:
        meeting = await session.get(ModerationGroupMeeting, meeting_id)
        if meeting is None:
            raise NotFound(text.NO_SUCH_MEETING)
        return meeting

    async def _listed(self, session: AsyncSession, meeting_id: int, assignment_id: int) -> ModerationGroupAudit:
        listed = await rows.listed_audit(session, meeting_id, assignment_id)
        if listed is None:
            raise NotFound(text.NOT_ON_THE_LIST)
        return listed

    async def _record(
        self,
        session: AsyncSession,
        meeting: ModerationGroupMeeting,
        *,
        practitioner_id: int | None = None,
        auditor_id: int | None = None,
    ) -> policy.RecordContext:
        members = [m.person_id for m, _ in await rows.members_of(session, meeting.id)]
        return policy.moderation_group(
            member_ids=members, practitioner_id=practitioner_id, auditor_ids=[auditor_id] if auditor_id else []
        )

    async def _view(self, session: AsyncSession, meeting: ModerationGroupMeeting, viewer: Actor) -> MeetingView:
        members = await rows.members_of(session, meeting.id)
        lines = []
        for listed in await rows.audits_of(session, meeting.id):
            item = await self._context.load(session, listed.assignment_id)
            lines.append(
                GroupAudit(
                    assignment_id=listed.assignment_id,
                    case_ref=item.assignment.case_ref,
                    team_name=item.team.name if item.team else "",
                    template_title=item.template.title,
                    original_grade=listed.original_grade,
                    agreed_grade=listed.agreed_grade,
                    outcome=listed.outcome,
                    themes=tuple(listed.themes or ()),
                    learning=listed.learning,
                    grade_labels=self._scale(item.template).labels,
                )
            )
        record = policy.moderation_group(member_ids=[m.person_id for m, _ in members])
        return MeetingView(
            id=meeting.id,
            meets_on=meeting.meets_on,
            cadence_months=meeting.cadence_months,
            members=tuple(GroupMember(name, member.role) for member, name in members),
            audits=tuple(lines),
            themes=tuple(meeting.themes or ()),
            notes=meeting.notes,
            closed=meeting.closed_at is not None,
            calendar_due_on=meeting.calendar_due_on,
            viewer_may_close=policy.allows(viewer, Permission.SUBMIT, record) and meeting.closed_at is None,
            next_meeting_on=_months_later(meeting.meets_on, meeting.cadence_months),
        )


def new_key() -> str:
    """A fresh submission key for a new schedule card."""
    return uuid.uuid4().hex


def _day(row: rows.SubmittedRow) -> date:
    return row.submission.submitted_at.date()


def _months_later(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    following = date(year + month // 12, month % 12 + 1, 1)
    return date(year, month, min(day.day, (following - timedelta(days=1)).day))


def _notice(
    meeting: ModerationGroupMeeting, listed: ModerationGroupAudit, case_ref: str, labels: dict[str, str]
) -> OutcomeNotice:
    assert listed.agreed_grade is not None
    return OutcomeNotice(
        assignment_id=listed.assignment_id,
        case_ref=case_ref,
        meets_on=meeting.meets_on,
        original_grade=listed.original_grade,
        agreed_grade=listed.agreed_grade,
        outcome=listed.outcome or "",
        themes=tuple(listed.themes or ()),
        learning=listed.learning,
        grade_labels=labels,
    )
