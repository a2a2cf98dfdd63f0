"""The application's tables.

One declarative ``Base`` with a naming convention, so constraint names are stable across
SQLite and PostgreSQL and migrations can refer to them. Relationships use
``lazy="raise_on_sql"``: repositories load related rows on purpose.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Annotated, Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from views.actions import ActionStatus

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on both engines (SQLite drops the offset otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


int_pk = Annotated[int, mapped_column(Integer, primary_key=True, autoincrement=True)]
created_at = Annotated[datetime, mapped_column(UtcDateTime(), default=utcnow, nullable=False)]
updated_at = Annotated[datetime, mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow, nullable=False)]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UtcDateTime(), dict[str, Any]: JSON()}


class Role(enum.StrEnum):
    """Roles a person holds in the organisation: qop's own and the framework's governance roles.

    Stored as plain strings (``RoleAssignment.role``), so a new role needs no migration.
    """

    PRACTITIONER = "practitioner"
    TEAM_MANAGER = "team_manager"
    SENIOR_MANAGER = "senior_manager"
    QA_LEAD = "qa_lead"
    MODERATOR = "moderator"
    ADMINISTRATOR = "administrator"
    SERVICE_DIRECTOR = "service_director"
    HEAD_OF_SERVICE = "head_of_service"
    QA_HEAD_OF_SERVICE = "qa_head_of_service"
    PRINCIPAL_SOCIAL_WORKER = "principal_social_worker"
    IRO_MANAGER = "iro_manager"
    PRACTICE_CHAMPION = "practice_champion"
    PERFORMANCE_ANALYST = "performance_analyst"
    CLIENT_RELATIONS = "client_relations"


AREA_ROLES = frozenset({Role.SENIOR_MANAGER, Role.HEAD_OF_SERVICE})
"""Roles held for one or more service areas (a ``RoleAssignment`` row per area). The framework's Heads
of Service are the senior managers of their area: escalations and the QA calendar treat both alike."""

QA_LEAD_ROLES = frozenset({Role.QA_LEAD, Role.QA_HEAD_OF_SERVICE})
"""Roles that lead quality assurance service-wide: where qop turns to "the QA lead" (an escalation with
nobody above the owner), the QA Head of Service, who co-ordinates all quality of practice activity, hears too."""


class ServiceArea(Base):
    """A service area such as First Contact, Early Help or Children in Care."""

    __tablename__ = "service_areas"

    id: Mapped[int_pk]
    name: Mapped[str] = mapped_column(String(200), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    teams: Mapped[list[Team]] = relationship(back_populates="service_area", lazy="raise_on_sql")


class Team(Base):
    """An organisational team (not a Microsoft Teams 'team'), with its manager."""

    __tablename__ = "teams"

    id: Mapped[int_pk]
    name: Mapped[str] = mapped_column(String(200), unique=True)
    service_area_id: Mapped[int] = mapped_column(ForeignKey("service_areas.id"))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", use_alter=True))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    service_area: Mapped[ServiceArea] = relationship(back_populates="teams", lazy="raise_on_sql")
    manager: Mapped[Person | None] = relationship(foreign_keys=[manager_id], lazy="raise_on_sql")


class Person(Base):
    """Someone qop knows: from the organisation file, from Teams, or both once matched."""

    __tablename__ = "people"

    id: Mapped[int_pk]
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    aad_object_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    teams_user_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    in_organisation: Mapped[bool] = mapped_column(Boolean, default=False)
    """True when the person came from the organisation import (not only seen in Teams)."""
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    deactivated_at: Mapped[datetime | None]
    """When a full organisation import no longer listed them; people are never deleted."""
    time_zone: Mapped[str | None] = mapped_column(String(64))
    last_seen_at: Mapped[datetime | None]
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    team: Mapped[Team | None] = relationship(foreign_keys=[team_id], lazy="raise_on_sql")
    roles: Mapped[list[RoleAssignment]] = relationship(back_populates="person", lazy="raise_on_sql")


class RoleAssignment(Base):
    """One role held by one person; senior managers hold theirs for a service area."""

    __tablename__ = "role_assignments"
    __table_args__ = (
        UniqueConstraint("person_id", "role", "service_area_id", name="uq_role_assignments_person_role_area"),
    )

    id: Mapped[int_pk]
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(32))
    service_area_id: Mapped[int | None] = mapped_column(ForeignKey("service_areas.id"))
    created_at: Mapped[created_at]

    person: Mapped[Person] = relationship(back_populates="roles", lazy="raise_on_sql")


class ConversationKind(enum.StrEnum):
    PERSONAL = "personal"
    GROUP_CHAT = "groupChat"
    CHANNEL = "channel"


class Conversation(Base):
    """A Teams conversation qop is installed in, with what it takes to message it later."""

    __tablename__ = "conversations"

    id: Mapped[int_pk]
    conversation_id: Mapped[str] = mapped_column(String(400), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    tenant_id: Mapped[str | None] = mapped_column(String(64))
    service_url: Mapped[str] = mapped_column(String(400))
    bot_id: Mapped[str] = mapped_column(String(200))
    teams_team_id: Mapped[str | None] = mapped_column(String(400))
    """For channels: the Microsoft Teams team the channel belongs to."""
    name: Mapped[str | None] = mapped_column(String(400))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    """For personal chats: who the chat is with."""
    reference: Mapped[dict[str, Any]] = mapped_column(JSON)
    """The serialised conversation reference, as the SDK needs it for proactive sends."""
    installed: Mapped[bool] = mapped_column(Boolean, default=True)
    installed_at: Mapped[datetime | None]
    uninstalled_at: Mapped[datetime | None]
    blocked_at: Mapped[datetime | None]
    """Teams answered 403 MessageWritesBlocked (the user blocked qop): nothing is sent here until reinstalled."""
    linked_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    linked_service_area_id: Mapped[int | None] = mapped_column(ForeignKey("service_areas.id"))
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    linked_at: Mapped[datetime | None]
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    person: Mapped[Person | None] = relationship(foreign_keys=[person_id], lazy="raise_on_sql")


class AccessLogEntry(Base):
    """Append-only record of who viewed, submitted, changed or exported what."""

    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_record", "record_type", "record_id"),)

    id: Mapped[int_pk]
    at: Mapped[created_at]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    action: Mapped[str] = mapped_column(String(32))
    record_type: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    summary: Mapped[str] = mapped_column(Text, default="")


# -- Actions (issue 5) ---------------------------------------------------------------------------


class ActionSource(enum.StrEnum):
    """Where an action came from: the framework's quality of practice activities, or by hand."""

    AUDIT = "audit"
    SURVEY = "survey"
    QIM = "qim"
    PRACTICE_DAY = "practice_day"
    QA_CALENDAR = "qa_calendar"
    """Raised when a QA calendar activity was recorded; ``source_ref`` is ``calendar:<occurrence id>``."""
    MAPPING = "mapping"
    """A group supervision or Signs of Safety mapping meeting."""
    PERFORMANCE_CLINIC = "performance_clinic"
    """Agreed at a team's performance clinic; ``source_ref`` is ``clinic:<performance clinic id>``."""
    SENIOR_LEADERSHIP_CLINIC = "senior_leadership_clinic"
    """Agreed at the senior leadership performance clinic (service-level); ``source_ref`` is
    ``service-clinic:<senior leadership clinic id>``."""
    MANUAL = "manual"


