"""Realistic examples of every organisation card, for the card catalogue."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from cards import organisation
from cards.base import Json
from views.organisation import ChannelLinkView, PersonView, RoleView

AREAS = ["First Contact", "Early Help", "Locality social work", "Children in Care", "Permanence", "Care Leavers"]
TEAMS = ["Front Door", "Riverside Locality Team", "Moorside Locality Team", "Children in Care Team"]

SAM = PersonView(
    display_name="Sam Okafor",
    email="sam.okafor@northshire.example",
    matched=True,
    active=True,
    team="Riverside Locality Team",
    service_area="Locality social work",
    manager="Dana Marsh",
    roles=(RoleView("practitioner"), RoleView("moderator")),
)
HELEN = PersonView(
    display_name="Helen Carrow",
    email="helen.carrow@northshire.example",
    matched=True,
    active=True,
    roles=(RoleView("senior manager", "Locality social work"), RoleView("senior manager", "Early Help")),
)
STRANGER = PersonView(
    display_name="Alex Wilber",
    email=None,
    matched=False,
    active=False,
    teams_user_id="29:1a2b3c4d5e6f",
    aad_object_id="4f1d2c3b-0000-4000-8000-00000000abcd",
)


def organisation_examples() -> Iterator[tuple[str, Json]]:
    yield "whoami", organisation.whoami_card(SAM)
    yield "whoami_senior_no_team", organisation.whoami_card(HELEN)
    yield "whoami_not_matched", organisation.whoami_card(STRANGER)
    yield (
        "whoami_left",
        organisation.whoami_card(PersonView("Jo Pritchard", "jo.pritchard@northshire.example", True, False)),
    )
    yield "channel_not_linked", organisation.channel_link_card(ChannelLinkView("General"))
    linked = ChannelLinkView(
        "General",
        "Riverside Locality Team",
        "Locality social work",
        "Dana Marsh",
        datetime(2026, 1, 12, 9, 30, tzinfo=UTC),
    )
    yield "channel_linked_team", organisation.channel_link_card(linked)
    yield "channel_just_linked", organisation.channel_link_card(linked, just_linked=True)
    yield "channel_linked_area", organisation.channel_link_card(ChannelLinkView("Leadership", None, "Early Help"))
    yield "admin_roles_empty", organisation.admin_roles_card(areas=AREAS, teams=TEAMS)
    yield (
        "admin_roles_after_change",
        organisation.admin_roles_card(
            areas=AREAS,
            teams=TEAMS,
            person=SAM,
            message="Sam Okafor is now moderator.",
            values={"role": "moderator"},
        ),
    )
    yield (
        "admin_roles_problem",
        organisation.admin_roles_card(
            areas=AREAS,
            teams=TEAMS,
            message="Nobody with the e-mail 'sam@x' is known to qop.",
            values={"email": "sam@x"},
        ),
    )
    yield "demo_role_manager", organisation.demo_role_card("team manager", SAM)
