"""Cards for practice observations and group supervision / Signs of Safety mapping."""

from __future__ import annotations

from typing import Any

from microsoft_teams.cards import Choice as CardChoice
from microsoft_teams.cards import ChoiceSetInput, Container, DateInput, TextBlock, TextInput

from cards import text_observations as text
from cards import verbs
from cards.audit import question_inputs, template_inputs
from cards.base import Json, card, execute, facts, field_error, heading, long_date, paragraph, title
from views.observations import (
    CASE_INPUT,
    CONSENT_FAMILY,
    CONSENT_INPUT,
    CONSENT_PRACTITIONER,
    MAPPING_KINDS,
    MAPPING_QUESTIONS,
    MAX_MAPPING_ACTIONS,
    PRACTITIONER_INPUT,
    SUBMISSION_KEY,
    Choice,
    MappingForm,
    MappingSummary,
    ObservationForm,
    ObservationReflectionForm,
    ObservationView,
    mapping_action_ids,
    rationale_input_id,
    scale_id,
)
from views.templates import Template


def _errors_banner(errors: dict[str, str]) -> list[TextBlock]:
    return [TextBlock(text=text.PAGE_HAS_ERRORS, color="Attention", wrap=True, weight="Bolder")] if errors else []


def _choices(choices: tuple[Choice, ...] | list[Choice]) -> list[CardChoice]:
    return [CardChoice(title=c.label, value=c.value) for c in choices]


def _answers(template: Template, answers: dict[str, Any]) -> list[Any]:
    """A template's answers as read-only text, under each section's title."""
    items: list[Any] = []
    for section in template.sections:
        shown = []
        for question in section.questions:
            value = answers.get(question.id)
            if value is None or value == "":
                continue
            label = (
                ", ".join(question.label_of(v) for v in value)
                if isinstance(value, list)
                else question.label_of(str(value))
            )
            shown.append(TextBlock(text=question.text, weight="Bolder", wrap=True, spacing="Small"))
            shown.append(paragraph(label, spacing="None"))
        if shown:
            items += [heading(section.title), *shown]
    return items


# -- practice observations -------------------------------------------------------------------------


def observation_form_card(form: ObservationForm) -> Json:
    """The observer's card: consent first, then whose practice, the case and the template's questions."""
    values, errors = form.values, form.errors
    body: list[Any] = [title(text.FORM_TITLE), paragraph(text.FORM_INTRO), *_errors_banner(errors)]
    body.append(
        Container(
            items=[
                ChoiceSetInput(
                    id=CONSENT_INPUT,
                    label=text.CONSENT_LABEL + text.REQUIRED_MARK,
                    value=values.get(CONSENT_INPUT) or None,
                    choices=_choices(
                        [
                            Choice(CONSENT_PRACTITIONER, text.CONSENT_PRACTITIONER),
                            Choice(CONSENT_FAMILY, text.CONSENT_FAMILY),
                        ]
                    ),
                    style="expanded",
                    is_multi_select=True,
                ),
                *field_error(errors.get(CONSENT_INPUT)),
            ],
            style="emphasis",
        )
    )
    body.append(
        ChoiceSetInput(
            id=PRACTITIONER_INPUT,
            label=text.PRACTITIONER_LABEL + text.REQUIRED_MARK,
            value=values.get(PRACTITIONER_INPUT) or None,
            choices=_choices(form.practitioners),
            style="compact",
            placeholder=text.CHOOSE,
        )
    )
    body += field_error(errors.get(PRACTITIONER_INPUT))
    body.append(
        TextInput(
            id=CASE_INPUT,
            label=text.CASE_LABEL + text.REQUIRED_MARK,
            value=values.get(CASE_INPUT) or None,
            max_length=32,
        )
    )
    body += field_error(errors.get(CASE_INPUT))
    for section in form.template.sections:
        body.append(heading(section.title))
        if section.intro:
            body.append(paragraph(section.intro))
        for question in section.questions:
            body += question_inputs(question, values, errors)
    body.append(paragraph(text.PRIVACY_REMINDER, subtle=True, spacing="Medium"))
    return card(
        body,
        [execute(text.SAVE, verbs.OBSERVATION_RECORD, {SUBMISSION_KEY: form.submission_key})],
        fallback_text=text.FORM_TITLE,
    )


def _observation_facts(view: ObservationView) -> Any:
    return facts(
        [
            (text.FACT_CASE, view.case_ref),
            (text.FACT_PRACTITIONER, view.practitioner_name),
            (text.FACT_OBSERVER, view.observer_name),
            (text.FACT_TEAM, view.team_name),
            (text.FACT_OBSERVED_ON, long_date(view.observed_on)),
            (text.FACT_CONSENT, text.CONSENT_BOTH),
        ]
    )


