"""A small organisation for the actions tests: two teams with managers, practitioners, a QA lead."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import Person, Role, RoleAssignment, ServiceArea, Team


@dataclass(frozen=True)
class Org:
    manager: int
    practitioner: int
    colleague: int
    """Same team as the practitioner."""
    other_manager: int
    outsider: int
    """A practitioner in the other team."""
    qa_lead: int


async def make_org(sessions: async_sessionmaker[AsyncSession], *, teams_ids: bool = False) -> Org:
    """Create the organisation; ``teams_ids`` gives people Teams user ids 29:user-N (N = 1..6)."""
    async with sessions() as session, session.begin():
        area = ServiceArea(name="Children in Care")
        session.add(area)
        await session.flush()

        def person(number: int, name: str, team: Team | None = None, time_zone: str | None = None) -> Person:
            created = Person(
                display_name=name,
                email=f"{name.split()[0].lower()}@council.example.gov.uk",
                in_organisation=True,
                team_id=team.id if team else None,
                time_zone=time_zone,
                teams_user_id=f"29:user-{number}" if teams_ids else None,
            )
            session.add(created)
            return created

        riverside = Team(name="Riverside Locality Team", service_area_id=area.id)
        hillside = Team(name="Hillside Children in Care Team", service_area_id=area.id)
        session.add_all([riverside, hillside])
        await session.flush()
        manager = person(2, "Maya Patel", riverside)
        practitioner = person(1, "Priya Shah", riverside)
        colleague = person(3, "Callum Reid", riverside)
        other_manager = person(4, "Omar Hassan", hillside)
        outsider = person(5, "Olivia Brown", hillside)
        qa_lead = person(6, "Quinn Adams")
        await session.flush()
        riverside.manager_id = manager.id
        hillside.manager_id = other_manager.id
        session.add(RoleAssignment(person_id=qa_lead.id, role=Role.QA_LEAD.value))
        await session.flush()
        return Org(manager.id, practitioner.id, colleague.id, other_manager.id, outsider.id, qa_lead.id)


async def add_person(session: AsyncSession, name: str) -> Person:
    person = Person(display_name=name, email=f"{name.split()[0].lower()}@council.example.gov.uk", in_organisation=True)
    session.add(person)
    await session.flush()
    return person


async def give_personal_chats(sessions: async_sessionmaker[AsyncSession], service_url: str) -> dict[int, str]:
    """A stored 1:1 chat with qop (``a:personal-N`` for Teams user 29:user-N) for everyone with a Teams id.

    Returns person id -> chat id, so a test can read what each person received."""
    from sqlalchemy import select

    from storage.models import Conversation
    from tests.support import activities

    chats: dict[int, str] = {}
    async with sessions() as session, session.begin():
        for person in await session.scalars(select(Person).where(Person.teams_user_id.is_not(None))):
            number = person.teams_user_id.rsplit("-", 1)[1]
            chat_id = f"a:personal-{number}"
            reference = {
                "conversation": {"id": chat_id, "conversationType": "personal", "tenantId": activities.TENANT_ID},
                "bot": {"id": activities.BOT_ID},
                "serviceUrl": service_url,
                "channelId": "msteams",
            }
            session.add(
                Conversation(
                    conversation_id=chat_id,
                    kind="personal",
                    tenant_id=activities.TENANT_ID,
                    service_url=service_url,
                    bot_id=activities.BOT_ID,
                    person_id=person.id,
                    reference=reference,
                    installed=True,
                )
            )
            chats[person.id] = chat_id
    return chats


async def add_senior_manager(
    sessions: async_sessionmaker[AsyncSession],
    *,
    number: int = 7,
    name: str = "Sam Okoro",
    area: str | None = None,
    role: Role = Role.SENIOR_MANAGER,
) -> int:
    """A senior manager (no team of their own) for ``area`` (default: the org's Children in Care), with
    Teams user id 29:user-``number``; another area name is created. ``role`` gives them another role
    held for an area instead (a Head of Service). Returns their person id."""
    from sqlalchemy import select

    async with sessions() as session, session.begin():
        service_area = await session.scalar(select(ServiceArea).where(ServiceArea.name == (area or "Children in Care")))
        if service_area is None:
            service_area = ServiceArea(name=area)
            session.add(service_area)
        senior = await add_person(session, name)
        senior.teams_user_id = f"29:user-{number}"
        await session.flush()
        session.add(RoleAssignment(person_id=senior.id, role=role.value, service_area_id=service_area.id))
        return senior.id


async def add_role_holder(sessions: async_sessionmaker[AsyncSession], role: Role, *, number: int, name: str) -> int:
    """Someone with no team holding a service-wide ``role`` (a Principal Social Worker, the QA Head of
    Service), with Teams user id 29:user-``number``. Returns their person id."""
    async with sessions() as session, session.begin():
        holder = await add_person(session, name)
        holder.teams_user_id = f"29:user-{number}"
        await session.flush()
        session.add(RoleAssignment(person_id=holder.id, role=role.value))
        return holder.id


async def give_roles(sessions: async_sessionmaker[AsyncSession], *grants: tuple[int, str]) -> None:
    """Give each (person id, role) in one transaction."""
    async with sessions() as session, session.begin():
        session.add_all(RoleAssignment(person_id=person_id, role=role) for person_id, role in grants)
