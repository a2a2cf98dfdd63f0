"""A member of staff's rights over what qop holds about them: access (export) and erasure.

``export`` collects everything about them (``services.person_rights.export``). ``erase`` removes
or anonymises what the law allows and keeps what the council must (UK GDPR Art. 17(3)(b): records
the council keeps to meet its legal duties, here the quality-assurance record of its children's
services). The audit's grades, moderation and actions stay as the council's record; the name,
e-mail, Microsoft ids, roles and Teams conversation references go, and the person row becomes
"Former member of staff #id". Open work is reassigned to their line manager, or flagged.
Both are written to the access log (counts only, never the e-mail).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ColumnElement, String, cast, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from cards import text
from services import access_log
from services.actions import manager_id_of
from services.clock import Clock
from services.errors import NotFound
from services.person_rights.export import PersonExport, collect
from storage.models import (
    AccessLogEntry,
    Action,
    ActionEvent,
    ActionEventKind,
    ActionStatus,
    AssuranceUpdate,
    AuditAssignment,
    AuditStatus,
    CalendarOccurrence,
    Conversation,
    Delivery,
    DeliveryStatus,
    FeedbackResponse,
    ImprovementPlanChange,
    MappingAttendee,
    MappingMeeting,
    ModerationGroupAudit,
    ModerationGroupMeeting,
    Person,
    PracticeObservation,
    QimDecision,
    QimDecisionChange,
    RoleAssignment,
    Team,
)

ERASE = "erase"
FORMER = "Former member of staff #{id}"
OPEN_AUDITS = (AuditStatus.ASSIGNED.value, AuditStatus.IN_PROGRESS.value, AuditStatus.MODERATION.value)

KEPT = {
    "audits": "An audit's answers, grades, moderation and reflections are the council's quality-assurance "
    "record of its practice (kept for the retention period); they now point to the anonymised person.",
    "actions": "Actions are the council's record of what was agreed for a case; they stay with the "
    "anonymised person as raiser, owner or author of their notes.",
    "access_log": "The access log is the council's accountability record of who did what; entries stay, "
    "with the name and e-mail taken out of their summaries.",
    "surveys": "Survey invitations stay so group results keep their size; anonymous answers were never "
    "linked to anyone.",
    "feedback": "Family feedback and safety alerts about cases they worked stay as case-related records.",
    "improvement_plan": "Improvement priorities they owned or created, and the plan's history of changes, are "
    "the council's record of how it improves its service; they stay with the anonymised person, with the "
    "name and e-mail in the history replaced by the anonymised label.",
    "observations": "Practice observations where they were the practitioner or the observer, and their "
    "reflections, are the council's quality-assurance record of practice (kept for the retention period); "
    "they now point to the anonymised person, with the name and e-mail taken out of the answers and reflection.",
    "mapping": "Group supervision and mapping meetings, with the scale and rationale each attendee gave, are "
    "case-related records of the council's practice; their attendance stays with the anonymised person, with "
    "the name and e-mail taken out of the meeting's three questions and the rationales.",
    "client_feedback_and_practice_examples": "Compliments, complaints and practice examples they logged are "
    "the council's records about its service; they stay with the anonymised person as the one who logged them.",
    "moderation_group": "Moderation group meetings they sat in and the outcomes the group agreed are the "
    "council's quality-assurance record of practice (kept for the retention period); membership and the "
    "outcomes they recorded stay with the anonymised person, with the name and e-mail taken out of the meeting's "
    "notes and the learning recorded.",
    "qim": "QIM decisions they recorded or changed, and their monthly assurance updates, are the council's "
    "record of how it governs its improvement work; they stay with the anonymised person, with the name and "
    "e-mail taken out of the decisions' wording, their history and the updates.",
    "qa_calendar": "QA calendar records they attended or recorded are the council's record that its quality "
    "assurance took place; attendance stays with the anonymised person, with the name and e-mail taken out of "
    "the findings and notes.",
}


@dataclass
class Erasure:
    person_id: int
    dry_run: bool
    changed: dict[str, int] = field(default_factory=dict)
    """What was removed or anonymised: how many of each."""
    kept: dict[str, str] = field(default_factory=lambda: dict(KEPT))
    """What stays, and why."""
    flagged: list[str] = field(default_factory=list)
    """Open work someone must look at."""


class PersonRightsService:
    def __init__(self, *, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    async def export(self, email: str) -> PersonExport:
        """Everything qop holds about the person with ``email``; the export is logged."""
        async with self._sessions() as session, session.begin():
            person = await _person(session, email)
            found = await collect(session, person, self._clock.now())
            await access_log.record(
                session,
                None,
                access_log.EXPORT,
                "person",
                person.id,
                {"subject_access_request": True, "sections": found.counts()},
                summary=f"Subject access export of person #{person.id}",
            )
            return found

    async def erase(self, email: str, *, dry_run: bool = False) -> Erasure:
        """Remove or anonymise what may go; with ``dry_run`` say what would happen and change nothing."""
        async with self._sessions() as session:
            await session.begin()
            person = await _person(session, email)
            result = Erasure(person.id, dry_run)
            await _reassign_open_actions(session, person, result, self._clock.now())
            await _flag_open_audits(session, person, result)
            await _scrub_free_text(session, person, result)
            await _forget_conversations(session, person, result)
            result.changed["named survey answers unlinked"] = (
                await session.execute(
                    update(FeedbackResponse)
                    .where(FeedbackResponse.respondent_id == person.id)
                    .values(respondent_id=None)
                )
            ).rowcount
            result.changed["roles removed"] = (
                await session.execute(delete(RoleAssignment).where(RoleAssignment.person_id == person.id))
            ).rowcount
            managed = (
                await session.execute(update(Team).where(Team.manager_id == person.id).values(manager_id=None))
            ).rowcount
            if managed:
                result.changed["teams left without a manager"] = managed
                result.flagged.append(f"{managed} team(s) they managed have no manager now: import the organisation.")
            _anonymise(person, self._clock.now())
            result.changed["person anonymised"] = 1
            result.changed = {what: count for what, count in result.changed.items() if count}
            await access_log.record(
                session,
                None,
                ERASE,
                "person",
                person.id,
                {"changed": result.changed, "flagged": len(result.flagged)},
                summary=f"Erasure of person #{person.id}",
            )
            if dry_run:
                await session.rollback()
            else:
                await session.commit()
            return result


async def _person(session: AsyncSession, email: str) -> Person:
    person = await session.scalar(
        select(Person)
        .options(selectinload(Person.team).selectinload(Team.manager))
        .where(func.lower(Person.email) == email.strip().lower())
    )
    if person is None:
        raise NotFound(text.NO_SUCH_PERSON.format(email=email.strip()))
    return person


def _anonymise(person: Person, now: datetime) -> None:
    person.display_name = FORMER.format(id=person.id)
    person.email = None
    person.aad_object_id = None
    person.teams_user_id = None
    person.time_zone = None
    person.last_seen_at = None
    person.active = False
    person.deactivated_at = person.deactivated_at or now


async def _reassign_open_actions(session: AsyncSession, person: Person, result: Erasure, now: datetime) -> None:
    """Open actions go to the person's line manager (with a reassignment in their story), or are flagged."""
    manager_id = manager_id_of(person)
    open_actions = list(
        await session.scalars(
            select(Action).where(Action.owner_id == person.id, Action.status == ActionStatus.OPEN.value)
        )
    )
    if manager_id is None:
        if open_actions:
            ids = ", ".join(str(action.id) for action in open_actions)
            result.flagged.append(f"open action(s) {ids} have no line manager to go to: reassign them.")
        return
    for action in open_actions:
        session.add(
            ActionEvent(
                action_id=action.id,
                at=now,
                actor_id=None,
                kind=ActionEventKind.REASSIGNED.value,
                note="The owner's personal data was erased.",
                detail={"previous_owner_id": person.id, "new_owner_id": manager_id},
            )
        )
        action.owner_id = manager_id
    if open_actions:
        result.changed["open actions reassigned to their line manager"] = len(open_actions)


