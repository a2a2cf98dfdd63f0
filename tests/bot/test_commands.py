"""The command declarations and the router built from them: pure, no app, no database."""

from __future__ import annotations

import pytest

from bot.commands import COMMANDS, Audience, Command, Scope, help_entries, listed, menu
from bot.router import CommandRouter
from bot.turns import Turn

PERSONAL = (Scope.PERSONAL,)


async def _answer(turn: Turn) -> None:  # a handler the router only stores
    return None


def _declared(count: int) -> list[Command]:
    return [Command(f"command {n}", "x", PERSONAL, Audience.EVERYONE, weight=n) for n in range(count)]


def test_the_router_takes_the_longest_declared_name_and_its_aliases() -> None:
    declared = [
        Command("my tasks", "x", PERSONAL, Audience.EVERYONE, weight=2, aliases=("tasks", "todo")),
        Command("my", "x", PERSONAL, Audience.EVERYONE, weight=1),
    ]
    router = CommandRouter(declared)
    router.add("my tasks", _answer)
    router.add("my", _answer)

    for typed in ("My  Tasks?", "todo", "tasks"):
        route, args = router.match(typed, local_mode=False)  # type: ignore[misc]
        assert (route.command.name, args) == ("my tasks", ""), typed
    route, args = router.match("my surveys please", local_mode=False)  # type: ignore[misc]
    assert (route.command.name, args) == ("my", "surveys please")
    assert router.match("weather", local_mode=False) is None


def test_only_declared_commands_can_be_wired_and_each_only_once() -> None:
    router = CommandRouter(_declared(2))

    with pytest.raises(ValueError, match="not declared"):
        router.add("weather", _answer)
    router.add("command 0", _answer)
    with pytest.raises(ValueError, match="twice"):
        router.add("Command 0", _answer)
    assert router.unrouted() == ["command 1"]
    assert [c.name for c in router.routed()] == ["command 0"]


def test_a_local_only_command_is_neither_matched_nor_listed_in_production() -> None:
    demo = Command("demo role", "x", PERSONAL, Audience.DEMO, weight=1, local_only=True)
    router = CommandRouter([demo])
    router.add("demo role", _answer)

    assert router.match("demo role qa lead", local_mode=False) is None
    assert router.match("demo role qa lead", local_mode=True) is not None
    assert listed("personal", local_mode=False, commands=[demo]) == []
    assert menu("personal", [demo]) == []


def test_the_menu_is_the_twelve_most_needed_of_a_scope() -> None:
    shown = menu("personal", _declared(15))

    assert [c.weight for c in shown] == list(range(14, 2, -1))
    assert menu("team", _declared(15)) == []


def test_the_help_card_lists_everything_usable_in_the_scope_most_needed_first() -> None:
    personal = [entry.name for entry in help_entries("personal", local_mode=False)]
    channel = [entry.name for entry in help_entries("team", local_mode=False)]

    assert personal[:2] == ["my tasks", "my actions"]
    assert "admin roles" in personal and "report qim" in personal and "demo role" not in personal
    assert len(personal) == sum(1 for c in COMMANDS if Scope.PERSONAL in c.scopes and not c.local_only)
    assert "demo role" in [entry.name for entry in help_entries("personal", local_mode=True)]
    assert set(channel) == {"help", "whoami", "digest", "link", "record mapping", "qim pack"}


def test_every_help_line_fits_teams_command_menu_and_renders_whole() -> None:
    for command in COMMANDS:
        assert len(command.name) <= 32 and 0 < len(command.help) <= 128, command.name
        assert "<" not in command.help, f"{command.name}: card renderers drop <...> as HTML"
