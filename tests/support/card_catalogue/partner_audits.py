"""Realistic examples of the multi-agency audit cards: the partners' parts on the council auditor's
pages and read-only audit, the private link, and a partner's form as the public page renders it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime

from cards import audit, partner_audits, verbs
from cards.base import Json
from services.templates import TemplateLibrary
from views.audits import AssignmentSummary, AuditPage, GradeLine, ModerationForm, SubmittedAudit
from views.partner_audits import PartnerForm, PartnerInvitation, PartnerLinkCreated, PartnerParts, ReturnedPart
from views.templates import Agency

SUMMARY = AssignmentSummary(
    id=77,
    case_ref="LCS400001",
    team_name="Riverside Locality Team",
    practitioner_name="Sam Okafor",
    auditor_name="Alex Morgan",
    template_title="Multi-agency audit",
    due_date=date(2026, 3, 13),
    status="in_progress",
)
NOW = datetime(2026, 2, 20, 10, 0, tzinfo=UTC)
SENT = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)
BACK = datetime(2026, 2, 9, 15, 40, tzinfo=UTC)
HEALTH_ANSWERS = {
    "health_threshold_understood": "yes",
    "health_marf_complete": "partly",
    "health_contributed_to_assessment": "yes",
    "health_invited_to_reviews": "no",
    "health_contributed_to_review": "partly",
    "health_role_clear": "partly",
    "health_practice_grade": "requires_improvement",
    "health_scale": 5,
    "health_working_well": "Health visiting shared its worries early and came to the first core group.",
    "health_worries": "Health was not invited to the second review, so its scale is missing there.",
    "health_key_finding": "Invitations to reviews should go to the named health visitor, not a team inbox.",
}


def _parts(library: TemplateLibrary, *, can_invite: bool) -> PartnerParts:
    template = library.get("multi-agency-audit")
    return PartnerParts(
        agencies=("health", "police", "education"),
        invitations=(
            PartnerInvitation("health", "hv.safeguarding@nhs.example.net", SENT, SENT.replace(day=16), BACK),
            PartnerInvitation("police", "MASH detective sergeant", SENT, SENT.replace(day=16), None),
            PartnerInvitation("education", "School DSL", NOW, NOW.replace(month=3, day=6), None),
        ),
        returned=(
            ReturnedPart(
                "health",
                "hv.safeguarding@nhs.example.net",
                BACK,
                tuple(template.partner_sections(Agency.HEALTH)),
                HEALTH_ANSWERS,
            ),
        ),
        now=NOW,
        can_invite=can_invite,
    )


def partner_audit_examples() -> Iterator[tuple[str, Json]]:
    library = TemplateLibrary.from_folder()
    template = library.get("multi-agency-audit")
    own = template.auditor_part()
    first = AuditPage(SUMMARY, own, 0, {}, partners=_parts(library, can_invite=True))
    yield "audit_multi_agency_first_page", audit.page_card(first)
    yield (
        "audit_multi_agency_invite_refused",
        audit.page_card(
            replace(
                first,
                errors={"partner_label": "Please say who the link is for: their work email or a short description."},
                notice="Some answers need another look.",
            )
        ),
    )
    review = AuditPage(SUMMARY, own, len(own.sections) + 1, {}, partners=_parts(library, can_invite=True))
    yield "audit_multi_agency_review_page", audit.page_card(review)
    submitted = SubmittedAudit(
        assignment=replace(SUMMARY, status="completed"),
        template=template,
        answers={"overall_grade": "requires_improvement", "auditor_scale": 5},
        grades=(
            GradeLine(
                "Council: overall judgement and key findings",
                "overall_grade",
                "requires_improvement",
                None,
                scale=template.question("overall_grade").grade_scale,
            ),
        ),
        actions=(),
        submitted_at=NOW,
        partners=replace(
            _parts(library, can_invite=False),
            returned=(replace(_parts(library, can_invite=False).returned[0], after_submission=True),),
        ),
    )
    yield "audit_multi_agency_submitted", audit.submitted_card(submitted)
    yield "audit_multi_agency_moderation", audit.moderation_card(ModerationForm(submitted))
    yield (
        "partner_link",
        partner_audits.partner_link_card(
            PartnerLinkCreated(
                assignment_id=77,
                url="https://qop.council.example.gov.uk/partner/Xk3w0v9bq2ZpL4sR7tYhN1mC8dE5fG6aJ0uI2oP4lKs",
                case_ref="LCS400001",
                agency="police",
                partner_label="MASH detective sergeant",
                expires_at=datetime(2026, 3, 6, 10, 0, tzinfo=UTC),
            )
        ),
    )
    for agency in template.partner_agencies:
        form = PartnerForm(template.title, agency.value, tuple(template.partner_sections(agency)))
        yield f"partner_form_{agency.value}", partner_audits.partner_form_card(form, verb=verbs.PARTNER_AUDIT_SUBMIT)
