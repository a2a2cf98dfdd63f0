"""Every card qop can produce, built from realistic sample data (test data, kept out of ``cards/``).

The card tests validate each of these with the official renderer, the official schema and
our own checks; a new card builder adds its examples here so it cannot escape them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from cards import common, delivery
from cards.base import Json
from tests.support.card_catalogue.actions import action_examples
from tests.support.card_catalogue.audit_family import audit_family_examples
from tests.support.card_catalogue.audit_grading import audit_grading_examples
from tests.support.card_catalogue.audits import audit_examples
from tests.support.card_catalogue.calendar import calendar_examples
from tests.support.card_catalogue.clinic import clinic_examples, service_clinic_examples
from tests.support.card_catalogue.digest import digest_examples
from tests.support.card_catalogue.feedback import feedback_examples
from tests.support.card_catalogue.improvement import improvement_examples, learning_examples
from tests.support.card_catalogue.measures_upload import measures_upload_examples
from tests.support.card_catalogue.moderation_group import moderation_group_examples
from tests.support.card_catalogue.observations import observation_examples
from tests.support.card_catalogue.organisation import organisation_examples
from tests.support.card_catalogue.partner_audits import partner_audit_examples
from tests.support.card_catalogue.practice_days import practice_day_examples
from tests.support.card_catalogue.qim import qim_examples
from tests.support.card_catalogue.surveys import survey_examples

SAMPLE_COMMANDS = [
    common.CommandHelp("help", "Show what I can do"),
    common.CommandHelp("whoami", "Your team, manager and roles"),
]


def _common_examples() -> Iterator[tuple[str, Json]]:
    yield "welcome_personal", common.welcome_personal("Sam Example")
    yield "welcome_personal_no_name", common.welcome_personal(None)
    yield "welcome_channel", common.welcome_channel("Riverside Locality Team")
    yield "help", common.help_card(SAMPLE_COMMANDS)
    yield "help_not_understood", common.help_card(SAMPLE_COMMANDS, not_understood="what's the weather " * 10)
    yield "error", common.error_card("ERR-3F9A2C")
    yield "refusal", common.refusal_card("Only the assigned auditor can submit this audit.")
    yield "refusal_fields", common.refusal_card("Two answers need a look.", {"grade": "Choose a grade"})
    yield "card_data_not_understood", common.card_data_not_understood_card()
    yield (
        "not_saved_yet",
        common.not_saved_yet_card(
            "audit.save", {"assignment_id": 12, "page": "2", "q3_rationale": "Plan reviewed with the family"}
        ),
    )


def _delivery_examples() -> Iterator[tuple[str, Json]]:
    base = {"broadcast_id": 42, "title_text": "Quarterly practice survey", "total": 500}
    yield (
        "delivery_progress_running",
        delivery.progress_card(**base, status="running", sent=340, failed=3, blocked=2, cancelled=0),
    )
    yield (
        "delivery_progress_finished_with_failures",
        delivery.progress_card(**base, status="finished", sent=495, failed=3, blocked=2, cancelled=0),
    )
    yield (
        "delivery_progress_cancelled",
        delivery.progress_card(**base, status="cancelled", sent=120, failed=0, blocked=0, cancelled=380),
    )


SOURCES: list[Callable[[], Iterator[tuple[str, Json]]]] = [
    _common_examples,
    action_examples,
    calendar_examples,
    clinic_examples,
    service_clinic_examples,
    feedback_examples,
    survey_examples,
    organisation_examples,
    _delivery_examples,
    audit_examples,
    audit_family_examples,
    audit_grading_examples,
    digest_examples,
    improvement_examples,
    learning_examples,
    observation_examples,
    partner_audit_examples,
    practice_day_examples,
    qim_examples,
    moderation_group_examples,
    measures_upload_examples,
]
"""Each feature appends its examples function here."""


def all_examples() -> Iterator[tuple[str, Json]]:
    for source in SOURCES:
        yield from source()
