"""Reading and checking what the moderation group's cards send: plain functions, no database."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from cards import text_moderation_group as text
from services.personal_data import screen_fields
from views.moderation_group import (
    AREA_INPUT,
    AUDITS_INPUT,
    CADENCE_INPUT,
    CADENCES,
    DATE_INPUT,
    GRADE_INPUT,
    LEARNING_INPUT,
    MEMBERS_INPUT,
    NOTES_INPUT,
    SAMPLE_INPUT,
    SINCE_INPUT,
    THEMES,
    THEMES_INPUT,
    UNTIL_INPUT,
)

MAX_SAMPLE = 30
"""Audits one meeting can moderate: a two-hour meeting gets through a dozen or so."""
MAX_TEXT = 2000
SCHEDULE_INPUTS = (
    DATE_INPUT,
    CADENCE_INPUT,
    MEMBERS_INPUT,
    AUDITS_INPUT,
    SAMPLE_INPUT,
    SINCE_INPUT,
    UNTIL_INPUT,
    AREA_INPUT,
)
OUTCOME_INPUTS = (GRADE_INPUT, THEMES_INPUT, LEARNING_INPUT)
CLOSE_INPUTS = (THEMES_INPUT, NOTES_INPUT)


def values_of(data: dict[str, Any], inputs: tuple[str, ...]) -> dict[str, str]:
    """The card's answers for ``inputs`` as trimmed text (a multi-select arrives as a list or as
    comma-separated text); anything else the card carried is ignored."""
    values = {}
    for key in inputs:
        raw = data.get(key)
        if isinstance(raw, list):
            raw = ",".join(str(item) for item in raw)
        values[key] = str(raw if isinstance(raw, str | int) else "").strip()[:MAX_TEXT]
    return values


def listed(value: str) -> list[str]:
    """The items of a multi-select answer, in order, without blanks or repeats."""
    return list(dict.fromkeys(item.strip() for item in value.split(",") if item.strip()))


def day_of(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def ids_of(value: str) -> list[int] | None:
    """The ids of a multi-select answer, or None when one of them is not a number."""
    items = listed(value)
    return [int(item) for item in items] if all(item.isdigit() for item in items) else None


def check_date_and_cadence(values: dict[str, str], today: date) -> tuple[date | None, int, dict[str, str]]:
    errors: dict[str, str] = {}
    meets_on = day_of(values[DATE_INPUT])
    if meets_on is None:
        errors[DATE_INPUT] = text.DATE_NEEDED
    elif meets_on < today:
        errors[DATE_INPUT] = text.DATE_PASSED
    cadence = int(values[CADENCE_INPUT]) if values[CADENCE_INPUT].isdigit() else 0
    if cadence not in CADENCES:
        errors[CADENCE_INPUT] = text.CADENCE_NEEDED
    return meets_on, cadence, errors


def check_members(value: str, allowed: set[int]) -> tuple[list[int], dict[str, str]]:
    chosen = ids_of(value)
    if not chosen:
        return [], {MEMBERS_INPUT: text.MEMBERS_NEEDED}
    if not set(chosen) <= allowed:
        return [], {MEMBERS_INPUT: text.MEMBER_UNKNOWN}
    return chosen, {}


def check_sample(values: dict[str, str], today: date) -> tuple[int, date, date, dict[str, str]]:
    """The sample size and period asked for (defaults: the last two months, up to today)."""
    errors: dict[str, str] = {}
    size = int(values[SAMPLE_INPUT]) if values[SAMPLE_INPUT].isdigit() else 0
    if not 1 <= size <= MAX_SAMPLE:
        errors[SAMPLE_INPUT] = text.SAMPLE_INVALID.format(most=MAX_SAMPLE)
    since = day_of(values[SINCE_INPUT]) if values[SINCE_INPUT] else today - timedelta(days=61)
    until = day_of(values[UNTIL_INPUT]) if values[UNTIL_INPUT] else today
    if since is None or until is None or since > until:
        errors[SINCE_INPUT] = text.PERIOD_INVALID
        since, until = today, today
    return size, since, until, errors


def check_themes(value: str, *, required_message: str | None = None) -> tuple[list[str], dict[str, str]]:
    chosen = listed(value)
    if not set(chosen) <= set(THEMES):
        return [], {THEMES_INPUT: text.THEME_UNKNOWN}
    if not chosen and required_message:
        return [], {THEMES_INPUT: required_message}
    return [theme for theme in THEMES if theme in chosen], {}


def check_outcome(
    values: dict[str, str], original: str | None, case_ref: str, grades: dict[str, str]
) -> tuple[list[str], dict[str, str]]:
    """The themes chosen and what needs fixing: a grade from the scale, a reason for any change,
    known themes, and no personal details in the learning."""
    themes, errors = check_themes(values[THEMES_INPUT])
    agreed = values[GRADE_INPUT]
    if agreed not in grades:
        errors[GRADE_INPUT] = text.GRADE_NEEDED
    elif original is not None and agreed != original and not values[LEARNING_INPUT]:
        errors[LEARNING_INPUT] = text.RATIONALE_NEEDED
    return themes, {**screen_fields(values, [LEARNING_INPUT], allowed=[case_ref]), **errors}


def check_close(values: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    themes, errors = check_themes(values[THEMES_INPUT], required_message=text.MEETING_THEMES_NEEDED)
    return themes, {**screen_fields(values, [NOTES_INPUT]), **errors}
