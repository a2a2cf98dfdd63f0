"""Whom an action may be given to: the choice lists on cards, and the server's check of a submitted choice.

One rule (``_scope``) serves both, so a crafted invoke cannot reach further than the card: the QA lead
anyone active in the organisation; a manager the active people in their team(s); a senior manager those
in their service area's teams (themselves excluded: the cards drop the owner too)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from cards import text_actions as text
from services.actors import Actor
from storage.models import Person, Role
from storage.repositories import actions as action_repo
from views.actions import PersonChoice

MAX_CHOICES = 200
"""A choice list on a card stays usable (and small enough for Teams) with at most this many people."""


def choice_of(person: Person) -> PersonChoice:
    return PersonChoice(person.id, person.display_name or person.email or text.unnamed_person(person.id))


def _by_name(people: list[Person]) -> list[PersonChoice]:
    return sorted((choice_of(p) for p in people), key=lambda choice: choice.name)


def _scope(actor: Actor) -> tuple[set[int] | None, int | None] | None:
    """(the teams ``actor`` may hand an action on within, None for the whole organisation; whom to leave
    out), or None when they may hand it to nobody."""
    if actor.has(Role.QA_LEAD):
        return None, None
    team_ids = actor.managed_team_ids | actor.area_team_ids
    if not actor.is_member or not team_ids:
        return None
    return set(team_ids), actor.person_id


async def assignable_choices(session: AsyncSession, actor: Actor) -> list[PersonChoice]:
    """Whom ``actor`` may hand an action on to, by name, at most ``MAX_CHOICES``."""
    scope = _scope(actor)
    if scope is None:
        return []
    team_ids, excluding = scope
    return _by_name(
        await action_repo.assignable_people(session, team_ids=team_ids, excluding=excluding, limit=MAX_CHOICES)
    )


async def may_assign_to(session: AsyncSession, actor: Actor, person_id: int) -> bool:
    """Whether ``person_id`` is someone ``actor`` may hand an action on to. Not limited to the first
    ``MAX_CHOICES`` the card lists: that cut keeps the card small, it is not a permission."""
    scope = _scope(actor)
    if scope is None:
        return False
    team_ids, excluding = scope
    return await action_repo.is_assignable(session, person_id, team_ids=team_ids, excluding=excluding)


async def everyone(session: AsyncSession) -> list[PersonChoice]:
    """Everyone active in the organisation, by name, at most ``MAX_CHOICES`` (the QA lead's owner choice)."""
    return _by_name(await action_repo.assignable_people(session, team_ids=None, limit=MAX_CHOICES))


async def team_choices(session: AsyncSession, actor_id: int) -> list[PersonChoice]:
    """The people a manager can give a new action to: their team(s), by name."""
    ids = await action_repo.people_managed_by(session, actor_id)
    return _by_name(await action_repo.active_people(session, ids))
