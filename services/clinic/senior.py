"""The senior leadership performance clinic (the framework's Appendix 2: monthly, the Director,
Heads of Service and the performance team; it feeds the QIM and the self-assessment).

Its service pack is the team pack's counterpart for the whole service: the service's Meaningful
Measures with the four questions, each service area's teams of concern and team clinics, the
service's audit themes, the service-level actions agreed at the clinic and what changed since the
last service pack, and a signed link to it as a workbook. It is prepared when someone asks
(``clinic service``) or when the QA calendar's ``senior_leadership_performance_clinic`` comes due
(``run_due_packs``, on the reminder job: the holders of its responsible roles each get the card
once). Each pack is stored (one record per month, refreshed when prepared again) and the next
month's compares itself with it. Who may see it or agree an action is ``services.policy``'s answer
for the record kind "senior leadership clinic".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from functools import partial
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from cards import clinic as clinic_cards
from cards import text_clinic as text
from services import access_log, actors, policy
from services.actions import choices
from services.actors import Actor
from services.clinic import service as team_clinic
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
from services.digest.report_links import LinkRefused
from services.errors import InvalidInput, NotFound
from services.measures import NoMeasures
from services.reminders import stale_claims
from storage.db import transaction
from storage.models import ActionSource, SeniorLeadershipClinic, ServiceArea, Team
from storage.repositories import actions as action_rows
from storage.repositories import clinics as repository
from views.clinic import AreaRollUp, ServiceClinicPack, TeamConcern
from views.measures import IndicatorStatus, MeasuresOverview

CLINIC_ACTIVITY = "senior_leadership_performance_clinic"
"""The QA calendar activity whose dates and reminders the service packs follow."""
RECORD_TYPE = "senior_leadership_clinic"
PURPOSE = "senior-leadership-clinic"
KIND = "senior-clinic"
LINK_SCOPE = "service-clinic"
LINK_PATH = "service-clinic.xlsx"


def source_ref(clinic_id: int) -> str:
    return f"service-clinic:{clinic_id}"


def pack_key(due: date, person_id: int) -> str:
    """The scheduled service pack's claim key: one card per person and clinic date."""
    return f"senior-clinic:{due.isoformat()}:person:{person_id}"


def _parse_key(key: str) -> tuple[date, int] | None:
    parts = key.split(":")
    if len(parts) != 4 or parts[0] != "senior-clinic":
        return None
    try:
        return date.fromisoformat(parts[1]), int(parts[3])
    except ValueError:
        return None


def concern_of(team_name: str, statuses: Sequence[IndicatorStatus]) -> TeamConcern | None:
    """The team's indicators off target or moving the wrong way (None when it has neither)."""
    concern = TeamConcern(
        team_name,
        tuple(s.name for s in statuses if s.off_target),
        tuple(s.name for s in statuses if s.wrong_way),
    )
    return concern if concern.weight else None


