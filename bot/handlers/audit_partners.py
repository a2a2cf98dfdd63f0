"""Multi-agency audits in Teams: the council's auditor invites a partner agency's auditor from the
audit card and gets a private link to send through secure email.

The invite button sends the whole page, so what the auditor typed on it is saved into the draft
first; a refused invitation comes back on the same page with the problem under its input.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from bot.handlers.audits import _assignment_id
from bot.router import ActionResult
from bot.turns import Turn
from cards import audit as audit_cards
from cards import partner_audits as cards
from cards import verbs
from services.errors import InvalidInput
from views.audits import AuditPage

if TYPE_CHECKING:
    from bot.qop_bot import QopBot


def _page_number(data: dict[str, Any]) -> int:
    try:
        return max(0, int(data.get("page") or 0))
    except (TypeError, ValueError):
        return 0


async def invite_partner(turn: Turn, data: dict[str, Any]) -> ActionResult:
    audits = turn.services.audits
    actor, assignment_id = turn.user.teams_user_id, _assignment_id(data)
    saved = await audits.answering.save_page(actor, assignment_id, page=_page_number(data), data=data, move="save")
    try:
        created = await audits.partners.invite(
            actor,
            assignment_id,
            agency=str(data.get(cards.AGENCY_INPUT) or ""),
            partner_label=str(data.get(cards.LABEL_INPUT) or ""),
        )
    except InvalidInput as refusal:
        if not isinstance(saved, AuditPage):
            raise
        errors = {**saved.errors, **cards.invite_errors(refusal.field_errors)}
        return ActionResult(audit_cards.page_card(replace(saved, errors=errors, notice=refusal.user_message)))
    return ActionResult(cards.partner_link_card(created))


def register(bot: QopBot) -> None:
    bot.action(verbs.AUDIT_PARTNER_INVITE, invite_partner)
