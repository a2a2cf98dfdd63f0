"""Cards shared by every feature: welcome, help, and the friendly error/refusal cards."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from microsoft_teams.cards import TextInput

from cards import text
from cards.base import Json, action_row, card, execute, facts, heading, labelled_points, paragraph, title


@dataclass(frozen=True)
class CommandHelp:
    """One command as the help card shows it."""

    name: str
    description: str


def welcome_personal(display_name: str | None) -> Json:
    greeting = f"Hello {display_name.split()[0]}." if display_name else "Hello."
    return card(
        [
            title(text.WELCOME_PERSONAL_TITLE),
            paragraph(f"{greeting} {text.WELCOME_PERSONAL_INTRO}"),
            *labelled_points(text.WELCOME_PERSONAL_POINTS),
            paragraph(text.WELCOME_PERSONAL_PRIVACY, subtle=True, spacing="Medium"),
        ],
        fallback_text=text.WELCOME_PERSONAL_INTRO,
    )


def welcome_channel(channel_name: str | None) -> Json:
    intro = text.WELCOME_CHANNEL_INTRO.format(
        channel=f"this channel ({channel_name})" if channel_name else "this channel"
    )
    return card(
        [
            title(text.WELCOME_CHANNEL_TITLE),
            paragraph(intro),
            *labelled_points(text.WELCOME_CHANNEL_POINTS),
            paragraph(text.WELCOME_CHANNEL_NEXT, subtle=True, spacing="Medium"),
        ],
        fallback_text=intro,
    )


def help_card(commands: Sequence[CommandHelp], *, not_understood: str | None = None) -> Json:
    body = []
    if not_understood is not None:
        shown = not_understood if len(not_understood) <= 60 else not_understood[:57] + "..."
        body.append(paragraph(text.DIDNT_UNDERSTAND.format(text=shown), spacing="None"))
    body += [
        title(text.HELP_TITLE),
        paragraph(text.HELP_INTRO, subtle=True),
        facts([(command.name, command.description) for command in commands]),
    ]
    return card(body, fallback_text=text.HELP_TITLE)


def error_card(reference: str) -> Json:
    return card([heading(text.ERROR_TITLE), paragraph(text.ERROR_BODY.format(reference=reference))])


def refusal_card(message: str, field_errors: dict[str, str] | None = None) -> Json:
    body = [heading(text.REFUSED_TITLE if not field_errors else text.INVALID_TITLE), paragraph(message)]
    if field_errors:
        body.append(facts(sorted(field_errors.items())))
    return card(body)


def card_data_not_understood_card() -> Json:
    """A button's data was malformed (an old or tampered card): nothing was done."""
    return refusal_card(text.CARD_DATA_NOT_UNDERSTOOD)


ROUTING_KEYS = ("verb", "page", "submission_key", "version")


def not_saved_yet_card(verb: str, submitted: dict[str, Any]) -> Json:
    """The database was unreachable when a card was submitted: what the person typed, back on a
    card with a button that submits it again, so nothing is lost. Ids and routing values ride on
    the button; every other text value becomes an input holding what was typed."""
    typed = {k: v for k, v in submitted.items() if isinstance(v, str) and not _is_routing(k)}
    carried = {k: v for k, v in submitted.items() if k not in typed and isinstance(v, str | int | float | bool)}
    inputs = [
        TextInput(id=key, label=key.replace("_", " "), value=value, is_multiline=True) for key, value in typed.items()
    ]
    body = [
        heading(text.NOT_SAVED_TITLE),
        paragraph(text.NOT_SAVED_BODY.format(retry=text.NOT_SAVED_RETRY)),
        *inputs,
        action_row(execute(text.NOT_SAVED_RETRY, verb, carried)),
    ]
    return card(body)


def _is_routing(key: str) -> bool:
    return key in ROUTING_KEYS or key.endswith("_id") or key.endswith("_ids")
