"""Practice observations and group supervision / mapping against real databases."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from cards import text_observations as text
from services.container import Services
from services.errors import NotAllowed
from services.observations.themes import count_themes
from services.templates import TemplateLibrary
from storage.models import AccessLogEntry, Action, MappingAttendee, MappingMeeting, Person, PracticeObservation
from tests.support.action_org import Org, make_org
from tests.support.audits import card_text
from tests.support.outbox import RecordingOutbox
from views.observations import (
    MappingForm,
    MappingSummary,
    ObservationForm,
    ObservationReflectionForm,
    ObservationView,
    mapping_action_ids,
    rationale_input_id,
    scale_id,
)

LIBRARY = TemplateLibrary.from_folder()
PRACTITIONER, MANAGER, COLLEAGUE, OTHER_MANAGER, OUTSIDER, QA_LEAD = (f"29:user-{n}" for n in range(1, 7))
CASE = "LCS100234"


def observation_data(org: Org, **changes: Any) -> dict[str, Any]:
    """What a careful observer sends: both consents, the practitioner, the case and every answer."""
    data: dict[str, Any] = {
        "consent": "practitioner,family",
        "practitioner": str(org.practitioner),
        "case_ref": CASE.lower(),
        "setting": "home_visit",
        "observed_on": "2026-01-09",
        "risk_sensible": "yes",
        "child_voice": "yes",
        "working_with_family": "partly",
        "simple_language": "yes",
        "signs_of_safety": "no",
        "knowledge_used": "not_applicable",
        "what_was_seen": "Mum and the worker built the danger statement together; the child's words were used.",
        "strength_1": "Warm, direct conversation about the worries without blame.",
        "strength_2": "Used words and pictures with the children.",
        "development_1": "Scale with the parents as well as on the record.",
    }
    data.update(changes)
    return data


async def recorded(services: Services, org: Org, **changes: Any) -> ObservationView:
    result = await services.observations.record(MANAGER, observation_data(org, **changes))
    assert isinstance(result, ObservationView), getattr(result, "errors", result)
    return result


async def count(sessions, model: type) -> int:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_an_observation_without_both_consents_is_not_saved(services: Services, sessions) -> None:  # type: ignore[no-untyped-def]
    org = await make_org(sessions, teams_ids=True)
    for consent in ("", "practitioner", "family"):
        result = await services.observations.record(MANAGER, observation_data(org, consent=consent))
        assert isinstance(result, ObservationForm)
        assert result.errors["consent"] == text.CONSENT_NEEDED
        assert result.values["strength_1"].startswith("Warm"), "what was typed is kept"
    assert await count(sessions, PracticeObservation) == 0


async def test_an_observation_is_saved_and_the_practitioner_is_asked_to_reflect(
    recorded_services: Services, outbox: RecordingOutbox, sessions
) -> None:  # type: ignore[no-untyped-def]
    org = await make_org(sessions, teams_ids=True)
    view = await recorded(recorded_services, org)
    assert (view.case_ref, view.practitioner_name, view.observer_name) == (CASE, "Priya Shah", "Maya Patel")
    assert view.awaiting_reflection
    assert outbox.keys("-reflect") == [(org.practitioner, f"observation-{view.id}-reflect")]
    request = card_text(outbox.sent[0][1])
    assert "observation.reflect.open" in request and CASE in request

    form = await recorded_services.observations.open_reflection(PRACTITIONER, view.id)
    assert isinstance(form, ObservationReflectionForm)
    missing = await recorded_services.observations.submit_reflection(PRACTITIONER, view.id, {"how_it_went": "Well."})
    assert isinstance(missing, ObservationReflectionForm) and "agreed_learning" in missing.errors
    done = await recorded_services.observations.submit_reflection(
        PRACTITIONER, view.id, {"agreed_learning": "Scale with both parents at every visit."}
    )
    assert isinstance(done, ObservationView)
    assert done.reflection == {"how_it_went": "Well.", "agreed_learning": "Scale with both parents at every visit."}
    again = await recorded_services.observations.submit_reflection(PRACTITIONER, view.id, {"how_it_went": "Changed"})
    assert isinstance(again, ObservationView) and again.reflection == done.reflection, "the first reflection stands"


@pytest.mark.parametrize(
    ("viewer", "allowed"),
    [
        (PRACTITIONER, True),
        (MANAGER, True),
        (COLLEAGUE, False),
        (OTHER_MANAGER, False),
        (OUTSIDER, False),
        (QA_LEAD, False),
        ("29:stranger", False),
    ],
)
async def test_only_the_practitioner_their_manager_and_the_observer_see_an_observation(
    services: Services, sessions, viewer: str, allowed: bool
) -> None:  # type: ignore[no-untyped-def]
    org = await make_org(sessions, teams_ids=True)
    view = await recorded(services, org)
    if allowed:
        assert (await services.observations.view(viewer, view.id)).id == view.id
    else:
        with pytest.raises(NotAllowed) as refused:
            await services.observations.view(viewer, view.id)
        assert refused.value.user_message == text.ONLY_PRACTITIONER_MANAGER_OBSERVER
    async with sessions() as session:
        actions = list(
            await session.scalars(
                select(AccessLogEntry.action).where(
                    AccessLogEntry.record_type == "practice observation", AccessLogEntry.record_id == str(view.id)
                )
            )
        )
    assert actions == ["submit", "view" if allowed else "view refused"]


async def test_the_qa_lead_observes_and_the_practitioner_only_reflects(services: Services, sessions) -> None:  # type: ignore[no-untyped-def]
    org = await make_org(sessions, teams_ids=True)
    by_qa_lead = await services.observations.record(QA_LEAD, observation_data(org))
    assert isinstance(by_qa_lead, ObservationView)
    assert (await services.observations.view(QA_LEAD, by_qa_lead.id)).observer_name == "Quinn Adams"
    offered_to_manager = {c.label for c in (await services.observations.new_form(MANAGER)).practitioners}
    assert offered_to_manager == {"Priya Shah", "Callum Reid"}, "a manager is offered their own team"
    offered_to_qa_lead = {c.label for c in (await services.observations.new_form(QA_LEAD)).practitioners}
    assert {
        "Olivia Brown",
        "Maya Patel",
        "Priya Shah",
    } <= offered_to_qa_lead and "Quinn Adams" not in offered_to_qa_lead
    with pytest.raises(NotAllowed):
        await services.observations.new_form(COLLEAGUE)
    with pytest.raises(NotAllowed):
        await services.observations.record(PRACTITIONER, observation_data(org, practitioner=str(org.colleague)))
    with pytest.raises(NotAllowed):
        await services.observations.submit_reflection(MANAGER, by_qa_lead.id, {"how_it_went": "x"})


async def test_bad_observation_input_gets_friendly_messages(services: Services, sessions) -> None:  # type: ignore[no-untyped-def]
    org = await make_org(sessions, teams_ids=True)
    result = await services.observations.record(
        MANAGER,
        observation_data(
            org,
            practitioner=str(org.manager),
            case_ref="Jayden Smith",
            strength_1="Call mum on 07700 900123",
            what_was_seen="The child (DOB 03/04/2015) spoke about school.",
            setting="garden_party",
            observed_on="2026-01-13",
        ),
    )
    assert isinstance(result, ObservationForm)
    assert result.errors["practitioner"] == text.NOT_YOURSELF
    assert result.errors["case_ref"] == text.CASE_INVALID
    assert "phone" in result.errors["strength_1"]
    assert "date of birth" in result.errors["what_was_seen"]
    assert "setting" in result.errors
    assert result.errors["observed_on"] == text.NOT_YET_HAPPENED
    assert await count(sessions, PracticeObservation) == 0


async def test_themes_count_expectations_strengths_and_development_points_per_team_and_month(
    services: Services, sessions
) -> None:  # type: ignore[no-untyped-def]
    org = await make_org(sessions, teams_ids=True)
    await recorded(services, org)
    await recorded(services, org, observed_on="2026-01-02", strength_2="", development_2="Chronology kept up to date.")
    await recorded(services, org, observed_on="2025-12-15")
    await services.observations.record(OTHER_MANAGER, observation_data(org, practitioner=str(org.outsider)))
    themes = await services.observations.themes(since=date(2025, 12, 1), until=date(2026, 1, 31))
    by_key = {(t.team_id, t.month): t for t in themes}
    async with sessions() as session:
        riverside = (await session.get(Person, org.practitioner)).team_id  # type: ignore[union-attr]
    january = by_key[(riverside, date(2026, 1, 1))]
    assert (january.observations, january.expectations_met, january.expectations_partly) == (2, 6, 2)
    assert (january.expectations_not_met, january.strengths, january.development_points) == (2, 3, 3)
    assert january.met_by_expectation == {"risk_sensible": 2, "child_voice": 2, "simple_language": 2}
    assert by_key[(riverside, date(2025, 12, 1))].observations == 1
    assert len(themes) == 3, "the other team's January is its own group"
    assert "Priya" not in repr(themes) and CASE not in repr(themes)
    assert count_themes([], LIBRARY) == []


# -- group supervision and mapping -----------------------------------------------------------------


def meeting_data(org: Org, team_id: int, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "team_id": str(team_id),
        "kind": "mapping",
        "case_ref": CASE,
        "held_on": "2026-01-12",
        "worried_about": "Dad's drinking at weekends; the children saw arguments.",
        "working_well": "Grandma collects the children every Friday; school attendance is up.",
        "needs_to_happen": "A safety plan the children can explain in their own words.",
        "attendees": f"{org.practitioner},{org.manager}",
    }
    data.update(changes)
    return data


def scaling_data(org: Org, **changes: Any) -> dict[str, Any]:
    description, owner, due = mapping_action_ids(1)
    data: dict[str, Any] = {
        scale_id(org.practitioner): "6",
        rationale_input_id(org.practitioner): "Grandma's plan held over Christmas.",
        scale_id(org.manager): "4",
        rationale_input_id(org.manager): "No plan yet for weekday evenings.",
        description: "Family network meeting to build the safety plan",
        owner: str(org.practitioner),
        due: "2026-01-30",
    }
    data.update(changes)
    return data


async def riverside(services: Services, org: Org) -> int:
    return (await services.mapping.start(PRACTITIONER)).team_id


async def test_a_mapping_meeting_records_scales_and_raises_actions(services: Services, sessions) -> None:  # type: ignore[no-untyped-def]
    org = await make_org(sessions, teams_ids=True)
    start = await services.mapping.start(PRACTITIONER, case_ref="lcs100234")
    assert start.values["case_ref"] == CASE and {c.label for c in start.members} == {
        "Priya Shah",
        "Maya Patel",
        "Callum Reid",
    }
    step_two = await services.mapping.next_step(PRACTITIONER, meeting_data(org, start.team_id))
    assert step_two.scaling and [a.label for a in step_two.attendees] == ["Priya Shah", "Maya Patel"]
    summary = await services.mapping.record(PRACTITIONER, {**meeting_data(org, start.team_id), **scaling_data(org)})
    assert isinstance(summary, MappingSummary)
    assert [(s.name, s.scale) for s in summary.scales] == [("Priya Shah", 6), ("Maya Patel", 4)]
    assert [(a.description, a.owner_name) for a in summary.actions] == [
        ("Family network meeting to build the safety plan", "Priya Shah")
    ]
    async with sessions() as session:
        action = await session.scalar(select(Action))
    assert action is not None
    assert (action.source, action.source_ref, action.case_reference) == ("mapping", f"mapping:{summary.id}", CASE)


async def test_bad_mapping_input_is_refused_field_by_field(services: Services, sessions) -> None:  # type: ignore[no-untyped-def]
    org = await make_org(sessions, teams_ids=True)
    team_id = await riverside(services, org)
    unknown = await services.mapping.next_step(PRACTITIONER, meeting_data(org, team_id, attendees=f"{org.outsider}"))
    assert not unknown.scaling and unknown.errors["attendees"] == text.UNKNOWN_ATTENDEE.format(
        team="Riverside Locality Team"
    )
    personal = await services.mapping.next_step(
        PRACTITIONER, meeting_data(org, team_id, worried_about="Email mum at jo@example.com", held_on="2026-02-01")
    )
    assert "e-mail" in personal.errors["worried_about"] and personal.errors["held_on"] == text.HELD_ON_NEEDED
    _description, owner, due = mapping_action_ids(1)
    bad = await services.mapping.record(
        PRACTITIONER,
        {
            **meeting_data(org, team_id),
            **scaling_data(org, **{scale_id(org.practitioner): "11", rationale_input_id(org.manager): ""}),
            owner: str(org.outsider),
            due: "2026-01-01",
        },
    )
    assert isinstance(bad, MappingForm) and bad.scaling
    assert bad.errors[scale_id(org.practitioner)] == text.SCALE_NEEDED
    assert bad.errors[rationale_input_id(org.manager)] == text.RATIONALE_NEEDED
    assert (bad.errors[owner], bad.errors[due]) == (text.ACTION_OWNER_NEEDED, text.ACTION_DUE_NEEDED)
    for model in (MappingMeeting, MappingAttendee, Action):
        assert await count(sessions, model) == 0
    with pytest.raises(NotAllowed):
        await services.mapping.record(OUTSIDER, {**meeting_data(org, team_id), **scaling_data(org)})


async def test_a_second_click_on_save_stores_one_observation_and_asks_once(
    recorded_services: Services, outbox: RecordingOutbox, sessions
) -> None:  # type: ignore[no-untyped-def]
    org = await make_org(sessions, teams_ids=True)
    form = await recorded_services.observations.new_form(MANAGER)
    assert form.submission_key
    data = observation_data(org, submission_key=form.submission_key)
    first = await recorded_services.observations.record(MANAGER, data)
    second = await recorded_services.observations.record(MANAGER, data)
    assert isinstance(first, ObservationView) and isinstance(second, ObservationView)
    assert first.id == second.id
    assert await count(sessions, PracticeObservation) == 1
    assert len(outbox.delivered) == 1
    other = await recorded_services.observations.record(MANAGER, observation_data(org))
    assert isinstance(other, ObservationView) and other.id != first.id, "a new card is a new observation"


async def test_a_second_click_on_save_stores_one_mapping_meeting(services: Services, sessions) -> None:  # type: ignore[no-untyped-def]
    org = await make_org(sessions, teams_ids=True)
    start = await services.mapping.start(PRACTITIONER)
    step_two = await services.mapping.next_step(
        PRACTITIONER, {**meeting_data(org, start.team_id), "submission_key": start.submission_key}
    )
    assert step_two.submission_key == start.submission_key
    data = {**meeting_data(org, start.team_id), **scaling_data(org), "submission_key": step_two.submission_key}
    first = await services.mapping.record(PRACTITIONER, data)
    second = await services.mapping.record(PRACTITIONER, data)
    assert isinstance(first, MappingSummary) and isinstance(second, MappingSummary) and first.id == second.id
    for model, expected in ((MappingMeeting, 1), (MappingAttendee, 2), (Action, 1)):
        assert await count(sessions, model) == expected