async def _flag_open_audits(session: AsyncSession, person: Person, result: Erasure) -> None:
    open_audits = list(
        await session.scalars(
            select(AuditAssignment.id).where(
                AuditAssignment.status.in_(OPEN_AUDITS),
                or_(AuditAssignment.auditor_id == person.id, AuditAssignment.moderator_id == person.id),
            )
        )
    )
    if open_audits:
        ids = ", ".join(str(i) for i in open_audits)
        result.flagged.append(f"open audit(s) {ids} are still theirs to audit or moderate: reassign them.")


def _needles(person: Person) -> list[str]:
    """The texts that identify ``person`` inside stored words (too short a name would match anything)."""
    return [text for text in (person.email, person.display_name) if text and len(text) >= 3]


@dataclass(frozen=True)
class FreeText:
    """Columns of one table where a person's name or e-mail may have been written."""

    changed: str
    """How the erasure reports the rows it changed."""
    model: Any
    columns: tuple[str, ...]


FREE_TEXT: tuple[FreeText, ...] = (
    FreeText("access log entries with the name or e-mail taken out", AccessLogEntry, ("summary", "detail")),
    FreeText("improvement plan changes with the name or e-mail replaced", ImprovementPlanChange, ("fields",)),
    FreeText("QA calendar records with the name or e-mail taken out", CalendarOccurrence, ("findings", "note")),
    FreeText(
        "practice observations with the name or e-mail taken out",
        PracticeObservation,
        ("answers", "reflection", "reflection_draft"),
    ),
    FreeText(
        "mapping meetings with the name or e-mail taken out",
        MappingMeeting,
        ("worried_about", "working_well", "needs_to_happen"),
    ),
    FreeText("mapping rationales with the name or e-mail taken out", MappingAttendee, ("rationale",)),
    FreeText("QIM decisions with the name or e-mail taken out", QimDecision, ("text", "original_text")),
    FreeText("QIM decision changes with the name or e-mail taken out", QimDecisionChange, ("before", "after")),
    FreeText("assurance updates with the name or e-mail taken out", AssuranceUpdate, ("progress",)),
    FreeText("moderation group notes with the name or e-mail taken out", ModerationGroupMeeting, ("notes",)),
    FreeText("moderation group learning with the name or e-mail taken out", ModerationGroupAudit, ("learning",)),
)
"""Where erasure looks for the name and e-mail: it replaces them with the anonymised label and
keeps the rest of the words (the records stay as the council's record of its practice)."""


