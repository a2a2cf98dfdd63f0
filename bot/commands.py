"""Every command qop answers, declared once as data.

The router accepts only the commands named here (``bot/router.py``), the help card lists them
(``help_entries``), and the Teams app package's command menu is built from them
(``menu``, read by ``qop teams package`` without starting the app). Handlers are wired to these
names in ``bot/handlers/*``; ``register_all`` fails if a declared command has no handler.

Teams shows at most 12 commands per scope in its menu, so each command carries a ``weight``:
how often the people it is for need it. Practitioners are most users, so their everyday
commands weigh most; rare administrative ones weigh least and may fall off the menu (they
still work when typed, and the help card still lists them).

Pure data: no SDK, services or settings, so the package build can read it on its own.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from cards import common
from cards import text_commands as text
from cards.common import CommandHelp

MAX_MENU_COMMANDS = 12
"""Teams shows at most this many commands per scope (manifest ``commandLists``)."""


class Scope(enum.StrEnum):
    """Where a command can be typed, with Teams' names for the three conversation kinds."""

    PERSONAL = "personal"
    TEAM = "team"
    GROUP_CHAT = "groupChat"


ALL_SCOPES = (Scope.PERSONAL, Scope.TEAM, Scope.GROUP_CHAT)


class Audience(enum.StrEnum):
    """Who a command is for. Routing does not check it: the services refuse those not allowed."""

    EVERYONE = "everyone"
    MANAGERS = "team and senior managers, and the QA lead"
    QA_LEAD = "the QA lead"
    AREA_LEADERS = "senior managers, Heads of Service and the QA lead"
    CLINICS = "team and senior managers, the Service Director, performance analysts and the QA lead"
    QIM = "the members of the Quality Improvement Meeting"
    MODERATION_GROUP = "the QA lead and the moderation group (Head of Service, Principal Social Worker, IRO manager)"
    CLIENT_RELATIONS = "client relations"
    ADMINISTRATORS = "administrators"
    DEMO = "anyone trying qop in the local playground"


@dataclass(frozen=True)
class Command:
    """One command: what to type, where, what it is for, who it is for and how often it is needed."""

    name: str
    help: str
    scopes: tuple[Scope, ...]
    audience: Audience
    weight: int
    """How often its users need it (higher first, in the help card and the Teams menu)."""
    aliases: tuple[str, ...] = ()
    """Other words that run the same command; neither listed nor shown in the menu."""
    local_only: bool = False
    """Accepted and listed only in local (playground) mode, e.g. switching demo role."""

    @property
    def words(self) -> tuple[str, ...]:
        """Every spelling that runs this command, normalised."""
        return tuple(normalise(word) for word in (self.name, *self.aliases))


PERSONAL = (Scope.PERSONAL,)
TEAM = (Scope.TEAM,)

