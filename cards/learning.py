"""Cards for learning from compliments and complaints, and for celebrating quality practice."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from microsoft_teams.cards import Choice, ChoiceSetInput, DateInput, TextBlock, TextInput

from cards import text_learning as text
from cards import verbs
from cards.base import Json, card, execute, heading, paragraph, title
from views.improvement import (
    ClientFeedbackInput,
    ClientFeedbackView,
    PracticeExampleInput,
    PracticeExampleView,
    ThemeCount,
)

CLIENT_FEEDBACK_FIELDS = ("kind", "team", "received_on", "themes", "case_reference", "summary")
NOMINATION_FIELDS = ("team", "source", "source_ref", "description")


def _problems(errors: dict[str, str] | None) -> list[Any]:
    return [
        TextBlock(text=message, color="Attention", wrap=True, weight="Bolder", spacing="Small")
        for message in (errors or {}).values()
    ]


def _choices(input_id: str, label: str, options: dict[str, str], values: dict[str, str], error: str) -> ChoiceSetInput:
    return ChoiceSetInput(
        id=input_id,
        label=label,
        is_required=True,
        error_message=error,
        choices=[Choice(title=shown, value=value) for value, shown in options.items()],
        value=values.get(input_id) or None,
    )


def client_feedback_form_card(
    teams: Sequence[str],
    *,
    today: date,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Json:
    """Client relations log one compliment or complaint: team, date, themes, an optional case reference."""
    values = values or {}
    body: list[Any] = [title(text.CLIENT_FEEDBACK_TITLE), paragraph(text.CLIENT_FEEDBACK_INTRO, subtle=True)]
    body += _problems(errors)
    body += [
        _choices("kind", text.LABEL_KIND, text.KIND_LABELS, values, text.ERROR_KIND),
        _choices("team", text.LABEL_TEAM, {t: t for t in teams}, values, text.ERROR_TEAM),
        DateInput(
            id="received_on",
            label=text.LABEL_RECEIVED,
            is_required=True,
            error_message=text.ERROR_RECEIVED,
            max=today.isoformat(),
            value=values.get("received_on") or today.isoformat(),
        ),
        TextInput(
            id="themes",
            label=text.LABEL_THEMES,
            is_required=True,
            error_message=text.ERROR_THEMES,
            max_length=600,
            value=values.get("themes") or None,
        ),
        TextInput(
            id="case_reference",
            label=text.LABEL_CASE_REFERENCE,
            max_length=32,
            value=values.get("case_reference") or None,
        ),
        TextInput(
            id="summary",
            label=text.LABEL_SUMMARY,
            is_multiline=True,
            max_length=2000,
            value=values.get("summary") or None,
        ),
    ]
    return card(body, [execute(text.BUTTON_LOG, verbs.CLIENT_FEEDBACK_LOG)], fallback_text=text.CLIENT_FEEDBACK_TITLE)


def client_feedback_logged_card(entry: ClientFeedbackView, themes: Sequence[ThemeCount]) -> Json:
    """What was logged, and the themes so far: what the QIM will see."""
    kind = text.KIND_LABELS.get(entry.kind, entry.kind)
    body: list[Any] = [
        title(text.LOGGED_TITLE.format(kind=kind, team=entry.team)),
        paragraph(", ".join(entry.themes), subtle=True),
        heading(text.THEMES_TITLE),
    ]
    if not themes:
        body.append(paragraph(text.THEMES_EMPTY))
    body += [
        paragraph(text.THEME_LINE.format(theme=t.theme, compliments=t.compliments, complaints=t.complaints))
        for t in themes[:15]
    ]
    return card(body, [execute(text.CLIENT_FEEDBACK_TITLE, verbs.CLIENT_FEEDBACK_NEW)], fallback_text=kind)


def nomination_form_card(
    teams: Sequence[str], *, errors: dict[str, str] | None = None, values: dict[str, str] | None = None
) -> Json:
    """A manager nominates anonymised quality practice from an audit or an observation."""
    values = values or {}
    body: list[Any] = [title(text.NOMINATE_TITLE), paragraph(text.NOMINATE_INTRO, subtle=True)]
    body += _problems(errors)
    body += [
        _choices("team", text.LABEL_TEAM, {t: t for t in teams}, values, text.ERROR_TEAM),
        _choices("source", text.LABEL_SOURCE, text.SOURCE_LABELS, values, text.ERROR_SOURCE),
        TextInput(id="source_ref", label=text.LABEL_SOURCE_REF, max_length=64, value=values.get("source_ref") or None),
        TextInput(
            id="description",
            label=text.LABEL_DESCRIPTION,
            is_multiline=True,
            is_required=True,
            error_message=text.ERROR_DESCRIPTION,
            max_length=2000,
            value=values.get("description") or None,
        ),
    ]
    return card(body, [execute(text.BUTTON_NOMINATE, verbs.PRACTICE_NOMINATE)], fallback_text=text.NOMINATE_TITLE)


def celebrated_card(examples: Sequence[PracticeExampleView], *, message: str = "") -> Json:
    """The practice celebrated lately, newest first."""
    body: list[Any] = [title(text.CELEBRATED_TITLE)]
    if message:
        body.append(paragraph(message, subtle=True))
    if not examples:
        body.append(paragraph(text.CELEBRATED_EMPTY))
    for example in examples[:10]:
        source = text.SOURCE_LABELS.get(example.source, example.source)
        day = f"{example.nominated_on.day} {example.nominated_on:%b %Y}"
        body += [
            heading(text.CELEBRATED_LINE.format(team=example.team, source=source, day=day)),
            paragraph(example.description),
        ]
    return card(body, fallback_text=text.CELEBRATED_TITLE)


def _values(data: dict[str, Any], fields: Sequence[str]) -> dict[str, str]:
    return {name: str(data.get(name) or "").strip() for name in fields}


def read_client_feedback(data: dict[str, Any]) -> tuple[ClientFeedbackInput, dict[str, str]]:
    values = _values(data, CLIENT_FEEDBACK_FIELDS)
    errors: dict[str, str] = {}
    try:
        received = date.fromisoformat(values["received_on"]) if values["received_on"] else None
    except ValueError:
        received = None
        errors["received_on"] = text.ERROR_RECEIVED
    entry = ClientFeedbackInput(
        kind=values["kind"],
        team=values["team"],
        received_on=received,
        themes=tuple(t for t in values["themes"].split(",") if t.strip()),
        case_reference=values["case_reference"],
        summary=values["summary"],
    )
    return entry, errors


def read_nomination(data: dict[str, Any]) -> PracticeExampleInput:
    values = _values(data, NOMINATION_FIELDS)
    return PracticeExampleInput(
        team=values["team"], source=values["source"], description=values["description"], source_ref=values["source_ref"]
    )


def form_values(data: dict[str, Any]) -> dict[str, str]:
    return _values(data, CLIENT_FEEDBACK_FIELDS + NOMINATION_FIELDS)