async def _scrub_free_text(session: AsyncSession, person: Person, result: Erasure) -> None:
    """Replace the name and e-mail inside stored words with the anonymised label (the rows stay)."""
    needles = _needles(person)
    if not needles:
        return
    replacement = FORMER.format(id=person.id)
    for place in FREE_TEXT:
        conditions = [
            _stored_text(getattr(place.model, column)).contains(found.lower(), autoescape=True)
            for column in place.columns
            for needle in needles
            for found in {needle, json.dumps(needle)[1:-1]}  # JSON may store non-ASCII escaped
        ]
        scrubbed = 0
        for row in await session.scalars(select(place.model).where(or_(*conditions))):
            for column in place.columns:
                setattr(row, column, _without(getattr(row, column), needles, replacement))
            scrubbed += 1
        if scrubbed:
            result.changed[place.changed] = scrubbed


def _stored_text(column: Any) -> ColumnElement[str]:
    """The column as lower-case text, JSON included, so a search finds the name however it was typed."""
    as_text = cast(column, String) if isinstance(column.type, JSON) else column
    return func.lower(as_text)


def _without(value: object, needles: list[str], replacement: str) -> object:
    if isinstance(value, str):
        for needle in needles:
            value = re.sub(re.escape(needle), lambda _: replacement, value, flags=re.IGNORECASE)
        return value
    if isinstance(value, dict):
        return {key: _without(item, needles, replacement) for key, item in value.items()}
    if isinstance(value, list):
        return [_without(item, needles, replacement) for item in value]
    return value


async def _forget_conversations(session: AsyncSession, person: Person, result: Erasure) -> None:
    """Delete the messages sent to them and the references qop kept to message them again."""
    chats = list(await session.scalars(select(Conversation).where(Conversation.person_id == person.id)))
    chat_ids = [chat.id for chat in chats]
    to_them = or_(Delivery.person_id == person.id, Delivery.conversation_pk.in_(chat_ids))
    deleted = await session.execute(delete(Delivery).where(to_them, Delivery.status != DeliveryStatus.QUEUED.value))
    cancelled = await session.execute(
        update(Delivery)
        .where(to_them, Delivery.status == DeliveryStatus.QUEUED.value)
        .values(status=DeliveryStatus.CANCELLED.value, reason="recipient erased", card=None, text=None)
    )
    for chat in chats:
        chat.conversation_id = f"erased:{chat.id}"
        chat.reference = {}
        chat.name = None
        chat.installed = False
        chat.service_url = ""
    if cancelled.rowcount:
        result.changed["queued messages to them cancelled"] = cancelled.rowcount
    if deleted.rowcount:
        result.changed["messages to them deleted"] = deleted.rowcount
    if chats:
        result.changed["Teams conversation references deleted"] = len(chats)
