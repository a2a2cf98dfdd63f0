"""Who stands above an action's owner: their line manager, else the senior managers and Heads of Service
of their area, or the QA leads and QA Heads of Service. Reminders, escalations, date requests and
feedback alerts all ask here."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import QA_LEAD_ROLES, Person
from storage.repositories import actions as action_repo


def manager_id_of(person: Person) -> int | None:
    """The person's line manager: the active manager of their team (None for a team's own manager).

    A manager who has left (the organisation import deactivates, never deletes) is no manager: their
    reminders, escalations and date requests go to the people above the owner instead (``Seniors``).
    ``person.team.manager`` must be loaded (``storage.repositories.actions.with_owner`` does)."""
    team = person.team
    if team is None or team.manager_id is None or team.manager_id == person.id:
        return None
    if team.manager is None or not team.manager.active:
        return None
    return team.manager_id


@dataclass(frozen=True)
class Seniors:
    """Who stands above someone without a line manager in their team (a team manager, or anyone in a
    team with no manager): the senior managers and Heads of Service of the team's service area (the
    framework's Heads of Service are their area's senior managers), else the QA leads and the QA Head
    of Service. Someone holding two of these roles is listed once.

    Loaded once (``load_seniors``) so a reminder run asks the database one question, not one per action.
    """

    by_area: dict[int, tuple[int, ...]]
    qa_leads: tuple[int, ...]

    def above(self, person: Person) -> tuple[int, ...]:
        """Every senior manager and Head of Service of the person's area (by id), else every QA lead
        and QA Head of Service; never the person.

        All of them, not one picked: qop does not know which senior manager line-manages which team
        manager, so any single pick could miss the right one (the audits' escalation alert likewise
        goes to every QA lead). Each gets their own card, claimed once per recipient."""
        area = person.team.service_area_id if person.team is not None else None
        for group in (self.by_area.get(area, ()) if area is not None else (), self.qa_leads):
            chosen = tuple(person_id for person_id in group if person_id != person.id)
            if chosen:
                return chosen
        return ()


async def load_seniors(session: AsyncSession) -> Seniors:
    """Every active senior manager and Head of Service (by service area) and every QA lead and QA Head
    of Service, in one query."""
    by_area: dict[int, list[int]] = {}
    qa_leads: list[int] = []
    for person_id, role, area_id in await action_repo.senior_and_qa_lead_roles(session):
        if role in QA_LEAD_ROLES:
            qa_leads.append(person_id)
        elif area_id is not None:
            by_area.setdefault(area_id, []).append(person_id)
    return Seniors({area: tuple(dict.fromkeys(ids)) for area, ids in by_area.items()}, tuple(dict.fromkeys(qa_leads)))
