"""Group supervision and Signs of Safety mapping: a team's thinking on one case, everyone's scale, actions.

A two-step card: first the meeting (kind, case reference, date, the three questions, who was
there), then each attendee's scale 0-10 with their rationale, and up to three actions. Nothing
is stored until the second step is complete; the first step's answers travel on the card.
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

from cards import text_observations as text
from services import access_log, actors
from services.actions import NewAction, add_action
from services.actors import Actor
from services.clock import Clock
from services.errors import NotAllowed
from services.observations.access import may_record_for_team
from services.personal_data import screen_fields
from storage.db import transaction
from storage.models import ActionSource, Conversation, MappingAttendee, MappingMeeting, Team
from storage.repositories import actions as action_rows
from storage.repositories import observations as repository
from views.observations import (
    MAPPING_KINDS,
    MAPPING_QUESTIONS,
    MAX_MAPPING_ACTIONS,
    SUBMISSION_KEY,
    AttendeeScale,
    Choice,
    MappingActionLine,
    MappingForm,
    MappingSummary,
    mapping_action_ids,
    rationale_input_id,
    scale_id,
)

RECORD = "mapping meeting"
MAX_TEXT = 4000
MAX_RATIONALE = 1000
MEETING_INPUTS = ("kind", "case_ref", "held_on", *MAPPING_QUESTIONS, "attendees")


def source_ref(meeting_id: int) -> str:
    """How actions raised at a meeting point back to it."""
    return f"mapping:{meeting_id}"


class MappingService:
    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        case_reference_pattern: str,
        time_zone: str = "Europe/London",
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._case_ref = re.compile(case_reference_pattern)
        self._time_zone = ZoneInfo(time_zone)

    def today(self) -> date:
        return self._clock.now().astimezone(self._time_zone).date()

    async def start(self, user_id: str, *, conversation_id: str | None = None, case_ref: str = "") -> MappingForm:
        """The first step, for the team of this channel (when linked) or the person's own team."""
        async with transaction(self._sessions) as session:
            actor = await actors.load_for_teams_user(session, user_id)
            team_id = await self._team_for(session, actor, conversation_id)
            if team_id is None:
                raise NotAllowed(text.NO_TEAM)
            team = await self._team(session, actor, team_id)
            values = {"case_ref": case_ref.strip().upper(), "kind": "mapping", "held_on": self.today().isoformat()}
            return await self._form(session, team, values, {}, key=uuid.uuid4().hex)

    async def next_step(self, user_id: str, data: dict[str, Any]) -> MappingForm:
        """Check the meeting; the second step (scales and actions) when it is complete."""
        async with transaction(self._sessions) as session:
            actor = await actors.load_for_teams_user(session, user_id)
            team = await self._team(session, actor, _team_id(data))
            values = _meeting_values(data)
            members = await self._members(session, team.id)
            errors = self._meeting_errors(values, members, team)
            return await self._form(session, team, values, errors, scaling=not errors, key=_key(data))

    async def record(self, user_id: str, data: dict[str, Any]) -> MappingForm | MappingSummary:
        """Store the meeting, each attendee's scale and the actions raised; or the form with what to fix.

        The card's submission key makes a second click show the first meeting, not store another."""
        key = _key(data)
        try:
            return await self._record_once(user_id, data, key)
        except IntegrityError:
            async with self._sessions() as session:
                earlier = await self._by_key(session, key)
                team = await session.get(Team, earlier.team_id) if earlier else None
                if earlier is None or team is None:
                    raise
                return await self.summary(session, earlier, team)

    async def _record_once(self, user_id: str, data: dict[str, Any], key: str) -> MappingForm | MappingSummary:
        async with transaction(self._sessions) as session:
            actor = await actors.load_for_teams_user(session, user_id)
            team = await self._team(session, actor, _team_id(data))
            earlier = await self._by_key(session, key)
            if earlier is not None and earlier.team_id == team.id:
                return await self.summary(session, earlier, team)
            values = _meeting_values(data)
            members = await self._members(session, team.id)
            errors = self._meeting_errors(values, members, team)
            if errors:
                return await self._form(session, team, values, errors, key=key)
            attendees = _attendee_ids(values)
            values.update(_scaling_values(data, attendees))
            errors = self._scaling_errors(values, attendees, members)
            if errors:
                return await self._form(session, team, values, errors, scaling=True, key=key)
            now = self._clock.now()
            meeting = MappingMeeting(
                kind=values["kind"],
                case_ref=values["case_ref"],
                team_id=team.id,
                held_on=date.fromisoformat(values["held_on"]),
                recorded_by_id=actor.person_id,
                recorded_at=now,
                submission_key=key if earlier is None else uuid.uuid4().hex,
                **{question: values[question] for question in MAPPING_QUESTIONS},
            )
            session.add(meeting)
            await session.flush()
            for person_id in attendees:
                session.add(
                    MappingAttendee(
                        meeting_id=meeting.id,
                        person_id=person_id,
                        scale=int(values[scale_id(person_id)]),
                        rationale=values[rationale_input_id(person_id)],
                    )
                )
            for row in range(1, MAX_MAPPING_ACTIONS + 1):
                description, owner, due = (values.get(key, "") for key in mapping_action_ids(row))
                if description:
                    await add_action(
                        session,
                        NewAction(
                            ActionSource.MAPPING,
                            description,
                            int(owner),
                            date.fromisoformat(due),
                            source_ref=source_ref(meeting.id),
                            case_reference=meeting.case_ref,
                        ),
                        created_by_id=actor.person_id,
                        now=now,
                        today=self.today(),
                    )
            await session.flush()
            await access_log.record(session, actor, access_log.SUBMIT, RECORD, meeting.id, {"team_id": team.id})
            return await self.summary(session, meeting, team)

    async def summary(self, session: AsyncSession, meeting: MappingMeeting, team: Team) -> MappingSummary:
        scales = await repository.attendee_scales(session, meeting.id)
        actions = await action_rows.raised_from(session, ActionSource.MAPPING.value, source_ref(meeting.id))
        return MappingSummary(
            id=meeting.id,
            kind=meeting.kind,
            case_ref=meeting.case_ref,
            team_name=team.name,
            held_on=meeting.held_on,
            worried_about=meeting.worried_about,
            working_well=meeting.working_well,
            needs_to_happen=meeting.needs_to_happen,
            scales=tuple(AttendeeScale(name, a.scale, a.rationale) for a, name in scales),
            actions=tuple(MappingActionLine(a.description, name, a.due_date) for a, name in actions),
        )

    # -- checks ------------------------------------------------------------------------------------

    def _meeting_errors(self, values: dict[str, str], members: dict[int, str], team: Team) -> dict[str, str]:
        errors: dict[str, str] = {}
        if values["kind"] not in MAPPING_KINDS:
            errors["kind"] = text.ANSWER_NEEDED
        case_ref = values["case_ref"]
        if not case_ref:
            errors["case_ref"] = text.CASE_NEEDED
        elif not self._case_ref.fullmatch(case_ref):
            errors["case_ref"] = text.CASE_INVALID
        try:
            if date.fromisoformat(values["held_on"]) > self.today():
                errors["held_on"] = text.HELD_ON_NEEDED
        except ValueError:
            errors["held_on"] = text.HELD_ON_NEEDED
        for question in MAPPING_QUESTIONS:
            if not values[question]:
                errors[question] = text.ANSWER_NEEDED
            elif len(values[question]) > MAX_TEXT:
                errors[question] = text.TOO_LONG.format(limit=MAX_TEXT, length=len(values[question]))
        errors.update(screen_fields(values, MAPPING_QUESTIONS, allowed=[case_ref]))
        chosen = [part for part in values["attendees"].split(",") if part]
        if not chosen:
            errors["attendees"] = text.ATTENDEES_NEEDED
        elif any(not part.isdigit() or int(part) not in members for part in chosen):
            errors["attendees"] = text.UNKNOWN_ATTENDEE.format(team=team.name)
        return errors

    def _scaling_errors(self, values: dict[str, str], attendees: list[int], members: dict[int, str]) -> dict[str, str]:
        errors: dict[str, str] = {}
        for person_id in attendees:
            scale = values.get(scale_id(person_id), "")
            if not (scale.isdigit() and 0 <= int(scale) <= 10):
                errors[scale_id(person_id)] = text.SCALE_NEEDED
            rationale = values.get(rationale_input_id(person_id), "")
            if not rationale:
                errors[rationale_input_id(person_id)] = text.RATIONALE_NEEDED
            elif len(rationale) > MAX_RATIONALE:
                errors[rationale_input_id(person_id)] = text.TOO_LONG.format(limit=MAX_RATIONALE, length=len(rationale))
        free_text = [rationale_input_id(p) for p in attendees]
        for row in range(1, MAX_MAPPING_ACTIONS + 1):
            description_id, owner_id, due_id = mapping_action_ids(row)
            free_text.append(description_id)
            if not values.get(description_id):
                continue
            owner = values.get(owner_id, "")
            if not (owner.isdigit() and int(owner) in members):
                errors[owner_id] = text.ACTION_OWNER_NEEDED
            try:
                if date.fromisoformat(values.get(due_id, "")) < self.today():
                    errors[due_id] = text.ACTION_DUE_NEEDED
            except ValueError:
                errors[due_id] = text.ACTION_DUE_NEEDED
        errors.update(screen_fields(values, free_text, allowed=[values["case_ref"]]))
        return errors

    # -- helpers -----------------------------------------------------------------------------------

    async def _team_for(self, session: AsyncSession, actor: Actor, conversation_id: str | None) -> int | None:
        if conversation_id:
            linked = await session.scalar(
                select(Conversation.linked_team_id).where(Conversation.conversation_id == conversation_id)
            )
            if linked:
                return linked
        if actor.team_id:
            return actor.team_id
        return min(actor.managed_team_ids) if actor.managed_team_ids else None

    async def _team(self, session: AsyncSession, actor: Actor, team_id: int | None) -> Team:
        team = await session.get(Team, team_id) if team_id else None
        if team is None or not may_record_for_team(actor, team.id):
            raise NotAllowed(text.ONLY_TEAM_RECORDS)
        return team

    async def _by_key(self, session: AsyncSession, key: str) -> MappingMeeting | None:
        return await session.scalar(select(MappingMeeting).where(MappingMeeting.submission_key == key))

    async def _members(self, session: AsyncSession, team_id: int) -> dict[int, str]:
        return {p.id: p.display_name for p in await repository.team_members(session, team_id)}

    async def _form(
        self,
        session: AsyncSession,
        team: Team,
        values: dict[str, str],
        errors: dict[str, str],
        *,
        scaling: bool = False,
        key: str,
    ) -> MappingForm:
        members = await self._members(session, team.id)
        attendees = tuple(Choice(str(p), members[p]) for p in _attendee_ids(values) if p in members) if scaling else ()
        return MappingForm(
            team_id=team.id,
            team_name=team.name,
            members=tuple(Choice(str(p), name) for p, name in members.items()),
            values=values,
            errors=errors,
            attendees=attendees,
            today=self.today(),
            submission_key=key,
        )


