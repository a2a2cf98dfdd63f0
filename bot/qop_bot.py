"""Assembles the Agents SDK application and dispatches turns to qop's handlers."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from aiohttp import ClientResponseError
from microsoft_agents.activity import ActivityTypes
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import (
    AgentApplication,
    Connections,
    MemoryStorage,
    TurnContext,
    TurnState,
)
from microsoft_agents.hosting.core.app import RouteRank
from sqlalchemy.exc import DataError

from bot.auth import build_token_validator
from bot.commands import help_card, scope_of
from bot.config import BotConfig
from bot.connections import build_connections
from bot.connector_sessions import ConnectorSessions, KeptSessionClientFactory
from bot.members import fetch_member_email
from bot.product_info import cache_product_info
from bot.router import ActionHandler, ActionRouter, CommandHandler, CommandRouter
from bot.security import build_host_validator
from bot.turns import Turn, card_activity, conversation_from, files_from, send_invoke_response, user_from
from cards import common, text
from services.container import Services
from services.errors import DomainError, InvalidInput, database_unavailable

logger = logging.getLogger(__name__)

ActivityHandler = Callable[[Turn], Awaitable[None]]

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
MESSAGE_CONTENT_TYPE = "application/vnd.microsoft.activity.message"
ERROR_CONTENT_TYPE = "application/vnd.microsoft.error"


class QopBot:
    """The bot: SDK objects plus qop's command and action registries."""

    def __init__(self, services: Services, config: BotConfig, *, connections: Connections | None = None) -> None:
        self.services = services
        self.config = config
        # ``connections`` hands out outbound tokens; the default asks Entra ID (MSAL) in
        # production. Tests of production mode pass a local stand-in for Entra ID.
        self.connections = connections or build_connections(config)
        self.token_validator = build_token_validator(config, services.clock)
        cache_product_info()
        self.turn_slots = asyncio.Semaphore(config.max_turns_in_flight)
        """Taken by each activity at the HTTP edge (``bot.http``) while the SDK processes it."""
        self.connector_sessions = ConnectorSessions(timeout_seconds=config.connector_timeout_seconds)
        """Kept connections to the Bot Connector for replies and proactive sends; closed with the app."""
        self.adapter = CloudAdapter(
            connection_manager=self.connections,
            channel_service_client_factory=KeptSessionClientFactory(self.connections, self.connector_sessions),
            host_validator=build_host_validator(config),
        )
        self.application: AgentApplication[TurnState] = AgentApplication[TurnState](
            storage=MemoryStorage(),
            connection_manager=self.connections,
            start_typing_timer=False,
        )
        self.commands = CommandRouter()
        self.actions = ActionRouter()
        self._file_handler: CommandHandler | None = None
        self.application.error(self._on_turn_error)
        self._register_dispatchers()

    # -- registration API used by bot/handlers/* ---------------------------------------------

    def command(self, name: str, handler: CommandHandler) -> None:
        """Answer the command ``name`` (declared in ``bot/commands.py``) with ``handler``."""
        self.commands.add(name, handler)

    def action(self, verb: str, handler: ActionHandler) -> None:
        """Answer a card button's ``verb`` (from ``cards/verbs.py``) with ``handler``."""
        self.actions.add(verb, handler)

    def files(self, handler: CommandHandler) -> None:
        """Answer a message with files attached (``turn.files``) with ``handler``, whatever its text."""
        if self._file_handler is not None:
            raise ValueError("a handler for attached files is registered twice")
        self._file_handler = handler

    def activity(self, activity_type: str, handler: ActivityHandler) -> None:
        """Answer a non-message activity (installs, member changes) with ``handler``."""

        async def on_activity(context: TurnContext, _state: TurnState) -> None:
            await self._guarded(context, lambda: handler(self.turn(context)))

        self.application.activity(activity_type)(on_activity)

    def turn(self, context: TurnContext, *, text: str = "", args: str = "") -> Turn:
        return Turn(
            context=context,
            services=self.services,
            config=self.config,
            user=user_from(context),
            conversation=conversation_from(context),
            text=text,
            args=args,
            files=files_from(context),
        )

    # -- dispatch -----------------------------------------------------------------------------

    def _register_dispatchers(self) -> None:
        async def on_card_invoke(context: TurnContext, state: TurnState) -> None:
            await self._guarded(context, lambda: self._on_card_invoke(context, state))

        async def on_message(context: TurnContext, state: TurnState) -> None:
            await self._guarded(context, lambda: self._on_message(context, state))

        self.application.add_route(_is_card_invoke, on_card_invoke, is_invoke=True)
        self.application.add_route(_is_message, on_message, rank=RouteRank.LAST)

    async def _guarded(self, context: TurnContext, run: Callable[[], Awaitable[None]]) -> None:
        """Run a turn; the failures that are nobody's bug get a friendly answer and one log line
        here, before the SDK would log them with a traceback. Anything else goes on to
        ``_on_turn_error``."""
        try:
            await run()
        except Exception as error:
            card = _expected_failure_card(context, error)
            if card is None:
                raise
            if not card:
                return
            try:
                if context.activity.type == ActivityTypes.invoke:
                    await send_invoke_response(context, 200, _invoke_card(card))
                elif context.activity.type == ActivityTypes.message:
                    await context.send_activity(card_activity(card))
            except Exception as answer_error:  # the channel itself may be failing; one line is enough
                logger.warning("could not answer a %s activity: %s", context.activity.type, type(answer_error).__name__)

    async def _on_message(self, context: TurnContext, _state: TurnState) -> None:
        activity = context.activity
        turn = self.turn(context, text=(activity.text or "").strip())
        await self._remember(context, turn)
        if not turn.text and isinstance(activity.value, dict):
            await self._on_card_submit(turn, activity.value)
            return
        if turn.files and self._file_handler is not None:
            await self._file_handler(turn)
            return
        matched = self.commands.match(turn.text, local_mode=self.config.local_mode)
        if matched is None or scope_of(turn.conversation.kind) not in matched[0].command.scopes:
            await turn.send_card(
                help_card(
                    turn.conversation.kind,
                    local_mode=self.config.local_mode,
                    not_understood=turn.text or text.EMPTY_MESSAGE,
                )
            )
            return
        route, turn.args = matched
        try:
            await route.handler(turn)
        except DomainError as refusal:
            await turn.send_card(_refusal_card(refusal))

    async def _remember(self, context: TurnContext, turn: Turn) -> None:
        """Record who spoke; an unmatched person's e-mail is fetched once to match them by it."""
        person = await self.services.conversations.record_seen(turn.conversation, turn.user)
        if not person.in_organisation and not person.email and not turn.user.email:
            email = await fetch_member_email(context, turn.conversation.conversation_id, turn.user.teams_user_id)
            if email:
                await self.services.conversations.record_member(replace(turn.user, email=email))

    async def _on_card_submit(self, turn: Turn, value: dict[str, Any]) -> None:
        """Action.Submit (or an Action.Execute fallback on old clients) arrives as a message."""
        handler = self.actions.get(str(value.get("verb", "")))
        if handler is None:
            await turn.send_card(
                help_card(
                    turn.conversation.kind,
                    local_mode=self.config.local_mode,
                    not_understood=text.UNKNOWN_BUTTON,
                )
            )
            return
        try:
            result = await handler(turn, value)
        except DomainError as refusal:
            await turn.send_card(_refusal_card(refusal))
            return
        if result.card is not None:
            await turn.send_card(result.card)
        elif result.message:
            await turn.send_text(result.message)

    async def _on_card_invoke(self, context: TurnContext, _state: TurnState) -> None:
        """Action.Execute: answer in the HTTP response, fast, with a card or a message."""
        action = (context.activity.value or {}).get("action") or {}
        verb = str(action.get("verb") or "")
        data = action.get("data") if isinstance(action.get("data"), dict) else {}
        turn = self.turn(context)
        await self._remember(context, turn)
        handler = self.actions.get(verb)
        if handler is None:
            await send_invoke_response(
                context,
                200,
                _invoke_card(help_card(turn.conversation.kind, local_mode=self.config.local_mode, not_understood=verb)),
            )
            return
        try:
            result = await handler(turn, data)
        except DomainError as refusal:
            await send_invoke_response(context, 200, _invoke_card(_refusal_card(refusal)))
            return
        if result.card is not None:
            await send_invoke_response(context, 200, _invoke_card(result.card))
        else:
            body = {"statusCode": 200, "type": MESSAGE_CONTENT_TYPE, "value": result.message or text.DONE}
            await send_invoke_response(context, 200, body)

    async def _on_turn_error(self, context: TurnContext, error: Exception) -> None:
        """Replace the SDK's default (which shows the exception text to users)."""
        reference = error_reference()
        logger.error("turn failed (%s) for activity %s", reference, context.activity.type, exc_info=error)
        card = common.error_card(reference)
        try:
            if context.activity.type == ActivityTypes.invoke:
                await send_invoke_response(context, 200, _invoke_card(card))
            else:
                await context.send_activity(card_activity(card))
        except Exception:  # the channel may be what failed; the log has the details
            logger.exception("could not tell the user about %s", reference)


