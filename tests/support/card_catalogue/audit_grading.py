"""Audit cards around grading: the practitioner's reflection on the grading pages (sent, due, or
overdue), an audit submitted without it, the confirmation card of an audit done together, and a
page graded on a council's own three-grade scale."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime

from cards import audit
from cards.base import Json
from services.templates import TemplateLibrary
from tests.support.card_catalogue.audits import OWNERS, SUBMITTED_AT, SUMMARY, _reflection, _submitted
from tests.support.grade_scales import three_grade_template
from views.audits import AuditPage, Confirmation, ConfirmationForm, ReflectionForm

REFLECTION_DUE = date(2026, 1, 22)


def audit_grading_examples() -> Iterator[tuple[str, Json]]:
    library = TemplateLibrary.from_folder()
    standard = library.get("standard-collaborative-audit")
    grading_page = 2  # assessment: questions, then its grade
    yield (
        "audit_grading_page_with_reflection",
        audit.page_card(AuditPage(SUMMARY, standard, grading_page, {}, owners=OWNERS, reflection=_reflection(library))),
    )
    yield (
        "audit_grading_page_reflection_due",
        audit.page_card(AuditPage(SUMMARY, standard, grading_page, {}, owners=OWNERS, reflection_due=REFLECTION_DUE)),
    )
    yield (
        "audit_grading_page_reflection_overdue",
        audit.page_card(
            AuditPage(
                SUMMARY,
                standard,
                grading_page,
                {},
                owners=OWNERS,
                reflection_due=REFLECTION_DUE,
                reflection_overdue=True,
            )
        ),
    )
    review = len(standard.sections) + 1
    yield (
        "audit_review_waiting_for_reflection",
        audit.page_card(
            AuditPage(
                SUMMARY,
                standard,
                review,
                {},
                owners=OWNERS,
                reflection_due=REFLECTION_DUE,
                notice="Not submitted yet: the practitioner's reflection is due by 22 January 2026, and the "
                "auditor reads it before grading. Your answers are saved; submit once it is in, or without "
                "it after that date.",
            )
        ),
    )
    without = replace(_submitted(library), reflection=None, without_reflection=True, reflection_due=REFLECTION_DUE)
    yield "audit_submitted_without_reflection", audit.submitted_card(without)
    asked = replace(_submitted(library), confirmation=Confirmation("awaiting"))
    yield "audit_confirmation", audit.confirmation_card(ConfirmationForm(asked))
    yield (
        "audit_confirmation_errors",
        audit.confirmation_card(
            ConfirmationForm(
                asked,
                {"answer": "disagreed"},
                {"disagreement": "Say what you disagree with, so the auditor and your manager can follow it up."},
            )
        ),
    )
    disagreed = Confirmation(
        "disagreed",
        "The weekend contingency is in the core group minutes of 2 February.",
        datetime(2026, 2, 11, 10, 0, tzinfo=SUBMITTED_AT.tzinfo),
    )
    yield "audit_submitted_disagreed", audit.submitted_card(replace(_submitted(library), confirmation=disagreed))
    yield (
        "audit_submitted_confirmed",
        audit.submitted_card(
            replace(_submitted(library), confirmation=Confirmation("confirmed", None, disagreed.answered_at))
        ),
    )
    yield "audit_submitted_awaiting_confirmation", audit.submitted_card(asked)
    reflection_template = library.get("practitioner-reflection")
    yield (
        "audit_reflection_due",
        audit.reflection_card(ReflectionForm(SUMMARY, reflection_template, {}, due=REFLECTION_DUE)),
    )
    three = three_grade_template()
    yield (
        "audit_page_three_grade_scale",
        audit.page_card(AuditPage(SUMMARY, three, 0, {}, owners=OWNERS, reflection=_reflection(library))),
    )