COMMANDS: tuple[Command, ...] = (
    Command("my tasks", text.MY_TASKS, PERSONAL, Audience.EVERYONE, weight=100),
    Command("my actions", text.MY_ACTIONS, PERSONAL, Audience.EVERYONE, weight=95),
    Command("help", text.HELP, ALL_SCOPES, Audience.EVERYONE, weight=90),
    Command("my surveys", text.MY_SURVEYS, PERSONAL, Audience.EVERYONE, weight=80),
    Command("feedback link", text.FEEDBACK_LINK, PERSONAL, Audience.EVERYONE, weight=75),
    Command("feedback with child", text.FEEDBACK_WITH_CHILD, PERSONAL, Audience.EVERYONE, weight=70),
    Command("digest", text.DIGEST, TEAM, Audience.MANAGERS, weight=65),
    Command("whoami", text.WHOAMI, ALL_SCOPES, Audience.EVERYONE, weight=60),
    Command("team actions", text.TEAM_ACTIONS, PERSONAL, Audience.MANAGERS, weight=55),
    Command("team audits", text.TEAM_AUDITS, PERSONAL, Audience.MANAGERS, weight=50),
    Command("link", text.LINK, TEAM, Audience.MANAGERS, weight=45),
    Command("new action", text.NEW_ACTION, PERSONAL, Audience.MANAGERS, weight=45),
    Command("qa calendar", text.QA_CALENDAR, PERSONAL, Audience.MANAGERS, weight=40),
    Command("record activity", text.RECORD_ACTIVITY, PERSONAL, Audience.MANAGERS, weight=10),
    Command("send survey", text.SEND_SURVEY, PERSONAL, Audience.MANAGERS, weight=35),
    Command("audit round", text.AUDIT_ROUND, PERSONAL, Audience.MANAGERS, weight=30),
    Command("plan practice day", text.PLAN_PRACTICE_DAY, PERSONAL, Audience.AREA_LEADERS, weight=9),
    Command("practice days", text.PRACTICE_DAYS, PERSONAL, Audience.AREA_LEADERS, weight=9),
    Command("survey results", text.SURVEY_RESULTS, PERSONAL, Audience.MANAGERS, weight=25),
    Command("survey remind", text.SURVEY_REMIND, PERSONAL, Audience.MANAGERS, weight=20),
    Command("clinic", text.CLINIC, PERSONAL, Audience.CLINICS, weight=14),
    Command("report qim", text.REPORT_QIM, PERSONAL, Audience.QIM, weight=15),
    Command("improvement plan", text.IMPROVEMENT_PLAN, PERSONAL, Audience.QIM, weight=12),
    Command("qim", text.QIM, PERSONAL, Audience.QIM, weight=14),
    Command("qim pack", text.QIM_PACK, (Scope.TEAM, Scope.PERSONAL), Audience.QIM, weight=6),
    Command("report half", text.REPORT_HALF, PERSONAL, Audience.QIM, weight=7),
    Command("celebrated", text.CELEBRATED, PERSONAL, Audience.EVERYONE, weight=11),
    Command("celebrate", text.CELEBRATE, PERSONAL, Audience.MANAGERS, weight=10),
    Command("client feedback", text.CLIENT_FEEDBACK, PERSONAL, Audience.CLIENT_RELATIONS, weight=8),
    Command("moderation group", text.MODERATION_GROUP, PERSONAL, Audience.MODERATION_GROUP, weight=12),
    Command("record observation", text.RECORD_OBSERVATION, PERSONAL, Audience.MANAGERS, weight=12),
    Command("record mapping", text.RECORD_MAPPING, ALL_SCOPES, Audience.EVERYONE, weight=10),
    Command("admin roles", text.ADMIN_ROLES, PERSONAL, Audience.ADMINISTRATORS, weight=5),
    Command("demo role", text.DEMO_ROLE, PERSONAL, Audience.DEMO, weight=1, local_only=True),
)


def normalise(text: str) -> str:
    """Lower case, single spaces, no trailing ``?!.``: how typed text is compared with names."""
    return re.sub(r"\s+", " ", text.strip().lower().rstrip("?!.")).strip()


def listed(scope: str, *, local_mode: bool, commands: Iterable[Command] = COMMANDS) -> list[Command]:
    """The commands usable in ``scope``, the most needed first (declaration order breaks ties)."""
    usable = [c for c in commands if scope in c.scopes and (local_mode or not c.local_only)]
    return sorted(usable, key=lambda command: -command.weight)


def help_entries(scope: str, *, local_mode: bool) -> list[CommandHelp]:
    """Name and help line of every command usable in ``scope``: what the help card lists."""
    return [CommandHelp(command.name, command.help) for command in listed(scope, local_mode=local_mode)]


def help_card(conversation_kind: str, *, local_mode: bool, not_understood: str | None = None) -> dict[str, Any]:
    """The help card for a conversation of ``conversation_kind``; ``not_understood`` echoes what puzzled us."""
    entries = help_entries(scope_of(conversation_kind), local_mode=local_mode)
    return common.help_card(entries, not_understood=not_understood)


def menu(scope: str, commands: Sequence[Command] = COMMANDS) -> list[Command]:
    """Teams' command menu for ``scope``: the production commands most needed, at most 12."""
    return listed(scope, local_mode=False, commands=commands)[:MAX_MENU_COMMANDS]


def scope_of(conversation_kind: str) -> Scope:
    """The command scope of a conversation kind as Teams reports it (``channel`` is a team)."""
    return {"channel": Scope.TEAM, "groupChat": Scope.GROUP_CHAT}.get(conversation_kind, Scope.PERSONAL)