def _text(data: dict[str, Any], key: str) -> str:
    raw = data.get(key)
    if isinstance(raw, list):
        raw = ",".join(str(item) for item in raw)
    return str(raw or "").strip()


def _key(data: dict[str, Any]) -> str:
    """The card's submission key (a fresh one when a card carries none)."""
    return _text(data, SUBMISSION_KEY)[:64] or uuid.uuid4().hex


def _team_id(data: dict[str, Any]) -> int | None:
    raw = _text(data, "team_id")
    return int(raw) if raw.isdigit() else None


def _meeting_values(data: dict[str, Any]) -> dict[str, str]:
    values = {key: _text(data, key) for key in MEETING_INPUTS}
    values["case_ref"] = values["case_ref"].upper()
    return values


def _attendee_ids(values: dict[str, str]) -> list[int]:
    ids: list[int] = []
    for part in values.get("attendees", "").split(","):
        if part.isdigit() and int(part) not in ids:
            ids.append(int(part))
    return ids


def _scaling_values(data: dict[str, Any], attendees: list[int]) -> dict[str, str]:
    keys = [key for p in attendees for key in (scale_id(p), rationale_input_id(p))]
    keys += [key for row in range(1, MAX_MAPPING_ACTIONS + 1) for key in mapping_action_ids(row)]
    return {key: _text(data, key) for key in keys}