def error_reference() -> str:
    """A short id a user can read out to their administrator; the log has the details."""
    return "ERR-" + secrets.token_hex(3).upper()


MALFORMED_DATA_ERRORS = (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError)
"""What a handler raises when a card's data has the wrong shape (a number too big to store,
a list where a string was expected): the sender's fault, answered with a friendly card."""


def _expected_failure_card(context: TurnContext, error: Exception) -> dict[str, Any] | None:
    """The card for a failure that is nobody's bug (``{}``: log only), or None for a real one."""
    activity = context.activity
    if isinstance(error, ClientResponseError) and 400 <= error.status < 500:
        # The Bot Connector refused a reply (e.g. 404: no such conversation or message): the
        # activity named something Teams does not know; telling the user would fail too.
        logger.warning("Teams refused a reply to a %s activity (%s)", activity.type, error.status)
        return {}
    verb, submitted = _submitted(context)
    if database_unavailable(error):
        logger.warning("database unavailable during a %s activity (%s)", activity.type, _cause_name(error))
        if submitted:
            return common.not_saved_yet_card(verb, submitted)
        return common.refusal_card(text.DATABASE_UNAVAILABLE)
    if submitted is not None and (isinstance(error, MALFORMED_DATA_ERRORS) or _is_unstorable_value(error)):
        logger.warning("card action %r had malformed data: %s: %s", verb[:60], type(error).__name__, str(error)[:160])
        return common.card_data_not_understood_card()
    if _is_unstorable_value(error) or isinstance(error, OverflowError):
        logger.warning("a %s activity carried a value qop cannot store: %s", activity.type, _cause_name(error))
        return common.card_data_not_understood_card()
    return None


