"""Queries about people."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Person


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


async def upsert_from_teams(
    session: AsyncSession,
    *,
    teams_user_id: str,
    name: str,
    aad_object_id: str | None,
    email: str | None,
    now: datetime,
) -> Person:
    """Find the person behind a Teams user (or create one) and fill in what Teams told us."""
    person = await find_for_teams_user(session, teams_user_id=teams_user_id, aad_object_id=aad_object_id, email=email)
    if person is None:
        person = Person(display_name=name or "", in_organisation=False)
        session.add(person)
    person.teams_user_id = teams_user_id
    if aad_object_id and not person.aad_object_id:
        person.aad_object_id = aad_object_id
    normalised = normalise_email(email)
    if normalised and not person.email and not await _email_taken(session, normalised, person.id):
        person.email = normalised
    if name and (not person.display_name or not person.in_organisation):
        person.display_name = name
    person.last_seen_at = now
    await session.flush()
    return person


async def _email_taken(session: AsyncSession, email: str, person_id: int | None) -> bool:
    existing = await session.scalar(select(Person.id).where(Person.email == email))
    return existing is not None and existing != person_id


async def get_by_teams_user_id(session: AsyncSession, teams_user_id: str) -> Person | None:
    return await session.scalar(select(Person).where(Person.teams_user_id == teams_user_id))


async def search(session: AsyncSession, text: str) -> list[Person]:
    pattern = f"%{text.lower()}%"
    rows = await session.scalars(
        select(Person).where(or_(Person.email.ilike(pattern), Person.display_name.ilike(pattern)))
    )
    return list(rows)
