"""Multi-agency audit cards: the partner agencies' parts on the council auditor's audit card (with
the "Invite a partner auditor" form), the private link to send, and the partner's own form as the
public page renders it."""

from __future__ import annotations

from typing import Any

from microsoft_teams.cards import Choice as CardChoice
from microsoft_teams.cards import ChoiceSetInput, Container, OpenUrlAction, TextBlock, TextInput

from cards import text_partner_audits as text
from cards import verbs
from cards.base import (
    Json,
    action_row,
    answers_block,
    card,
    execute,
    facts,
    field_error,
    heading,
    long_date,
    paragraph,
    title,
)
from cards.feedback import format_day, format_moment, question_input
from views.audits import AuditPage
from views.partner_audits import PartnerForm, PartnerInvitation, PartnerLinkCreated, PartnerParts, ReturnedPart

AGENCY_INPUT = "partner_agency"
LABEL_INPUT = "partner_label"
INPUT_OF_FIELD = {text.FIELD_AGENCY: AGENCY_INPUT, text.FIELD_LABEL: LABEL_INPUT}
"""The invite form's input for each field a refusal names."""


def agency_label(agency: str) -> str:
    return text.AGENCY_LABELS.get(agency, agency)


def partners_on_page(page: AuditPage) -> list[Any]:
    """On the auditor's first page, who was invited and what came back, and the invite form; on
    the review page the same with every returned part's answers."""
    if page.partners is None:
        return []
    return _partners_block(page.partners, page.assignment.id, page.page, page.errors, answers=page.is_review_page)


def partners_on_audit(parts: PartnerParts | None) -> list[Any]:
    """Every agency's part on the read-only audit."""
    if parts is None:
        return []
    return _partners_block(parts, None, 0, {}, answers=True)


def _partners_block(
    parts: PartnerParts, assignment_id: int | None, page: int, errors: dict[str, str], *, answers: bool
) -> list[Any]:
    items: list[Any] = [heading(text.PARTNERS_HEADING), paragraph(text.PARTNERS_INTRO, subtle=True, spacing="None")]
    items += [paragraph(_invitation_line(i, parts), spacing="Small") for i in parts.invitations]
    missing = parts.not_returned
    summary = text.NOT_RETURNED.format(agencies=", ".join(map(agency_label, missing))) if missing else text.ALL_RETURNED
    items.append(TextBlock(text=summary, weight="Bolder", wrap=True, spacing="Small"))
    if answers:
        items += [element for part in parts.returned for element in _returned_part(part)]
    if parts.can_invite and assignment_id is not None:
        items.append(_invite_form(parts, assignment_id, page, errors))
    return [Container(items=items, separator=True, spacing="Large")]


def _invitation_line(invitation: PartnerInvitation, parts: PartnerParts) -> str:
    state = invitation.state(parts.now)
    agency = agency_label(invitation.agency)
    if state == "returned" and invitation.returned_at is not None:
        when = format_moment(invitation.returned_at)
        return text.PARTNER_RETURNED.format(agency=agency, label=invitation.partner_label, when=when)
    expires = format_day(invitation.expires_at)
    line = text.PARTNER_WAITING if state == "waiting" else text.PARTNER_EXPIRED
    return line.format(agency=agency, label=invitation.partner_label, expires=expires)


def _returned_part(part: ReturnedPart) -> list[Any]:
    line = text.PARTNER_RETURNED.format(
        agency=agency_label(part.agency), label=part.partner_label, when=format_moment(part.submitted_at)
    )
    if part.after_submission:
        line += text.AFTER_SUBMISSION
    questions = [question for section in part.sections for question in section.questions]
    return [
        TextBlock(text=agency_label(part.agency), weight="Bolder", size="Medium", wrap=True, spacing="Medium"),
        paragraph(line, subtle=True, spacing="None"),
        *answers_block(questions, part.answers),
    ]


def _invite_form(parts: PartnerParts, assignment_id: int, page: int, errors: dict[str, str]) -> Container:
    choices = [CardChoice(title=agency_label(agency), value=agency) for agency in parts.agencies]
    default = parts.not_returned[0] if parts.not_returned else parts.agencies[0]
    items: list[Any] = [
        TextBlock(text=text.INVITE_HEADING, weight="Bolder", wrap=True),
        paragraph(text.INVITE_INTRO, subtle=True, spacing="None"),
        ChoiceSetInput(id=AGENCY_INPUT, label=text.INVITE_AGENCY, value=default, choices=choices, style="compact"),
        *field_error(errors.get(AGENCY_INPUT)),
        TextInput(id=LABEL_INPUT, label=text.INVITE_LABEL, placeholder=text.INVITE_LABEL_PLACEHOLDER, max_length=120),
        *field_error(errors.get(LABEL_INPUT)),
        action_row(
            execute(text.INVITE_BUTTON, verbs.AUDIT_PARTNER_INVITE, {"assignment_id": assignment_id, "page": page})
        ),
    ]
    return Container(items=items, style="emphasis", spacing="Medium")


def invite_errors(field_errors: dict[str, str]) -> dict[str, str]:
    """A refusal's field errors keyed by the invite form's input ids (shown under each input)."""
    return {INPUT_OF_FIELD.get(field, LABEL_INPUT): message for field, message in field_errors.items()}


def partner_link_card(created: PartnerLinkCreated) -> Json:
    """The new link, shown once to the council's auditor to send through secure email."""
    return card(
        [
            title(text.LINK_TITLE),
            paragraph(text.LINK_INTRO),
            facts(
                [
                    (text.LINK_FACTS_CASE, created.case_ref),
                    (text.LINK_FACTS_AGENCY, agency_label(created.agency)),
                    (text.LINK_FACTS_FOR, created.partner_label),
                    (text.LINK_FACTS_EXPIRES, long_date(created.expires_at.date())),
                ]
            ),
            TextBlock(text=created.url, wrap=True, font_type="Monospace", spacing="Medium"),
        ],
        [
            OpenUrlAction(title=text.LINK_OPEN, url=created.url),
            execute(text.LINK_BACK, verbs.AUDIT_OPEN, {"assignment_id": created.assignment_id}),
        ],
        fallback_text=text.LINK_TITLE,
    )


def partner_form_card(form: PartnerForm, *, verb: str) -> Json:
    """A partner agency's part as the public page renders it: one labelled input per question."""
    body: list[Any] = [title(f"{form.title}: {agency_label(form.agency)}")]
    for section in form.sections:
        if section.intro:
            body.append(paragraph(section.intro))
        if section.guidance:
            body.append(paragraph("\n".join(f"- {line}" for line in section.guidance), subtle=True))
        body += [question_input(question) for question in section.questions]
    return card(body, [execute(text.PAGE_SUBMIT, verb)], fallback_text=form.title)
