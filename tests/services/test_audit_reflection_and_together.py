"""The practitioner's reflection before grading, and audits done together, against real databases:
the auditor reads the reflection where they grade and cannot submit before it is in or its deadline
has passed; where the council does audits together the practitioner confirms the findings and
actions (or says what they disagree with) and can never change a grade."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from cards import audit as audit_cards
from qop.app import build_services
from qop.settings import Settings
from services.audits.parts import Audits
from services.clock import FrozenClock
from services.container import Services
from services.demo_audits import load_demo_audits
from services.errors import NotAllowed
from services.templates import TemplateLibrary
from storage.models import AccessLogEntry, AuditAssignment, AuditGrade, AuditReflection, AuditSubmission
from tests.support.audits import (
    PRACTITIONER_USER,
    card_text,
    family_declined,
    inputs_of,
    make_audit_org,
    send_reflection,
    valid_answers,
)
from tests.support.outbox import RecordingOutbox
from views.audits import AuditPage, ConfirmationForm, SubmittedAudit

STANDARD = TemplateLibrary.from_folder().get("standard-collaborative-audit")
OMAR = "29:user-4"
HEADER = "case_ref,team,practitioner,auditor\n"
ROW = "LCS100001,Riverside Locality Team,priya@council.example.gov.uk,omar@council.example.gov.uk\n"
DUE = date(2026, 2, 13)
"""The audit's due date; the clock starts on 12 January, so the reflection is due on 22 January."""


async def _answered(audits: Audits, clock: FrozenClock) -> int:
    """One audit of LCS100001 by Omar, every page answered (all Good) and the family's view declined,
    not submitted."""
    report = await audits.rounds.start_round_from_csv(
        template_id=STANDARD.id, due_date=DUE, csv_text=HEADER + ROW, actor_id=None
    )
    [assignment_id] = report.created
    for page, section in enumerate(STANDARD.sections):
        data = valid_answers(section, clock.now().date())
        await audits.answering.save_page(OMAR, assignment_id, page=page, data=data, move="next")
    await family_declined(audits, OMAR, assignment_id)
    return assignment_id


async def _submissions(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(AuditSubmission)) or 0)


