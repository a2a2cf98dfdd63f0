"""Plain results the organisation service hands to card builders and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class RoleView:
    role: str
    """Display form: 'practitioner', 'team manager', 'senior manager', 'QA lead'..."""
    scope: str | None = None
    """The team or service area the role is held for, when it has one."""


@dataclass(frozen=True)
class PersonView:
    """What whoami and the admin card show about one person."""

    display_name: str
    email: str | None
    matched: bool
    active: bool
    team: str | None = None
    service_area: str | None = None
    manager: str | None = None
    roles: tuple[RoleView, ...] = ()
    teams_user_id: str | None = None
    aad_object_id: str | None = None


@dataclass(frozen=True)
class UnmatchedPerson:
    display_name: str
    teams_user_id: str | None
    aad_object_id: str | None
    email: str | None
    last_seen_at: datetime | None


@dataclass(frozen=True)
class ChannelLinkView:
    channel_name: str | None
    team: str | None = None
    service_area: str | None = None
    linked_by: str | None = None
    linked_at: datetime | None = None

    @property
    def linked(self) -> bool:
        return bool(self.team or self.service_area)


@dataclass(frozen=True)
class RoleChange:
    """The outcome of adding or removing a role, for the admin card and the CLI."""

    person: PersonView
    message: str
    changed: bool = True
    available_areas: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class AdminRolesView:
    """What the administrator's roles card offers: the areas and teams to choose from, and who is shown."""

    areas: tuple[str, ...]
    teams: tuple[str, ...]
    person: PersonView | None = None


@dataclass(frozen=True)
class TeamSummary:
    name: str
    service_area: str
    manager: str | None
    people: int


@dataclass(frozen=True)
class OrganisationSummary:
    """The organisation at a glance, for ``qop org show``."""

    teams: tuple[TeamSummary, ...]
    people_by_role: dict[str, int]
    active_people: int
    deactivated_people: int
    unmatched_people: int
