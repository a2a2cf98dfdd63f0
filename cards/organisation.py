"""Cards about the organisation: whoami, a channel's link, the admin roles card, demo roles."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from microsoft_teams.cards import Choice, ChoiceSetInput, TextInput

from cards import text_organisation as text
from cards import verbs
from cards.base import Json, card, execute, facts, paragraph, title

if TYPE_CHECKING:
    from views.organisation import ChannelLinkView, PersonView, RoleView

ROLE_CHOICES = (
    "practitioner",
    "team manager",
    "senior manager",
    "QA lead",
    "moderator",
    "administrator",
    "service director",
    "head of service",
    "QA head of service",
    "principal social worker",
    "IRO manager",
    "practice champion",
    "performance analyst",
    "client relations",
)
"""The roles the admin card offers: the labels ``services.organisation`` uses (a test keeps them equal)."""


def roles_text(roles: Sequence[RoleView]) -> str:
    return ", ".join(r.role + (f" ({r.scope})" if r.scope else "") for r in roles) or text.WHOAMI_NONE


def whoami_card(person: PersonView) -> Json:
    body = [title(text.WHOAMI_TITLE)]
    if not person.matched:
        body += [
            paragraph(text.WHOAMI_NOT_MATCHED),
            facts(
                [
                    (text.WHOAMI_NAME, person.display_name or text.WHOAMI_UNKNOWN),
                    (text.WHOAMI_EMAIL, person.email or text.WHOAMI_UNKNOWN),
                    (text.WHOAMI_AAD, person.aad_object_id or text.WHOAMI_UNKNOWN),
                    (text.WHOAMI_TEAMS_ID, person.teams_user_id or text.WHOAMI_UNKNOWN),
                ]
            ),
        ]
        return card(body, fallback_text=text.WHOAMI_NOT_MATCHED)
    if not person.active:
        body.append(paragraph(text.WHOAMI_LEFT))
    body += [
        facts(
            [
                (text.WHOAMI_NAME, person.display_name),
                (text.WHOAMI_EMAIL, person.email or text.WHOAMI_UNKNOWN),
                (text.WHOAMI_TEAM, person.team or text.WHOAMI_NO_TEAM),
                *([(text.WHOAMI_AREA, person.service_area)] if person.service_area else []),
                (text.WHOAMI_MANAGER, person.manager or text.WHOAMI_NO_MANAGER),
                (text.WHOAMI_ROLES, roles_text(person.roles)),
            ]
        ),
        paragraph(text.WHOAMI_FOOTER, subtle=True, spacing="Medium"),
    ]
    return card(body, fallback_text=f"{person.display_name}: {roles_text(person.roles)}")


def channel_link_card(link: ChannelLinkView, *, just_linked: bool = False) -> Json:
    if not link.linked:
        return card([title(text.LINK_TITLE), paragraph(text.LINK_NOT_LINKED)], fallback_text=text.LINK_NOT_LINKED)
    if link.team:
        target = text.LINK_TEAM.format(team=link.team, area=link.service_area)
    else:
        target = text.LINK_AREA.format(area=link.service_area)
    sentence = (text.LINK_DONE if just_linked else text.LINK_LINKED).format(target=target)
    details = []
    if link.linked_by:
        details.append((text.LINK_BY, link.linked_by))
    if link.linked_at:
        details.append((text.LINK_WHEN, link.linked_at.strftime("%d %B %Y")))
    body = [title(text.LINK_TITLE), paragraph(sentence)]
    if details:
        body.append(facts(details))
    return card(body, fallback_text=sentence)


def admin_roles_card(
    *,
    areas: Sequence[str],
    teams: Sequence[str],
    person: PersonView | None = None,
    message: str | None = None,
    values: dict[str, str] | None = None,
) -> Json:
    """The administrator's roles card: look someone up by e-mail, add or remove a role."""
    values = values or {}
    body = [title(text.ADMIN_TITLE), paragraph(text.ADMIN_INTRO, subtle=True)]
    if message:
        body.append(paragraph(message, spacing="Medium"))
    if person:
        body.append(
            facts(
                [
                    (text.WHOAMI_NAME, text.ADMIN_PERSON.format(name=person.display_name, email=person.email or "")),
                    (text.WHOAMI_ROLES, roles_text(person.roles) if person.roles else text.ADMIN_NO_ROLES),
                ]
            )
        )
    body += [
        TextInput(
            id="email",
            label=text.ADMIN_EMAIL,
            placeholder=text.ADMIN_EMAIL_PLACEHOLDER,
            is_required=True,
            error_message=text.ADMIN_EMAIL_ERROR,
            style="Email",
            max_length=320,
            value=values.get("email") or (person.email if person else None) or None,
        ),
        # Not marked required: "Show their roles" needs only the e-mail; the service checks the role.
        ChoiceSetInput(
            id="role",
            label=text.ADMIN_ROLE,
            choices=[Choice(title=role, value=role) for role in ROLE_CHOICES],
            value=values.get("role") or None,
        ),
        ChoiceSetInput(
            id="area",
            label=text.ADMIN_AREA,
            choices=[Choice(title=area, value=area) for area in areas],
            value=values.get("area") or None,
        ),
        ChoiceSetInput(
            id="team",
            label=text.ADMIN_TEAM,
            choices=[Choice(title=team, value=team) for team in teams],
            value=values.get("team") or None,
        ),
    ]
    actions = [
        execute(text.ADMIN_ADD, verbs.ORG_ROLE_ADD),
        execute(text.ADMIN_REMOVE, verbs.ORG_ROLE_REMOVE),
        execute(text.ADMIN_LOOKUP, verbs.ORG_ROLE_LOOKUP),
    ]
    return card(body, actions, fallback_text=text.ADMIN_TITLE)


def demo_role_card(role: str, person: PersonView) -> Json:
    hint = text.DEMO_HINTS.get(role, "").format(team=person.team or "your team", area=person.service_area or "your")
    return card(
        [
            title(text.DEMO_TITLE.format(role=role)),
            paragraph(text.DEMO_INTRO.format(role=role)),
            paragraph(hint),
            facts([(text.WHOAMI_ROLES, roles_text(person.roles))]),
        ],
        fallback_text=text.DEMO_TITLE.format(role=role),
    )
