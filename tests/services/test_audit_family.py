"""The family's view inside an audit, against real databases: the link and its answers tied to the
audit, answering together, the reason when the family cannot be heard, the submit rule, late
answers, and what a practitioner, an outsider or a forged link cannot do."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from cards import audit as audit_cards
from cards import text_audit_family as text
from cards import text_audits as audit_text
from cards import verbs
from services.audits.late import LateArrivals
from services.clock import FrozenClock
from services.container import Services
from services.errors import InvalidInput, NotAllowed
from services.feedback.links import LinkState, LinkUnusable
from storage.models import AuditFamilyReason, AuditSubmission, FeedbackLink, FeedbackResponse, SafetyAlert
from tests.support.audits import (
    FAMILY_ANSWERS,
    YOUNG_PERSON_ANSWERS,
    AuditOrg,
    card_text,
    inputs_of,
    late_arrival_cards,
    make_audit_org,
    send_reflection,
    valid_answers,
)
from views.audit_family import FAMILY_VIEW_QUESTION, FamilyVoice, TogetherForm
from views.audits import AuditPage, ModerationForm, ReflectionForm, SubmittedAudit

HEADER = "case_ref,team,practitioner,auditor\n"
PRIYA, OMAR = "priya@council.example.gov.uk", "omar@council.example.gov.uk"
PRACTITIONER, COLLEAGUE, AUDITOR, MODERATOR = "29:user-1", "29:user-3", "29:user-4", "29:user-7"


async def _answered_audit(services: Services, *, grade: str = "outstanding") -> int:
    """LCS100001 audited by Omar, every page answered (an Outstanding stage: always moderated), not submitted."""
    report = await services.audits.rounds.start_round_from_csv(
        template_id="standard-collaborative-audit",
        due_date=date(2026, 2, 13),
        csv_text=HEADER + f"LCS100001,Riverside Locality Team,{PRIYA},{OMAR}\n",
        actor_id=None,
    )
    [assignment_id] = report.created
    today = services.clock.now().date()
    template = services.audits.context.templates.get("standard-collaborative-audit")
    for page, section in enumerate(template.sections):
        data = valid_answers(section, today, grade=grade if page == 2 else "good")
        await services.audits.answering.save_page(AUDITOR, assignment_id, page=page, data=data, move="next")
    return assignment_id


async def _submit(services: Services, assignment_id: int) -> AuditPage | SubmittedAudit:
    """The auditor submits, the practitioner's reflection being in (the family's view is what is tested)."""
    await send_reflection(services.audits, assignment_id)
    return await services.audits.submission.submit(AUDITOR, assignment_id, data={}, idempotency_key="k")


def _token(page: AuditPage | ReflectionForm) -> str:
    assert page.family is not None and page.family.new_link is not None
    return page.family.new_link.url.rsplit("/", 1)[1]


def _family(result: object) -> FamilyVoice:
    family = getattr(result, "family", None)
    assert isinstance(family, FamilyVoice)
    return family


async def test_an_audit_is_not_submitted_without_the_familys_view_or_a_reason(services: Services, sessions) -> None:  # type: ignore[no-untyped-def]
    await make_audit_org(sessions)
    assignment_id = await _answered_audit(services)

    refused = await _submit(services, assignment_id)
    assert isinstance(refused, AuditPage) and refused.is_review_page
    assert refused.notice == text.VOICE_NEEDED and refused.errors == {"family_who": text.VOICE_NEEDED_FIELD}
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(AuditSubmission)) == 0

    # "Not reached" needs how many tries; a wrong reason or number is a field error, nothing stored.
    review = refused.page
    for reason, tries, field in (("moved_away", "", "family_reason"), ("not_reached", "", "family_tries")):
        page = await services.audits.family.record_reason(
            AUDITOR, assignment_id, reason=reason, tries=tries, page=review, data={}
        )
        assert isinstance(page, AuditPage) and field in page.errors
    page = await services.audits.family.record_reason(
        AUDITOR, assignment_id, reason="not_reached", tries="1e9", page=review, data={}
    )
    assert isinstance(page, AuditPage) and page.errors == {"family_tries": text.TRIES_NEEDED}
    page = await services.audits.family.record_reason(
        AUDITOR, assignment_id, reason="not_reached", tries="3", page=review, data={}
    )
    assert isinstance(page, AuditPage) and _family(page).reason == "not_reached" and _family(page).tries == 3

    submitted = await _submit(services, assignment_id)
    assert isinstance(submitted, SubmittedAudit)
    assert _family(submitted).reason == "not_reached" and not _family(submitted).heard


async def test_a_parents_answers_through_the_audit_link_appear_on_the_audit_for_auditor_and_moderator(
    services: Services, sessions
) -> None:  # type: ignore[no-untyped-def]
    await make_audit_org(sessions)
    assignment_id = await _answered_audit(services)

    # A young child cannot be sent a link; a parent can. The page's answers are kept either way.
    typed = {"celebrate_or_learn": "Celebrate the school link."}
    overall_page = 8
    wrong = await services.audits.family.ask_by_link(
        AUDITOR, assignment_id, who="child_under_8", page=overall_page, data=typed
    )
    assert isinstance(wrong, AuditPage) and wrong.errors == {"family_who": text.CHOOSE_WHO_FOR_LINK}
    page = await services.audits.family.ask_by_link(
        AUDITOR, assignment_id, who="parent_carer", page=overall_page, data=typed
    )
    assert isinstance(page, AuditPage) and page.values["celebrate_or_learn"] == "Celebrate the school link."
    assert _family(page).waiting and not _family(page).heard
    async with sessions() as session:
        link = await session.scalar(select(FeedbackLink))
    assert link.assignment_id == assignment_id and link.template_key == "audit-family-feedback"
    assert link.case_reference == "LCS100001"

    answered = await services.feedback_links.submit(_token(page), FAMILY_ANSWERS)
    assert not answered.late and answered.template.id == "audit-family-feedback"

    opened = await services.audits.answering.open_audit(AUDITOR, assignment_id)
    assert isinstance(opened, AuditPage)
    [answer] = _family(opened).answers
    assert answer.channel == "link" and not answer.late and answer.answers["comments"] == FAMILY_ANSWERS["comments"]
    assert not _family(opened).waiting, "an answered link no longer waits"

    submitted = await _submit(services, assignment_id)
    assert isinstance(submitted, SubmittedAudit) and _family(submitted).heard
    form = await services.audits.moderation.open_moderation(MODERATOR, assignment_id)
    assert isinstance(form, ModerationForm) and _family(form.audit).answers == _family(submitted).answers


async def test_answers_after_the_audit_closed_are_kept_and_marked_late(services: Services, sessions) -> None:  # type: ignore[no-untyped-def]
    org = await make_audit_org(sessions)
    assignment_id = await _answered_audit(services, grade="good")
    page = await services.audits.family.ask_by_link(AUDITOR, assignment_id, who="young_person", page=0, data={})
    token = _token(page)
    await services.audits.family.record_reason(AUDITOR, assignment_id, reason="not_reached", tries="2", page=0, data={})
    assert isinstance(await _submit(services, assignment_id), SubmittedAudit)

    # The family step is closed to the auditor now: a card, not an error.
    with pytest.raises(InvalidInput, match="has been submitted"):
        await services.audits.family.ask_by_link(AUDITOR, assignment_id, who="parent_carer", page=0, data={})

    young = YOUNG_PERSON_ANSWERS
    answered = await services.feedback_links.submit(token, young)
    assert answered.late
    view = await services.audits.tasks.view(AUDITOR, assignment_id)
    [answer] = _family(view).answers
    assert answer.late and answer.template.id == "family-young-person"
    assert _family(view).reason == "not_reached", "the recorded reason stays beside the late answers"

    # The auditor and the practitioner each get one short card, without the family's form or words.
    cards = await late_arrival_cards(sessions)
    assert [person for person, _, _ in cards] == [org.auditor, org.org.practitioner]
    for _, _, shown in cards:
        assert "LCS100001" in shown and audit_text.LATE_FAMILY in shown and verbs.AUDIT_VIEW in shown
        assert answer.template.title not in shown and young["working_well"] not in shown
    assert isinstance(await services.audits.tasks.view(PRACTITIONER, assignment_id), SubmittedAudit)
    [response_id] = {key.split("-late-family-")[1].split("-")[0] for _, key, _ in cards}
    await LateArrivals(services.audits.context).family_answers_arrived(assignment_id, response_id)
    assert await late_arrival_cards(sessions) == cards, "once per arrival, however often it is told"

    # The same link again, or a forged one, changes nothing.
    with pytest.raises(LinkUnusable) as used:
        await services.feedback_links.submit(token, young)
    assert used.value.state is LinkState.USED
    with pytest.raises(LinkUnusable) as forged:
        await services.feedback_links.submit(token[:-4] + "AAAA", young)
    assert forged.value.state is LinkState.UNKNOWN
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(FeedbackResponse)) == 1
    assert len(await late_arrival_cards(sessions)) == 2


async def test_the_practitioner_answers_together_with_the_family_but_cannot_touch_the_auditors_grades(
    services: Services, sessions
) -> None:  # type: ignore[no-untyped-def]
    org: AuditOrg = await make_audit_org(sessions)
    assignment_id = await _answered_audit(services)
    before = (await services.audits.answering.open_audit(AUDITOR, assignment_id)).values  # type: ignore[union-attr]

    # What the practitioner's card sends goes into their reflection draft, never the audit's draft.
    forged = {"overall_grade": "inadequate", "assessment_grade": "inadequate", "did_well": "Weekly visits."}
    form = await services.audits.family.open_together(
        PRACTITIONER, assignment_id, who="young_person", page=0, data=forged
    )
    assert isinstance(form, TogetherForm) and form.for_practitioner
    after = (await services.audits.answering.open_audit(AUDITOR, assignment_id)).values  # type: ignore[union-attr]
    assert after == before
    reflection = await services.audits.reflection.open_reflection(PRACTITIONER, assignment_id)
    assert isinstance(reflection, ReflectionForm) and reflection.values["did_well"] == "Weekly visits."

    # Half answered: the form again with everything kept.
    half = {"listened_to": "agree"}
    again = await services.audits.family.answer_together(
        PRACTITIONER, assignment_id, who="young_person", version=1, page=0, data=half
    )
    assert isinstance(again, TogetherForm) and again.problems and again.values == half
    # Unsafe where they live: stored with the audit and the practitioner and their manager alerted.
    unsafe = {**YOUNG_PERSON_ANSWERS, "safe_where_i_live": "disagree"}
    done = await services.audits.family.answer_together(
        PRACTITIONER, assignment_id, who="young_person", version=1, page=0, data=unsafe
    )
    assert isinstance(done, ReflectionForm) and _family(done).heard
    async with sessions() as session:
        response = await session.scalar(select(FeedbackResponse))
        alert = await session.scalar(select(SafetyAlert))
    assert response.assignment_id == assignment_id and response.channel == "with_worker" and not response.late
    assert alert.worker_id == org.org.practitioner and alert.manager_id == org.org.manager

    # Someone else on the team can do none of it.
    with pytest.raises(NotAllowed):
        await services.audits.family.ask_by_link(COLLEAGUE, assignment_id, who="parent_carer", page=0, data={})
    with pytest.raises(NotAllowed):
        await services.audits.family.record_reason(
            COLLEAGUE, assignment_id, reason="declined", tries="", page=0, data={}
        )
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(AuditFamilyReason)) == 0


async def test_an_audit_link_left_unanswered_stops_waiting_when_it_expires(
    services: Services, sessions, clock: FrozenClock
) -> None:  # type: ignore[no-untyped-def]
    await make_audit_org(sessions)
    assignment_id = await _answered_audit(services)
    page = await services.audits.family.ask_by_link(AUDITOR, assignment_id, who="parent_carer", page=0, data={})
    assert len(_family(page).waiting) == 1
    clock.advance(timedelta(days=15))
    opened = await services.audits.answering.open_audit(AUDITOR, assignment_id)
    assert isinstance(opened, AuditPage) and _family(opened).waiting == ()
    assert isinstance(await _submit(services, assignment_id), AuditPage), "an expired link is not the family's view"


async def test_two_clicks_on_record_why_not_at_once_keep_one_reason(services: Services, sessions) -> None:  # type: ignore[no-untyped-def]
    await make_audit_org(sessions)
    assignment_id = await _answered_audit(services)
    pages = await asyncio.gather(
        *(
            services.audits.family.record_reason(AUDITOR, assignment_id, reason=reason, tries="", page=0, data={})
            for reason in ("declined", "not_safe")
        )
    )
    assert all(isinstance(page, AuditPage) and _family(page).reason for page in pages)
    async with sessions() as session:
        [kept] = list(await session.scalars(select(AuditFamilyReason)))
    assert kept.reason in ("declined", "not_safe")


async def test_the_old_family_view_question_is_answered_from_the_family_step_never_on_the_card(
    services: Services, sessions
) -> None:  # type: ignore[no-untyped-def]
    await make_audit_org(sessions)
    assignment_id = await _answered_audit(services)
    template = services.audits.context.templates.get("standard-collaborative-audit")
    [sos] = [n for n, s in enumerate(template.sections) if any(q.id == FAMILY_VIEW_QUESTION for q in s.questions)]
    section = template.sections[sos]

    async def page_of_it(data: dict[str, str]) -> AuditPage:
        page = await services.audits.answering.save_page(AUDITOR, assignment_id, page=sos, data=data, move="next")
        assert isinstance(page, AuditPage)
        return page

    # A forged answer on the card is ignored, and the page moves on while the family step waits.
    forged = {**valid_answers(section, services.clock.now().date()), FAMILY_VIEW_QUESTION: "spoke_with_family"}
    moved = await page_of_it(forged)
    assert moved.page == sos + 1 and FAMILY_VIEW_QUESTION not in moved.values
    back = await services.audits.answering.save_page(AUDITOR, assignment_id, page=sos + 1, data={}, move="back")
    assert isinstance(back, AuditPage) and back.page == sos
    shown = card_text(audit_cards.page_card(back))
    assert text.VIEW_NOT_YET in shown and FAMILY_VIEW_QUESTION not in inputs_of(audit_cards.page_card(back))

    # A recorded reason answers "no", with the reason; the family's own answers then answer "yes".
    await services.audits.family.record_reason(AUDITOR, assignment_id, reason="not_safe", tries="", page=0, data={})
    assert (await page_of_it({})).values[FAMILY_VIEW_QUESTION] == "not_possible"
    link = await services.audits.family.ask_by_link(AUDITOR, assignment_id, who="parent_carer", page=0, data={})
    await services.feedback_links.submit(_token(link), FAMILY_ANSWERS)
    back = await services.audits.answering.save_page(AUDITOR, assignment_id, page=sos, data={}, move="save")
    assert isinstance(back, AuditPage) and back.values[FAMILY_VIEW_QUESTION] == "written_feedback"
    assert "Yes - written or app feedback" in card_text(audit_cards.page_card(back))

    assert isinstance(await _submit(services, assignment_id), SubmittedAudit)
    async with sessions() as session:
        stored = await session.scalar(select(AuditSubmission))
    assert stored is not None and stored.answers[FAMILY_VIEW_QUESTION] == "written_feedback"
