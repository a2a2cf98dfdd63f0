"""Realistic examples of every practice observation and group supervision / mapping card."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

from cards import observations
from cards import text_observations as text
from cards.base import Json
from services.templates import TemplateLibrary
from views.observations import (
    AttendeeScale,
    Choice,
    MappingActionLine,
    MappingForm,
    MappingSummary,
    ObservationForm,
    ObservationReflectionForm,
    ObservationView,
    mapping_action_ids,
    rationale_input_id,
    scale_id,
)

PEOPLE = (Choice("7", "Sam Okafor"), Choice("8", "Jo Pritchard"), Choice("3", "Dana Marsh"))
ANSWERS = {
    "setting": "home_visit",
    "observed_on": "2026-02-09",
    "risk_sensible": "yes",
    "child_voice": "yes",
    "working_with_family": "partly",
    "simple_language": "yes",
    "signs_of_safety": "partly",
    "knowledge_used": "not_applicable",
    "what_was_seen": "Sam and mum wrote the worry statement together; the children's words were read back to her.",
    "strength_1": "Clear, kind explanation of why we are involved, without jargon.",
    "development_1": "Ask each parent for their own scale, and record why.",
}
REFLECTION = {
    "how_it_went": "Nervous at first; mum relaxed once the children's drawings came out.",
    "agreed_learning": "Scale with both parents at every visit; talk it through in supervision in March.",
}


def _view(library: TemplateLibrary, *, reflected: bool, practitioner: bool = False) -> ObservationView:
    return ObservationView(
        id=12,
        case_ref="LCS100234",
        practitioner_name="Sam Okafor",
        observer_name="Dana Marsh",
        team_name="Riverside Locality Team",
        observed_on=date(2026, 2, 9),
        template=library.get("practice-observation"),
        answers=ANSWERS,
        recorded_at=datetime(2026, 2, 9, 15, 0, tzinfo=UTC),
        reflection_template=library.get("observation-reflection") if reflected else None,
        reflection=REFLECTION if reflected else None,
        reflected_at=datetime(2026, 2, 11, 10, 0, tzinfo=UTC) if reflected else None,
        viewer_is_practitioner=practitioner,
    )


def _mapping_values() -> dict[str, str]:
    return {
        "kind": "mapping",
        "case_ref": "LCS100234",
        "held_on": "2026-02-10",
        "worried_about": "Dad's drinking at weekends; the children saw arguments.",
        "working_well": "Grandma collects the children every Friday.",
        "needs_to_happen": "A safety plan the children can explain in their own words.",
        "attendees": "7,3",
    }


def observation_examples() -> Iterator[tuple[str, Json]]:
    library = TemplateLibrary.from_folder()
    template = library.get("practice-observation")
    yield "observation_form", observations.observation_form_card(ObservationForm(template, PEOPLE))
    yield (
        "observation_form_no_consent",
        observations.observation_form_card(
            ObservationForm(
                template,
                PEOPLE,
                {**ANSWERS, "practitioner": "7", "case_ref": "LCS100234", "consent": "practitioner"},
                {"consent": text.CONSENT_NEEDED, "strength_1": "This looks like a phone number: remove it."},
            )
        ),
    )
    yield "observation_saved", observations.observation_card(_view(library, reflected=False), just_saved=True)
    yield "observation_with_reflection", observations.observation_card(_view(library, reflected=True))
    yield (
        "observation_reflection_request",
        observations.reflection_request_card(_view(library, reflected=False, practitioner=True)),
    )
    yield (
        "observation_reflection_form",
        observations.observation_reflection_card(
            ObservationReflectionForm(
                _view(library, reflected=False, practitioner=True),
                library.get("observation-reflection"),
                {"how_it_went": REFLECTION["how_it_went"]},
                {"agreed_learning": "Please answer this question."},
            )
        ),
    )
    yield "observation_reflection_sent", observations.reflection_sent_card(_view(library, reflected=True))

    team = {"team_id": 4, "team_name": "Riverside Locality Team", "members": PEOPLE, "today": date(2026, 2, 10)}
    yield "mapping_start", observations.mapping_form_card(MappingForm(**team, values={"kind": "mapping"}))
    yield (
        "mapping_start_errors",
        observations.mapping_form_card(
            MappingForm(
                **team,
                values={**_mapping_values(), "attendees": "99"},
                errors={"attendees": text.UNKNOWN_ATTENDEE.format(team="Riverside Locality Team")},
            )
        ),
    )
    description, owner, due = mapping_action_ids(1)
    yield (
        "mapping_scaling",
        observations.mapping_form_card(
            MappingForm(
                **team,
                values={
                    **_mapping_values(),
                    scale_id(7): "11",
                    rationale_input_id(7): "Grandma's plan held.",
                    description: "Family network meeting",
                    owner: "7",
                    due: "2026-02-27",
                },
                errors={scale_id(7): text.SCALE_NEEDED, rationale_input_id(3): text.RATIONALE_NEEDED},
                attendees=(PEOPLE[0], PEOPLE[2]),
            )
        ),
    )
    yield (
        "mapping_summary",
        observations.mapping_summary_card(
            MappingSummary(
                id=5,
                kind="mapping",
                case_ref="LCS100234",
                team_name="Riverside Locality Team",
                held_on=date(2026, 2, 10),
                worried_about=_mapping_values()["worried_about"],
                working_well=_mapping_values()["working_well"],
                needs_to_happen=_mapping_values()["needs_to_happen"],
                scales=(
                    AttendeeScale("Sam Okafor", 6, "Grandma's plan held over Christmas."),
                    AttendeeScale("Dana Marsh", 4, "No plan yet for weekday evenings."),
                ),
                actions=(MappingActionLine("Family network meeting", "Sam Okafor", date(2026, 2, 27)),),
            )
        ),
    )
    yield (
        "mapping_summary_no_actions",
        observations.mapping_summary_card(
            MappingSummary(
                id=6,
                kind="group_supervision",
                case_ref="EHM20001",
                team_name="Riverside Locality Team",
                held_on=date(2026, 2, 10),
                worried_about="Missed health appointments.",
                working_well="Dad now takes the children to school.",
                needs_to_happen="Health visitor joins the next core group.",
                scales=(AttendeeScale("Sam Okafor", 7, "Appointments kept since January."),),
                actions=(),
            )
        ),
    )
