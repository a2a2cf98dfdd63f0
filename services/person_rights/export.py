"""A subject access request: everything qop holds about one member of staff.

``collect`` gathers it as plain sections of rows (one table per section, JSON-ready values);
``write_files`` writes them as one JSON file and one XLSX workbook (a sheet per section).
Case references are the council's record of which case an audit or action was about; qop holds
no child's name. Answers to anonymous surveys cannot be linked to anyone, so they are not here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from sqlalchemy import Select, String, cast, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.person_rights.mentions import FREE_TEXT, NameMatcher, rows_naming
from storage.models import (
    AccessLogEntry,
    Action,
    ActionDateChange,
    ActionEvent,
    AssuranceUpdate,
    AuditAssignment,
    AuditEscalation,
    AuditGrade,
    AuditModeration,
    AuditReflection,
    AuditRound,
    AuditSubmission,
    Broadcast,
    CalendarAttendee,
    CalendarOccurrence,
    ClientFeedbackEntry,
    Conversation,
    Delivery,
    FeedbackLink,
    FeedbackResponse,
    ImprovementMilestone,
    ImprovementPlanChange,
    ImprovementPriority,
    MappingAttendee,
    MappingMeeting,
    ModerationGroupAudit,
    ModerationGroupMeeting,
    ModerationGroupMember,
    Person,
    PracticeDay,
    PracticeDayCase,
    PracticeExample,
    PracticeObservation,
    QimDecision,
    QimDecisionChange,
    QimMeeting,
    RoleAssignment,
    SafetyAlert,
    ServiceArea,
    Survey,
    SurveyRecipient,
    Team,
)

ANONYMOUS_SURVEYS_NOTE = (
    "Answers to anonymous staff surveys are stored without any person, time or link to who gave "
    "them (only a keyed mark that someone answered), so they cannot be found for, or linked to, "
    "this person and are not in this export."
)
CASE_REFERENCE_NOTE = (
    "Case references identify the council's case records an audit, action or feedback was about; "
    "qop holds no child's name or other details of the child."
)
WITHHELD_NOTE = (
    "Withheld as other people's data: the words of a child or family that raised a safety alert, and "
    "the content of messages qop sent (their purpose, status and times are listed)."
)
SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


@dataclass
class PersonExport:
    person_id: int
    email: str
    exported_at: datetime
    sections: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=lambda: [CASE_REFERENCE_NOTE, ANONYMOUS_SURVEYS_NOTE, WITHHELD_NOTE])

    def as_json(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "email": self.email,
            "exported_at": self.exported_at.isoformat(),
            "notes": self.notes,
            "sections": self.sections,
        }

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in self.sections.items()}


async def collect(session: AsyncSession, person: Person, now: datetime) -> PersonExport:
    """Every section of the export for ``person`` (read inside the caller's session)."""
    pid = person.id
    export = PersonExport(pid, person.email or "", now)

    async def section(name: str, statement: Select[Any]) -> None:
        export.sections[name] = [_plain(row._mapping) for row in await session.execute(statement)]

    await section(
        "person",
        select(
            Person.id,
            Person.email,
            Person.display_name,
            Person.aad_object_id,
            Person.teams_user_id,
            Team.name.label("team"),
            Person.in_organisation,
            Person.active,
            Person.deactivated_at,
            Person.time_zone,
            Person.last_seen_at,
            Person.created_at,
            Person.updated_at,
        )
        .outerjoin(Team, Team.id == Person.team_id)
        .where(Person.id == pid),
    )
    await section(
        "roles",
        select(RoleAssignment.role, ServiceArea.name.label("service_area"), RoleAssignment.created_at)
        .outerjoin(ServiceArea, ServiceArea.id == RoleAssignment.service_area_id)
        .where(RoleAssignment.person_id == pid),
    )
    await section(
        "team_memberships",
        select(Team.id, Team.name, ServiceArea.name.label("service_area"), (Team.manager_id == pid).label("manages"))
        .join(ServiceArea, ServiceArea.id == Team.service_area_id)
        .where(or_(Team.id == person.team_id, Team.manager_id == pid)),
    )
    await section(
        "audits",
        select(
            AuditAssignment.id.label("audit_id"),
            AuditRound.title.label("round"),
            AuditAssignment.case_ref.label("case_reference"),
            (AuditAssignment.auditor_id == pid).label("as_auditor"),
            (AuditAssignment.practitioner_id == pid).label("as_practitioner"),
            (AuditAssignment.moderator_id == pid).label("as_moderator"),
            AuditAssignment.status,
            AuditAssignment.due_date,
            AuditSubmission.submitted_at,
            AuditSubmission.overall_grade,
            AuditSubmission.answers,
            AuditSubmission.practitioner_comment,
            AuditSubmission.practitioner_commented_at,
            AuditSubmission.practitioner_confirmation,
            AuditSubmission.practitioner_disagreement,
            AuditSubmission.practitioner_confirmed_at,
        )
        .join(AuditRound, AuditRound.id == AuditAssignment.round_id)
        .outerjoin(AuditSubmission, AuditSubmission.assignment_id == AuditAssignment.id)
        .where(
            or_(
                AuditAssignment.auditor_id == pid,
                AuditAssignment.practitioner_id == pid,
                AuditAssignment.moderator_id == pid,
            )
        )
        .order_by(AuditAssignment.id),
    )
    await section(
        "audit_grades",
        select(
            AuditSubmission.assignment_id.label("audit_id"),
            AuditGrade.section_id,
            AuditGrade.question_id,
            AuditGrade.grade,
            AuditGrade.rationale,
        )
        .join(AuditSubmission, AuditSubmission.id == AuditGrade.submission_id)
        .join(AuditAssignment, AuditAssignment.id == AuditSubmission.assignment_id)
        .where(or_(AuditAssignment.auditor_id == pid, AuditAssignment.practitioner_id == pid))
        .order_by(AuditGrade.id),
    )
    await section(
        "moderation",
        select(
            AuditSubmission.assignment_id.label("audit_id"),
            AuditGrade.question_id,
            AuditModeration.original_grade,
            AuditModeration.moderated_grade,
            AuditModeration.outcome,
            AuditModeration.rationale,
            (AuditModeration.moderator_id == pid).label("as_moderator"),
            AuditModeration.moderated_at,
        )
        .join(AuditGrade, AuditGrade.id == AuditModeration.grade_id)
        .join(AuditSubmission, AuditSubmission.id == AuditGrade.submission_id)
        .join(AuditAssignment, AuditAssignment.id == AuditSubmission.assignment_id)
        .where(
            or_(
                AuditModeration.moderator_id == pid,
                AuditAssignment.auditor_id == pid,
                AuditAssignment.practitioner_id == pid,
            )
        )
        .order_by(AuditModeration.id),
    )
    await section(
        "reflections",
        select(
            AuditReflection.assignment_id.label("audit_id"),
            AuditReflection.answers,
            AuditReflection.practitioner_scale,
            AuditReflection.submitted_at,
        ).where(AuditReflection.submitted_by_id == pid),
    )
    await section(
        "audit_escalations",
        select(
            AuditEscalation.assignment_id.label("audit_id"),
            AuditEscalation.question_id,
            AuditEscalation.note,
            AuditEscalation.raised_at,
        ).where(AuditEscalation.raised_by_id == pid),
    )
    await section(
        "actions",
        select(
            Action.id,
            Action.description,
            Action.case_reference,
            Action.source,
            Action.source_ref,
            (Action.owner_id == pid).label("owner"),
            (Action.created_by_id == pid).label("raised_by"),
            Action.status,
            Action.due_date,
            Action.completion_evidence,
            Action.completed_at,
            Action.impact_answer,
            Action.created_at,
        )
        .where(or_(Action.owner_id == pid, Action.created_by_id == pid, Action.completed_by_id == pid))
        .order_by(Action.id),
    )
    await section(
        "comments_and_action_notes",
        select(ActionEvent.action_id, ActionEvent.kind, ActionEvent.note, ActionEvent.at)
        .where(ActionEvent.actor_id == pid)
        .order_by(ActionEvent.at, ActionEvent.id),
    )
    await section(
        "date_changes",
        select(
            ActionDateChange.action_id,
            ActionDateChange.previous_due_date,
            ActionDateChange.proposed_due_date,
            ActionDateChange.reason,
            ActionDateChange.decision,
            ActionDateChange.decision_note,
            ActionDateChange.proposed_at,
        ).where(or_(ActionDateChange.proposed_by_id == pid, ActionDateChange.decided_by_id == pid)),
    )
    await section(
        "surveys_received",
        select(Survey.id.label("survey_id"), Survey.title, Survey.anonymous, SurveyRecipient.invited_at)
        .join(Survey, Survey.id == SurveyRecipient.survey_id)
        .where(SurveyRecipient.person_id == pid),
    )
    await section(
        "named_survey_answers",
        select(FeedbackResponse.survey_id, FeedbackResponse.answers, FeedbackResponse.submitted_at).where(
            FeedbackResponse.respondent_id == pid
        ),
    )
    await section(
        "surveys_sent",
        select(Survey.id.label("survey_id"), Survey.title, Survey.created_at).where(Survey.sender_id == pid),
    )
    await section(
        "family_feedback_about_their_cases",
        select(
            FeedbackResponse.case_reference,
            FeedbackResponse.template_key,
            FeedbackResponse.channel,
            FeedbackResponse.answers,
            FeedbackResponse.submitted_at,
        ).where(FeedbackResponse.worker_id == pid, FeedbackResponse.survey_id.is_(None)),
    )
    await section(
        "feedback_links_made",
        select(
            FeedbackLink.case_reference, FeedbackLink.created_at, FeedbackLink.expires_at, FeedbackLink.used_at
        ).where(FeedbackLink.created_by_id == pid),
    )
    await section(
        "safety_alerts",
        select(
            SafetyAlert.id,
            SafetyAlert.case_reference,
            (SafetyAlert.worker_id == pid).label("as_worker"),
            (SafetyAlert.manager_id == pid).label("as_manager"),
            SafetyAlert.raised_at,
            SafetyAlert.notified_at,
        ).where(or_(SafetyAlert.worker_id == pid, SafetyAlert.manager_id == pid)),
    )
    await section(
        "improvement_priorities",
        select(
            ImprovementPriority.id.label("priority_id"),
            ImprovementPriority.title,
            ImprovementPriority.rationale,
            ImprovementPriority.impact_evidence,
            ImprovementPriority.status,
            (ImprovementPriority.owner_id == pid).label("owner"),
            (ImprovementPriority.created_by_id == pid).label("created_by_them"),
            ImprovementPriority.created_at,
            ImprovementPriority.updated_at,
        )
        .where(or_(ImprovementPriority.owner_id == pid, ImprovementPriority.created_by_id == pid))
        .order_by(ImprovementPriority.id),
    )
    owned_priorities = select(ImprovementPriority.id).where(ImprovementPriority.owner_id == pid)
    await section(
        "improvement_milestones",
        select(
            ImprovementMilestone.priority_id,
            ImprovementMilestone.description,
            ImprovementMilestone.due_date,
            ImprovementMilestone.done_at,
        )
        .where(ImprovementMilestone.priority_id.in_(owned_priorities))
        .order_by(ImprovementMilestone.id),
    )
    names = [needle for needle in (person.email, person.display_name) if needle and len(needle) >= 3]
    await section(
        "improvement_plan_changes",
        select(
            ImprovementPlanChange.priority_id,
            (ImprovementPlanChange.changed_by_id == pid).label("by_them"),
            ImprovementPlanChange.change,
            ImprovementPlanChange.fields,
            ImprovementPlanChange.changed_at,
        )
        .where(
            or_(
                ImprovementPlanChange.changed_by_id == pid,
                *(cast(ImprovementPlanChange.fields, String).contains(needle) for needle in names),
            )
        )
        .order_by(ImprovementPlanChange.changed_at, ImprovementPlanChange.id),
    )
    await section(
        "qim_decisions",
        select(
            QimDecision.id.label("decision_id"),
            QimMeeting.meeting_on,
            QimDecision.text,
            QimDecision.original_text,
            QimDecision.recorded_at,
        )
        .join(QimMeeting, QimMeeting.id == QimDecision.meeting_id)
        .where(
            or_(
                QimDecision.recorded_by_id == pid,
                QimDecision.id.in_(select(QimDecisionChange.decision_id).where(QimDecisionChange.changed_by_id == pid)),
            )
        )
        .order_by(QimDecision.id),
    )
    await section(
        "assurance_updates",
        select(
            AssuranceUpdate.action_id,
            AssuranceUpdate.priority_id,
            AssuranceUpdate.month,
            AssuranceUpdate.progress,
            AssuranceUpdate.rag,
            AssuranceUpdate.written_at,
        )
        .where(AssuranceUpdate.author_id == pid)
        .order_by(AssuranceUpdate.written_at, AssuranceUpdate.id),
    )
    await section(
        "client_feedback_logged",
        select(
            ClientFeedbackEntry.id,
            ClientFeedbackEntry.kind,
            Team.name.label("team"),
            ClientFeedbackEntry.received_on,
            ClientFeedbackEntry.themes,
            ClientFeedbackEntry.case_reference,
            ClientFeedbackEntry.summary,
            ClientFeedbackEntry.created_at,
        )
        .join(Team, Team.id == ClientFeedbackEntry.team_id)
        .where(ClientFeedbackEntry.logged_by_id == pid)
        .order_by(ClientFeedbackEntry.id),
    )
    await section(
        "practice_examples_nominated",
        select(
            PracticeExample.id,
            PracticeExample.source,
            PracticeExample.source_ref,
            PracticeExample.description,
            PracticeExample.created_at,
        )
        .where(PracticeExample.nominated_by_id == pid)
        .order_by(PracticeExample.id),
    )
    await section(
        "practice_observations",
        select(
            PracticeObservation.id,
            PracticeObservation.case_ref.label("case_reference"),
            (PracticeObservation.practitioner_id == pid).label("as_practitioner"),
            (PracticeObservation.observer_id == pid).label("as_observer"),
            PracticeObservation.observed_on,
            PracticeObservation.practitioner_consented,
            PracticeObservation.family_consented,
            PracticeObservation.answers,
            PracticeObservation.reflection,
            PracticeObservation.recorded_at,
            PracticeObservation.reflected_at,
        )
        .where(or_(PracticeObservation.practitioner_id == pid, PracticeObservation.observer_id == pid))
        .order_by(PracticeObservation.id),
    )
    await section(
        "mapping_meetings",
        select(
            MappingMeeting.id,
            MappingMeeting.kind,
            MappingMeeting.case_ref.label("case_reference"),
            Team.name.label("team"),
            MappingMeeting.held_on,
            (MappingMeeting.recorded_by_id == pid).label("recorded_by_them"),
            MappingAttendee.scale,
            MappingAttendee.rationale,
            MappingMeeting.worried_about,
            MappingMeeting.working_well,
            MappingMeeting.needs_to_happen,
        )
        .join(Team, Team.id == MappingMeeting.team_id)
        .outerjoin(
            MappingAttendee, (MappingAttendee.meeting_id == MappingMeeting.id) & (MappingAttendee.person_id == pid)
        )
        .where(or_(MappingAttendee.person_id == pid, MappingMeeting.recorded_by_id == pid))
        .order_by(MappingMeeting.id),
    )
    await section("practice_days", _practice_days(pid))
    await _moderation_group_sections(section, pid)
    attended = select(CalendarAttendee.occurrence_id).where(CalendarAttendee.person_id == pid)
    await section(
        "qa_calendar_records",
        select(
            CalendarOccurrence.id,
            CalendarOccurrence.activity,
            CalendarOccurrence.unit,
            CalendarOccurrence.due_on,
            CalendarOccurrence.held_on,
            CalendarOccurrence.id.in_(attended).label("attended"),
            (CalendarOccurrence.recorded_by_id == pid).label("recorded_by_them"),
            CalendarOccurrence.findings,
            CalendarOccurrence.note,
            CalendarOccurrence.recorded_at,
        )
        .where(or_(CalendarOccurrence.id.in_(attended), CalendarOccurrence.recorded_by_id == pid))
        .order_by(CalendarOccurrence.id),
    )
    personal_chats = select(Conversation.id).where(Conversation.person_id == pid)
    await section(
        "messages_to_them",
        select(Delivery.id, Delivery.purpose, Delivery.status, Delivery.created_at, Delivery.sent_at)
        .where(or_(Delivery.person_id == pid, Delivery.conversation_pk.in_(personal_chats)))
        .order_by(Delivery.id),
    )
    await section(
        "broadcasts_sent",
        select(Broadcast.id, Broadcast.title, Broadcast.purpose, Broadcast.total, Broadcast.created_at).where(
            Broadcast.sender_person_id == pid
        ),
    )
    await section(
        "teams_chats",
        select(Conversation.kind, Conversation.installed, Conversation.installed_at, Conversation.uninstalled_at).where(
            Conversation.person_id == pid
        ),
    )
    await section(
        "access_log",
        select(
            AccessLogEntry.at,
            (AccessLogEntry.actor_id == pid).label("by_them"),
            AccessLogEntry.action,
            AccessLogEntry.record_type,
            AccessLogEntry.record_id,
            AccessLogEntry.summary,
        )
        .where(
            or_(
                AccessLogEntry.actor_id == pid,
                (AccessLogEntry.record_type == "person") & (AccessLogEntry.record_id == str(pid)),
            )
        )
        .order_by(AccessLogEntry.at, AccessLogEntry.id),
    )
    export.sections["words_that_name_them"] = await _words_that_name_them(session, person)
    return export


async def _words_that_name_them(session: AsyncSession, person: Person) -> list[dict[str, Any]]:
    """Every stored text (a note, a rationale, an answer...) that names them or gives their e-mail,
    whoever wrote it: the table, the row's id, the column and the words (found as erasure finds them)."""
    matcher = NameMatcher.of(person)
    found: list[dict[str, Any]] = []
    for place in FREE_TEXT:
        if not place.exported:
            continue
        async for row in rows_naming(session, matcher, place):
            for column in place.columns:
                words = getattr(row, column)
                if matcher.names(words):
                    found.append(
                        {"table": place.model.__tablename__, "row_id": row.id, "column": column, "words": words}
                    )
    return found


def _practice_days(pid: int) -> Select[Any]:
    """Practice days they planned, and the cases they were paired on (as auditor or practitioner)."""
    theirs = (PracticeDayCase.practice_day_id == PracticeDay.id) & or_(
        PracticeDayCase.auditor_id == pid, PracticeDayCase.practitioner_id == pid
    )
    return (
        select(
            PracticeDay.id,
            ServiceArea.name.label("service_area"),
            PracticeDay.held_on,
            PracticeDay.status,
            (PracticeDay.planned_by_id == pid).label("planned_by_them"),
            PracticeDayCase.case_ref.label("case_reference"),
            (PracticeDayCase.auditor_id == pid).label("auditor"),
            (PracticeDayCase.practitioner_id == pid).label("practitioner"),
        )
        .join(ServiceArea, ServiceArea.id == PracticeDay.service_area_id)
        .outerjoin(PracticeDayCase, theirs)
        .where(or_(PracticeDay.planned_by_id == pid, PracticeDayCase.id.is_not(None)))
        .order_by(PracticeDay.id, PracticeDayCase.id)
    )


async def _moderation_group_sections(section: Callable[[str, Select[Any]], Awaitable[None]], pid: int) -> None:
    """The moderation group meetings they sat in, scheduled or closed, and what a meeting agreed
    about an audit of their case, an audit they carried out, or recorded by them."""
    await section(
        "moderation_group_meetings",
        select(
            ModerationGroupMeeting.id,
            ModerationGroupMeeting.meets_on,
            ModerationGroupMember.role.label("their_role"),
            (ModerationGroupMeeting.scheduled_by_id == pid).label("scheduled_by_them"),
            (ModerationGroupMeeting.closed_by_id == pid).label("closed_by_them"),
            ModerationGroupMeeting.themes,
            ModerationGroupMeeting.notes,
        )
        .outerjoin(
            ModerationGroupMember,
            (ModerationGroupMember.meeting_id == ModerationGroupMeeting.id) & (ModerationGroupMember.person_id == pid),
        )
        .where(
            or_(
                ModerationGroupMember.person_id == pid,
                ModerationGroupMeeting.scheduled_by_id == pid,
                ModerationGroupMeeting.closed_by_id == pid,
            )
        )
        .order_by(ModerationGroupMeeting.id),
    )
    await section(
        "moderation_group_outcomes",
        select(
            ModerationGroupAudit.meeting_id,
            AuditAssignment.case_ref.label("case_reference"),
            (AuditAssignment.practitioner_id == pid).label("their_case"),
            (AuditAssignment.auditor_id == pid).label("their_audit"),
            (ModerationGroupAudit.recorded_by_id == pid).label("recorded_by_them"),
            ModerationGroupAudit.original_grade,
            ModerationGroupAudit.agreed_grade,
            ModerationGroupAudit.outcome,
            ModerationGroupAudit.themes,
            ModerationGroupAudit.learning,
            ModerationGroupAudit.recorded_at,
        )
        .join(AuditAssignment, AuditAssignment.id == ModerationGroupAudit.assignment_id)
        .where(
            ModerationGroupAudit.agreed_grade.is_not(None),
            or_(
                AuditAssignment.practitioner_id == pid,
                AuditAssignment.auditor_id == pid,
                ModerationGroupAudit.recorded_by_id == pid,
            ),
        )
        .order_by(ModerationGroupAudit.id),
    )


def write_files(export: PersonExport, folder: Path) -> tuple[Path, Path]:
    """Write ``person-<id>.json`` and ``person-<id>.xlsx`` into ``folder`` (made if missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"person-{export.person_id}"
    json_path, xlsx_path = folder / f"{stem}.json", folder / f"{stem}.xlsx"
    json_path.write_text(json.dumps(export.as_json(), ensure_ascii=False, indent=2), encoding="utf-8")
    workbook = Workbook()
    about = workbook.active
    assert about is not None
    about.title = "about"
    about.append(["person id", export.person_id])
    about.append(["e-mail", export.email])
    about.append(["exported at", export.exported_at.isoformat()])
    for note in export.notes:
        about.append(["note", note])
    for name, rows in export.sections.items():
        sheet = workbook.create_sheet(SHEET_NAME.sub("_", name)[:31])
        columns = list(rows[0]) if rows else ["(none)"]
        sheet.append(columns)
        for row in rows:
            sheet.append([_cell(row[column]) for column in columns])
    workbook.save(xlsx_path)
    return json_path, xlsx_path


def _plain(mapping: Any) -> dict[str, Any]:
    return {key: _jsonable(value) for key, value in mapping.items()}


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _cell(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value
