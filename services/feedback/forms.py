"""Survey templates (``kind: survey`` in the shared template library) and their answers.

The same checks as audits: answers must fit the template, free text is screened for
personal data, and ``escalate_when`` marks the answers that mean a child may feel unsafe,
scared or unhappy where they live.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from cards import text_feedback as text
from services import personal_data
from services.errors import InvalidInput
from services.templates import TemplateLibrary
from services.templates import answers as template_answers
from views.templates import SurveyAudience, SurveySettings, Template, TemplateKind


def survey_settings(template: Template) -> SurveySettings:
    assert template.survey is not None, f"{template.key} is not a survey"
    return template.survey


def surveys_for(library: TemplateLibrary, *audiences: SurveyAudience) -> list[Template]:
    """The newest version of every survey for these audiences."""
    return [
        t for t in library.latest() if t.kind == TemplateKind.SURVEY and t.survey and t.survey.audience in audiences
    ]


def find_survey(library: TemplateLibrary, template_id: str, version: int | None = None) -> Template | None:
    try:
        template = library.get(template_id, version)
    except KeyError:
        return None
    return template if template.kind == TemplateKind.SURVEY else None


def checked_answers(
    template: Template, submitted: Mapping[str, Any], *, today: date, allowed: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The answers to store (typed: scales as numbers).

    Raises:
        InvalidInput: with one message per question (by its wording) that needs another look.
    """
    values = template_answers.extract(template.sections, submitted)
    errors = template_answers.check(template.sections, values, today=today)
    free_text = template_answers.free_text_ids(template.sections)
    for field_id, message in personal_data.screen_fields(values, free_text, allowed=allowed).items():
        errors.setdefault(field_id, message)
    if errors:
        by_wording = {_wording(template, field_id): message for field_id, message in errors.items()}
        raise InvalidInput(text.ANSWERS_NEED_A_LOOK, by_wording)
    return template_answers.typed(template.sections, values)


def safety_triggers(template: Template, answers: Mapping[str, Any]) -> dict[str, str]:
    """Question wording -> the chosen answer, for each answer that raises a safety alert."""
    values = {key: str(value) for key, value in answers.items()}
    return {
        question.text: question.label_of(values[question.id])
        for question, _ in template_answers.escalations(template.sections, values)
    }


def _wording(template: Template, field_id: str) -> str:
    try:
        return template.question(field_id).text
    except KeyError:
        return field_id
