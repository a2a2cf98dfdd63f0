"""Realistic examples of every feedback card, for the card catalogue."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from cards import verbs
from cards.base import Json
from cards.feedback import (
    TemplateOption,
    handover_done,
    handover_form,
    link_card,
    link_request_card,
    safety_alert_card,
    survey_form,
)
from services.templates import TemplateLibrary
from views.templates import TemplateKind


def feedback_examples() -> Iterator[tuple[str, Json]]:
    """Realistic examples of every feedback card."""
    library = TemplateLibrary.from_folder()
    surveys = [t for t in library.latest() if t.kind == TemplateKind.SURVEY]
    for template in surveys:
        yield f"feedback_form_{template.id}", survey_form(template, verb=verbs.FEEDBACK_LINK_SUBMIT, data={})
    child = library.get("family-child-under-8")
    moment = datetime(2026, 1, 12, 9, 30, tzinfo=UTC)
    url = "https://qop.example.gov.uk/feedback/" + "x" * 43
    options = [TemplateOption(t.id, f"{t.survey.respondent}: {t.title}") for t in surveys if t.survey]
    yield "feedback_link_request", link_request_card(options, valid_days=14)
    yield "feedback_link_request_prefilled", link_request_card(options, valid_days=14, case_reference="LCS123456")
    yield "feedback_link", link_card(url=url, case_reference="LCS123456", template=child, expires_at=moment)
    yield "feedback_handover_form", handover_form(child, case_reference="LCS123456")
    yield (
        "feedback_handover_form_problems",
        handover_form(
            child,
            case_reference="LCS123456",
            values={"feel_at_home": "happy"},
            problems={"My worker is…": "Please answer this question."},
        ),
    )
    yield "feedback_handover_done", handover_done(child, case_reference="LCS123456", alert_raised=False)
    yield "feedback_handover_done_alert", handover_done(child, case_reference="LCS123456", alert_raised=True)
    yield (
        "feedback_safety_alert",
        safety_alert_card(
            case_reference="LCS123456",
            template_title=child.title,
            channel="with_worker",
            raised_at=moment,
            triggers={"At home I feel…": "😨 Scared"},
        ),
    )