class SeniorClinicService(ClinicServiceBase):
    """Prepares, stores and sends the senior leadership clinic's service pack, and raises the
    service-level actions agreed at it."""

    # -- asking in Teams -------------------------------------------------------------------------

    async def pack_for(self, teams_user_id: str) -> ServiceClinicPack:
        """This month's service pack. Raises ``NotAllowed`` (logged) for someone it is not for."""
        async with transaction(self._sessions) as session:
            actor = await actors.load_for_teams_user(session, teams_user_id)
            await self._require(actor, policy.Permission.VIEW)
        return await self._prepare(self._measures.this_month(), actor=actor)

    async def pack(self, teams_user_id: str, clinic_id: int) -> ServiceClinicPack:
        """A service pack already prepared (its card again, e.g. with a refused form's problems)."""
        async with transaction(self._sessions) as session:
            actor, clinic = await self._asked(session, teams_user_id, clinic_id, policy.Permission.VIEW)
            month = clinic.month
        return await self._prepare(month, actor=actor)

    async def agree_action(self, teams_user_id: str, clinic_id: int, data: dict[str, Any]) -> ServiceClinicPack:
        """Raise the service-level action agreed at the clinic (source: senior leadership clinic)
        and return the pack with it. Raises ``InvalidInput`` with the fields to look at; nothing is
        stored then."""
        async with transaction(self._sessions) as session:
            actor, clinic = await self._asked(session, teams_user_id, clinic_id, policy.Permission.SUBMIT)
            await raise_agreed_action(
                session,
                source=ActionSource.SENIOR_LEADERSHIP_CLINIC,
                source_ref=source_ref(clinic.id),
                data=data,
                owner_id=await self._owner(session, data.get("owner_id")),
                actor=actor,
                now=self._clock.now(),
                today=self.today(),
            )
            month = clinic.month
        return await self._prepare(month, actor=actor)

    async def workbook_link(self, teams_user_id: str, clinic_id: int) -> tuple[ServiceClinicPack, WorkbookLink]:
        """The pack again with a short-lived signed link to its workbook, for someone who may see it."""
        self._workbook_links()
        async with transaction(self._sessions) as session:
            actor, clinic = await self._asked(session, teams_user_id, clinic_id, policy.Permission.VIEW)
            month = clinic.month
        link = self._link_for(actor, path=LINK_PATH, scope=LINK_SCOPE, clinic_id=clinic_id, month=month)
        return await self._prepare(month, actor=actor), link

    async def open_workbook(self, token: str) -> ServiceClinicPack:
        """The pack behind a signed workbook link (an export in the access log). Raises
        ``LinkRefused``, or ``NotAllowed`` when the person may no longer see the service pack."""
        if self._links is None:
            raise LinkRefused("not configured")
        person_id, clinic_id = self._links.read(token, scope=LINK_SCOPE, now=self._clock.now())
        async with transaction(self._sessions) as session:
            actor = await actors.load_for_person(session, person_id)
            await self._require(actor, policy.Permission.VIEW)
            clinic = await session.get(SeniorLeadershipClinic, clinic_id)
            if clinic is None:
                raise NotFound(text.NO_SUCH_SERVICE_CLINIC)
            await access_log.record(session, actor, access_log.EXPORT, RECORD_TYPE, clinic.id)
            month = clinic.month
        return await self._assemble(month, store=False, actor=actor)

    # -- the schedule ----------------------------------------------------------------------------

    async def run_due_packs(self, now: datetime | None = None) -> list[str]:
        """Send the service pack once to each person responsible for the senior leadership clinic
        when the QA calendar's occurrence is in its reminder window and they are in working hours."""
        now = now or self._clock.now()
        if not await self._ready_to_send(now):
            return []
        sent: list[str] = []
        for unit_due in await self._calendar.units_due(CLINIC_ACTIVITY, now):
            sent += await send_once_each(
                self._sessions,
                self._outbox,
                recipients=[(pack_key(unit_due.due_on, p), p) for p in unit_due.people],
                card=partial(self._scheduled_card, unit_due.due_on),
                kind=KIND,
                purpose=PURPOSE,
                now=now,
            )
        return sent

    async def _scheduled_card(self, due: date) -> dict[str, Any]:
        pack = await self._prepare(due.replace(day=1), actor=None)
        return clinic_cards.service_clinic_pack_card(pack, today=self.today())

    async def _rehand_stale(self, now: datetime) -> None:
        """Claims whose card never reached the delivery engine (the process stopped in between)."""
        assert self._outbox is not None
        for claimed in await stale_claims(self._sessions, now, for_actions=False, kind=KIND):
            parsed = _parse_key(claimed.key)
            if parsed is None:
                continue
            card = await self._scheduled_card(parsed[0])
            await hand_over(
                self._sessions,
                self._outbox,
                key=claimed.key,
                card=card,
                person_id=parsed[1],
                purpose=PURPOSE,
                now=now,
            )

    # -- preparing the pack ----------------------------------------------------------------------

    async def _prepare(self, month: date, *, actor: Actor | None) -> ServiceClinicPack:
        """Build the pack and store it as this month's record (a concurrent first pack of the same
        month loses the insert and refreshes the winner's record instead)."""
        try:
            return await self._assemble(month, store=True, actor=actor)
        except IntegrityError:
            return await self._assemble(month, store=True, actor=actor)

    async def _assemble(self, month: date, *, store: bool, actor: Actor | None) -> ServiceClinicPack:
        """The pack for ``month``; ``store``: record it (this month's record, created or
        refreshed, and a view in the access log), else read the record as it stands."""
        overview = await self._overview(month)
        async with self._sessions() as session:
            teams = await repository.active_teams(session)
            areas = await repository.active_areas(session)
        concerns = await self._concerns(teams, month) if overview is not None else {}
        today, now = self.today(), self._clock.now()
        async with transaction(self._sessions) as session:
            themes, since = await theme_lines(session, self._themes, [t.id for t in teams], month, self._zone)
            counts = await repository.area_clinic_counts(
                session,
                month=month,
                today=today,
                source=ActionSource.PERFORMANCE_CLINIC.value,
                source_ref=team_clinic.source_ref,
            )
            open_clinic_actions = await repository.open_actions_from(
                session, [ActionSource.PERFORMANCE_CLINIC.value, ActionSource.SENIOR_LEADERSHIP_CLINIC.value]
            )
            snapshot = snapshot_of(overview, themes, open_clinic_actions)
            previous = await repository.previous_senior_clinic(session, month)
            clinic = await repository.senior_clinic_of(session, month)
            if store:
                clinic = await repository.store_senior_clinic(
                    session,
                    month=month,
                    prepared_on=today,
                    prepared_at=now,
                    prepared_by_id=actor.person_id if actor else None,
                    snapshot=snapshot,
                )
                if actor is not None:
                    await access_log.record(session, actor, access_log.VIEW, RECORD_TYPE, clinic.id)
            if clinic is None:
                raise NotFound(text.NO_SUCH_SERVICE_CLINIC)
            source = ActionSource.SENIOR_LEADERSHIP_CLINIC.value
            agreed = await action_rows.raised_from(session, source, source_ref(clinic.id))
            earlier = await action_rows.raised_from(session, source, source_ref(previous.id)) if previous else []
            owners = tuple(await choices.everyone(session)) if self._may_agree(actor) else ()
        return ServiceClinicPack(
            clinic_id=clinic.id,
            month=month,
            prepared_on=clinic.prepared_on,
            measures=overview,
            areas=self._roll_up(areas, teams, concerns, counts),
            themes=themes,
            themes_since=since,
            open_clinic_actions=open_clinic_actions,
            agreed_here=tuple(clinic_action(action, name, today) for action, name in agreed),
            since_last=since_last(previous.month, previous.snapshot, snapshot, [a for a, _ in earlier])
            if previous
            else None,
            owners=owners,
        )

    async def _overview(self, month: date) -> MeasuresOverview | None:
        try:
            return await self._measures.overview(month=month)
        except NoMeasures:
            return None

    async def _concerns(self, teams: list[Team], month: date) -> dict[int, TeamConcern]:
        """Each team with indicators off target or moving the wrong way, judged as its own pack judges them."""
        try:
            statuses = await self._measures.team_statuses(month=month)
        except NoMeasures:
            return {}
        found = {}
        for team in teams:
            concern = concern_of(team.name, statuses.get(team.id, []))
            if concern is not None:
                found[team.id] = concern
        return found

    @staticmethod
    def _roll_up(
        areas: list[ServiceArea],
        teams: list[Team],
        concerns: dict[int, TeamConcern],
        counts: dict[int, repository.AreaClinicCounts],
    ) -> tuple[AreaRollUp, ...]:
        """Each service area with active teams: its teams of concern, worst first, and its team clinics."""
        rolled = []
        for area in areas:
            area_teams = [t for t in teams if t.service_area_id == area.id]
            if not area_teams:
                continue
            worst = sorted(
                (concerns[t.id] for t in area_teams if t.id in concerns),
                key=lambda c: (-c.weight, -len(c.off_target), c.team_name),
            )
            count = counts.get(area.id, repository.AreaClinicCounts())
            rolled.append(
                AreaRollUp(
                    area_name=area.name,
                    teams=len(area_teams),
                    concerns=tuple(worst),
                    packs=count.packs,
                    agreed=count.agreed,
                    open_actions=count.open,
                    overdue_actions=count.overdue,
                )
            )
        return tuple(rolled)

    # -- who and which -----------------------------------------------------------------------------

    async def _asked(
        self, session: AsyncSession, teams_user_id: str, clinic_id: int, permission: policy.Permission
    ) -> tuple[Actor, SeniorLeadershipClinic]:
        """Who is asking about which service pack, once the policy has let them (``NotAllowed``, logged, if not)."""
        actor = await actors.load_for_teams_user(session, teams_user_id)
        await self._require(actor, permission)
        clinic = await session.get(SeniorLeadershipClinic, clinic_id)
        if clinic is None:
            raise NotFound(text.NO_SUCH_SERVICE_CLINIC)
        return actor, clinic

    async def _require(self, actor: Actor, permission: policy.Permission) -> None:
        await access_log.require_logged(
            self._sessions,
            actor,
            permission,
            policy.senior_leadership_clinic(),
            record_type=RECORD_TYPE,
            detail={"permission": permission.value},
            summary="senior leadership clinic refused",
        )

    @staticmethod
    def _may_agree(actor: Actor | None) -> bool:
        """Whether the pack offers the "Agree an action" form (the schedule sends it to those who may)."""
        return actor is None or policy.allows(actor, policy.Permission.SUBMIT, policy.senior_leadership_clinic())

    @staticmethod
    async def _owner(session: AsyncSession, raw: object) -> int:
        """A service-level action may be owned by anyone active in the organisation."""
        try:
            owner_id = int(str(raw))
        except ValueError:
            raise InvalidInput(text.ERROR_OWNER, {"owner_id": text.ERROR_OWNER}) from None
        if await action_rows.is_assignable(session, owner_id, team_ids=None):
            return owner_id
        raise InvalidInput(text.OWNER_NOT_ACTIVE, {"owner_id": text.OWNER_NOT_ACTIVE})
