"""A practice observation, a mapping meeting and a learning event through Microsoft's Teams
playground (run by test_observations_playground.py in a network namespace; ``pytest
tests/e2e/isolated_observations.py`` runs it directly).

Alex Wilber (the playground's current user) switches role as a newcomer does, with ``demo role``.
As the manager of Riverside Locality Team he observes Megan Bowen's practice: the save without
the family's consent, and one with a child's name for the case reference and a date of birth
typed in, are refused and nothing is stored;
with both consents it is saved (a second press saves nothing more), Megan is sent it in her own chat and adds her reflection, and
Alex reads it back. He records a mapping meeting on a case with both scales (an out-of-range
scale refused first, the save pressed twice). As a senior manager he records a back to the floor day twice for the same
area and date: one record. Then the database holds exactly those records, and nothing typed
that was refused, nor any family name, is anywhere in it."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from cards import text_calendar, verbs
from cards import text_observations as text
from qop.app import SERVICES_KEY
from qop.playground import RunningPlayground
from services.container import Services
from storage.models import (
    Base,
    CalendarOccurrence,
    Delivery,
    MappingAttendee,
    MappingMeeting,
    PracticeObservation,
)
from tests.e2e.isolated_audit import card_in_chat_of, install_with_colleagues
from tests.e2e.isolated_practice_day import choices
from tests.e2e.isolation import assert_isolated_if_asked
from tests.e2e.live import LiveBot, PlaygroundClient, card_text, next_card_with
from tests.support.audits import inputs_of
from tests.support.card_catalogue.observations import ANSWERS
from tests.support.cards import button_data

pytestmark = pytest.mark.e2e

ALEX, MEGAN = "alexw@example.com", "meganb@example.com"
OBSERVED_CASE, MAPPED_CASE = "LCS300401", "LCS300402"
DATE_OF_BIRTH = "born 14/03/2019"
FAMILY_NAME = "Tamsin Kowalczyk"
"""A child's name typed where the case reference belongs: refused, and stored nowhere."""
LEARNING_EVENT = "back_to_the_floor"
AREA = "Locality social work"


def observed(today: date, practitioner: str) -> dict[str, str]:
    """The catalogue's observation answers, of this practitioner today (the case reference lower-case,
    as people type it)."""
    return {
        **ANSWERS,
        "practitioner": practitioner,
        "case_ref": OBSERVED_CASE.lower(),
        "observed_on": today.isoformat(),
    }


async def test_an_observation_a_mapping_and_a_learning_event(bot: LiveBot, playground: RunningPlayground) -> None:
    assert_isolated_if_asked()
    assert bot.app is not None
    services: Services = bot.app[SERVICES_KEY]
    assert (await services.demo.load()).rejections == []
    today = services.audits.context.today()

    async with PlaygroundClient(playground.url) as teams:
        user_of, personal, ids = await install_with_colleagues(services, teams, (MEGAN,))
        alex, megan = ids[user_of[ALEX]], ids[user_of[MEGAN]]
        await teams.say(personal, "demo role manager")
        await next_card_with(teams, personal, "You now manage Riverside Locality Team")

        observation_id = await observe_megan(teams, services, personal, user_of, today)
        await record_mapping(teams, personal, alex=alex, megan=megan, today=today)

        await teams.say(personal, "demo role senior manager")
        await next_card_with(teams, personal, AREA)
        first = await record_learning_event(teams, personal, today)
        assert text_calendar.RECORDED_TITLE.format(name="Back to the floor day") in card_text(first)
        again = await record_learning_event(teams, personal, today)
        assert text_calendar.ALREADY_RECORDED_TITLE.format(name="Back to the floor day") in card_text(again)

    await assert_the_records(services, observation_id, alex=alex, megan=megan, today=today)


