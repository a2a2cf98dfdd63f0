"""Service performance clinics: each team's monthly pack, the actions agreed at the clinic, and
what changed since the last one.

A pack is prepared when someone asks (``clinic [team]``) or when the QA calendar's performance
clinic comes due (``run_due_packs``, on the reminder job: the team's manager and its area's senior
managers each get the card once, through the claimed keys every reminder uses). Each pack is stored
(team, month, the figures shown); preparing it again in the same month refreshes that record, and
the next month's pack compares itself with it. Who may see a pack or agree an action is
``services.policy``'s answer for the record kind "performance clinic".
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from functools import partial
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from cards import clinic as clinic_cards
from cards import text_clinic as text
from services import access_log, actors, policy
from services.actions.choices import MAX_CHOICES, choice_of
from services.actors import Actor
from services.clinic.parts import (
    ClinicServiceBase,
    WorkbookLink,
    clinic_action,
    hand_over,
    raise_agreed_action,
    send_once_each,
    theme_lines,
)
from services.clinic.snapshot import since_last, snapshot_of
from services.digest import report_links
from services.errors import InvalidInput, NotFound
from services.measures import NoMeasures
from services.organisation.source import name_key
from services.reminders import stale_claims
from storage.db import transaction
from storage.models import ActionSource, PerformanceClinic, ServiceArea, Team
from storage.repositories import actions as action_rows
from storage.repositories import clinics as repository
from views.actions import PersonChoice
from views.clinic import ClinicPack
from views.measures import MeasuresOverview

logger = logging.getLogger(__name__)

CLINIC_ACTIVITY = "performance_clinic"
"""The QA calendar activity whose dates and reminders the packs follow."""
RECORD_TYPE = "performance_clinic"
PURPOSE = "performance-clinic"
KIND = "clinic"
LINK_SCOPE = "clinic"
LINK_PATH = "clinic.xlsx"
ACTIONS_SHOWN = 10


def source_ref(clinic_id: int) -> str:
    return f"clinic:{clinic_id}"


def pack_key(due: date, team_id: int, person_id: int) -> str:
    """The scheduled pack's claim key: one card per person, team and clinic date."""
    return f"clinic:{due.isoformat()}:team-{team_id}:person:{person_id}"


def _parse_key(key: str) -> tuple[date, int, int] | None:
    parts = key.split(":")
    if len(parts) != 5 or not parts[2].startswith("team-"):
        return None
    try:
        return date.fromisoformat(parts[1]), int(parts[2].removeprefix("team-")), int(parts[4])
    except ValueError:
        return None