class Action(Base):
    """Something that must happen, with an owner and a due date; closed by evidence and impact."""

    __tablename__ = "actions"
    __table_args__ = (
        Index("ix_actions_owner_status", "owner_id", "status"),
        Index("ix_actions_status_due", "status", "due_date"),
        Index("ix_actions_source", "source", "source_ref"),
    )

    id: Mapped[int_pk]
    source: Mapped[str] = mapped_column(String(32))
    source_ref: Mapped[str | None] = mapped_column(String(200))
    """The record the action came from, e.g. an audit id; free text for imports."""
    description: Mapped[str] = mapped_column(Text)
    """What must happen."""
    case_reference: Mapped[str | None] = mapped_column(String(32))
    owner_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    due_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=ActionStatus.OPEN.value)
    completion_evidence: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[datetime | None]
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    cancelled_at: Mapped[datetime | None]
    cancelled_reason: Mapped[str | None] = mapped_column(Text)
    impact_answer: Mapped[str | None] = mapped_column(Text)
    impact_reviewed_at: Mapped[datetime | None]
    impact_more_asked: Mapped[bool] = mapped_column(Boolean, default=False)
    impact_more_asked_at: Mapped[datetime | None]
    impact_more_asked_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    owner: Mapped[Person] = relationship(foreign_keys=[owner_id], lazy="raise_on_sql")
    created_by: Mapped[Person | None] = relationship(foreign_keys=[created_by_id], lazy="raise_on_sql")

    def status_on(self, today: date) -> ActionStatus:
        """The status as people see it on ``today`` (their local date): open turns overdue after the due date."""
        if self.status == ActionStatus.OPEN and self.due_date < today:
            return ActionStatus.OVERDUE
        return ActionStatus(self.status)

    @property
    def impact_evidenced(self) -> bool:
        return bool(self.impact_answer) and not self.impact_more_asked


class DateChangeDecision(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"
    CHANGED = "changed"
    """Changed directly by a manager or the QA lead, without a proposal."""


class ActionDateChange(Base):
    """A proposed or made change of an action's due date, with its reason and who decided."""

    __tablename__ = "action_date_changes"
    __table_args__ = (Index("ix_action_date_changes_action", "action_id", "decision"),)

    id: Mapped[int_pk]
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    previous_due_date: Mapped[date] = mapped_column(Date)
    proposed_due_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    proposed_at: Mapped[datetime]
    decision: Mapped[str] = mapped_column(String(16), default=DateChangeDecision.PENDING.value)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(Text)


class ActionEventKind(enum.StrEnum):
    CREATED = "created"
    PROGRESS = "progress"
    DONE = "done"
    REASSIGNED = "reassigned"
    CANCELLED = "cancelled"
    DATE_PROPOSED = "date_proposed"
    DATE_DECIDED = "date_decided"
    IMPACT = "impact"
    MORE_ASKED = "more_asked"


class ActionEvent(Base):
    """The action's story: progress notes, reassignments and every change, oldest first."""

    __tablename__ = "action_events"
    __table_args__ = (Index("ix_action_events_action", "action_id", "at"),)

    id: Mapped[int_pk]
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    kind: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class SentReminder(Base):
    """One reminder, claimed before it is sent: the unique key makes every reminder go out once,
    whatever restarts, downtime or second instances happen. Keys look like
    ``action:42:due_soon:2026-03-20`` or ``calendar:qim:2026-04-01:ahead``."""

    __tablename__ = "sent_reminders"

    id: Mapped[int_pk]
    key: Mapped[str] = mapped_column(String(200), unique=True)
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    day: Mapped[date] = mapped_column(Date)
    """The day the reminder is for (planned day, recipient's local date)."""
    recipient_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    claimed_at: Mapped[datetime]
    handed_over_at: Mapped[datetime | None]
    """When the delivery engine accepted it; a claim without this is re-handed (same key) after a crash."""


class CalendarOccurrence(Base):
    """One occurrence of a QA calendar activity in one unit (e.g. Riverside's supervision for
    March) took place, with what was found. Recording it twice is one record."""

    __tablename__ = "qa_calendar_occurrences"
    __table_args__ = (
        UniqueConstraint("activity", "unit", "due_on", name="uq_qa_calendar_occurrences_activity_unit_due_on"),
    )

    id: Mapped[int_pk]
    activity: Mapped[str] = mapped_column(String(64))
    """The activity's key in ``services/data/qa-calendar.yaml``."""
    unit: Mapped[str] = mapped_column(String(64), default="service")
    """Who held it: ``service``, ``area-<id>``, ``team-<id>`` or ``manager-<person id>``."""
    due_on: Mapped[date] = mapped_column(Date)
    """The scheduled date; for a learning event recorded as it happened, the day it was held."""
    held_on: Mapped[date | None] = mapped_column(Date)
    ad_hoc: Mapped[bool] = mapped_column(Boolean, default=False)
    """Recorded as it happened rather than against a scheduled date."""
    findings: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    recorded_at: Mapped[datetime]
    note: Mapped[str] = mapped_column(Text, default="")


class CalendarAttendee(Base):
    """Someone from the organisation who attended a recorded QA calendar occurrence."""

    __tablename__ = "qa_calendar_attendees"
    __table_args__ = (
        UniqueConstraint("occurrence_id", "person_id", name="uq_qa_calendar_attendees_occurrence_person"),
    )

    id: Mapped[int_pk]
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("qa_calendar_occurrences.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))


class FeedbackChannel(enum.StrEnum):
    """How an answer reached qop."""

    TEAMS = "teams"
    LINK = "link"
    WITH_WORKER = "with_worker"
    """A child answered on a practitioner's device during a visit."""


class Survey(Base):
    """A survey sent to staff or partners in Teams, with a close date."""

    __tablename__ = "surveys"

    id: Mapped[int_pk]
    template_key: Mapped[str] = mapped_column(String(100))
    template_version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    anonymous: Mapped[bool] = mapped_column(Boolean)
    min_group_size: Mapped[int] = mapped_column(Integer)
    """Results for a group stay hidden until it has at least this many responses."""
    sender_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    audience: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """What the sender chose (teams, service areas, people), for the results card."""
    closes_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    created_at: Mapped[created_at]


class SurveyRecipient(Base):
    """Someone a survey was sent to, and the group their answers count towards."""

    __tablename__ = "survey_recipients"
    __table_args__ = (UniqueConstraint("survey_id", "person_id", name="uq_survey_recipients_survey_person"),)

    id: Mapped[int_pk]
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    group_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    invited_at: Mapped[datetime]
    last_reminded_at: Mapped[datetime | None]
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)


class SurveyAnswerMark(Base):
    """Proof that someone answered a survey, without saying who or what.

    ``mark`` is an HMAC of (survey, person) under a secret from the settings: qop can tell
    whether a given person has answered (one response each, reminders only to the rest),
    but the row holds no person id, no time and no link to the answers.
    """

    __tablename__ = "survey_answer_marks"

    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True)
    mark: Mapped[str] = mapped_column(String(64), primary_key=True)


