"""A practice observation and a mapping meeting through the app: Teams activities in, cards out."""

from __future__ import annotations

from sqlalchemy import select

from cards import text_observations as text
from cards import verbs
from storage.models import AccessLogEntry, Action, PracticeObservation
from tests.scenarios.conftest import BotHarness
from tests.scenarios.test_audits import card_to, invoke, say
from tests.support import activities as a
from tests.support.action_org import make_org
from tests.support.audits import card_text, inputs_of
from tests.support.cards import button_data
from views.observations import mapping_action_ids, rationale_input_id, scale_id

PRACTITIONER, MANAGER, OUTSIDER = 1, 2, 5
OBSERVED = {
    "setting": "home_visit",
    "observed_on": "2026-01-09",
    "risk_sensible": "yes",
    "child_voice": "yes",
    "working_with_family": "partly",
    "simple_language": "yes",
    "signs_of_safety": "partly",
    "knowledge_used": "not_applicable",
    "what_was_seen": "Priya and mum wrote the worry statement together; the children's words were read back.",
    "strength_1": "Clear, kind explanation of why we are involved.",
    "development_1": "Ask each parent for their own scale.",
    "case_ref": "LCS100234",
}


async def install(harness: BotHarness, *numbers: int) -> None:
    for number in numbers:
        await harness.send(
            a.installation(harness.service_url, conversation=a.personal_chat(number), sender=a.user(number))
        )


async def test_an_observer_records_an_observation_and_the_practitioner_reflects(harness: BotHarness, sessions) -> None:  # type: ignore[no-untyped-def]
    org = await make_org(sessions, teams_ids=True)
    await install(harness, PRACTITIONER, MANAGER, OUTSIDER)

    form = await say(harness, MANAGER, "record observation")
    assert text.FORM_TITLE in card_text(form) and "Priya Shah" in card_text(form)
    observed = {**OBSERVED, "practitioner": str(org.practitioner)}

    no_consent = await invoke(harness, MANAGER, verbs.OBSERVATION_RECORD, {**observed, "consent": "practitioner"})
    assert text.CONSENT_NEEDED in card_text(no_consent)
    assert inputs_of(no_consent)["strength_1"] == observed["strength_1"], "nothing typed is lost"

    saved = await invoke(harness, MANAGER, verbs.OBSERVATION_RECORD, {**observed, "consent": "practitioner,family"})
    assert text.SAVED.format(practitioner="Priya Shah") in card_text(saved)
    assert "Input." not in card_text(saved)

    request = await card_to(harness, PRACTITIONER, "Your practice was observed")
    reflect = await invoke(
        harness, PRACTITIONER, verbs.OBSERVATION_REFLECT_OPEN, button_data(request, verbs.OBSERVATION_REFLECT_OPEN)
    )
    assert "Input.Text" in card_text(reflect) and "agreed_learning" in card_text(reflect)
    observation_id = button_data(request, verbs.OBSERVATION_REFLECT_OPEN)["observation_id"]
    sent = await invoke(
        harness,
        PRACTITIONER,
        verbs.OBSERVATION_REFLECT_SUBMIT,
        {
            "observation_id": observation_id,
            "how_it_went": "Nervous at first; mum relaxed once the drawings came out.",
            "agreed_learning": "Scale with both parents at every visit.",
        },
    )
    assert text.REFLECTION_DONE in card_text(sent) and "Scale with both parents" in card_text(sent)

    seen_by_manager = await invoke(harness, MANAGER, verbs.OBSERVATION_VIEW, {"observation_id": observation_id})
    assert "Scale with both parents" in card_text(seen_by_manager)
    refused = await invoke(harness, OUTSIDER, verbs.OBSERVATION_VIEW, {"observation_id": observation_id})
    assert text.ONLY_PRACTITIONER_MANAGER_OBSERVER in card_text(refused)
    assert "Scale with both parents" not in card_text(refused)

    async with sessions() as session:
        observation = await session.scalar(select(PracticeObservation))
        log = list(
            await session.scalars(
                select(AccessLogEntry.action)
                .where(AccessLogEntry.record_id == str(observation_id))
                .where(AccessLogEntry.record_type.in_(["practice observation", "observation reflection"]))
                .order_by(AccessLogEntry.id)
            )
        )
    assert observation is not None and observation.reflection is not None
    assert log == ["submit", "view", "submit", "view", "view refused"]


async def test_a_team_records_a_mapping_meeting_with_scales_and_an_action(harness: BotHarness, sessions) -> None:  # type: ignore[no-untyped-def]
    org = await make_org(sessions, teams_ids=True)
    await install(harness, PRACTITIONER)
    first = await say(harness, PRACTITIONER, "record mapping lcs100234")
    assert "Riverside Locality Team" in card_text(first) and inputs_of(first)["case_ref"] == "LCS100234"
    meeting = {
        **{k: v for k, v in inputs_of(first).items() if v},
        "worried_about": "Dad's drinking at weekends.",
        "working_well": "Grandma collects the children every Friday.",
        "needs_to_happen": "A safety plan the children can explain.",
        "attendees": f"{org.practitioner},{org.manager}",
    }
    second = await invoke(
        harness, PRACTITIONER, verbs.MAPPING_NEXT, {**button_data(first, verbs.MAPPING_NEXT), **meeting}
    )
    assert scale_id(org.manager) in card_text(second)
    description, owner, due = mapping_action_ids(1)
    scales = {
        scale_id(org.practitioner): "6",
        rationale_input_id(org.practitioner): "Grandma's plan held over Christmas.",
        scale_id(org.manager): "4",
        rationale_input_id(org.manager): "No plan yet for weekday evenings.",
        description: "Family network meeting",
        owner: str(org.practitioner),
        due: "2026-01-30",
    }
    summary = await invoke(
        harness, PRACTITIONER, verbs.MAPPING_RECORD, {**button_data(second, verbs.MAPPING_RECORD), **scales}
    )
    assert "6/10" in card_text(summary) and "Family network meeting" in card_text(summary)
    async with sessions() as session:
        action = await session.scalar(select(Action))
    assert action is not None and action.source == "mapping" and action.owner_id == org.practitioner
