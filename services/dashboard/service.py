"""The dashboard read model for one person and one place, with the permission policy applied.

Every view is written to the access log, and so is every refusal (a drill-down outside one's
scope), in the same transaction as the check.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cards import text_dashboard as text
from services import access_log
from services.actors import Actor, actor_for, load_for_person
from services.clock import Clock
from services.dashboard import figures
from services.dashboard.figures import Whose
from services.dashboard.scope import Place, home, may_see, require_place, top_places
from services.errors import NotAllowed, NotFound
from services.measures import MeasuresService, NoMeasures
from services.templates import TemplateLibrary
from storage.db import transaction
from storage.models import Person
from views.dashboard import ActionCounts, AuditCount, Dashboard, FeedbackCount, Level, ScopeLink
from views.measures import MeasuresOverview

RECORD_TYPE = "dashboard"
VIEW_REFUSED = "view refused"
LOOKBACK = timedelta(days=365)


@dataclass(frozen=True)
class TeamRow:
    id: int
    name: str
    area_id: int
    area_name: str


@dataclass(frozen=True)
class Organisation:
    """The active teams and areas, to name places and find an area's teams."""

    teams: tuple[TeamRow, ...]

    def team(self, team_id: int) -> TeamRow | None:
        return next((t for t in self.teams if t.id == team_id), None)

    def area_name(self, area_id: int) -> str | None:
        return next((t.area_name for t in self.teams if t.area_id == area_id), None)

    def teams_of(self, area_id: int) -> list[TeamRow]:
        return [t for t in self.teams if t.area_id == area_id]

    def areas(self) -> list[tuple[int, str]]:
        return sorted({(t.area_id, t.area_name) for t in self.teams}, key=lambda a: a[1])


