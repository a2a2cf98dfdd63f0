"""Feedback from families, children and partners, asked for from Teams.

``feedback link <case ref> <form>`` makes a single-use link with a QR code; ``feedback with
child <case ref> <form>`` (or the button on a link card) opens the form on the worker's own
device for the child to complete during a visit. Refused answers come back on the same card
with everything kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.router import ActionResult
from bot.turns import Turn
from cards import feedback as cards
from cards import text_feedback as text
from cards import verbs
from services.errors import InvalidInput
from services.feedback.forms import survey_settings

if TYPE_CHECKING:
    from bot.qop_bot import QopBot


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return value.strip() if isinstance(value, str) else ""


def _version(data: dict[str, Any]) -> int | None:
    try:
        return int(data["version"])
    except (KeyError, TypeError, ValueError):
        return None


def _options(turn: Turn, *, family_only: bool = False) -> list[cards.TemplateOption]:
    templates = turn.services.feedback_links.link_templates()
    return [
        cards.TemplateOption(t.id, f"{survey_settings(t).respondent}: {t.title}")
        for t in templates
        if not family_only or survey_settings(t).audience == "family"
    ]


def _link_card(turn: Turn, created: Any) -> dict[str, Any]:
    return cards.link_card(
        url=created.url,
        case_reference=created.case_reference,
        template=created.template,
        expires_at=created.expires_at,
        can_hand_over=survey_settings(created.template).audience == "family",
    )


async def feedback_link(turn: Turn) -> None:
    words = turn.args.split()
    if len(words) < 2:
        case_reference = words[0] if words else ""
        valid_days = turn.services.feedback_link_days
        await turn.send_card(
            cards.link_request_card(_options(turn), valid_days=valid_days, case_reference=case_reference)
        )
        return
    created = await turn.services.feedback_links.request_link(
        actor_id=turn.user.teams_user_id, case_reference=words[0], template_key=words[1]
    )
    await turn.send_card(_link_card(turn, created))


async def feedback_with_child(turn: Turn) -> None:
    words = turn.args.split()
    if len(words) < 2:
        raise InvalidInput(
            text.HANDOVER_USAGE,
            {text.FIELD_FORMS: ", ".join(option.key for option in _options(turn, family_only=True))},
        )
    await turn.send_card(_handover_form(turn, words[0], words[1], None))


async def create_link(turn: Turn, data: dict[str, Any]) -> ActionResult:
    created = await turn.services.feedback_links.request_link(
        actor_id=turn.user.teams_user_id,
        case_reference=_text(data, "case_reference"),
        template_key=_text(data, "template"),
        audit_reference=_text(data, "audit_reference") or None,
    )
    return ActionResult(card=_link_card(turn, created))


async def open_handover(turn: Turn, data: dict[str, Any]) -> ActionResult:
    return ActionResult(card=_handover_form(turn, _text(data, "case_reference"), _text(data, "template"), None))


async def submit_handover(turn: Turn, data: dict[str, Any]) -> ActionResult:
    links = turn.services.feedback_links
    try:
        result = await links.submit_handover(
            actor_id=turn.user.teams_user_id,
            case_reference=_text(data, "case_reference"),
            template_key=_text(data, "template"),
            version=_version(data),
            submitted=data,
        )
    except InvalidInput as invalid:
        template = links.handover_template(_text(data, "template"), _version(data))
        form = cards.handover_form(
            template,
            case_reference=_text(data, "case_reference").upper(),
            values=data,
            problems=invalid.field_errors or {text.FIELD_ANSWERS: invalid.user_message},
        )
        return ActionResult(card=form)
    return ActionResult(
        card=cards.handover_done(
            result.template, case_reference=result.case_reference, alert_raised=result.alert_raised
        )
    )


def register(bot: QopBot) -> None:
    bot.command("feedback link", feedback_link)
    bot.command("feedback with child", feedback_with_child)
    bot.action(verbs.FEEDBACK_LINK_CREATE, create_link)
    bot.action(verbs.FEEDBACK_HANDOVER_OPEN, open_handover)
    bot.action(verbs.FEEDBACK_HANDOVER_SUBMIT, submit_handover)


def _handover_form(turn: Turn, case_reference: str, template_key: str, version: int | None) -> dict[str, Any]:
    links = turn.services.feedback_links
    reference = links.normalise_case_reference(case_reference)
    template = links.handover_template(template_key, version)
    return cards.handover_form(template, case_reference=reference)
