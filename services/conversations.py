"""Where qop is installed and whom it has met: the memory that proactive messages need."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from services.clock import Clock
from services.teams_data import ConversationInfo, SeenPerson, TeamsUser
from storage.db import retrying_on_conflict, single_read, transaction
from storage.models import Conversation, ConversationKind, Person
from storage.repositories import conversations as conversation_repo
from storage.repositories import people as people_repo
from storage.repositories.conversations import KnownConversation, KnownPerson

SEEN_REFRESH = timedelta(hours=1)
"""How stale a person's last-seen time may grow before a turn writes it again."""
PER_MESSAGE_REFERENCE_KEYS = frozenset({"activityId", "requestId"})
"""Parts of a conversation reference that change with every message and matter to no later send."""


class ConversationService:
    """Records installations, removals and the people qop meets."""

    def __init__(self, *, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    async def record_installed(self, info: ConversationInfo, installer: TeamsUser | None = None) -> Conversation:
        """Remember (or refresh) a conversation the app has just been installed in."""

        async def work(session: AsyncSession) -> Conversation:
            person = await self._touch_person(session, installer) if installer else None
            return await self._upsert(session, info, person, installed=True)

        return await retrying_on_conflict(self._sessions, work)

    async def record_uninstalled(self, conversation_id: str) -> bool:
        """Mark a conversation as no longer reachable. Returns False if it was never known."""
        async with transaction(self._sessions) as session:
            return await conversation_repo.mark_uninstalled(session, conversation_id, now=self._clock.now())

    async def record_seen(self, info: ConversationInfo, actor: TeamsUser) -> SeenPerson:
        """Note the person acting and the conversation they spoke in; keeps references fresh.

        Every turn calls this, so a turn that tells qop nothing new writes nothing (a write on
        every turn would serialise all turns on SQLite's write lock): the usual case, a matched
        person seen within ``SEEN_REFRESH`` in a conversation whose stored facts still hold, is
        answered from one read. Anything new, or a stale last-seen time, takes the full path.
        """
        async with single_read(self._sessions) as connection:
            known = await self._already_known(connection, info, actor)
        if known is not None:
            return SeenPerson(known.id, known.email, known.in_organisation)

        async def work(session: AsyncSession) -> SeenPerson:
            person = await self._touch_person(session, actor)
            await self._upsert(session, info, person, installed=None)
            return SeenPerson(person.id, person.email, person.in_organisation)

        return await retrying_on_conflict(self._sessions, work)

    async def record_member(self, member: TeamsUser) -> Person:
        """Note a person seen in a conversation's roster (members added), without a message."""
        return await retrying_on_conflict(self._sessions, lambda session: self._touch_person(session, member))

    async def person_for(self, actor: TeamsUser) -> Person | None:
        """The person behind the acting Teams user, if qop knows them (read only)."""
        async with self._sessions() as session:
            return await people_repo.find_for_teams_user(
                session, teams_user_id=actor.teams_user_id, aad_object_id=actor.aad_object_id, email=actor.email
            )

    async def _already_known(
        self, connection: AsyncConnection, info: ConversationInfo, user: TeamsUser
    ) -> KnownPerson | None:
        """The person, when recording this turn would change nothing but the times; else None.

        Deliberately narrow: only a person matched to the organisation (an unmatched one is
        matched again on every visit, as the administrator may have imported them since) whose
        record already holds what Teams tells us, in a conversation stored exactly as it is now.
        """
        if not user.teams_user_id:
            return None
        person, conversation = await conversation_repo.person_and_conversation(
            connection, user.teams_user_id, info.conversation_id
        )
        if (
            person is None
            or not person.in_organisation
            or person.last_seen_at is None
            or self._clock.now() - person.last_seen_at >= SEEN_REFRESH
            or (user.aad_object_id and not person.aad_object_id)
            or (people_repo.normalise_email(user.email) and not person.email)
            or (user.name and not person.display_name)
        ):
            return None
        if conversation is None or not _stored_as(conversation, info, person):
            return None
        return person

    async def _upsert(
        self, session: AsyncSession, info: ConversationInfo, person: Person | None, *, installed: bool | None
    ) -> Conversation:
        owner = person if info.kind == ConversationKind.PERSONAL.value else None
        return await conversation_repo.upsert(
            session,
            conversation_id=info.conversation_id,
            kind=info.kind,
            service_url=info.service_url,
            bot_id=info.bot_id,
            tenant_id=info.tenant_id,
            teams_team_id=info.teams_team_id,
            name=info.name,
            reference=info.reference,
            now=self._clock.now(),
            person=owner,
            installed=installed,
        )

    async def _touch_person(self, session: AsyncSession, teams_user: TeamsUser) -> Person:
        return await people_repo.upsert_from_teams(
            session,
            teams_user_id=teams_user.teams_user_id,
            name=teams_user.name,
            aad_object_id=teams_user.aad_object_id,
            email=teams_user.email,
            now=self._clock.now(),
        )


def _stored_as(conversation: KnownConversation, info: ConversationInfo, person: KnownPerson) -> bool:
    """Whether the stored conversation already says everything ``info`` says."""
    owner_id = person.id if info.kind == ConversationKind.PERSONAL.value else conversation.person_id
    return (
        conversation.kind == info.kind
        and conversation.service_url == info.service_url
        and conversation.bot_id == info.bot_id
        and conversation.tenant_id == (info.tenant_id or conversation.tenant_id)
        and conversation.teams_team_id == (info.teams_team_id or conversation.teams_team_id)
        and conversation.name == (info.name or conversation.name)
        and conversation.person_id == owner_id
        and _lasting(conversation.reference) == _lasting(info.reference)
    )


def _lasting(reference: dict[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (reference or {}).items() if k not in PER_MESSAGE_REFERENCE_KEYS}
