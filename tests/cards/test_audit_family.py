"""The family's view on audit cards: where the family step shows, and how answers and reasons read."""

from __future__ import annotations

from dataclasses import replace

from cards import audit
from cards import text_audit_family as text
from services.templates import TemplateLibrary
from tests.support.audits import card_text, inputs_of
from tests.support.card_catalogue.audit_family import family_voices
from tests.support.card_catalogue.audits import OWNERS, SUMMARY, _submitted
from views.audit_family import NO_VOICE_REASONS, WHO_TEMPLATES
from views.audits import AuditPage

LIBRARY = TemplateLibrary.from_folder()
STANDARD = LIBRARY.get("standard-collaborative-audit")
VOICES = family_voices(LIBRARY)


def test_every_choice_on_the_card_is_worded() -> None:
    assert list(text.WHO) == list(WHO_TEMPLATES) and list(text.REASONS) == list(NO_VOICE_REASONS)


def test_the_family_step_is_on_the_first_and_review_pages_and_the_answers_beside_the_overall_grade() -> None:
    def page(number: int) -> str:
        return card_text(audit.page_card(AuditPage(SUMMARY, STANDARD, number, {}, family=VOICES["heard_and_late"])))

    overall = next(n for n, s in enumerate(STANDARD.sections) if s.id == "overall")
    review = len(STANDARD.sections) + 1
    for number in (0, review):
        assert text.SEND_LINK in page(number) and "We work well together now" in page(number)
    assert text.SEND_LINK not in page(overall) and "We work well together now" in page(overall)
    assert text.HEADING not in page(3)
    without = audit.page_card(AuditPage(SUMMARY, STANDARD, 0, {}))
    assert text.HEADING not in card_text(without), "a template that does not ask shows no family step"


def test_a_refused_submit_says_what_is_needed_under_the_family_choice() -> None:
    errors = {"family_who": text.VOICE_NEEDED_FIELD}
    review = AuditPage(SUMMARY, STANDARD, len(STANDARD.sections) + 1, {}, errors, OWNERS, family=VOICES["none_yet"])
    page = audit.page_card(review)
    shown = card_text(page)
    assert text.VOICE_NEEDED_FIELD in shown and shown.index(text.WHO_LABEL) < shown.index(text.VOICE_NEEDED_FIELD)
    assert {"family_who", "family_reason", "family_tries"} <= set(inputs_of(page))


def test_the_finished_audit_marks_late_answers_and_reads_the_reason() -> None:
    late = card_text(audit.submitted_card(replace(_submitted(LIBRARY), family=VOICES["heard_and_late"])))
    assert text.LATE in late and "answered together" in late and "through a private link" in late
    assert "Input." not in late, "the read-only audit has no family step"
    reason = card_text(audit.submitted_card(replace(_submitted(LIBRARY), family=VOICES["not_reached"])))
    assert "Completed without the family's view: They could not be reached (after 3 tries)." in reason


def test_the_practitioners_outcome_card_shows_the_familys_view_as_the_audit_does() -> None:
    submitted = replace(_submitted(LIBRARY, "moderated"), family=VOICES["heard_and_late"])
    outcome = card_text(audit.outcome_card(submitted))
    assert text.HEADING in outcome and "We work well together now" in outcome and text.LATE in outcome
    assert text.SEND_LINK not in outcome, "the outcome card has no family step"
    reason = card_text(audit.outcome_card(replace(submitted, family=VOICES["declined"])))
    assert text.REASONS["declined"] in reason
    assert text.HEADING not in card_text(audit.outcome_card(replace(submitted, family=None)))