class FeedbackLink(Base):
    """A single-use, expiring link for a family member or partner outside Teams.

    Only a hash of the token is stored: the link itself exists only in what was shared.
    """

    __tablename__ = "feedback_links"

    id: Mapped[int_pk]
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    template_key: Mapped[str] = mapped_column(String(100))
    template_version: Mapped[int] = mapped_column(Integer)
    case_reference: Mapped[str] = mapped_column(String(20), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    audit_reference: Mapped[str | None] = mapped_column(String(40))
    """A free-form note of where the link was asked for; never trusted (``assignment_id`` is the link)."""
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("audit_assignments.id"), index=True)
    """The audit whose family step made this link: its answers count for that audit."""
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_at: Mapped[created_at]


class FeedbackResponse(Base):
    """One set of answers, from Teams, a link or a hand-over.

    The id is random so anonymous rows cannot be lined up with answer marks by order;
    anonymous responses keep only the day they arrived and no person.
    """

    __tablename__ = "feedback_responses"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    template_key: Mapped[str] = mapped_column(String(100))
    template_version: Mapped[int] = mapped_column(Integer)
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    link_id: Mapped[int | None] = mapped_column(ForeignKey("feedback_links.id"), unique=True)
    case_reference: Mapped[str | None] = mapped_column(String(20), index=True)
    respondent_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    """Empty for anonymous surveys and for families."""
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    """The practitioner for the case (who made the link or handed over the device)."""
    group_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    channel: Mapped[str] = mapped_column(String(16))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    submitted_at: Mapped[datetime]
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("audit_assignments.id"), index=True)
    """The audit these answers are the family's view for (a link from it, or answered on its card)."""
    late: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """The audit had already been submitted when the answers arrived: kept, shown and marked late."""


class SafetyAlert(Base):
    """A child said they feel unsafe, scared or unhappy where they live."""

    __tablename__ = "safety_alerts"

    id: Mapped[int_pk]
    response_id: Mapped[str] = mapped_column(ForeignKey("feedback_responses.id", ondelete="CASCADE"))
    case_reference: Mapped[str | None] = mapped_column(String(20))
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    triggers: Mapped[dict[str, Any]] = mapped_column(JSON)
    """Question prompt -> the answer that raised the alert."""
    raised_at: Mapped[datetime]
    notified_at: Mapped[datetime | None]


# -- Delivery (issue 3) --------------------------------------------------------------------------


class DeliveryStatus(enum.StrEnum):
    """Where one outbound operation stands (issue 3)."""

    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
    BLOCKED = "blocked"
    CANCELLED = "cancelled"


class DeliveryOperation(enum.StrEnum):
    SEND = "send"
    UPDATE = "update"
    DELETE = "delete"


class Broadcast(Base):
    """Many sends started together by one person, with progress shown to them as it goes."""

    __tablename__ = "broadcasts"

    id: Mapped[int_pk]
    title: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(64))
    sender_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    status: Mapped[str] = mapped_column(String(16), default="running")
    """running | finished | cancelled"""
    total: Mapped[int] = mapped_column(Integer, default=0)
    progress_delivery_id: Mapped[int | None] = mapped_column(Integer)
    """The delivery that sent the sender's progress card (no foreign key: created after the broadcast)."""
    progress_shown_at: Mapped[datetime | None]
    """When the progress card was last refreshed; refreshes are throttled across instances with it."""
    finished_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]