async def observe_megan(
    teams: PlaygroundClient, services: Services, personal: str, user_of: dict[str, str], today: date
) -> str:
    """Alex observes Megan (refused twice, then saved); Megan reflects in her chat; Alex reads it."""
    await teams.say(personal, "record observation")
    form, form_id = await next_card_with(teams, personal, text.FORM_TITLE)
    megan_choice = next(v for t, v in choices(form, "practitioner").items() if t.startswith("Megan Bowen"))
    answers = {**button_data(form, verbs.OBSERVATION_RECORD), **observed(today, megan_choice)}

    async def save(data: dict[str, Any]) -> dict[str, Any]:
        return (await teams.execute(personal, verbs.OBSERVATION_RECORD, data, reply_to_id=form_id))["value"]

    no_consent = await save({**answers, "consent": "practitioner"})
    assert text.CONSENT_NEEDED in card_text(no_consent)
    assert inputs_of(no_consent)["strength_1"] == answers["strength_1"], "nothing typed is lost"
    personal_data = {
        **answers,
        "consent": "practitioner,family",
        "case_ref": FAMILY_NAME,
        "development_1": f"The baby ({DATE_OF_BIRTH}).",
    }
    refused = card_text(await save(personal_data))
    assert text.PAGE_HAS_ERRORS in refused and text.CASE_INVALID in refused
    assert await stored(services, PracticeObservation) == []

    saved = await save({**answers, "consent": "practitioner,family"})
    assert text.SAVED.format(practitioner="Megan Bowen") in card_text(saved)
    pressed_again = await save({**answers, "consent": "practitioner,family"})  # shows the first; stores nothing
    assert text.VIEW_TITLE.format(case_ref=OBSERVED_CASE) in card_text(pressed_again)

    megan_chat, request_id, request = await card_in_chat_of(
        services, teams, MEGAN, user_of[MEGAN], text.REQUEST_TITLE.format(case_ref=OBSERVED_CASE)
    )
    opened = button_data(request, verbs.OBSERVATION_REFLECT_OPEN)

    async def as_megan(verb: str, data: dict[str, Any]) -> dict[str, Any]:
        answer = await teams.execute(megan_chat, verb, data, reply_to_id=request_id, as_user=user_of[MEGAN])
        return answer["value"]

    reflection_form = await as_megan(verbs.OBSERVATION_REFLECT_OPEN, opened)
    assert "agreed_learning" in card_text(reflection_form)
    reflection = {
        **button_data(reflection_form, verbs.OBSERVATION_REFLECT_SUBMIT),
        "how_it_went": "Nervous at first; mum relaxed once the drawings came out.",
        "agreed_learning": "Scale with both parents at every visit.",
    }
    sent = await as_megan(verbs.OBSERVATION_REFLECT_SUBMIT, reflection)
    assert text.REFLECTION_DONE in card_text(sent)
    second_thoughts = await as_megan(verbs.OBSERVATION_REFLECT_SUBMIT, {**reflection, "agreed_learning": "Nothing."})
    assert "Scale with both parents at every visit." in card_text(second_thoughts), "the first reflection stands"

    read = await teams.execute(personal, verbs.OBSERVATION_VIEW, opened, reply_to_id=form_id)
    assert text.REFLECTION_HEADING in card_text(read["value"])
    assert "Scale with both parents at every visit." in card_text(read["value"])
    return str(opened["observation_id"])


async def record_mapping(teams: PlaygroundClient, personal: str, *, alex: int, megan: int, today: date) -> None:
    """Alex records a mapping meeting on a case in his chat: the meeting, then everyone's scale."""
    await teams.say(personal, f"record mapping {MAPPED_CASE.lower()}")
    first, first_id = await next_card_with(teams, personal, text.MAPPING_TITLE.format(team="Riverside Locality Team"))
    assert inputs_of(first)["case_ref"] == MAPPED_CASE
    meeting = {
        **button_data(first, verbs.MAPPING_NEXT),
        **{k: v for k, v in inputs_of(first).items() if v},
        "kind": "mapping",
        "held_on": today.isoformat(),
        "worried_about": "Dad's drinking at weekends.",
        "working_well": "Grandma collects the children every Friday.",
        "needs_to_happen": "A safety plan the children can explain.",
        "attendees": f"{alex},{megan}",
    }

    async def press(verb: str, data: dict[str, Any]) -> dict[str, Any]:
        return (await teams.execute(personal, verb, data, reply_to_id=first_id))["value"]

    second = await press(verbs.MAPPING_NEXT, meeting)
    scales = {
        **button_data(second, verbs.MAPPING_RECORD),
        f"scale_{alex}": "6",
        f"rationale_{alex}": "Grandma's plan held over the holidays.",
        f"scale_{megan}": "11",
        f"rationale_{megan}": "No plan yet for weekday evenings.",
    }
    assert text.SCALE_NEEDED in card_text(await press(verbs.MAPPING_RECORD, scales))
    for _ in range(2):  # a second press shows the meeting recorded by the first
        summary = await press(verbs.MAPPING_RECORD, {**scales, f"scale_{megan}": "4"})
        assert "6/10" in card_text(summary) and "4/10" in card_text(summary)