def _submitted(context: TurnContext) -> tuple[str, dict[str, Any] | None]:
    """The verb and the values a card submitted (Action.Execute or Action.Submit), if any."""
    value = context.activity.value
    if not isinstance(value, dict):
        return "", None
    if context.activity.type == ActivityTypes.invoke:
        action = value.get("action") if isinstance(value.get("action"), dict) else {}
        data = action.get("data") if isinstance(action.get("data"), dict) else {}
        return str(action.get("verb") or ""), data
    return str(value.get("verb") or ""), value


def _is_unstorable_value(error: BaseException) -> bool:
    """The database refused a value (a number out of range, an over-long text)."""
    return any(isinstance(link, DataError | OverflowError) for link in _chain(error))


def _chain(error: BaseException) -> list[BaseException]:
    links: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in links and len(links) < 10:
        links.append(current)
        current = current.__cause__ or current.__context__
    return links


def _cause_name(error: BaseException) -> str:
    return " <- ".join(type(link).__name__ for link in _chain(error))


def _is_card_invoke(context: TurnContext) -> bool:
    return context.activity.type == ActivityTypes.invoke and context.activity.name == "adaptiveCard/action"


def _is_message(context: TurnContext) -> bool:
    return context.activity.type == ActivityTypes.message


def _invoke_card(card: dict[str, Any]) -> dict[str, Any]:
    return {"statusCode": 200, "type": CARD_CONTENT_TYPE, "value": card}


def _refusal_card(refusal: DomainError) -> dict[str, Any]:
    field_errors = refusal.field_errors if isinstance(refusal, InvalidInput) else None
    return common.refusal_card(refusal.user_message, field_errors)