class DashboardService:
    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        measures: MeasuresService,
        library: TemplateLibrary,
        time_zone: str,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._measures = measures
        self._library = library
        self._zone = ZoneInfo(time_zone)

    # -- who is asking ---------------------------------------------------------------------

    async def person_for_entra_user(self, object_id: str, email: str | None) -> int | None:
        """The person an Entra ID token names: by object id, else by e-mail for someone imported
        without one (as the bot matches Teams users). None for someone qop does not know."""
        async with self._sessions() as session:
            person_id = await session.scalar(select(Person.id).where(Person.aad_object_id == object_id))
            if person_id is None and email:
                person_id = await session.scalar(
                    select(Person.id).where(Person.email == email.strip().lower(), Person.aad_object_id.is_(None))
                )
        return person_id

    async def demo_people(self) -> list[tuple[int, str, str]]:
        """(person id, name, what they see) for the local-mode picker: everyone active in the organisation."""
        async with self._sessions() as session:
            people = list(
                await session.scalars(
                    select(Person)
                    .where(Person.in_organisation.is_(True), Person.active.is_(True))
                    .order_by(Person.display_name)
                )
            )
            organisation = await self._organisation(session)
            return [(p.id, p.display_name, self._describe(await actor_for(session, p), organisation)) for p in people]

    @staticmethod
    def _describe(actor: Actor, organisation: Organisation) -> str:
        place = home(actor)
        if place.level is Level.SERVICE:
            return text.SEES_SERVICE
        if place.level is Level.AREA:
            return text.SEES_AREAS
        if place.level is Level.TEAM:
            team = organisation.team(place.team_id or 0)
            return text.SEES_TEAM.format(team=team.name if team else "")
        return text.SEES_OWN

    # -- the dashboard ---------------------------------------------------------------------

    async def dashboard(
        self, person_id: int | None, *, area_id: int | None = None, team_id: int | None = None, own: bool = False
    ) -> Dashboard:
        """The dashboard ``person_id`` asked for (their home when nothing is named).

        Raises ``NotAllowed`` (logged) for a place outside their scope, ``NotFound`` for one that
        does not exist."""
        refused: NotAllowed | None = None
        async with transaction(self._sessions) as session:
            actor = (
                await load_for_person(session, person_id) if person_id is not None else await actor_for(session, None)
            )
            organisation = await self._organisation(session)
            place = self._place(actor, organisation, area_id=area_id, team_id=team_id, own=own)
            try:
                require_place(actor, place, self._refusal(place))
            except NotAllowed as refusal:
                refused = refusal
            await self._log(session, actor, VIEW_REFUSED if refused else access_log.VIEW, place, refused=refused)
        if refused is not None:
            raise refused
        whose = self._whose(actor, organisation, place)
        today = self._clock.now().astimezone(self._zone).date()
        since_day = today - LOOKBACK
        since = datetime.combine(since_day, time(), tzinfo=self._zone).astimezone(UTC)
        # The counts and the measures read different tables on their own connections: asking for
        # both at once lets the database work on one while Python works on the other.
        (audits, feedback, actions), measures = await asyncio.gather(
            self._counts(whose, since, today), self._measures_of(place, organisation)
        )
        return Dashboard(
            viewer_name=actor.display_name,
            level=place.level,
            scope_name=self._name(place, organisation, actor),
            month=self._measures.this_month(),
            since=since_day,
            trail=tuple(self._trail(actor, organisation, place)),
            tops=tuple(self._link(p, organisation, actor) for p in top_places(actor)),
            children=tuple(self._children(actor, organisation, place)),
            measures=measures,
            audits=tuple(AuditCount(self._title(t), stage, n) for t, stage, n in sorted(audits)),
            feedback=tuple(FeedbackCount(self._title(t), channel, n) for t, channel, n in sorted(feedback)),
            actions=actions,
        )

    async def _counts(
        self, whose: Whose, since: datetime, today: date
    ) -> tuple[list[tuple[str, str, int]], list[tuple[str, str, int]], ActionCounts]:
        async with self._sessions() as session:
            audits = await figures.audits_by_type_and_stage(session, whose, since)
            feedback = await figures.feedback_by_form_and_channel(session, whose, since)
            actions = await figures.action_counts(session, whose, since=since, today=today)
        return audits, feedback, actions

    def _place(
        self, actor: Actor, organisation: Organisation, *, area_id: int | None, team_id: int | None, own: bool
    ) -> Place:
        if own:
            return Place(Level.OWN)
        if team_id is not None:
            team = organisation.team(team_id)
            if team is None:
                raise NotFound(text.NO_SUCH_TEAM)
            return Place(Level.TEAM, service_area_id=team.area_id, team_id=team.id)
        if area_id is not None:
            if organisation.area_name(area_id) is None:
                raise NotFound(text.NO_SUCH_AREA)
            return Place(Level.AREA, service_area_id=area_id)
        return home(actor)

    @staticmethod
    def _refusal(place: Place) -> str:
        return {Level.SERVICE: text.REFUSED_SERVICE, Level.AREA: text.REFUSED_AREA}.get(place.level, text.REFUSED_TEAM)

    async def _log(
        self, session: AsyncSession, actor: Actor, action: str, place: Place, *, refused: NotAllowed | None
    ) -> None:
        detail: dict[str, object] = {"level": place.level.value}
        if place.service_area_id is not None:
            detail["service_area_id"] = place.service_area_id
        if place.team_id is not None:
            detail["team_id"] = place.team_id
        if refused is not None:
            detail["reason"] = refused.user_message
        record_id = place.team_id or place.service_area_id
        await access_log.record(session, actor, action, RECORD_TYPE, record_id, detail, summary=f"dashboard {action}")

    @staticmethod
    def _whose(actor: Actor, organisation: Organisation, place: Place) -> Whose:
        if place.level is Level.OWN:
            return Whose(person_id=actor.person_id)
        if place.level is Level.TEAM:
            return Whose(team_ids=frozenset({place.team_id or 0}))
        if place.level is Level.AREA:
            return Whose(team_ids=frozenset(t.id for t in organisation.teams_of(place.service_area_id or 0)))
        return Whose(team_ids=frozenset(t.id for t in organisation.teams))

    async def _measures_of(self, place: Place, organisation: Organisation) -> MeasuresOverview | None:
        if place.level is Level.OWN:
            return None
        try:
            if place.level is Level.TEAM:
                team = organisation.team(place.team_id or 0)
                return await self._measures.overview(team=team.name if team else None)
            if place.level is Level.AREA:
                return await self._measures.overview(area=organisation.area_name(place.service_area_id or 0))
            return await self._measures.overview()
        except NoMeasures:
            return None

    # -- naming and linking places -----------------------------------------------------------

    @staticmethod
    def _name(place: Place, organisation: Organisation, actor: Actor) -> str:
        if place.level is Level.TEAM:
            team = organisation.team(place.team_id or 0)
            return team.name if team else ""
        if place.level is Level.AREA:
            return organisation.area_name(place.service_area_id or 0) or ""
        if place.level is Level.OWN:
            return text.OWN_WORK.format(name=actor.display_name)
        return text.WHOLE_SERVICE

    def _link(self, place: Place, organisation: Organisation, actor: Actor) -> ScopeLink:
        return ScopeLink(place.level, place.team_id or place.service_area_id, self._name(place, organisation, actor))

    def _trail(self, actor: Actor, organisation: Organisation, place: Place) -> list[ScopeLink]:
        trail = [Place(Level.SERVICE)]
        if place.level in (Level.AREA, Level.TEAM):
            trail.append(Place(Level.AREA, service_area_id=place.service_area_id))
        if place.level is Level.TEAM:
            trail.append(place)
        if place.level is Level.OWN:
            trail = [place]
        return [self._link(p, organisation, actor) for p in trail if may_see(actor, p)]

    def _children(self, actor: Actor, organisation: Organisation, place: Place) -> list[ScopeLink]:
        if place.level is Level.SERVICE:
            candidates = [Place(Level.AREA, service_area_id=area) for area, _ in organisation.areas()]
        elif place.level is Level.AREA:
            candidates = [
                Place(Level.TEAM, service_area_id=t.area_id, team_id=t.id)
                for t in organisation.teams_of(place.service_area_id or 0)
            ]
        else:
            candidates = []
        return [self._link(p, organisation, actor) for p in candidates if may_see(actor, p)]

    def _title(self, template_id: str) -> str:
        try:
            return self._library.get(template_id).title
        except KeyError:
            return template_id

    @staticmethod
    async def _organisation(session: AsyncSession) -> Organisation:
        return Organisation(tuple(TeamRow(*row) for row in await figures.active_teams(session)))
