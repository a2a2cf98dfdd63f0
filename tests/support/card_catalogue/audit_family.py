"""Realistic examples of the family's view on audit cards, for the card catalogue."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

from cards import audit, audit_family
from cards.base import Json
from services.templates import TemplateLibrary
from tests.support.audits import FAMILY_ANSWERS, YOUNG_PERSON_ANSWERS
from tests.support.card_catalogue.audits import OWNERS, SUMMARY, _reflection, _submitted
from views.audit_family import FAMILY_VIEW_QUESTION, FamilyAnswer, FamilyVoice, NewLink, TogetherForm, WaitingLink
from views.audits import MAX_ACTIONS, AuditPage, ModerationForm, ReflectionForm, action_ids

ANSWERED_AT = datetime(2026, 2, 9, 16, 40, tzinfo=UTC)
LATER = datetime(2026, 2, 12, 10, 5, tzinfo=UTC)
EXPIRES = datetime(2026, 2, 23, 9, 30, tzinfo=UTC)
URL = "https://qop.example.gov.uk/feedback/" + "x" * 43


def family_voices(library: TemplateLibrary) -> dict[str, FamilyVoice]:
    parent = FamilyAnswer(library.get("audit-family-feedback"), FAMILY_ANSWERS, "link", ANSWERED_AT)
    young = FamilyAnswer(library.get("family-young-person"), YOUNG_PERSON_ANSWERS, "with_worker", LATER, late=True)
    return {
        "none_yet": FamilyVoice(),
        "link_made": FamilyVoice(
            waiting=(WaitingLink("Your view of the help your family has had", EXPIRES),),
            new_link=NewLink(URL, "Your view of the help your family has had", EXPIRES),
        ),
        "heard": FamilyVoice(answers=(parent,)),
        "heard_and_late": FamilyVoice(answers=(parent, young)),
        "not_reached": FamilyVoice(reason="not_reached", tries=3),
        "declined": FamilyVoice(reason="declined"),
    }


def audit_family_examples() -> Iterator[tuple[str, Json]]:
    library = TemplateLibrary.from_folder()
    standard = library.get("standard-collaborative-audit")
    review = len(standard.sections) + 1
    overall = next(n for n, s in enumerate(standard.sections) if s.id == "overall")
    voices = family_voices(library)
    for name, voice in voices.items():
        yield f"audit_family_first_page_{name}", audit.page_card(AuditPage(SUMMARY, standard, 0, {}, family=voice))
    yield (
        "audit_family_overall_page",
        audit.page_card(AuditPage(SUMMARY, standard, overall, {}, family=voices["heard_and_late"])),
    )
    sos = next(n for n, s in enumerate(standard.sections) if s.id == "signs_of_safety")
    for name, values in (("none_yet", {}), ("declined", {FAMILY_VIEW_QUESTION: "declined"})):
        yield (
            f"audit_family_view_answered_from_step_{name}",
            audit.page_card(AuditPage(SUMMARY, standard, sos, values, family=voices[name])),
        )
    errors = {"family_who": "Ask the family, or record below why not.", "family_tries": "Please say how many."}
    yield (
        "audit_family_review_refused",
        audit.page_card(
            AuditPage(SUMMARY, standard, review, {}, errors, OWNERS, notice="The family's view is needed.")
        ),
    )
    # The biggest review page: every action as long as allowed, two sets of answers and a new link.
    longest = {
        key: value
        for row in range(1, MAX_ACTIONS + 1)
        for key, value in zip(
            action_ids(row),
            (("Agree the Saturday safety contact with the family; " * 40)[:2000], "7", "2026-03-06"),
            strict=True,
        )
    }
    biggest = replace(voices["heard_and_late"], new_link=voices["link_made"].new_link)
    yield (
        "audit_family_review_biggest",
        audit.page_card(
            AuditPage(SUMMARY, standard, review, longest, {}, OWNERS, _reflection(library), family=biggest)
        ),
    )
    for name in ("heard_and_late", "not_reached"):
        submitted = replace(_submitted(library, "awaiting moderation"), family=voices[name])
        yield f"audit_family_submitted_{name}", audit.submitted_card(submitted)
        yield f"audit_family_moderation_{name}", audit.moderation_card(ModerationForm(submitted))
        yield f"audit_family_outcome_{name}", audit.outcome_card(submitted)
    reflection = library.get("practitioner-reflection")
    yield (
        "audit_family_reflection",
        audit.reflection_card(ReflectionForm(SUMMARY, reflection, {}, family=voices["link_made"])),
    )
    parent_form = library.get("audit-family-feedback")
    yield (
        "audit_family_together",
        audit_family.together_card(TogetherForm(42, "LCS100234", "parent_carer", parent_form, 0)),
    )
    yield (
        "audit_family_together_problems",
        audit_family.together_card(
            TogetherForm(
                42,
                "LCS100234",
                "parent_carer",
                parent_form,
                11,
                for_practitioner=True,
                values={"understood_why": "agree"},
                problems={"The worries were explained to me.": "Please answer this question."},
            )
        ),
    )
