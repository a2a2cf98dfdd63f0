"""Bolt-style registries: ``bot.command("help", show_help)`` wires a handler to a command
declared in ``bot/commands.py``; ``bot.action(VERB, handler)`` wires a card button.

We route commands and card actions ourselves instead of through one SDK route each: SDK
routes of equal rank run in heap order, an unrouted invoke is an HTTP 501, and a single
dispatcher is the one place that records who spoke, answers unknown text with help and
turns domain refusals into cards.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.commands import COMMANDS, Command, normalise
from bot.turns import Turn

CommandHandler = Callable[[Turn], Awaitable[None]]
ActionHandler = Callable[[Turn, dict[str, Any]], Awaitable["ActionResult"]]


@dataclass(frozen=True)
class Route:
    """A declared command and the handler that answers it."""

    command: Command
    handler: CommandHandler


@dataclass
class ActionResult:
    """What a card action answers: a replacement card for the clicker, or a short message."""

    card: dict[str, Any] | None = None
    message: str | None = None


class CommandRouter:
    """Matches typed text to the declared commands that have a handler."""

    def __init__(self, declared: Sequence[Command] = COMMANDS) -> None:
        self._declared = {word: command for command in declared for word in command.words}
        self._routes: dict[str, Route] = {}

    def add(self, name: str, handler: CommandHandler) -> None:
        """Wire ``handler`` to the declared command ``name``; an undeclared name is a programming error."""
        command = self._declared.get(normalise(name))
        if command is None:
            raise ValueError(f"command {name!r} is not declared in bot/commands.py")
        if normalise(command.name) in self._routes:
            raise ValueError(f"command {name!r} registered twice")
        route = Route(command, handler)
        for word in command.words:
            self._routes[word] = route

    def unrouted(self) -> list[str]:
        """Declared commands nobody wired a handler to."""
        return sorted({c.name for c in self._declared.values()} - {r.command.name for r in self._routes.values()})

    def routed(self) -> list[Command]:
        """Every command that has a handler."""
        return list({route.command.name: route.command for route in self._routes.values()}.values())

    def match(self, text: str, *, local_mode: bool) -> tuple[Route, str] | None:
        """The longest routed command that ``text`` starts with, and the rest as args."""
        words = normalise(text).split(" ")
        for length in range(len(words), 0, -1):
            route = self._routes.get(" ".join(words[:length]))
            if route and (local_mode or not route.command.local_only):
                args = " ".join(text.strip().split()[length:])
                return route, args
        return None


@dataclass
class ActionRouter:
    handlers: dict[str, ActionHandler] = field(default_factory=dict)

    def add(self, verb: str, handler: ActionHandler) -> None:
        if verb in self.handlers:
            raise ValueError(f"action verb {verb!r} registered twice")
        self.handlers[verb] = handler

    def get(self, verb: str) -> ActionHandler | None:
        return self.handlers.get(verb)