async def record_learning_event(teams: PlaygroundClient, personal: str, today: date) -> dict[str, Any]:
    """``record activity``: a back to the floor day in Alex's area, held today."""
    await teams.say(personal, "record activity")
    picker, picker_id = await next_card_with(teams, personal, "Back to the floor day")
    [choice] = [v for t, v in choices(picker, "choice").items() if t.startswith("Back to the floor") and AREA in t]
    form = await teams.execute(personal, verbs.CALENDAR_OPEN_EVENT, {"choice": choice}, reply_to_id=picker_id)
    answers = {
        **button_data(form["value"], verbs.CALENDAR_RECORD),
        "held_on": today.isoformat(),
        "attendees": "",
        "findings": "Case records read well; supervision notes thin on the child's voice.",
    }
    return (await teams.execute(personal, verbs.CALENDAR_RECORD, answers, reply_to_id=picker_id))["value"]


async def stored(services: Services, model: type[Base]) -> list[Any]:
    async with services.sessions() as session:
        return list(await session.scalars(select(model)))


async def everything_stored(services: Services) -> str:
    """Every row of every table, as text."""
    async with services.sessions() as session:
        rows = [
            [str(value) for value in row]
            for table in Base.metadata.sorted_tables
            for row in await session.execute(select(table))
        ]
    return json.dumps(rows, ensure_ascii=False)


async def assert_the_records(services: Services, observation_id: str, *, alex: int, megan: int, today: date) -> None:
    [observation] = await stored(services, PracticeObservation)
    assert str(observation.id) == observation_id
    assert (observation.case_ref, observation.observer_id, observation.practitioner_id, observation.observed_on) == (
        OBSERVED_CASE,
        alex,
        megan,
        today,
    )
    assert observation.practitioner_consented and observation.family_consented
    assert observation.answers["development_1"] == ANSWERS["development_1"]
    assert observation.reflection is not None
    assert observation.reflection["agreed_learning"] == "Scale with both parents at every visit."

    [meeting] = await stored(services, MappingMeeting)
    assert (meeting.kind, meeting.case_ref, meeting.held_on, meeting.recorded_by_id) == (
        "mapping",
        MAPPED_CASE,
        today,
        alex,
    )
    scales = {(a.meeting_id, a.person_id, a.scale) for a in await stored(services, MappingAttendee)}
    assert scales == {(meeting.id, alex, 6), (meeting.id, megan, 4)}

    [occurrence] = await stored(services, CalendarOccurrence)
    activity = services.qa_calendar.activity(LEARNING_EVENT)
    planned = activity.due_in(today.year, today.month)
    assert (occurrence.activity, occurrence.held_on, occurrence.recorded_by_id) == (LEARNING_EVENT, today, alex)
    assert occurrence.due_on == (planned or today)

    reflection_requests = [d for d in await stored(services, Delivery) if d.person_id == megan]
    assert [d.status for d in reflection_requests] == ["sent"], "Megan is asked once"

    everything = await everything_stored(services)
    assert OBSERVED_CASE in everything and "Grandma collects the children every Friday." in everything
    assert DATE_OF_BIRTH not in everything and "14/03/2019" not in everything
    assert "Tamsin" not in everything and "Kowalczyk" not in everything
