"""Where qop is installed and whom it has met: the memory that proactive messages need."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.clock import Clock
from services.teams_data import ConversationInfo, TeamsUser
from storage.db import retrying_on_conflict, transaction
from storage.models import Conversation, ConversationKind, Person
from storage.repositories import conversations as conversation_repo
from storage.repositories import people as people_repo


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

    async def record_seen(self, info: ConversationInfo, actor: TeamsUser) -> Person:
        """Note the person acting and the conversation they spoke in; keeps references fresh."""

        async def work(session: AsyncSession) -> Person:
            person = await self._touch_person(session, actor)
            await self._upsert(session, info, person, installed=None)
            return person

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