async def test_the_audit_waits_for_the_reflection_until_its_deadline_then_says_it_went_without(
    services: Services, sessions: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    await make_audit_org(sessions)
    audit_id = await _answered(services.audits, clock)
    async with sessions() as session:
        stored = await session.get(AuditAssignment, audit_id)
    assert stored is not None and stored.reflection_due == date(2026, 1, 22), "ten days from assignment"

    grading = await services.audits.answering.save_page(OMAR, audit_id, page=2, data={}, move="save")
    assert isinstance(grading, AuditPage) and grading.shows_reflection
    assert "it is due by 22 January 2026" in card_text(audit_cards.page_card(grading))

    refused = await services.audits.submission.submit(OMAR, audit_id, data={}, idempotency_key="k1")
    assert isinstance(refused, AuditPage) and refused.is_review_page
    assert refused.notice and "reflection is due by 22 January 2026" in refused.notice
    assert refused.values["overall_grade"] == "good", "nothing the auditor typed is lost"
    assert await _submissions(sessions) == 0
    async with sessions() as session:
        logged = await session.scalar(select(AccessLogEntry).where(AccessLogEntry.action == "submit refused"))
    assert logged is not None and logged.detail == {"waiting for": "reflection"}

    clock.set(datetime(2026, 1, 22, 16, tzinfo=UTC))
    still = await services.audits.submission.submit(OMAR, audit_id, data={}, idempotency_key="k2")
    assert isinstance(still, AuditPage), "the deadline day is the practitioner's to the end"

    clock.set(datetime(2026, 1, 23, 9, tzinfo=UTC))
    page = await services.audits.answering.open_audit(OMAR, audit_id)
    assert isinstance(page, AuditPage) and page.reflection_overdue
    assert "was due by 22 January 2026 and has not come" in card_text(audit_cards.page_card(page))
    done = await services.audits.submission.submit(OMAR, audit_id, data={}, idempotency_key="k3")
    assert isinstance(done, SubmittedAudit) and done.without_reflection and done.reflection is None
    shown = card_text(audit_cards.submitted_card(done))
    assert "Submitted without the practitioner's reflection: deadline passed (it was due by 22 January 2026)" in shown


async def test_the_reflection_is_on_every_page_where_the_auditor_grades(
    services: Services, sessions: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    await make_audit_org(sessions)
    audit_id = await _answered(services.audits, clock)
    await send_reflection(services.audits, audit_id)
    for number, section in enumerate(STANDARD.sections):
        page = await services.audits.answering.save_page(OMAR, audit_id, page=number, data={}, move="save")
        assert isinstance(page, AuditPage)
        grades_here = any(q.grade_scale is not None for q in section.questions)
        assert ("Weekly visits built trust with mum." in card_text(audit_cards.page_card(page))) == grades_here
    done = await services.audits.submission.submit(OMAR, audit_id, data={}, idempotency_key="k")
    assert isinstance(done, SubmittedAudit) and not done.without_reflection and done.reflection is not None
    assert done.confirmation is None, "audits are not done together unless the council says so"
    with pytest.raises(NotAllowed, match="not done together"):
        await services.audits.confirmation.confirm(PRACTITIONER_USER, audit_id, {"answer": "confirmed"})


@pytest.fixture
def together(settings: Settings, engine: AsyncEngine, clock: FrozenClock, outbox: RecordingOutbox) -> Services:
    """Services of a council that does its audits together (AUDIT_DONE_TOGETHER=true)."""
    return build_services(settings.model_copy(update={"audit_done_together": True}), engine, clock=clock, outbox=outbox)


async def test_done_together_the_practitioner_confirms_or_disagrees_but_never_grades(
    together: Services, outbox: RecordingOutbox, sessions: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    org = await make_audit_org(sessions)
    audit_id = await _answered(together.audits, clock)
    await send_reflection(together.audits, audit_id)
    submitted = await together.audits.submission.submit(OMAR, audit_id, data={}, idempotency_key="k")
    assert isinstance(submitted, SubmittedAudit) and submitted.confirmation is not None
    assert submitted.confirmation.awaiting
    [(told, key)] = outbox.keys("-confirm")
    assert (told, key) == (org.org.practitioner, f"audit-{audit_id}-confirm")
    tasks = await together.audits.tasks.my_tasks(PRACTITIONER_USER)
    assert [(t.kind, t.assignment_id) for t in tasks if t.kind == "confirm"] == [("confirm", audit_id)]

    with pytest.raises(NotAllowed):
        await together.audits.confirmation.confirm(OMAR, audit_id, {"answer": "confirmed"})
    form = await together.audits.confirmation.open_confirmation(PRACTITIONER_USER, audit_id)
    assert isinstance(form, ConfirmationForm)
    assert set(inputs_of(audit_cards.confirmation_card(form))) == {"answer", "disagreement"}, "no grade inputs"

    unanswered = await together.audits.confirmation.confirm(PRACTITIONER_USER, audit_id, {"answer": "maybe"})
    assert isinstance(unanswered, ConfirmationForm) and "answer" in unanswered.errors
    unexplained = await together.audits.confirmation.confirm(PRACTITIONER_USER, audit_id, {"answer": "disagreed"})
    assert isinstance(unexplained, ConfirmationForm) and "disagreement" in unexplained.errors
    personal = {"answer": "disagreed", "disagreement": "Ring mum on 07700 900123 and ask her."}
    screened = await together.audits.confirmation.confirm(PRACTITIONER_USER, audit_id, personal)
    assert isinstance(screened, ConfirmationForm) and "disagreement" in screened.errors
    assert screened.values["disagreement"] == personal["disagreement"], "what they typed stays on the card"

    # Grade fields sent with the answer are not read: the grades stay the auditor's.
    answer = {
        "answer": "disagreed",
        "disagreement": "The weekend contingency is in the core group minutes.",
        "overall_grade": "inadequate",
        "moderated_overall_grade": "inadequate",
    }
    recorded = await together.audits.confirmation.confirm(PRACTITIONER_USER, audit_id, answer)
    assert isinstance(recorded, SubmittedAudit) and recorded.confirmation is not None
    assert recorded.confirmation.state == "disagreed"
    assert recorded.confirmation.answered_at == clock.now()
    shown = card_text(audit_cards.submitted_card(recorded))
    assert "disagreed with part of the findings or actions on 12 January 2026" in shown
    assert "core group minutes" in shown
    async with sessions() as session:
        grades = set(await session.scalars(select(AuditGrade.grade)))
    assert grades == {"good"}, "the practitioner cannot change a grade"

    again = await together.audits.confirmation.confirm(PRACTITIONER_USER, audit_id, {"answer": "confirmed"})
    assert isinstance(again, SubmittedAudit) and again.confirmation is not None
    assert again.confirmation.state == "disagreed", "answered once"
    tasks = await together.audits.tasks.my_tasks(PRACTITIONER_USER)
    assert not [t for t in tasks if t.kind == "confirm"]
    with pytest.raises(NotAllowed):
        await together.audits.submission.submit(PRACTITIONER_USER, audit_id, data={}, idempotency_key="p")
    with pytest.raises(NotAllowed):
        await together.audits.moderation.moderate(PRACTITIONER_USER, audit_id, {"moderated_overall_grade": "good"})


async def test_the_demo_audit_for_the_playground_user_has_its_reflection_in(
    services: Services, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await services.demo.load()
    assert await load_demo_audits(services.audits) == 2
    async with sessions() as session:
        reflected = list(
            await session.scalars(
                select(AuditAssignment.case_ref).join(
                    AuditReflection, AuditReflection.assignment_id == AuditAssignment.id
                )
            )
        )
    assert reflected == ["LCS204117"], "Alex can read Leah's reflection and submit; Alex's own waits for Alex"
    assert await load_demo_audits(services.audits) == 0
