"""Practice observations: an observer records what they saw (with consent), the practitioner reflects.

Every call names the person acting by their Teams user id, checks ``services.observations.access``
and writes the access log in the transaction that does the work; a refused view is logged too.
"""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cards import observations as observation_cards
from cards import text_observations as text
from services import access_log, actors
from services.actors import Actor
from services.clock import Clock
from services.errors import NotAllowed, NotFound
from services.observations.access import may_observe, may_read_observation
from services.observations.themes import count_themes
from services.outbox import Outbox
from services.personal_data import screen_fields
from services.templates import TemplateLibrary
from services.templates import answers as answer_rules
from storage.db import transaction
from storage.models import Person, PracticeObservation, Role, Team
from storage.repositories import observations as repository
from views.observations import (
    CASE_INPUT,
    CONSENT_FAMILY,
    CONSENT_INPUT,
    CONSENT_PRACTITIONER,
    PRACTITIONER_INPUT,
    SUBMISSION_KEY,
    Choice,
    ObservationForm,
    ObservationReflectionForm,
    ObservationThemes,
    ObservationView,
)
from views.templates import Template, TemplateKind

RECORD = "practice observation"
OBSERVATION_TEMPLATE = "practice-observation"
REFLECTION_TEMPLATE = "observation-reflection"
VIEW_REFUSED = "view refused"


