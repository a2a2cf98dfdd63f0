"""The family's view inside an audit, in Teams: the buttons of the family step on the auditor's
pages and the practitioner's reflection. Each handler parses the card, makes one service call and
shows the card it comes back to (the page, the reflection, or the form answered together)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.handlers.audits import _assignment_id, page_of
from bot.router import ActionResult
from bot.turns import Turn
from cards import audit as audit_cards
from cards import audit_family as family_cards
from cards import verbs
from views.audit_family import TogetherForm
from views.audits import AuditPage, ReflectionForm

if TYPE_CHECKING:
    from bot.qop_bot import QopBot


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else ""


def _version(data: dict[str, Any]) -> int | None:
    version = _text(data, "version")
    return int(version) if version.isdigit() else None


def _card(result: AuditPage | ReflectionForm | TogetherForm) -> dict[str, Any]:
    if isinstance(result, TogetherForm):
        return family_cards.together_card(result)
    if isinstance(result, ReflectionForm):
        return audit_cards.reflection_card(result)
    return audit_cards.page_card(result)


def _step(turn: Turn, data: dict[str, Any]) -> tuple[str, int, dict[str, Any]]:
    """Who pressed the button, on which audit, and where: (Teams user id, assignment id, page and data)."""
    return turn.user.teams_user_id, _assignment_id(data), {"page": page_of(data), "data": data}


async def send_link(turn: Turn, data: dict[str, Any]) -> ActionResult:
    actor, assignment_id, where = _step(turn, data)
    result = await turn.services.audits.family.ask_by_link(actor, assignment_id, who=_text(data, "family_who"), **where)
    return ActionResult(_card(result))


async def answer_together(turn: Turn, data: dict[str, Any]) -> ActionResult:
    actor, assignment_id, where = _step(turn, data)
    result = await turn.services.audits.family.open_together(
        actor, assignment_id, who=_text(data, "family_who"), **where
    )
    return ActionResult(_card(result))


async def store_together(turn: Turn, data: dict[str, Any]) -> ActionResult:
    actor, assignment_id, where = _step(turn, data)
    who, version = _text(data, "family_who"), _version(data)
    result = await turn.services.audits.family.answer_together(actor, assignment_id, who=who, version=version, **where)
    return ActionResult(_card(result))


async def record_reason(turn: Turn, data: dict[str, Any]) -> ActionResult:
    actor, assignment_id, where = _step(turn, data)
    reason, tries = _text(data, "family_reason"), _text(data, "family_tries")
    result = await turn.services.audits.family.record_reason(actor, assignment_id, reason=reason, tries=tries, **where)
    return ActionResult(_card(result))


def register(bot: QopBot) -> None:
    bot.action(verbs.AUDIT_FAMILY_LINK, send_link)
    bot.action(verbs.AUDIT_FAMILY_TOGETHER, answer_together)
    bot.action(verbs.AUDIT_FAMILY_ANSWER, store_together)
    bot.action(verbs.AUDIT_FAMILY_REASON, record_reason)