class Delivery(Base):
    """One outbound operation to Teams (send, update or delete) and what became of it."""

    __tablename__ = "deliveries"
    __table_args__ = (
        Index("ix_deliveries_broadcast_status", "broadcast_id", "status"),
        Index("ix_deliveries_status", "status"),
    )

    id: Mapped[int_pk]
    operation: Mapped[str] = mapped_column(String(16), default=DeliveryOperation.SEND.value)
    purpose: Mapped[str] = mapped_column(String(64))
    broadcast_id: Mapped[int | None] = mapped_column(ForeignKey("broadcasts.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    """The recipient when sent to a person (their 1:1 chat is found or created at send time)."""
    conversation_pk: Mapped[int | None] = mapped_column(ForeignKey("conversations.id"))
    """The conversation it went to (or goes to) once known."""
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    """Caller's idempotency key: a second enqueue with the same key returns the first delivery."""
    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.QUEUED.value)
    partition_key: Mapped[str] = mapped_column(String(400))
    """The queue partition (per-conversation rate limit): the Teams conversation id, or the person."""
    card: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    text: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[str | None] = mapped_column(String(200))
    """Teams' id of the message: the result of a send, the target of an update or delete."""
    target_delivery_id: Mapped[int | None] = mapped_column(Integer)
    """For updates and deletes: the delivery that sent the message."""
    reason: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    generation: Mapped[int] = mapped_column(Integer, default=0)
    """Bumped by "resend to failed"; part of the workflow id so a resend is a new durable run."""
    sent_at: Mapped[datetime | None]
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]


# -- Collaborative audits (issue 4) ----------------------------------------------------------------


class AuditStatus(enum.StrEnum):
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    """The auditor has saved at least one page."""
    MODERATION = "moderation"
    """Submitted and selected for moderation, not yet moderated."""
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class ModerationOutcome(enum.StrEnum):
    AGREED = "agreed"
    RAISED = "raised"
    LOWERED = "lowered"


class AuditRound(Base):
    """A batch of audits started together: one template, one due date, many cases."""

    __tablename__ = "audit_rounds"

    id: Mapped[int_pk]
    template_id: Mapped[str] = mapped_column(String(64))
    template_version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(16))
    """How the cases were chosen: csv, teams or sampling."""
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[created_at]


class AuditAssignment(Base):
    """One case to audit: who audits it, whose practice it is, and the auditor's saved draft."""

    __tablename__ = "audit_assignments"
    __table_args__ = (
        UniqueConstraint("round_id", "case_ref", name="uq_audit_assignments_round_case"),
        Index("ix_audit_assignments_auditor_status", "auditor_id", "status"),
        Index("ix_audit_assignments_practitioner", "practitioner_id"),
        Index("ix_audit_assignments_case_ref", "case_ref"),
    )

    id: Mapped[int_pk]
    round_id: Mapped[int] = mapped_column(ForeignKey("audit_rounds.id"))
    case_ref: Mapped[str] = mapped_column(String(32))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    auditor_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    status: Mapped[str] = mapped_column(String(16), default=AuditStatus.ASSIGNED.value)
    due_date: Mapped[date] = mapped_column(Date)
    draft: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """What the auditor has typed so far, exactly as typed (input id -> text)."""
    draft_page: Mapped[int] = mapped_column(Integer, default=0)
    draft_saved_at: Mapped[datetime | None]
    reflection_draft: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reflection_due: Mapped[date | None] = mapped_column(Date)
    """The practitioner's reflection deadline: until it passes the auditor cannot submit without it."""
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    auditor_message: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """Where the audit card was sent ({conversation_id, message_id}), to update it after submission."""
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    round: Mapped[AuditRound] = relationship(lazy="raise_on_sql")


class AuditSubmission(Base):
    """The auditor's final answers: stored once per assignment, whatever the clicks and retries."""

    __tablename__ = "audit_submissions"

    id: Mapped[int_pk]
    assignment_id: Mapped[int] = mapped_column(ForeignKey("audit_assignments.id"), unique=True)
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    template_id: Mapped[str] = mapped_column(String(64))
    template_version: Mapped[int] = mapped_column(Integer)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    overall_grade: Mapped[str | None] = mapped_column(String(32))
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    submitted_at: Mapped[datetime]
    moderation_selected: Mapped[bool] = mapped_column(Boolean, default=False)
    moderation_reason: Mapped[str | None] = mapped_column(String(32))
    practitioner_comment: Mapped[str | None] = mapped_column(Text)
    practitioner_commented_at: Mapped[datetime | None]
    without_reflection: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """Submitted after the practitioner's reflection deadline passed with no reflection."""
    confirmation_asked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """Done together: the practitioner was asked to confirm the findings and actions."""
    practitioner_confirmation: Mapped[str | None] = mapped_column(String(16))
    """confirmed / disagreed, once the practitioner has answered."""
    practitioner_disagreement: Mapped[str | None] = mapped_column(Text)
    """What the practitioner disagrees with, in their words."""
    practitioner_confirmed_at: Mapped[datetime | None]


class AuditGrade(Base):
    """One grade of a submission (a stage's or the overall), with the auditor's rationale."""

    __tablename__ = "audit_grades"
    __table_args__ = (UniqueConstraint("submission_id", "question_id", name="uq_audit_grades_submission_question"),)

    id: Mapped[int_pk]
    submission_id: Mapped[int] = mapped_column(ForeignKey("audit_submissions.id"))
    section_id: Mapped[str] = mapped_column(String(64))
    question_id: Mapped[str] = mapped_column(String(64))
    is_overall: Mapped[bool] = mapped_column(Boolean, default=False)
    grade: Mapped[str] = mapped_column(String(32))
    """The auditor's grade; a moderated grade is kept beside it in ``audit_moderations``."""
    rationale: Mapped[str | None] = mapped_column(Text)


