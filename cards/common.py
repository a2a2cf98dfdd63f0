"""Cards shared by every feature: welcome, help, and the friendly error/refusal cards."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cards import text
from cards.base import Json, card, facts, heading, labelled_points, paragraph, title


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
