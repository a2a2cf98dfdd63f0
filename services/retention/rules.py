"""What each kind of record is, when its retention clock starts, and how it is removed.

A ``Rule`` selects the rows of one table that are due (their clock started before the cutoff)
and removes a batch of them by id: deleted with the rows that only exist for them, or, for
drafts, emptied. A kind may have several rules (delivery records: sends, reminder claims,
finished broadcasts). docs/retention.md says the same in words.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.retention.policy import Kind
from storage.models import (
    AccessLogEntry,
    Action,
    ActionDateChange,
    ActionEvent,
    ActionStatus,
    AssuranceUpdate,
    AuditAssignment,
    AuditEscalation,
    AuditGrade,
    AuditModeration,
    AuditReflection,
    AuditRound,
    AuditStatus,
    AuditSubmission,
    Broadcast,
    CalendarAttendee,
    CalendarOccurrence,
    ClientFeedbackEntry,
    Delivery,
    DeliveryStatus,
    FeedbackLink,
    FeedbackResponse,
    ImprovementMilestone,
    ImprovementPlanChange,
    ImprovementPriority,
    ImprovementPriorityAction,
    ImprovementStatus,
    MappingAttendee,
    MappingMeeting,
    ModerationGroupAudit,
    ModerationGroupMeeting,
    ModerationGroupMember,
    PerformanceClinic,
    PracticeDay,
    PracticeDayCase,
    PracticeDayStatus,
    PracticeExample,
    PracticeObservation,
    QimDecision,
    QimDecisionChange,
    QimMeeting,
    SafetyAlert,
    SeniorLeadershipClinic,
    SentReminder,
    Survey,
    SurveyAnswerMark,
    SurveyRecipient,
)
from storage.repositories import audit_family

Remove = Callable[[AsyncSession, list[Any]], Awaitable[None]]


@dataclass(frozen=True)
class Rule:
    kind: Kind
    records: str
    """What one row is, in the report ("audits", "reminder claims")."""
    id_column: ColumnElement[Any]
    clock: ColumnElement[Any]
    """When the retention period starts for a row (a date or an aware datetime column)."""
    remove: Remove
    where: tuple[ColumnElement[bool], ...] = ()
    """Conditions besides the clock (e.g. only completed audits)."""
    join: tuple[Any, ColumnElement[bool]] | None = None
    """A table the clock lives in, and how it joins (drafts: the round's due date)."""

    def due(self, cutoff: datetime) -> Select[Any]:
        """The due rows' (id, clock), oldest first."""
        limit = cutoff.date() if _is_date(self.clock) else cutoff
        statement = select(self.id_column, self.clock)
        if self.join is not None:
            statement = statement.join(*self.join)
        return statement.where(self.clock < limit, *self.where).order_by(self.clock, self.id_column)


def _is_date(column: ColumnElement[Any]) -> bool:
    return getattr(column.type, "python_type", None) is date


# -- removals ------------------------------------------------------------------------------------


async def _remove_audits(session: AsyncSession, ids: list[int]) -> None:
    await audit_family.forget_audits(session, ids)
    submissions = select(AuditSubmission.id).where(AuditSubmission.assignment_id.in_(ids))
    grades = select(AuditGrade.id).where(AuditGrade.submission_id.in_(submissions))
    await session.execute(delete(AuditModeration).where(AuditModeration.grade_id.in_(grades)))
    await session.execute(delete(AuditGrade).where(AuditGrade.submission_id.in_(submissions)))
    await session.execute(delete(AuditSubmission).where(AuditSubmission.assignment_id.in_(ids)))
    await session.execute(delete(AuditReflection).where(AuditReflection.assignment_id.in_(ids)))
    await session.execute(delete(AuditEscalation).where(AuditEscalation.assignment_id.in_(ids)))
    await session.execute(delete(ModerationGroupAudit).where(ModerationGroupAudit.assignment_id.in_(ids)))
    rounds = select(AuditAssignment.round_id).where(AuditAssignment.id.in_(ids)).distinct()
    round_ids = list(await session.scalars(rounds))
    await session.execute(delete(AuditAssignment).where(AuditAssignment.id.in_(ids)))
    emptied = AuditRound.id.in_(round_ids) & ~exists().where(AuditAssignment.round_id == AuditRound.id)
    await session.execute(delete(AuditRound).where(emptied))


async def _empty_drafts(session: AsyncSession, ids: list[int]) -> None:
    # updated_at is kept as it was: it is the audit's own retention clock.
    await session.execute(
        update(AuditAssignment)
        .where(AuditAssignment.id.in_(ids))
        .values(draft={}, reflection_draft={}, draft_page=0, draft_saved_at=None, updated_at=AuditAssignment.updated_at)
    )


async def _remove_surveys(session: AsyncSession, ids: list[int]) -> None:
    responses = select(FeedbackResponse.id).where(FeedbackResponse.survey_id.in_(ids))
    await session.execute(delete(SafetyAlert).where(SafetyAlert.response_id.in_(responses)))
    await session.execute(delete(FeedbackResponse).where(FeedbackResponse.survey_id.in_(ids)))
    await session.execute(delete(SurveyAnswerMark).where(SurveyAnswerMark.survey_id.in_(ids)))
    await session.execute(delete(SurveyRecipient).where(SurveyRecipient.survey_id.in_(ids)))
    await session.execute(delete(Survey).where(Survey.id.in_(ids)))


async def _remove_actions(session: AsyncSession, ids: list[int]) -> None:
    for child in (ActionEvent, ActionDateChange, SentReminder, AssuranceUpdate):
        await session.execute(delete(child).where(child.action_id.in_(ids)))
    await session.execute(delete(Action).where(Action.id.in_(ids)))


async def _remove_practice_days(session: AsyncSession, ids: list[int]) -> None:
    await session.execute(delete(PracticeDayCase).where(PracticeDayCase.practice_day_id.in_(ids)))
    await session.execute(delete(PracticeDay).where(PracticeDay.id.in_(ids)))


async def _remove_mapping_meetings(session: AsyncSession, ids: list[int]) -> None:
    await session.execute(delete(MappingAttendee).where(MappingAttendee.meeting_id.in_(ids)))
    await session.execute(delete(MappingMeeting).where(MappingMeeting.id.in_(ids)))


async def _remove_moderation_group_meetings(session: AsyncSession, ids: list[int]) -> None:
    await session.execute(delete(ModerationGroupAudit).where(ModerationGroupAudit.meeting_id.in_(ids)))
    await session.execute(delete(ModerationGroupMember).where(ModerationGroupMember.meeting_id.in_(ids)))
    await session.execute(delete(ModerationGroupMeeting).where(ModerationGroupMeeting.id.in_(ids)))


async def _remove_priorities(session: AsyncSession, ids: list[int]) -> None:
    for child in (ImprovementMilestone, ImprovementPriorityAction, ImprovementPlanChange, AssuranceUpdate):
        await session.execute(delete(child).where(child.priority_id.in_(ids)))
    await session.execute(delete(ImprovementPriority).where(ImprovementPriority.id.in_(ids)))


async def _remove_qim_meetings(session: AsyncSession, ids: list[int]) -> None:
    decisions = select(QimDecision.id).where(QimDecision.meeting_id.in_(ids))
    await session.execute(delete(QimDecisionChange).where(QimDecisionChange.decision_id.in_(decisions)))
    await session.execute(delete(QimDecision).where(QimDecision.meeting_id.in_(ids)))
    await session.execute(delete(QimMeeting).where(QimMeeting.id.in_(ids)))


async def _remove_calendar_occurrences(session: AsyncSession, ids: list[int]) -> None:
    await session.execute(delete(CalendarAttendee).where(CalendarAttendee.occurrence_id.in_(ids)))
    await session.execute(delete(CalendarOccurrence).where(CalendarOccurrence.id.in_(ids)))


def _deleting(model: Any) -> Remove:
    async def remove(session: AsyncSession, ids: list[Any]) -> None:
        await session.execute(delete(model).where(model.id.in_(ids)))

    return remove


RULES: tuple[Rule, ...] = (
    Rule(
        Kind.AUDIT_DRAFTS,
        "saved drafts",
        AuditAssignment.id,
        AuditRound.due_date,
        _empty_drafts,
        where=(AuditAssignment.draft_saved_at.is_not(None),),
        join=(AuditRound, AuditRound.id == AuditAssignment.round_id),
    ),
    Rule(
        Kind.MODERATION,
        "moderation decisions",
        AuditModeration.id,
        AuditModeration.moderated_at,
        _deleting(AuditModeration),
    ),
    Rule(
        Kind.AUDITS,
        "audits",
        AuditAssignment.id,
        AuditAssignment.updated_at,
        _remove_audits,
        where=(AuditAssignment.status.in_([AuditStatus.COMPLETED.value, AuditStatus.CANCELLED.value]),),
    ),
    Rule(
        Kind.AUDITS,
        "practice days (with their cases and pairs)",
        PracticeDay.id,
        PracticeDay.held_on,
        _remove_practice_days,
        where=(PracticeDay.status.in_([PracticeDayStatus.CLOSED.value, PracticeDayStatus.NOT_STARTED.value]),),
    ),
    Rule(Kind.SAFETY_ALERTS, "safety alerts", SafetyAlert.id, SafetyAlert.raised_at, _deleting(SafetyAlert)),
    Rule(
        Kind.FAMILY_FEEDBACK,
        "family feedback responses",
        FeedbackResponse.id,
        FeedbackResponse.submitted_at,
        _deleting(FeedbackResponse),
        # An answer that raised a safety alert stays while the alert is kept.
        where=(
            FeedbackResponse.survey_id.is_(None),
            ~exists().where(SafetyAlert.response_id == FeedbackResponse.id),
        ),
    ),
    Rule(
        Kind.FEEDBACK_LINKS,
        "feedback links",
        FeedbackLink.id,
        FeedbackLink.expires_at,
        _deleting(FeedbackLink),
        where=(~exists().where(FeedbackResponse.link_id == FeedbackLink.id),),
    ),
    Rule(
        Kind.STAFF_SURVEY_ANSWERS,
        "surveys (answers, marks, recipients)",
        Survey.id,
        Survey.closes_at,
        _remove_surveys,
    ),
    Rule(
        Kind.ACTIONS,
        "closed actions",
        Action.id,
        Action.updated_at,
        _remove_actions,
        where=(Action.status.in_([ActionStatus.DONE.value, ActionStatus.CANCELLED.value]),),
    ),
    Rule(
        Kind.DELIVERY_RECORDS,
        "sends",
        Delivery.id,
        Delivery.created_at,
        _deleting(Delivery),
        where=(Delivery.status != DeliveryStatus.QUEUED.value,),
    ),
    Rule(
        Kind.DELIVERY_RECORDS,
        "reminder claims",
        SentReminder.id,
        SentReminder.claimed_at,
        _deleting(SentReminder),
        where=(SentReminder.handed_over_at.is_not(None),),
    ),
    Rule(
        Kind.DELIVERY_RECORDS,
        "finished broadcasts",
        Broadcast.id,
        Broadcast.created_at,
        _deleting(Broadcast),
        where=(Broadcast.status != "running", ~exists().where(Delivery.broadcast_id == Broadcast.id)),
    ),
    Rule(Kind.ACCESS_LOG, "access log entries", AccessLogEntry.id, AccessLogEntry.at, _deleting(AccessLogEntry)),
    Rule(
        Kind.OBSERVATIONS,
        "practice observations",
        PracticeObservation.id,
        PracticeObservation.recorded_at,
        _deleting(PracticeObservation),
    ),
    Rule(
        Kind.MAPPING_MEETINGS,
        "mapping meetings (with attendees)",
        MappingMeeting.id,
        MappingMeeting.held_on,
        _remove_mapping_meetings,
    ),
    Rule(
        Kind.MODERATION_GROUP,
        "moderation group meetings (members, outcomes)",
        ModerationGroupMeeting.id,
        ModerationGroupMeeting.meets_on,
        _remove_moderation_group_meetings,
        where=(ModerationGroupMeeting.closed_at.is_not(None),),
    ),
    Rule(
        Kind.CLIENT_FEEDBACK,
        "compliments and complaints",
        ClientFeedbackEntry.id,
        ClientFeedbackEntry.received_on,
        _deleting(ClientFeedbackEntry),
    ),
    Rule(
        Kind.PRACTICE_EXAMPLES,
        "practice examples",
        PracticeExample.id,
        PracticeExample.created_at,
        _deleting(PracticeExample),
    ),
    Rule(
        Kind.IMPROVEMENT_PLAN,
        "closed improvement priorities (milestones, history)",
        ImprovementPriority.id,
        ImprovementPriority.updated_at,
        _remove_priorities,
        where=(ImprovementPriority.status.in_([ImprovementStatus.ACHIEVED.value, ImprovementStatus.WITHDRAWN.value]),),
    ),
    Rule(
        Kind.PERFORMANCE_CLINICS,
        "performance clinic packs",
        PerformanceClinic.id,
        PerformanceClinic.month,
        _deleting(PerformanceClinic),
    ),
    Rule(
        Kind.PERFORMANCE_CLINICS,
        "senior leadership clinic packs",
        SeniorLeadershipClinic.id,
        SeniorLeadershipClinic.month,
        _deleting(SeniorLeadershipClinic),
    ),
    Rule(
        Kind.QIM_MEETINGS,
        "QIM meetings (decisions, their changes)",
        QimMeeting.id,
        QimMeeting.meeting_on,
        _remove_qim_meetings,
    ),
    Rule(
        Kind.QA_CALENDAR,
        "QA calendar records (attendees, findings)",
        CalendarOccurrence.id,
        func.coalesce(CalendarOccurrence.held_on, CalendarOccurrence.due_on),
        _remove_calendar_occurrences,
        # A practice day's record stays while the practice day (kept with the audits) is.
        where=(~exists().where(PracticeDay.calendar_occurrence_id == CalendarOccurrence.id),),
    ),
)
"""In the order the purge runs them: drafts and moderation before the audits that hold them,
safety alerts before the answers they keep, answers before the links they used, practice days
before the QA calendar records they point to."""
