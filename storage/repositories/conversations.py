"""Queries about the Teams conversations qop is installed in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from storage.models import Conversation, Person


async def get(session: AsyncSession, conversation_id: str) -> Conversation | None:
    return await session.scalar(select(Conversation).where(Conversation.conversation_id == conversation_id))


@dataclass(frozen=True)
class KnownPerson:
    """The stored facts about a person that a turn compares with what Teams says."""

    id: int
    email: str | None
    display_name: str
    aad_object_id: str | None
    in_organisation: bool
    last_seen_at: datetime | None


@dataclass(frozen=True)
class KnownConversation:
    """The stored facts about a conversation that a turn compares with what Teams says."""

    kind: str
    service_url: str
    bot_id: str
    tenant_id: str | None
    teams_team_id: str | None
    name: str | None
    person_id: int | None
    reference: dict[str, Any] | None


_PERSON_COLUMNS = (
    Person.id,
    Person.email,
    Person.display_name,
    Person.aad_object_id,
    Person.in_organisation,
    Person.last_seen_at,
)
_CONVERSATION_COLUMNS = (
    Conversation.id,
    Conversation.kind,
    Conversation.service_url,
    Conversation.bot_id,
    Conversation.tenant_id,
    Conversation.teams_team_id,
    Conversation.name,
    Conversation.person_id,
    Conversation.reference,
)
_PERSON_AND_CONVERSATION = (
    select(*_PERSON_COLUMNS, *_CONVERSATION_COLUMNS)
    .outerjoin(Conversation, Conversation.conversation_id == bindparam("conversation_id"))
    .where(Person.teams_user_id == bindparam("teams_user_id"))
)


async def person_and_conversation(
    connection: AsyncConnection, teams_user_id: str, conversation_id: str
) -> tuple[KnownPerson | None, KnownConversation | None]:
    """The person with this Teams user id and the stored conversation, in one round trip (what
    every turn checks first): (None, None) when qop has no such person, (person, None) when it
    has no such conversation. Plain values from Core: the ORM's per-row work cost more than the
    query on this path, which every turn takes."""
    row = (
        await connection.execute(
            _PERSON_AND_CONVERSATION, {"teams_user_id": teams_user_id, "conversation_id": conversation_id}
        )
    ).first()
    if row is None:
        return None, None
    values = tuple(row)
    person = KnownPerson(*values[: len(_PERSON_COLUMNS)])
    conversation_id_found, *conversation = values[len(_PERSON_COLUMNS) :]
    return person, None if conversation_id_found is None else KnownConversation(*conversation)


async def upsert(
    session: AsyncSession,
    *,
    conversation_id: str,
    kind: str,
    service_url: str,
    bot_id: str,
    tenant_id: str | None,
    teams_team_id: str | None,
    name: str | None,
    reference: dict[str, Any],
    now: datetime,
    person: Person | None,
    installed: bool | None,
) -> Conversation:
    """Create or refresh a conversation; ``installed=None`` leaves the install state alone
    except that a conversation first met through a message counts as installed (Teams only
    delivers messages where the app is installed)."""
    conversation = await get(session, conversation_id)
    if conversation is None:
        conversation = Conversation(conversation_id=conversation_id, installed=True, installed_at=now)
        session.add(conversation)
    conversation.kind = kind
    conversation.service_url = service_url
    conversation.bot_id = bot_id
    conversation.tenant_id = tenant_id or conversation.tenant_id
    conversation.teams_team_id = teams_team_id or conversation.teams_team_id
    conversation.name = name or conversation.name
    conversation.reference = reference
    if person is not None:
        conversation.person_id = person.id
    if installed is True and not conversation.installed:
        conversation.installed = True
        conversation.installed_at = now
        conversation.uninstalled_at = None
    if installed is True:
        conversation.blocked_at = None
    await session.flush()
    return conversation


async def mark_uninstalled(session: AsyncSession, conversation_id: str, *, now: datetime) -> bool:
    conversation = await get(session, conversation_id)
    if conversation is None:
        return False
    conversation.installed = False
    conversation.uninstalled_at = now
    await session.flush()
    return True


async def personal_chat_for(session: AsyncSession, person_id: int) -> Conversation | None:
    return await session.scalar(
        select(Conversation).where(
            Conversation.person_id == person_id,
            Conversation.kind == "personal",
            Conversation.installed.is_(True),
        )
    )


async def list_installed(session: AsyncSession) -> list[Conversation]:
    return list(await session.scalars(select(Conversation).where(Conversation.installed.is_(True))))
