"""What a card sends for a template's questions: keep it as typed, check it, and type it.

Drafts keep exactly what the person typed (strings), even when it is not yet valid, so nothing
is lost; ``check`` says what needs fixing, field by field; ``typed`` turns a complete set of
answers into values for storage and reports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from cards import text_templates as text
from views.templates import Question, QuestionType, Section, evidence_id, rationale_id

MAX_RAW_LENGTH = 20_000
"""Longer than any question allows: the limit is reported, not silently applied."""


def input_ids(sections: Iterable[Section]) -> list[str]:
    """Every input id a page for these sections carries."""
    return _ids(sections, own_input=lambda _question: True)


def free_text_ids(sections: Iterable[Section]) -> list[str]:
    """Inputs where people type freely (screened for personal data)."""
    return _ids(sections, own_input=lambda question: question.type == QuestionType.FREE_TEXT)


def _ids(sections: Iterable[Section], *, own_input: Callable[[Question], bool]) -> list[str]:
    """Each question's own input where ``own_input`` picks it, then its rationale and evidence
    boxes (free text whatever the question's type), in page order."""
    ids = []
    for section in sections:
        for question in section.questions:
            if own_input(question):
                ids.append(question.id)
            if question.has_rationale:
                ids.append(rationale_id(question))
            if question.evidence:
                ids.append(evidence_id(question))
    return ids


def extract(sections: Iterable[Section], data: Mapping[str, Any]) -> dict[str, str]:
    """The values for these sections' inputs, as strings; anything else in ``data`` is ignored."""
    values = {}
    for key in input_ids(sections):
        if key in data and data[key] is not None:
            raw = data[key]
            if isinstance(raw, list):
                raw = ",".join(str(item) for item in raw)
            values[key] = str(raw).strip()[:MAX_RAW_LENGTH]
    return values


def check(sections: Iterable[Section], values: Mapping[str, str], *, today: date) -> dict[str, str]:
    """Field id -> what is wrong, for every question on these sections."""
    errors: dict[str, str] = {}
    for section in sections:
        for question in section.questions:
            problem = _check_question(question, values.get(question.id, ""), today)
            if problem:
                errors[question.id] = problem
            errors.update(_check_companions(question, values))
    return errors


def _check_question(question: Question, value: str, today: date) -> str | None:
    if not value:
        return text.REQUIRED if question.required else None
    kind = question.type
    allowed = question.allowed_values
    if kind == QuestionType.SCALE:
        low, high = question.scale_bounds
        return None if value in (allowed or {}) else text.SCALE_RANGE.format(low=low, high=high)
    if kind == QuestionType.MULTIPLE_CHOICE:
        chosen = [v for v in value.split(",") if v]
        return None if chosen and all(v in (allowed or {}) for v in chosen) else text.NOT_AN_OPTION
    if allowed is not None:
        return None if value in allowed else text.NOT_AN_OPTION
    if kind == QuestionType.DATE:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return text.NOT_A_DATE
        if question.not_in_past and day < today:
            return text.DATE_IN_PAST
        return None
    if len(value) > question.max_length:
        return text.TOO_LONG.format(limit=question.max_length, length=len(value))
    return None


def _check_companions(question: Question, values: Mapping[str, str]) -> dict[str, str]:
    errors = {}
    grade = values.get(question.id, "")
    if question.has_rationale:
        rationale = values.get(rationale_id(question), "")
        if grade in question.rationale_needed_for and not rationale:
            label = question.label_of(grade)
            article = "An" if label[:1].lower() in "aeiou" else "A"
            errors[rationale_id(question)] = text.RATIONALE_NEEDED.format(article=article, grade=label)
        elif len(rationale) > question.max_length:
            errors[rationale_id(question)] = text.TOO_LONG.format(limit=question.max_length, length=len(rationale))
    if question.evidence:
        evidence = values.get(evidence_id(question), "")
        if len(evidence) > question.max_length:
            errors[evidence_id(question)] = text.TOO_LONG.format(limit=question.max_length, length=len(evidence))
    return errors


def typed(sections: Iterable[Section], values: Mapping[str, str]) -> dict[str, Any]:
    """Checked answers as stored values: scales as int, multiple choice as lists; blanks left out."""
    answers: dict[str, Any] = {}
    for section in sections:
        for question in section.questions:
            value = values.get(question.id, "")
            if value:
                answers[question.id] = _typed_value(question, value)
            for companion in (rationale_id(question), evidence_id(question)):
                if values.get(companion):
                    answers[companion] = values[companion]
    return answers


def _typed_value(question: Question, value: str) -> Any:
    if question.type == QuestionType.SCALE:
        return int(value)
    if question.type == QuestionType.MULTIPLE_CHOICE:
        return [v for v in value.split(",") if v]
    return value


def escalations(sections: Iterable[Section], values: Mapping[str, str]) -> list[tuple[Question, str]]:
    """The "stop and escalate" questions answered with an escalating value, with their note."""
    raised = []
    for section in sections:
        for question in section.questions:
            if question.escalate_when and values.get(question.id) in question.escalate_when:
                note = values.get(question.escalation_note or "", "")
                raised.append((question, note))
    return raised
