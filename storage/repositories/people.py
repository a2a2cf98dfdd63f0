"""Queries about people."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from storage.models import Base, Person, RoleAssignment


def normalise_email(email: str | None) -> str | None:
    return email.strip().lower() if email and email.strip() else None


async def find_for_teams_user(
    session: AsyncSession, *, teams_user_id: str | None, aad_object_id: str | None, email: str | None
) -> Person | None:
    """Match by Teams id, then AAD object id, then e-mail (issue 8's matching order)."""
    for column, value in (
        (Person.teams_user_id, teams_user_id),
        (Person.aad_object_id, aad_object_id),
        (Person.email, normalise_email(email)),
    ):
        if value:
            person = await session.scalar(select(Person).where(column == value))
            if person is not None:
                return person
    return None


async def find_in_organisation(session: AsyncSession, *, aad_object_id: str | None, email: str | None) -> Person | None:
    """The organisation record (from the import) of a Teams user: by AAD object id, then e-mail."""
    for column, value in ((Person.aad_object_id, aad_object_id), (Person.email, normalise_email(email))):
        if value:
            person = await session.scalar(select(Person).where(column == value, Person.in_organisation.is_(True)))
            if person is not None:
                return person
    return None


async def upsert_from_teams(
    session: AsyncSession,
    *,
    teams_user_id: str,
    name: str,
    aad_object_id: str | None,
    email: str | None,
    now: datetime,
) -> Person:
    """Find the person behind a Teams user (or create one) and fill in what Teams told us.

    A Teams user who is not yet matched is matched to the organisation on every visit (the
    administrator may have imported them since): by AAD object id, then by e-mail. A record
    made for them before the match is folded into their organisation record, so there is
    only ever one person.
    """
    person = await find_for_teams_user(session, teams_user_id=teams_user_id, aad_object_id=aad_object_id, email=email)
    if person is None or not person.in_organisation:
        member = await find_in_organisation(session, aad_object_id=aad_object_id, email=email)
        if member is not None and person is not None and member.id != person.id:
            await merge_into(session, keep=member, duplicate=person)
        person = member or person
    if person is None:
        person = Person(display_name=(name or "")[:200], in_organisation=False)
        session.add(person)
    person.teams_user_id = teams_user_id
    if aad_object_id and not person.aad_object_id:
        person.aad_object_id = aad_object_id
    normalised = normalise_email(email)
    if normalised and not person.email and not await _email_taken(session, normalised, person.id):
        person.email = normalised
    if name and (not person.display_name or not person.in_organisation):
        person.display_name = name[:200]  # the column's size; Teams names are rarely near it
    person.last_seen_at = now
    await session.flush()
    return person


async def _email_taken(session: AsyncSession, email: str, person_id: int | None) -> bool:
    existing = await session.scalar(select(Person.id).where(Person.email == email))
    return existing is not None and existing != person_id


async def active_member_by_email(session: AsyncSession, email: str) -> Person | None:
    """The active person of the organisation with this e-mail (any case), or None."""
    return await session.scalar(
        select(Person).where(
            Person.email == email.strip().lower(), Person.in_organisation.is_(True), Person.active.is_(True)
        )
    )


async def get_by_teams_user_id(session: AsyncSession, teams_user_id: str) -> Person | None:
    return await session.scalar(select(Person).where(Person.teams_user_id == teams_user_id))


async def search(session: AsyncSession, text: str) -> list[Person]:
    pattern = f"%{text.lower()}%"
    rows = await session.scalars(
        select(Person).where(or_(Person.email.ilike(pattern), Person.display_name.ilike(pattern)))
    )
    return list(rows)


async def merge_into(session: AsyncSession, *, keep: Person, duplicate: Person) -> None:
    """Fold ``duplicate`` (a person first seen in Teams) into ``keep`` (their organisation record).

    Every row that points at the duplicate (conversations, access log entries, whatever later
    features add) is pointed at ``keep`` first, so nothing they did loses its author; only then
    is the empty duplicate removed and its Teams identity carried over.
    """
    teams_user_id, aad_object_id = duplicate.teams_user_id, duplicate.aad_object_id
    last_seen = [t for t in (keep.last_seen_at, duplicate.last_seen_at) if t]
    duplicate.teams_user_id = duplicate.aad_object_id = duplicate.email = None
    await session.flush()
    held = set(
        await session.execute(
            select(RoleAssignment.role, RoleAssignment.service_area_id).where(RoleAssignment.person_id == keep.id)
        )
    )
    for assignment in await session.scalars(select(RoleAssignment).where(RoleAssignment.person_id == duplicate.id)):
        if (assignment.role, assignment.service_area_id) in held:
            await session.delete(assignment)
    await session.flush()
    for table in Base.metadata.sorted_tables:
        for foreign_key in table.foreign_keys:
            if foreign_key.column.table.name == Person.__tablename__ and table.name != Person.__tablename__:
                column = foreign_key.parent
                await session.execute(update(table).where(column == duplicate.id).values({column.name: keep.id}))
    _repoint_loaded_rows(session, Person.__tablename__, duplicate.id, keep.id)
    await session.delete(duplicate)
    await session.flush()
    keep.teams_user_id = keep.teams_user_id or teams_user_id
    keep.aad_object_id = keep.aad_object_id or aad_object_id
    keep.last_seen_at = max(last_seen, default=None)
    await session.flush()


def _repoint_loaded_rows(session: AsyncSession, table_name: str, old_id: int, new_id: int) -> None:
    """Rows already loaded in this session still hold the old id: tell them, without a query."""
    for instance in list(session.identity_map.values()):
        for column in instance.__table__.columns:
            if any(fk.column.table.name == table_name for fk in column.foreign_keys):
                key = instance.__mapper__.get_property_by_column(column).key
                if getattr(instance, key, None) == old_id:
                    set_committed_value(instance, key, new_id)