class ClinicService(ClinicServiceBase):
    """Prepares, stores and sends performance clinic packs, and raises the actions agreed."""

    # -- asking in Teams -------------------------------------------------------------------------

    async def pack_for(self, teams_user_id: str, team_name: str = "") -> ClinicPack:
        """This month's pack of the team named (the asker's own team when they manage one).

        Raises ``NotFound`` for an unknown team, ``NotAllowed`` (logged) for a team outside the
        asker's reach."""
        async with transaction(self._sessions) as session:
            actor = await actors.load_for_teams_user(session, teams_user_id)
            team, area = await self._team_asked(session, actor, team_name)
            await self._require(session, actor, policy.Permission.VIEW, team)
        return await self._prepare(team, area, self._measures.this_month(), actor=actor)

    async def pack(self, teams_user_id: str, clinic_id: int) -> ClinicPack:
        """A pack already prepared (its card again, e.g. with a refused action form's problems)."""
        async with transaction(self._sessions) as session:
            actor, clinic, team, area = await self._asked(session, teams_user_id, clinic_id, policy.Permission.VIEW)
            month = clinic.month
        return await self._prepare(team, area, month, actor=actor)

    async def agree_action(self, teams_user_id: str, clinic_id: int, data: dict[str, Any]) -> ClinicPack:
        """Raise the action agreed at the clinic (source: performance clinic) and return the pack
        with it. Raises ``InvalidInput`` with the fields to look at; nothing is stored then."""
        async with transaction(self._sessions) as session:
            actor, clinic, team, area = await self._asked(session, teams_user_id, clinic_id, policy.Permission.SUBMIT)
            await raise_agreed_action(
                session,
                source=ActionSource.PERFORMANCE_CLINIC,
                source_ref=source_ref(clinic.id),
                data=data,
                owner_id=await self._owner(session, team, data.get("owner_id")),
                actor=actor,
                now=self._clock.now(),
                today=self.today(),
            )
            month = clinic.month
        return await self._prepare(team, area, month, actor=actor)

    async def workbook_link(self, teams_user_id: str, clinic_id: int) -> tuple[ClinicPack, WorkbookLink]:
        """The pack again with a short-lived signed link to its workbook, for someone who may see it."""
        self._workbook_links()
        async with transaction(self._sessions) as session:
            actor, clinic, team, area = await self._asked(session, teams_user_id, clinic_id, policy.Permission.VIEW)
            month = clinic.month
        link = self._link_for(actor, path=LINK_PATH, scope=LINK_SCOPE, clinic_id=clinic_id, month=month)
        return await self._prepare(team, area, month, actor=actor), link

    async def open_workbook(self, token: str) -> ClinicPack:
        """The pack behind a signed workbook link (an export in the access log). Raises
        ``LinkRefused``, or ``NotAllowed`` when the person may no longer see the team's pack."""
        if self._links is None:
            raise report_links.LinkRefused("not configured")
        person_id, clinic_id = self._links.read(token, scope=LINK_SCOPE, now=self._clock.now())
        async with transaction(self._sessions) as session:
            actor = await actors.load_for_person(session, person_id)
            clinic, team, area = await self._clinic(session, clinic_id)
            await self._require(session, actor, policy.Permission.VIEW, team)
            await access_log.record(session, actor, access_log.EXPORT, RECORD_TYPE, clinic.id, {"team_id": team.id})
        return await self._assemble(team, area, clinic.month, store=False, actor=actor)

    # -- the schedule ----------------------------------------------------------------------------

    async def run_due_packs(self, now: datetime | None = None) -> list[str]:
        """Send each team's pack once to each person responsible for its clinic, when the QA
        calendar's clinic is in its reminder window and they are in working hours."""
        now = now or self._clock.now()
        if not await self._ready_to_send(now):
            return []
        sent: list[str] = []
        for team_due in await self._calendar.teams_due(CLINIC_ACTIVITY, now):
            sent += await send_once_each(
                self._sessions,
                self._outbox,
                recipients=[(pack_key(team_due.due_on, team_due.team_id, p), p) for p in team_due.people],
                card=partial(self._scheduled_card, team_due.team_id, team_due.due_on),
                kind=KIND,
                purpose=PURPOSE,
                now=now,
            )
        return sent

    async def _scheduled_card(self, team_id: int, due: date) -> dict[str, Any] | None:
        async with self._sessions() as session:
            found = await repository.team_with_area(session, team_id)
        if found is None:
            return None
        pack = await self._prepare(found[0], found[1], due.replace(day=1), actor=None)
        return clinic_cards.clinic_pack_card(pack, today=self.today())

    async def _rehand_stale(self, now: datetime) -> None:
        """Claims whose card never reached the delivery engine (the process stopped in between)."""
        for claimed in await stale_claims(self._sessions, now, for_actions=False, kind=KIND):
            parsed = _parse_key(claimed.key)
            card = await self._scheduled_card(parsed[1], parsed[0]) if parsed else None
            if parsed is not None and card is not None and self._outbox is not None:
                await hand_over(
                    self._sessions,
                    self._outbox,
                    key=claimed.key,
                    card=card,
                    person_id=parsed[2],
                    purpose=PURPOSE,
                    now=now,
                )

    # -- preparing a pack ------------------------------------------------------------------------

    async def _prepare(self, team: Team, area: ServiceArea, month: date, *, actor: Actor | None) -> ClinicPack:
        """Build the pack and store it as this month's clinic record (a concurrent first pack of
        the same team and month loses the insert and refreshes the winner's record instead)."""
        try:
            return await self._assemble(team, area, month, store=True, actor=actor)
        except IntegrityError:
            return await self._assemble(team, area, month, store=True, actor=actor)

    async def _assemble(
        self, team: Team, area: ServiceArea, month: date, *, store: bool, actor: Actor | None
    ) -> ClinicPack:
        overview = await self._overview(team, month)
        today, now = self.today(), self._clock.now()
        async with transaction(self._sessions) as session:
            themes, since = await theme_lines(session, self._themes, [team.id], month, self._zone)
            rows, total = await repository.open_team_actions(session, team.id, limit=ACTIONS_SHOWN)
            open_actions = tuple(clinic_action(action, name, today) for action, name in rows)
            snapshot = snapshot_of(overview, themes, total)
            previous = await repository.previous_clinic(session, team.id, month)
            clinic = await repository.clinic_of(session, team.id, month)
            if store:
                clinic = await repository.store_clinic(
                    session,
                    team_id=team.id,
                    month=month,
                    prepared_on=today,
                    prepared_at=now,
                    prepared_by_id=actor.person_id if actor else None,
                    snapshot=snapshot,
                )
                if actor is not None:
                    await access_log.record(
                        session, actor, access_log.VIEW, RECORD_TYPE, clinic.id, {"team_id": team.id}
                    )
            if clinic is None:
                raise NotFound(text.NO_SUCH_CLINIC)
            agreed = await action_rows.raised_from(
                session, ActionSource.PERFORMANCE_CLINIC.value, source_ref(clinic.id)
            )
            earlier = (
                await action_rows.raised_from(session, ActionSource.PERFORMANCE_CLINIC.value, source_ref(previous.id))
                if previous
                else []
            )
            owners = await self._owner_choices(session, team) if self._may_agree(actor, team) else ()
        return ClinicPack(
            clinic_id=clinic.id,
            team_id=team.id,
            team_name=team.name,
            area_name=area.name,
            month=month,
            prepared_on=clinic.prepared_on,
            measures=overview,
            themes=themes,
            themes_since=since,
            open_actions=open_actions,
            open_actions_total=total,
            agreed_here=tuple(clinic_action(action, name, today) for action, name in agreed),
            since_last=since_last(previous.month, previous.snapshot, snapshot, [a for a, _ in earlier])
            if previous
            else None,
            owners=owners,
        )

    async def _overview(self, team: Team, month: date) -> MeasuresOverview | None:
        try:
            return await self._measures.overview(team=team.name, month=month)
        except NoMeasures:
            return None

    # -- who and which -----------------------------------------------------------------------------

    async def _team_asked(self, session: AsyncSession, actor: Actor, team_name: str) -> tuple[Team, ServiceArea]:
        teams = await repository.active_teams(session)
        if team_name.strip():
            chosen = [t for t in teams if name_key(t.name) == name_key(team_name)]
            if not chosen:
                raise NotFound(text.NO_SUCH_TEAM.format(team=team_name.strip()[:80]))
        else:
            chosen = [t for t in teams if t.id in actor.managed_team_ids]
            if len(chosen) != 1:
                raise InvalidInput(text.NAME_THE_TEAM)
        found = await repository.team_with_area(session, chosen[0].id)
        assert found is not None  # an active team listed a moment ago
        return found

    async def _asked(
        self, session: AsyncSession, teams_user_id: str, clinic_id: int, permission: policy.Permission
    ) -> tuple[Actor, PerformanceClinic, Team, ServiceArea]:
        """Who is asking about which pack, once the policy has let them (``NotAllowed``, logged, if not)."""
        actor = await actors.load_for_teams_user(session, teams_user_id)
        clinic, team, area = await self._clinic(session, clinic_id)
        await self._require(session, actor, permission, team)
        return actor, clinic, team, area

    async def _clinic(self, session: AsyncSession, clinic_id: int) -> tuple[PerformanceClinic, Team, ServiceArea]:
        clinic = await session.get(PerformanceClinic, clinic_id)
        found = await repository.team_with_area(session, clinic.team_id) if clinic else None
        if clinic is None or found is None:
            raise NotFound(text.NO_SUCH_CLINIC)
        return clinic, found[0], found[1]

    async def _require(self, session: AsyncSession, actor: Actor, permission: policy.Permission, team: Team) -> None:
        """``policy.require`` for the team's pack; a refusal is written to the access log first."""
        await access_log.require_logged(
            self._sessions,
            actor,
            permission,
            policy.performance_clinic(team_id=team.id, service_area_id=team.service_area_id),
            record_type=RECORD_TYPE,
            detail={"team_id": team.id, "permission": permission.value},
            summary="performance clinic refused",
        )

    @staticmethod
    def _may_agree(actor: Actor | None, team: Team) -> bool:
        """Whether the pack offers the "Agree an action" form (the schedule sends it to those who may)."""
        record = policy.performance_clinic(team_id=team.id, service_area_id=team.service_area_id)
        return actor is None or policy.allows(actor, policy.Permission.SUBMIT, record)

    async def _owner_choices(self, session: AsyncSession, team: Team) -> tuple[PersonChoice, ...]:
        """The team's active people and its manager: who may own an action agreed at its clinic."""
        people = await action_rows.assignable_people(session, team_ids={team.id}, limit=MAX_CHOICES)
        if team.manager_id is not None and all(p.id != team.manager_id for p in people):
            people += await action_rows.active_people(session, [team.manager_id])
        return tuple(sorted((choice_of(p) for p in people), key=lambda choice: choice.name))

    async def _owner(self, session: AsyncSession, team: Team, raw: object) -> int:
        try:
            owner_id = int(str(raw))
        except ValueError:
            raise InvalidInput(text.ERROR_OWNER, {"owner_id": text.ERROR_OWNER}) from None
        if owner_id == team.manager_id or await action_rows.is_assignable(session, owner_id, team_ids={team.id}):
            return owner_id
        raise InvalidInput(text.OWNER_NOT_IN_TEAM, {"owner_id": text.OWNER_NOT_IN_TEAM})
