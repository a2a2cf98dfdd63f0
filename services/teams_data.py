"""Plain data the bot extracts from Teams activities before calling a service.

Keeping these free of SDK types is what lets ``services/`` stay SDK-free and testable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class TeamsUser:
    """A person as Teams describes them in an activity."""

    teams_user_id: str
    name: str = ""
    aad_object_id: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class SeenPerson:
    """The person qop has on record for whoever acted in a turn."""

    id: int
    email: str | None
    in_organisation: bool


@dataclass(frozen=True)
class ConversationInfo:
    """Where an activity happened, with the reference needed to message it later."""

    conversation_id: str
    kind: str  # "personal" | "groupChat" | "channel"
    service_url: str
    bot_id: str
    tenant_id: str | None = None
    teams_team_id: str | None = None
    name: str | None = None
    reference: dict[str, Any] = field(default_factory=dict)
