"""Checking what people type into an action: a required text, where it comes from, a date.

Each problem is an ``InvalidInput`` naming the card field it belongs to, so the card comes back with
the problem marked next to it."""

from __future__ import annotations

from datetime import date, datetime

from cards import text_actions as text
from services.errors import InvalidInput
from storage.models import ActionSource

MAX_DESCRIPTION = 2000
MAX_TEXT = 4000


def clean_text(value: str | None, field_name: str, label: str, *, limit: int = MAX_TEXT) -> str:
    """The text without surrounding space; refused when blank or longer than ``limit``.

    ``label`` says what was asked for, e.g. ``text.PROGRESS_NOTE``."""
    cleaned = (value or "").strip()
    if not cleaned:
        raise InvalidInput(text.please_add(label), {field_name: text.please_add(label)})
    if len(cleaned) > limit:
        raise InvalidInput(text.too_long(label), {field_name: text.at_most_characters(limit)})
    return cleaned


def source_of(value: ActionSource | str) -> ActionSource:
    """Where an action comes from, forgiving case, spaces and hyphens ("Practice day")."""
    try:
        return ActionSource(str(value).strip().lower().replace(" ", "_").replace("-", "_"))
    except ValueError:
        choices = ", ".join(s.value for s in ActionSource)
        raise InvalidInput(text.unknown_source(value), {"source": text.one_of(choices)}) from None


def parse_date(value: str) -> date:
    """A date typed by a person or a spreadsheet: 2026-03-20 or 20/03/2026.

    Raises:
        InvalidInput: anything else.
    """
    typed = value.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(typed, pattern).date()
        except ValueError:
            continue
    raise InvalidInput(text.not_a_date(typed), {"due_date": text.DATE_HINT})