class AuditModeration(Base):
    """A moderator's decision on one grade: both grades kept, with the outcome and why."""

    __tablename__ = "audit_moderations"

    id: Mapped[int_pk]
    grade_id: Mapped[int] = mapped_column(ForeignKey("audit_grades.id"), unique=True)
    original_grade: Mapped[str] = mapped_column(String(32))
    moderated_grade: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(16))
    rationale: Mapped[str | None] = mapped_column(Text)
    moderator_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    moderated_at: Mapped[datetime]


class AuditReflection(Base):
    """The practitioner's reflection on the audited case (its own template and version)."""

    __tablename__ = "audit_reflections"

    id: Mapped[int_pk]
    assignment_id: Mapped[int] = mapped_column(ForeignKey("audit_assignments.id"), unique=True)
    template_id: Mapped[str] = mapped_column(String(64))
    template_version: Mapped[int] = mapped_column(Integer)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    practitioner_scale: Mapped[int | None] = mapped_column(Integer)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    submitted_at: Mapped[datetime]


class AuditFamilyReason(Base):
    """Why an audit goes without the family's view: declined, not safe to ask, or not reached
    after ``tries`` attempts. One per audit; recording it again replaces it until submission."""

    __tablename__ = "audit_family_reasons"

    assignment_id: Mapped[int] = mapped_column(ForeignKey("audit_assignments.id"), primary_key=True)
    reason: Mapped[str] = mapped_column(String(16))
    tries: Mapped[int | None] = mapped_column(Integer)
    recorded_at: Mapped[datetime]


class AuditEscalation(Base):
    """A "stop and escalate" safeguarding concern raised during an audit (alerted once)."""

    __tablename__ = "audit_escalations"
    __table_args__ = (
        UniqueConstraint("assignment_id", "question_id", name="uq_audit_escalations_assignment_question"),
    )

    id: Mapped[int_pk]
    assignment_id: Mapped[int] = mapped_column(ForeignKey("audit_assignments.id"))
    question_id: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    raised_at: Mapped[datetime]
    alerted_person_ids: Mapped[list[int]] = mapped_column(JSON, default=list)


class PartnerAuditLink(Base):
    """A single-use, expiring link for one partner agency's auditor to complete their agency's
    part of a multi-agency audit. Only a hash of the token is stored; the label (a work email or
    a description) says who it was sent to, never a child."""

    __tablename__ = "partner_audit_links"

    id: Mapped[int_pk]
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("audit_assignments.id", ondelete="CASCADE"), index=True)
    agency: Mapped[str] = mapped_column(String(16))
    partner_label: Mapped[str] = mapped_column(String(120))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_at: Mapped[created_at]


class PartnerAuditPart(Base):
    """One partner agency's answers to its part of a multi-agency audit, from one link."""

    __tablename__ = "partner_audit_parts"

    id: Mapped[int_pk]
    assignment_id: Mapped[int] = mapped_column(ForeignKey("audit_assignments.id", ondelete="CASCADE"), index=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("partner_audit_links.id", ondelete="CASCADE"), unique=True)
    agency: Mapped[str] = mapped_column(String(16))
    template_id: Mapped[str] = mapped_column(String(64))
    template_version: Mapped[int] = mapped_column(Integer)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    submitted_at: Mapped[datetime]


# -- Digests and reports (issue 7) -----------------------------------------------------------------


class DigestScope(enum.StrEnum):
    TEAM = "team"
    AREA = "area"
    SERVICE = "service"


class DigestSubscription(Base):
    """A channel's weekly digest: what it covers and when it is posted (local time)."""

    __tablename__ = "digest_subscriptions"

    id: Mapped[int_pk]
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), unique=True)
    """One subscription per channel; ``digest stop`` deactivates it, subscribing again revives it."""
    scope: Mapped[str] = mapped_column(String(16))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    service_area_id: Mapped[int | None] = mapped_column(ForeignKey("service_areas.id"))
    weekday: Mapped[int] = mapped_column(Integer, default=0)
    """0 = Monday."""
    send_at: Mapped[str] = mapped_column(String(5), default="08:00")
    """HH:MM in the organisation's time zone."""
    show_case_references: Mapped[bool] = mapped_column(Boolean, default=False)
    """Case references stay out of channels unless someone turns this on on purpose."""
    audit_type: Mapped[str | None] = mapped_column(String(16))
    """Count this audit type only (``views.templates.AuditType``); None: standard audits, each other type apart."""
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]
    stopped_at: Mapped[datetime | None]


class DigestRun(Base):
    """One digest of one subscription for one period, claimed before it is sent.

    The unique (subscription, period) pair is the exactly-once guarantee: of two instances (or a
    retry after a restart) only one inserts the row; the delivery engine's dedupe key (the same
    pair) covers a crash between the claim and the hand-over."""

    __tablename__ = "digest_runs"
    __table_args__ = (UniqueConstraint("subscription_id", "period_key", name="uq_digest_runs_subscription_period"),)

    id: Mapped[int_pk]
    subscription_id: Mapped[int] = mapped_column(ForeignKey("digest_subscriptions.id", ondelete="CASCADE"))
    period_key: Mapped[str] = mapped_column(String(16))
    """``2026-W13``: the week the digest is about."""
    scheduled_for: Mapped[datetime]
    claimed_at: Mapped[datetime]
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    """Sent after downtime, later than its scheduled time (the card says so)."""
    handed_over_at: Mapped[datetime | None]
    delivery_id: Mapped[int | None] = mapped_column(Integer)


# The digest's aggregates filter every table by time first (measured by bench/digest).
Index("ix_feedback_responses_submitted_at", FeedbackResponse.submitted_at)
Index("ix_audit_submissions_submitted_at", AuditSubmission.submitted_at)
Index("ix_actions_created_at", Action.created_at)


# -- Retention (issue 17) --------------------------------------------------------------------------


