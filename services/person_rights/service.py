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

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from cards import text
from cards.text_person_rights import KEPT
from services import access_log
from services.actions import manager_id_of
from services.clock import Clock
from services.errors import NotFound
from services.person_rights.export import PersonExport, collect
from services.person_rights.mentions import FREE_TEXT, NameMatcher, column_limit, rows_naming
from storage.models import (
    Action,
    ActionEvent,
    ActionEventKind,
    ActionStatus,
    AuditAssignment,
    AuditStatus,
    Base,
    Conversation,
    Delivery,
    DeliveryStatus,
    FeedbackResponse,
    Person,
    RoleAssignment,
    Team,
)

ERASE = "erase"
FORMER = "Former member of staff #{id}"
OPEN_AUDITS = (AuditStatus.ASSIGNED.value, AuditStatus.IN_PROGRESS.value, AuditStatus.MODERATION.value)


@dataclass
class Erasure:
    person_id: int
    dry_run: bool
    changed: dict[str, int] = field(default_factory=dict)
    """What was removed or anonymised: how many of each."""
    kept: dict[str, str] = field(default_factory=lambda: dict(KEPT))
    """What stays, and why."""
    kept_rows: dict[str, int] = field(default_factory=dict)
    """Per table, the rows that stay pointing to the anonymised person."""
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
            await session.flush()
            result.kept_rows = await _rows_kept(session, person.id)
            await access_log.record(
                session,
                None,
                ERASE,
                "person",
                person.id,
                {"changed": result.changed, "kept": result.kept_rows, "flagged": len(result.flagged)},
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


async def _scrub_free_text(session: AsyncSession, person: Person, result: Erasure) -> None:
    """Replace the name and e-mail inside stored words with the anonymised label (the rows stay)."""
    matcher = NameMatcher.of(person)
    replacement = FORMER.format(id=person.id)
    for place in FREE_TEXT:
        scrubbed = 0
        async for row in rows_naming(session, matcher, place):
            for column in place.columns:
                value = matcher.without(getattr(row, column), replacement)
                limit = column_limit(place.model, column)
                setattr(row, column, value[:limit] if limit and isinstance(value, str) else value)
            scrubbed += 1
        if scrubbed:
            result.changed[place.changed] = result.changed.get(place.changed, 0) + scrubbed


async def _rows_kept(session: AsyncSession, person_id: int) -> dict[str, int]:
    """Per table, how many rows still point to the person (now anonymised): counts, never content."""
    kept: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        if table.name == Person.__tablename__:
            continue
        theirs = [
            column == person_id
            for column in table.columns
            if any(key.column.table.name == Person.__tablename__ for key in column.foreign_keys)
        ]
        if theirs:
            count = await session.scalar(select(func.count()).select_from(table).where(or_(*theirs)))
            if count:
                kept[table.name] = count
    return kept


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