class ObservationService:
    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        templates: TemplateLibrary,
        case_reference_pattern: str,
        outbox: Outbox | None = None,
        time_zone: str = "Europe/London",
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._templates = templates
        self._case_ref = re.compile(case_reference_pattern)
        self._outbox = outbox
        self._time_zone = ZoneInfo(time_zone)

    def today(self) -> date:
        return self._clock.now().astimezone(self._time_zone).date()

    def observation_template(self) -> Template:
        """The newest observation template (``kind: observation``)."""
        template = self._templates.get(OBSERVATION_TEMPLATE)
        assert template.kind == TemplateKind.OBSERVATION
        return template

    # -- recording ---------------------------------------------------------------------------------

    async def new_form(self, user_id: str) -> ObservationForm:
        """A blank observation card for an observer."""
        async with transaction(self._sessions) as session:
            actor = await actors.load_for_teams_user(session, user_id)
            self._require_observer(actor)
            return ObservationForm(
                self.observation_template(), await self._practitioners(session, actor), submission_key=new_key()
            )

    async def record(self, user_id: str, data: dict[str, Any]) -> ObservationForm | ObservationView:
        """Save an observation, or give the form back with what needs fixing (consent first of all).

        Once saved, the practitioner is sent the observation with a button to add their reflection.
        The card's submission key makes a second click (or a retried request) show the first record."""
        key = str(data.get(SUBMISSION_KEY) or "").strip()[:64] or new_key()
        try:
            async with transaction(self._sessions) as session:
                actor = await actors.load_for_teams_user(session, user_id)
                self._require_observer(actor)
                earlier = await self._by_key(session, key)
                if earlier is not None and earlier.observer_id == actor.person_id:
                    return await self._view(session, earlier, viewer_id=actor.person_id)
                if earlier is not None:
                    key = new_key()
                saved = await self._save(session, actor, data, key)
                if isinstance(saved, ObservationForm):
                    return saved
                observer_view = await self._view(session, saved, viewer_id=actor.person_id)
                practitioner_view = await self._view(session, saved, viewer_id=saved.practitioner_id)
        except IntegrityError:
            async with self._sessions() as session:
                earlier = await self._by_key(session, key)
                if earlier is None:
                    raise
                return await self._view(session, earlier, viewer_id=earlier.observer_id)
        await self._ask_for_reflection(practitioner_view, saved.practitioner_id)
        return observer_view

    async def _save(
        self, session: AsyncSession, actor: Actor, data: dict[str, Any], key: str
    ) -> ObservationForm | PracticeObservation:
        template = self.observation_template()
        values = {**answer_rules.extract(template.sections, data), **_fixed_values(data)}
        practitioner, errors = await self._check(session, actor, template, values)
        if errors or practitioner is None:
            return ObservationForm(template, await self._practitioners(session, actor), values, errors, key)
        observation = PracticeObservation(
            template_id=template.id,
            template_version=template.version,
            case_ref=values[CASE_INPUT],
            practitioner_id=practitioner.id,
            observer_id=actor.person_id,
            team_id=practitioner.team_id,
            observed_on=date.fromisoformat(values["observed_on"]),
            practitioner_consented=True,
            family_consented=True,
            answers=answer_rules.typed(template.sections, values),
            recorded_at=self._clock.now(),
            reflection_draft={},
            submission_key=key,
        )
        session.add(observation)
        await session.flush()
        await access_log.record(session, actor, access_log.SUBMIT, RECORD, observation.id)
        return observation

    async def _by_key(self, session: AsyncSession, key: str) -> PracticeObservation | None:
        return await session.scalar(select(PracticeObservation).where(PracticeObservation.submission_key == key))

    async def _check(
        self, session: AsyncSession, actor: Actor, template: Template, values: dict[str, str]
    ) -> tuple[Person | None, dict[str, str]]:
        """The practitioner chosen (if valid) and field id -> what to fix."""
        errors: dict[str, str] = {}
        consent = set(values.get(CONSENT_INPUT, "").split(","))
        if not {CONSENT_PRACTITIONER, CONSENT_FAMILY} <= consent:
            errors[CONSENT_INPUT] = text.CONSENT_NEEDED
        practitioner = None
        chosen = values.get(PRACTITIONER_INPUT, "")
        if chosen.isdigit():
            practitioner = await session.get(Person, int(chosen))
        if practitioner is None or not practitioner.active or not practitioner.in_organisation:
            practitioner = None
            errors[PRACTITIONER_INPUT] = text.PRACTITIONER_NEEDED
        elif practitioner.id == actor.person_id:
            errors[PRACTITIONER_INPUT] = text.NOT_YOURSELF
        case_ref = values.get(CASE_INPUT, "")
        if not case_ref:
            errors[CASE_INPUT] = text.CASE_NEEDED
        elif not self._case_ref.fullmatch(case_ref):
            errors[CASE_INPUT] = text.CASE_INVALID
        errors.update(answer_rules.check(template.sections, values, today=self.today()))
        observed_on = values.get("observed_on", "")
        if "observed_on" not in errors and observed_on and date.fromisoformat(observed_on) > self.today():
            errors["observed_on"] = text.NOT_YET_HAPPENED
        free_text = answer_rules.free_text_ids(template.sections)
        errors.update(screen_fields(values, free_text, allowed=[case_ref]))
        return practitioner, errors

    async def _practitioners(self, session: AsyncSession, actor: Actor) -> tuple[Choice, ...]:
        """Whom the card offers: the QA lead everyone; managers the people of the teams they manage or lead
        (a card has room for a few hundred names, not a county's staff)."""
        team_ids = None if actor.has(Role.QA_LEAD) else actor.managed_team_ids | actor.area_team_ids
        people = await repository.observable_people(session, team_ids)
        return tuple(Choice(str(p.id), p.display_name) for p in people if p.id != actor.person_id)

    def _require_observer(self, actor: Actor) -> None:
        if not may_observe(actor):
            raise NotAllowed(text.ONLY_OBSERVERS)

    async def _ask_for_reflection(self, view: ObservationView, practitioner_id: int) -> None:
        if self._outbox is None:
            return
        await self._outbox.send_card_to_person(
            practitioner_id,
            observation_cards.reflection_request_card(view),
            purpose="observation reflection",
            dedupe_key=f"observation-{view.id}-reflect",
        )

    # -- reading -----------------------------------------------------------------------------------

    async def view(self, user_id: str, observation_id: int) -> ObservationView:
        """The observation for its practitioner, their manager or the observer; anyone else is
        refused, and the refusal is logged."""
        async with transaction(self._sessions) as session:
            actor = await actors.load_for_teams_user(session, user_id)
            observation = await self._load(session, observation_id)
            allowed = self._may_read(actor, observation)
            await access_log.record(
                session, actor, access_log.VIEW if allowed else VIEW_REFUSED, RECORD, observation.id
            )
            if allowed:
                return await self._view(session, observation, viewer_id=actor.person_id)
        raise NotAllowed(text.ONLY_PRACTITIONER_MANAGER_OBSERVER)

    @staticmethod
    def _may_read(actor: Actor, observation: PracticeObservation) -> bool:
        return may_read_observation(
            actor,
            practitioner_id=observation.practitioner_id,
            observer_id=observation.observer_id,
            team_id=observation.team_id,
        )

    # -- the practitioner's reflection -------------------------------------------------------------

    async def open_reflection(self, user_id: str, observation_id: int) -> ObservationReflectionForm | ObservationView:
        """The reflection card, or the observation with its reflection when it was already sent."""
        async with transaction(self._sessions) as session:
            actor = await actors.load_for_teams_user(session, user_id)
            observation = await self._load(session, observation_id)
            self._require_practitioner(actor, observation)
            await access_log.record(session, actor, access_log.VIEW, RECORD, observation.id)
            view = await self._view(session, observation, viewer_id=actor.person_id)
            if observation.reflection is not None:
                return view
            template = self._templates.get(REFLECTION_TEMPLATE)
            return ObservationReflectionForm(view, template, dict(observation.reflection_draft or {}))

    async def submit_reflection(
        self, user_id: str, observation_id: int, data: dict[str, Any]
    ) -> ObservationReflectionForm | ObservationView:
        """Keep the practitioner's reflection and agreed learning (the first one sent stands)."""
        async with transaction(self._sessions) as session:
            actor = await actors.load_for_teams_user(session, user_id)
            observation = await self._load(session, observation_id)
            self._require_practitioner(actor, observation)
            if observation.reflection is not None:
                return await self._view(session, observation, viewer_id=actor.person_id)
            template = self._templates.get(REFLECTION_TEMPLATE)
            values = {**(observation.reflection_draft or {}), **answer_rules.extract(template.sections, data)}
            observation.reflection_draft = values
            errors = {
                **answer_rules.check(template.sections, values, today=self.today()),
                **screen_fields(values, answer_rules.free_text_ids(template.sections), allowed=[observation.case_ref]),
            }
            if errors:
                view = await self._view(session, observation, viewer_id=actor.person_id)
                return ObservationReflectionForm(view, template, values, errors)
            observation.reflection = answer_rules.typed(template.sections, values)
            observation.reflection_template_id = template.id
            observation.reflection_template_version = template.version
            observation.reflected_at = self._clock.now()
            await session.flush()
            await access_log.record(session, actor, access_log.SUBMIT, "observation reflection", observation.id)
            return await self._view(session, observation, viewer_id=actor.person_id)

    def _require_practitioner(self, actor: Actor, observation: PracticeObservation) -> None:
        if not (actor.is_member and actor.person_id == observation.practitioner_id):
            raise NotAllowed(text.ONLY_THE_PRACTITIONER_REFLECTS)

    # -- themes ------------------------------------------------------------------------------------

    async def themes(self, *, since: date, until: date) -> list[ObservationThemes]:
        """Counts per team and month of observations held between ``since`` and ``until`` (inclusive)."""
        async with self._sessions() as session:
            return count_themes(await repository.observations_between(session, since, until), self._templates)

    # -- helpers -----------------------------------------------------------------------------------

    async def _load(self, session: AsyncSession, observation_id: int) -> PracticeObservation:
        observation = await session.get(PracticeObservation, observation_id)
        if observation is None:
            raise NotFound(text.NO_SUCH_OBSERVATION)
        return observation

    async def _view(
        self, session: AsyncSession, observation: PracticeObservation, *, viewer_id: int | None
    ) -> ObservationView:
        practitioner = await session.get(Person, observation.practitioner_id)
        observer = await session.get(Person, observation.observer_id)
        team = await session.get(Team, observation.team_id) if observation.team_id else None
        reflection_template = (
            self._templates.get(observation.reflection_template_id, observation.reflection_template_version)
            if observation.reflection_template_id
            else None
        )
        return ObservationView(
            id=observation.id,
            case_ref=observation.case_ref,
            practitioner_name=practitioner.display_name if practitioner else "",
            observer_name=observer.display_name if observer else "",
            team_name=team.name if team else "",
            observed_on=observation.observed_on,
            template=self._templates.get(observation.template_id, observation.template_version),
            answers=observation.answers,
            recorded_at=observation.recorded_at,
            reflection_template=reflection_template,
            reflection=observation.reflection,
            reflected_at=observation.reflected_at,
            viewer_is_practitioner=viewer_id == observation.practitioner_id,
        )


def new_key() -> str:
    """A fresh submission key for a new card."""
    return uuid.uuid4().hex


def _fixed_values(data: dict[str, Any]) -> dict[str, str]:
    """The inputs every observation card has whatever the template: consent, practitioner, case reference."""
    values = {}
    for key in (CONSENT_INPUT, PRACTITIONER_INPUT, CASE_INPUT):
        raw = data.get(key)
        if isinstance(raw, list):
            raw = ",".join(str(item) for item in raw)
        values[key] = str(raw or "").strip()
    values[CASE_INPUT] = values[CASE_INPUT].upper()
    return values