class RetentionRun(Base):
    """One purge of records past their retention period, claimed before it starts.

    The unique ``run_key`` (the schedule's firing time, or a fresh key for a run by hand) makes a
    scheduled purge run once across instances, whatever DBOS retries; ``removed`` holds counts
    per kind of record, never content."""

    __tablename__ = "retention_runs"

    id: Mapped[int_pk]
    run_key: Mapped[str] = mapped_column(String(80), unique=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    removed: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


# -- Meaningful Measures and their indicators (issue 14) -------------------------------------------


class MeasureDeclaration(Base):
    """One validated measures file, kept whole as loaded; the newest is the one in force.

    The council's file is the source of truth for measures and indicators (names, targets,
    owners); storing each load as a snapshot lets a running qop read it without the file and
    keeps the targets that were in force when a past month was judged."""

    __tablename__ = "measure_declarations"

    id: Mapped[int_pk]
    file_name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    loaded_at: Mapped[datetime]


class IndicatorImportBatch(Base):
    """One import of a case-system extract: which file, with which mapping, how many values."""

    __tablename__ = "indicator_import_batches"

    id: Mapped[int_pk]
    file_name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    mapping_name: Mapped[str] = mapped_column(String(200))
    value_count: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime]


class IndicatorValue(Base):
    """An indicator's figure for one team and month (``month`` is the month's first day).

    A later import of the same (indicator, team, month) replaces the figure and records its batch."""

    __tablename__ = "indicator_values"
    __table_args__ = (
        UniqueConstraint("indicator_key", "team_id", "month", name="uq_indicator_values_indicator_team_month"),
        Index("ix_indicator_values_team_month", "team_id", "month"),
    )

    id: Mapped[int_pk]
    indicator_key: Mapped[str] = mapped_column(String(64))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    month: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    numerator: Mapped[int | None] = mapped_column(Integer)
    denominator: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(32))
    """Where the figure came from: ``extract`` (an imported case-system report)."""
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("indicator_import_batches.id"))
    updated_at: Mapped[updated_at]


class ImprovementStatus(enum.StrEnum):
    """Where a priority of the continuous improvement plan stands."""

    ACTIVE = "active"
    ACHIEVED = "achieved"
    WITHDRAWN = "withdrawn"


class ImprovementPriority(Base):
    """One priority of the continuous improvement plan the QIM reviews: why, who, and how we will know."""

    __tablename__ = "improvement_priorities"

    id: Mapped[int_pk]
    title: Mapped[str] = mapped_column(String(200))
    rationale: Mapped[str] = mapped_column(Text, default="")
    """Why: the themes across audits, measures, feedback and practice days that make it a priority."""
    owner_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    impact_evidence: Mapped[str] = mapped_column(Text, default="")
    """The evidence that will show it made a difference."""
    status: Mapped[str] = mapped_column(String(16), default=ImprovementStatus.ACTIVE.value)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]


class ImprovementMilestone(Base):
    """A step towards a priority, with the date it is due and when it was reached."""

    __tablename__ = "improvement_milestones"
    __table_args__ = (Index("ix_improvement_milestones_priority", "priority_id", "due_date"),)

    id: Mapped[int_pk]
    priority_id: Mapped[int] = mapped_column(ForeignKey("improvement_priorities.id", ondelete="CASCADE"))
    description: Mapped[str] = mapped_column(Text)
    due_date: Mapped[date] = mapped_column(Date)
    done_at: Mapped[datetime | None]
    created_at: Mapped[created_at]


class ImprovementPriorityAction(Base):
    """A service-level action (source QIM) that delivers a priority."""

    __tablename__ = "improvement_priority_actions"
    __table_args__ = (UniqueConstraint("priority_id", "action_id", name="uq_improvement_priority_actions_pair"),)

    id: Mapped[int_pk]
    priority_id: Mapped[int] = mapped_column(
        ForeignKey("improvement_priorities.id", ondelete="CASCADE", name="fk_improvement_priority_actions_priority")
    )
    """(The conventional constraint name would pass PostgreSQL's 63 characters.)"""
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    created_at: Mapped[created_at]


class ImprovementPlanChange(Base):
    """The plan's history: who changed which priority, when, and each field before and after.

    Append-only, like the access log; priorities are never deleted (they are withdrawn), so the
    trail the QIM reviews stays whole."""

    __tablename__ = "improvement_plan_changes"
    __table_args__ = (Index("ix_improvement_plan_changes_priority", "priority_id", "changed_at"),)

    id: Mapped[int_pk]
    priority_id: Mapped[int] = mapped_column(ForeignKey("improvement_priorities.id"))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    changed_at: Mapped[created_at]
    change: Mapped[str] = mapped_column(String(32))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Field name -> [before, after] (dates as ISO text, people as their e-mail)."""


class ClientFeedbackKind(enum.StrEnum):
    COMPLIMENT = "compliment"
    COMPLAINT = "complaint"


class ClientFeedbackEntry(Base):
    """A compliment or complaint client relations logged against a team, by theme (case reference only)."""

    __tablename__ = "client_feedback"
    __table_args__ = (Index("ix_client_feedback_received", "received_on", "team_id"),)

    id: Mapped[int_pk]
    kind: Mapped[str] = mapped_column(String(16))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    received_on: Mapped[date] = mapped_column(Date)
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    case_reference: Mapped[str | None] = mapped_column(String(32))
    summary: Mapped[str] = mapped_column(Text, default="")
    """What it was about, in a line: screened for personal data, never names."""
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[created_at]


class PracticeExample(Base):
    """A quality practice example a manager nominated to celebrate (anonymised: no names, no case)."""

    __tablename__ = "practice_examples"

    id: Mapped[int_pk]
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    source: Mapped[str] = mapped_column(String(16))
    """Where it was seen: an audit or an observation."""
    source_ref: Mapped[str | None] = mapped_column(String(64))
    """The audit's number, when it came from one."""
    description: Mapped[str] = mapped_column(Text)
    nominated_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[created_at]


# -- Practice observations and group supervision / mapping (issue 15) --------------------------------