def _reflection_part(view: ObservationView) -> list[Any]:
    if view.reflection is None or view.reflection_template is None:
        return [paragraph(text.AWAITING_REFLECTION, subtle=True, spacing="Medium")]
    return [heading(text.REFLECTION_HEADING), *_answers(view.reflection_template, view.reflection)]


def observation_card(view: ObservationView, *, just_saved: bool = False) -> Json:
    """A saved observation with the reflection (or a note that it is awaited)."""
    body: list[Any] = [title(text.VIEW_TITLE.format(case_ref=view.case_ref))]
    if just_saved:
        body.append(paragraph(text.SAVED.format(practitioner=view.practitioner_name)))
    body += [_observation_facts(view), *_answers(view.template, view.answers), *_reflection_part(view)]
    actions = []
    if view.viewer_is_practitioner and view.awaiting_reflection:
        actions.append(execute(text.REFLECT, verbs.OBSERVATION_REFLECT_OPEN, {"observation_id": view.id}))
    return card(body, actions, fallback_text=text.VIEW_TITLE.format(case_ref=view.case_ref))


def reflection_request_card(view: ObservationView) -> Json:
    """Sent to the practitioner's personal chat: what was seen, and a button to reflect."""
    body: list[Any] = [
        title(text.REQUEST_TITLE.format(case_ref=view.case_ref)),
        paragraph(text.REQUEST_INTRO.format(observer=view.observer_name, observed_on=long_date(view.observed_on))),
        _observation_facts(view),
        *_answers(view.template, view.answers),
    ]
    return card(
        body,
        [
            execute(text.REFLECT, verbs.OBSERVATION_REFLECT_OPEN, {"observation_id": view.id}),
            execute(text.OPEN, verbs.OBSERVATION_VIEW, {"observation_id": view.id}),
        ],
        fallback_text=text.REQUEST_TITLE.format(case_ref=view.case_ref),
    )


def observation_reflection_card(form: ObservationReflectionForm) -> Json:
    view = form.observation
    body: list[Any] = [title(text.REFLECTION_TITLE.format(case_ref=view.case_ref)), _observation_facts(view)]
    body += _errors_banner(form.errors)
    body += template_inputs(form.template, form.values, form.errors)
    body.append(paragraph(text.PRIVACY_REMINDER, subtle=True, spacing="Medium"))
    return card(
        body,
        [execute(text.SEND_REFLECTION, verbs.OBSERVATION_REFLECT_SUBMIT, {"observation_id": view.id})],
        fallback_text=text.REFLECTION_TITLE.format(case_ref=view.case_ref),
    )


def reflection_sent_card(view: ObservationView) -> Json:
    """The observation with the practitioner's reflection, after they sent it."""
    body: list[Any] = [
        title(text.VIEW_TITLE.format(case_ref=view.case_ref)),
        paragraph(text.REFLECTION_DONE),
        _observation_facts(view),
        *_reflection_part(view),
    ]
    return card(body, fallback_text=text.VIEW_TITLE.format(case_ref=view.case_ref))


# -- group supervision and mapping -----------------------------------------------------------------

_QUESTION_LABELS = {
    "worried_about": text.WORRIED_LABEL,
    "working_well": text.WORKING_LABEL,
    "needs_to_happen": text.NEEDS_LABEL,
}


def mapping_form_card(form: MappingForm) -> Json:
    """First step (the meeting and who was there) or, once it is complete, the second (scales, actions)."""
    if form.scaling:
        return _mapping_scaling_card(form)
    values, errors = form.values, form.errors
    body: list[Any] = [
        title(text.MAPPING_TITLE.format(team=form.team_name)),
        paragraph(text.MAPPING_INTRO),
        *_errors_banner(errors),
        ChoiceSetInput(
            id="kind",
            label=text.KIND_LABEL,
            value=values.get("kind") or None,
            choices=_choices([Choice(k, label) for k, label in MAPPING_KINDS.items()]),
            style="expanded",
        ),
        *field_error(errors.get("kind")),
        TextInput(
            id="case_ref",
            label=text.CASE_LABEL + text.REQUIRED_MARK,
            value=values.get("case_ref") or None,
            max_length=32,
        ),
        *field_error(errors.get("case_ref")),
        DateInput(id="held_on", label=text.HELD_ON_LABEL + text.REQUIRED_MARK, value=values.get("held_on") or None),
        *field_error(errors.get("held_on")),
    ]
    for question in MAPPING_QUESTIONS:
        body.append(
            TextInput(
                id=question,
                label=_QUESTION_LABELS[question] + text.REQUIRED_MARK,
                value=values.get(question) or None,
                is_multiline=True,
                max_length=4000,
            )
        )
        body += field_error(errors.get(question))
    body.append(
        ChoiceSetInput(
            id="attendees",
            label=text.ATTENDEES_LABEL + text.REQUIRED_MARK,
            value=values.get("attendees") or None,
            choices=_choices(form.members),
            style="expanded",
            is_multi_select=True,
        )
    )
    body += field_error(errors.get("attendees"))
    body.append(paragraph(text.PRIVACY_REMINDER, subtle=True, spacing="Medium"))
    return card(
        body,
        [execute(text.NEXT, verbs.MAPPING_NEXT, {"team_id": form.team_id, SUBMISSION_KEY: form.submission_key})],
        fallback_text=text.MAPPING_TITLE.format(team=form.team_name),
    )


