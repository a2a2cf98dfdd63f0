"""Bolt-style registries: ``@bot.command("help")`` for typed commands, ``@bot.action(VERB)``
for card buttons.

We route commands and card actions ourselves instead of through one SDK route each: SDK
routes of equal rank run in heap order, an unrouted invoke is an HTTP 501, and a single
dispatcher is the one place that records who spoke, answers unknown text with help and
turns domain refusals into cards.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bot.turns import Turn

ALL_SCOPES = ("personal", "team", "groupChat")
CommandHandler = Callable[[Turn], Awaitable[None]]
ActionHandler = Callable[[Turn, dict[str, Any]], Awaitable["ActionResult"]]


@dataclass(frozen=True)
class Command:
    name: str
    description: str
    handler: CommandHandler
    scopes: tuple[str, ...] = ALL_SCOPES
    local_only: bool = False
    """Shown and accepted only in local (playground) mode, e.g. switching demo role."""
    listed: bool = True


@dataclass
class ActionResult:
    """What a card action answers: a replacement card for the clicker, or a short message."""

    card: dict[str, Any] | None = None
    message: str | None = None


@dataclass
class CommandRouter:
    commands: dict[str, Command] = field(default_factory=dict)

    def add(self, command: Command) -> None:
        key = normalise(command.name)
        if key in self.commands:
            raise ValueError(f"command {command.name!r} registered twice")
        self.commands[key] = command

    def match(self, text: str, *, local_mode: bool) -> tuple[Command, str] | None:
        """The longest registered command that ``text`` starts with, and the rest as args."""
        words = normalise(text).split(" ")
        for length in range(len(words), 0, -1):
            command = self.commands.get(" ".join(words[:length]))
            if command and (local_mode or not command.local_only):
                args = " ".join(text.strip().split()[length:])
                return command, args
        return None

    def visible(self, *, scope: str, local_mode: bool) -> list[Command]:
        return [
            c for c in self.commands.values() if c.listed and scope in c.scopes and (local_mode or not c.local_only)
        ]


@dataclass
class ActionRouter:
    handlers: dict[str, ActionHandler] = field(default_factory=dict)

    def add(self, verb: str, handler: ActionHandler) -> None:
        if verb in self.handlers:
            raise ValueError(f"action verb {verb!r} registered twice")
        self.handlers[verb] = handler

    def get(self, verb: str) -> ActionHandler | None:
        return self.handlers.get(verb)


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower().rstrip("?!.")).strip()


def scope_of(conversation_kind: str) -> str:
    return {"channel": "team", "groupChat": "groupChat"}.get(conversation_kind, "personal")