class PracticeObservation(Base):
    """An observer's record of a practitioner's practice with a family, and the practitioner's reflection.

    Saved only with both consents recorded; the family is known by case reference alone."""

    __tablename__ = "practice_observations"
    __table_args__ = (
        Index("ix_practice_observations_team_observed", "team_id", "observed_on"),
        Index("ix_practice_observations_practitioner", "practitioner_id"),
    )

    id: Mapped[int_pk]
    template_id: Mapped[str] = mapped_column(String(64))
    template_version: Mapped[int] = mapped_column(Integer)
    case_ref: Mapped[str] = mapped_column(String(32))
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    observer_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    """The practitioner's team when observed (whose manager may read it, where its themes count)."""
    observed_on: Mapped[date] = mapped_column(Date)
    practitioner_consented: Mapped[bool] = mapped_column(Boolean)
    family_consented: Mapped[bool] = mapped_column(Boolean)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    recorded_at: Mapped[datetime]
    reflection_template_id: Mapped[str | None] = mapped_column(String(64))
    reflection_template_version: Mapped[int | None] = mapped_column(Integer)
    reflection: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reflection_draft: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reflected_at: Mapped[datetime | None]
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    """Carried by the card: a second click on Save finds the first record instead of a new one."""


class MappingMeeting(Base):
    """A team's group supervision or Signs of Safety mapping on one case: the three questions."""

    __tablename__ = "mapping_meetings"
    __table_args__ = (Index("ix_mapping_meetings_team_held", "team_id", "held_on"),)

    id: Mapped[int_pk]
    kind: Mapped[str] = mapped_column(String(32))
    """``group_supervision`` or ``mapping``."""
    case_ref: Mapped[str] = mapped_column(String(32), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    held_on: Mapped[date] = mapped_column(Date)
    worried_about: Mapped[str] = mapped_column(Text)
    working_well: Mapped[str] = mapped_column(Text)
    needs_to_happen: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    recorded_at: Mapped[datetime]
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    """Carried by the card: a second click on Save finds the first record instead of a new one."""


class MappingAttendee(Base):
    """Someone at a mapping meeting, with their scale (0-10) and why they chose it."""

    __tablename__ = "mapping_attendees"
    __table_args__ = (UniqueConstraint("meeting_id", "person_id", name="uq_mapping_attendees_meeting_person"),)

    id: Mapped[int_pk]
    meeting_id: Mapped[int] = mapped_column(ForeignKey("mapping_meetings.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    scale: Mapped[int] = mapped_column(Integer)
    rationale: Mapped[str] = mapped_column(Text)


# -- The Quality Improvement Meeting and assurance of its actions (issue 16) -------------------------


class QimMeeting(Base):
    """One Quality Improvement Meeting, on a date of the QA calendar's QIM cadence.

    ``conversation_id`` is the channel its pack is posted to (a new meeting takes the last
    meeting's channel). The pack is claimed (``pack_claimed_at``) before it is handed to the
    delivery engine, so two instances never both post it."""

    __tablename__ = "qim_meetings"

    id: Mapped[int_pk]
    meeting_on: Mapped[date] = mapped_column(Date, unique=True)
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id"))
    pack_claimed_at: Mapped[datetime | None]
    pack_posted_at: Mapped[datetime | None]
    created_at: Mapped[created_at]


class QimDecision(Base):
    """A decision the QIM's chair recorded; ``text`` is the current wording, ``original_text``
    what was first recorded (every change is in ``qim_decision_changes``)."""

    __tablename__ = "qim_decisions"
    __table_args__ = (Index("ix_qim_decisions_meeting", "meeting_id"),)

    id: Mapped[int_pk]
    meeting_id: Mapped[int] = mapped_column(ForeignKey("qim_meetings.id"))
    text: Mapped[str] = mapped_column(Text)
    original_text: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    recorded_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class QimDecisionChange(Base):
    """Append-only: who changed a decision's wording, when, from what to what, and whether the
    meeting was already over."""

    __tablename__ = "qim_decision_changes"
    __table_args__ = (Index("ix_qim_decision_changes_decision", "decision_id", "changed_at"),)

    id: Mapped[int_pk]
    decision_id: Mapped[int] = mapped_column(ForeignKey("qim_decisions.id"))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    changed_at: Mapped[datetime]
    before: Mapped[str] = mapped_column(Text)
    after: Mapped[str] = mapped_column(Text)
    after_meeting: Mapped[bool] = mapped_column(Boolean, default=False)


class RagStatus(enum.StrEnum):
    """How an owner rates progress: on track, at risk, off track."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"


class AssuranceUpdate(Base):
    """An owner's monthly update on a service-level action or a plan priority: progress and RAG.

    Exactly one of ``action_id`` and ``priority_id`` is set; ``month`` (``2026-05``) is the month
    the update card asked about. The rows are the trail the QIM reviews."""

    __tablename__ = "assurance_updates"
    __table_args__ = (
        Index("ix_assurance_updates_action", "action_id", "written_at"),
        Index("ix_assurance_updates_priority", "priority_id", "written_at"),
    )

    id: Mapped[int_pk]
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    priority_id: Mapped[int | None] = mapped_column(ForeignKey("improvement_priorities.id"))
    month: Mapped[str] = mapped_column(String(7))
    progress: Mapped[str] = mapped_column(Text)
    rag: Mapped[str] = mapped_column(String(8))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    written_at: Mapped[datetime]


class PerformanceClinic(Base):
    """One team's monthly performance clinic pack: when it was prepared and the figures it showed.

    The snapshot (indicators judged, worries, audit themes, open actions) is what the next month's
    pack compares itself with, so "what changed" is measured against what the clinic actually saw.
    Preparing the pack again in the same month refreshes this record rather than adding one."""

    __tablename__ = "performance_clinics"
    __table_args__ = (UniqueConstraint("team_id", "month", name="uq_performance_clinics_team_month"),)

    id: Mapped[int_pk]
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    month: Mapped[date] = mapped_column(Date)
    """The month the figures are for (its first day)."""
    prepared_on: Mapped[date] = mapped_column(Date)
    prepared_at: Mapped[datetime]
    prepared_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    """Who asked for it (None: sent by the schedule when the QA calendar's clinic came due)."""
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)


class SeniorLeadershipClinic(Base):
    """The whole service's monthly senior leadership performance clinic pack, kept like a team's
    (``PerformanceClinic``): one record per month, refreshed when prepared again, with the figures
    it showed for the next month's "what changed". A table of its own, not a team-less
    ``performance_clinics`` row, so "one pack per month" is a plain unique constraint."""

    __tablename__ = "senior_leadership_clinics"
    __table_args__ = (UniqueConstraint("month", name="uq_senior_leadership_clinics_month"),)

    id: Mapped[int_pk]
    month: Mapped[date] = mapped_column(Date)
    """The month the figures are for (its first day)."""
    prepared_on: Mapped[date] = mapped_column(Date)
    prepared_at: Mapped[datetime]
    prepared_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    """Who asked for it (None: sent by the schedule when the QA calendar's clinic came due)."""
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)


# -- Practice days (issue 15) ----------------------------------------------------------------------


class PracticeDayStatus(enum.StrEnum):
    PLANNED = "planned"
    STARTED = "started"
    """Its audit round exists and the pairs have their cards."""
    CLOSED = "closed"
    """The summary went to the planner and the area's leaders."""
    NOT_STARTED = "not_started"
    """On the day not one pair could be started (everyone named had left, say)."""


class PracticeDay(Base):
    """A senior manager's planned practice day for a service area: on its date, its cases become an
    ordinary audit round (``round_id``); at its end the leaders get the day's summary.
    One service area holds at most one practice day on a date: planning it twice is one record."""

    __tablename__ = "practice_days"
    __table_args__ = (UniqueConstraint("service_area_id", "held_on"),)

    id: Mapped[int_pk]
    service_area_id: Mapped[int] = mapped_column(ForeignKey("service_areas.id"))
    held_on: Mapped[date] = mapped_column(Date)
    template_id: Mapped[str] = mapped_column(String(64))
    template_version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=PracticeDayStatus.PLANNED.value)
    planned_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    planned_at: Mapped[created_at]
    round_id: Mapped[int | None] = mapped_column(ForeignKey("audit_rounds.id", ondelete="SET NULL"), unique=True)
    """Its audit round once started; the retention purge may remove the round before the day."""
    started_at: Mapped[datetime | None]
    start_problems: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    """Cases that could not start on the day (row, reason), for the summary."""
    closed_at: Mapped[datetime | None]
    calendar_occurrence_id: Mapped[int | None] = mapped_column(ForeignKey("qa_calendar_occurrences.id"))
    """The QA calendar's "Practice days" occurrence of the area this day was recorded against."""


class PracticeDayCase(Base):
    """One case of a planned practice day and the pair who will audit it together."""

    __tablename__ = "practice_day_cases"
    __table_args__ = (UniqueConstraint("practice_day_id", "case_ref"),)

    id: Mapped[int_pk]
    practice_day_id: Mapped[int] = mapped_column(ForeignKey("practice_days.id", ondelete="CASCADE"))
    case_ref: Mapped[str] = mapped_column(String(32))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    auditor_id: Mapped[int] = mapped_column(ForeignKey("people.id"))


# -- The moderation group (issue 13) -----------------------------------------------------------------


class ModerationGroupMeeting(Base):
    """A meeting of the framework's moderation group (Head of Service, Principal Social Worker,
    IRO manager), scheduled by the QA lead, with the audits it moderates and what it agreed."""

    __tablename__ = "moderation_group_meetings"
    __table_args__ = (Index("ix_moderation_group_meetings_meets_on", "meets_on"),)

    id: Mapped[int_pk]
    meets_on: Mapped[date] = mapped_column(Date)
    cadence_months: Mapped[int] = mapped_column(Integer, default=2)
    """How often the group meets (2: bi-monthly, the framework's cadence): the next meeting's default date."""
    calendar_due_on: Mapped[date | None] = mapped_column(Date)
    """The QA calendar's moderation group occurrence this meeting holds (recorded held when it closes)."""
    scheduled_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    scheduled_at: Mapped[datetime]
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    """The meeting's learning themes (codes of ``views.moderation_group.THEMES``)."""
    notes: Mapped[str | None] = mapped_column(Text)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    closed_at: Mapped[datetime | None]
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    """Carried by the schedule card: a second click finds the first meeting instead of a new one."""


class ModerationGroupMember(Base):
    """Someone invited to a moderation group meeting, with the role they sit in it for."""

    __tablename__ = "moderation_group_members"
    __table_args__ = (UniqueConstraint("meeting_id", "person_id", name="uq_moderation_group_members_meeting_person"),)

    id: Mapped[int_pk]
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("moderation_group_meetings.id", ondelete="CASCADE", name="fk_moderation_group_members_meeting")
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    role: Mapped[str] = mapped_column(String(32))


class ModerationGroupAudit(Base):
    """A submitted audit on a meeting's list and, once the group has discussed it, what it agreed:
    the overall grade (beside the auditor's) and the learning themes."""

    __tablename__ = "moderation_group_audits"
    __table_args__ = (
        UniqueConstraint("meeting_id", "assignment_id", name="uq_moderation_group_audits_meeting_assignment"),
    )

    id: Mapped[int_pk]
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("moderation_group_meetings.id", ondelete="CASCADE", name="fk_moderation_group_audits_meeting")
    )
    assignment_id: Mapped[int] = mapped_column(ForeignKey("audit_assignments.id", ondelete="CASCADE"), index=True)
    """The audit; purging it (retention) removes what the group agreed about it too."""
    original_grade: Mapped[str | None] = mapped_column(String(32))
    """The auditor's overall grade when the audit was put on the list."""
    agreed_grade: Mapped[str | None] = mapped_column(String(32))
    outcome: Mapped[str | None] = mapped_column(String(16))
    """agreed / raised / lowered, as per-audit moderation counts them."""
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    learning: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    recorded_at: Mapped[datetime | None]