def _mapping_scaling_card(form: MappingForm) -> Json:
    values, errors = form.values, form.errors
    kind = MAPPING_KINDS.get(values.get("kind", ""), "")
    body: list[Any] = [
        title(text.MAPPING_SAVED_TITLE.format(kind=kind, case_ref=values.get("case_ref", ""))),
        *_errors_banner(errors),
        heading(text.SCALING_HEADING),
        paragraph(text.SCALING_INTRO, subtle=True),
    ]
    scale_choices = [CardChoice(title=str(n), value=str(n)) for n in range(11)]
    for attendee in form.attendees:
        person = int(attendee.value)
        body.append(
            Container(
                items=[
                    ChoiceSetInput(
                        id=scale_id(person),
                        label=text.SCALE_LABEL.format(name=attendee.label) + text.REQUIRED_MARK,
                        value=values.get(scale_id(person)) or None,
                        choices=scale_choices,
                        style="compact",
                        placeholder=text.CHOOSE,
                    ),
                    *field_error(errors.get(scale_id(person))),
                    TextInput(
                        id=rationale_input_id(person),
                        label=text.RATIONALE_LABEL.format(name=attendee.label) + text.REQUIRED_MARK,
                        value=values.get(rationale_input_id(person)) or None,
                        is_multiline=True,
                        max_length=1000,
                    ),
                    *field_error(errors.get(rationale_input_id(person))),
                ],
                spacing="Medium",
            )
        )
    body.append(heading(text.ACTIONS_HEADING))
    for row in range(1, MAX_MAPPING_ACTIONS + 1):
        description_id, owner_id, due_id = mapping_action_ids(row)
        body += [
            TextInput(
                id=description_id,
                label=text.ACTION_LABEL.format(row=row),
                value=values.get(description_id) or None,
                max_length=500,
            ),
            *field_error(errors.get(description_id)),
            ChoiceSetInput(
                id=owner_id,
                label=text.ACTION_OWNER_LABEL,
                value=values.get(owner_id) or None,
                choices=_choices(form.members),
                style="compact",
                placeholder=text.CHOOSE,
            ),
            *field_error(errors.get(owner_id)),
            DateInput(
                id=due_id,
                label=text.ACTION_DUE_LABEL,
                value=values.get(due_id) or None,
                min=form.today.isoformat() if form.today else None,
            ),
            *field_error(errors.get(due_id)),
        ]
    carried = {key: values.get(key, "") for key in ("kind", "case_ref", "held_on", *MAPPING_QUESTIONS, "attendees")}
    return card(
        body,
        [
            execute(
                text.RECORD_MAPPING,
                verbs.MAPPING_RECORD,
                {"team_id": form.team_id, SUBMISSION_KEY: form.submission_key, **carried},
            )
        ],
        fallback_text=text.MAPPING_TITLE.format(team=form.team_name),
    )


def mapping_summary_card(summary: MappingSummary) -> Json:
    kind = MAPPING_KINDS.get(summary.kind, summary.kind)
    body: list[Any] = [
        title(text.MAPPING_SAVED_TITLE.format(kind=kind, case_ref=summary.case_ref)),
        facts(
            [
                (text.FACT_CASE, summary.case_ref),
                (text.FACT_TEAM, summary.team_name),
                (text.FACT_KIND, kind),
                (text.FACT_HELD_ON, long_date(summary.held_on)),
            ]
        ),
    ]
    for question in MAPPING_QUESTIONS:
        body += [heading(_QUESTION_LABELS[question]), paragraph(getattr(summary, question))]
    body.append(heading(text.SCALES_HEADING))
    body += [facts([(s.name, text.SCALE_LINE.format(scale=s.scale, rationale=s.rationale)) for s in summary.scales])]
    body.append(heading(text.ACTIONS_RAISED))
    if summary.actions:
        body += [
            paragraph(text.ACTION_LINE.format(description=a.description, owner=a.owner_name, due=long_date(a.due_date)))
            for a in summary.actions
        ]
    else:
        body.append(paragraph(text.NO_ACTIONS, subtle=True))
    return card(body, fallback_text=text.MAPPING_SAVED_TITLE.format(kind=kind, case_ref=summary.case_ref))
