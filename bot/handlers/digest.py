"""``@qop digest ...`` in a channel, the preview's post button and the QA lead's report link."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.router import ActionResult
from bot.turns import Turn
from cards import digest as cards
from cards import text_digest as text
from cards import verbs
from services.digest.subscriptions import parse_subscription, take_audit_type
from services.errors import InvalidInput

if TYPE_CHECKING:
    from bot.qop_bot import QopBot


async def digest(turn: Turn) -> None:
    digests = turn.services.digests
    channel = turn.conversation.conversation_id
    word = turn.args.split(" ", 1)[0].lower()
    if word == "stop":
        await digests.stop(channel, actor_id=turn.user.teams_user_id)
        await turn.send_card(cards.stopped_card())
    elif word == "now":
        await digests.preview_for_channel(channel, actor_id=turn.user.teams_user_id)
        await turn.send_text(text.PREVIEW_SENT)
    elif word in ("", "show", "status"):
        await turn.send_card(cards.subscription_card(await digests.current(channel)))
    else:
        request = parse_subscription(turn.args)
        view = await digests.subscribe(channel, request, actor_id=turn.user.teams_user_id)
        await turn.send_card(cards.subscription_card(view))


async def post(turn: Turn, data: dict[str, Any]) -> ActionResult:
    conversation_id, period = data.get("conversation_id"), data.get("period")
    if not isinstance(conversation_id, str) or not isinstance(period, str):
        raise InvalidInput(text.PREVIEW_OUT_OF_DATE)
    await turn.services.digests.post_preview(conversation_id, period, actor_id=turn.user.teams_user_id)
    return ActionResult(message=text.POSTED)


async def report_qim(turn: Turn) -> None:
    await turn.send_card(await _report_link_card(turn, turn.args))


async def report_link(turn: Turn, data: dict[str, Any]) -> ActionResult:
    return ActionResult(card=await _report_link_card(turn, str(data.get("args") or "")))


def register(bot: QopBot) -> None:
    bot.command("digest", digest)
    bot.command("report qim", report_qim)
    bot.action(verbs.DIGEST_POST, post)
    bot.action(verbs.REPORT_QIM_LINK, report_link)


async def _report_link_card(turn: Turn, args: str) -> dict[str, Any]:
    rest, audit_type = take_audit_type(args)
    words = rest.split()
    quarter = words[0] if words and words[0][:1].isdigit() else None
    request = parse_subscription(" ".join(words[1:] if quarter else words))
    url, expires, chosen = await turn.services.digests.report_link(
        actor_id=turn.user.teams_user_id, quarter=quarter, scope=request.scope, name=request.name, audit_type=audit_type
    )
    local = expires.astimezone(ZoneInfo(turn.services.time_zone))
    scope_label = request.name or text.SERVICE_SCOPE
    return cards.report_link_card(
        scope_label=scope_label, quarter=chosen, url=url, expires=f"{local:%H:%M}", audit_type=audit_type
    )
