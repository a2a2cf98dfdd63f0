"""An audit done together through the app (AUDIT_DONE_TOGETHER=true): the auditor is held back
until the practitioner's reflection is in, the practitioner confirms on their own card, and every
refusal on the way is a card, never a server error."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import select

from cards import verbs
from services.clock import FrozenClock
from storage.models import AuditGrade, AuditSubmission
from tests.scenarios.conftest import BotHarness
from tests.scenarios.test_audits import (
    AUDITOR,
    PRACTITIONER,
    STANDARD,
    card_to,
    install_everyone,
    invoke,
    only_assignment,
    say,
    start_round,
)
from tests.support.audits import REFLECTION_ANSWERS, card_text, inputs_of, make_audit_org, valid_answers
from tests.support.cards import button_data


async def test_an_audit_done_together_waits_for_the_reflection_and_is_confirmed_on_the_practitioner_s_card(
    harness_factory: Callable[..., Awaitable[BotHarness]], sessions, clock: FrozenClock
) -> None:  # type: ignore[no-untyped-def]
    harness = await harness_factory(audit_done_together=True)
    await make_audit_org(sessions)
    await install_everyone(harness)
    await start_round(harness, clock)
    audit_id = (await only_assignment(sessions)).id
    invitation = await card_to(harness, PRACTITIONER, "Your reflection: case LCS100234")
    assert "Please send it by **22 January 2026**" in card_text(invitation)

    refused = await invoke(harness, PRACTITIONER, verbs.AUDIT_CONFIRM_SUBMIT, {"assignment_id": audit_id})
    assert "has not been submitted yet" in card_text(refused)
    for number, section in enumerate(STANDARD.sections):
        answers = valid_answers(section, clock.now().date())
        page = await invoke(harness, AUDITOR, verbs.AUDIT_NEXT, {"assignment_id": audit_id, "page": number, **answers})
    page = await invoke(harness, AUDITOR, verbs.AUDIT_NEXT, {"assignment_id": audit_id, "page": len(STANDARD.sections)})
    declined = {"assignment_id": audit_id, "page": len(STANDARD.sections) + 1, "family_reason": "declined"}
    page = await invoke(harness, AUDITOR, verbs.AUDIT_FAMILY_REASON, declined)
    held = await invoke(harness, AUDITOR, verbs.AUDIT_SUBMIT, button_data(page, verbs.AUDIT_SUBMIT))
    assert "Not submitted yet: the practitioner's reflection is due by 22 January 2026" in card_text(held)

    await invoke(harness, PRACTITIONER, verbs.AUDIT_REFLECT_SUBMIT, {"assignment_id": audit_id, **REFLECTION_ANSWERS})
    submitted = await invoke(harness, AUDITOR, verbs.AUDIT_SUBMIT, button_data(held, verbs.AUDIT_SUBMIT))
    assert "Audit submitted" in card_text(submitted)
    assert "Waiting for the practitioner to confirm the findings and actions." in card_text(submitted)

    card = await card_to(harness, PRACTITIONER, "Confirm the audit of case LCS100234")
    assert set(inputs_of(card)) == {"answer", "disagreement"}, "the practitioner's card has no grade to change"
    tasks = card_text(await say(harness, PRACTITIONER, "my tasks"))
    assert "confirm the findings and actions**: case LCS100234" in tasks
    pressed = button_data(card, verbs.AUDIT_CONFIRM_SUBMIT)
    again = await invoke(harness, PRACTITIONER, verbs.AUDIT_CONFIRM_SUBMIT, {**pressed, "answer": "disagreed"})
    assert "Say what you disagree with" in card_text(again)
    not_theirs = await invoke(harness, AUDITOR, verbs.AUDIT_CONFIRM_SUBMIT, {**pressed, "answer": "confirmed"})
    assert "Only the practitioner whose work was audited" in card_text(not_theirs)
    regrade = await invoke(
        harness, PRACTITIONER, verbs.AUDIT_SUBMIT, {"assignment_id": audit_id, "overall_grade": "inadequate"}
    )
    assert "Only the auditor assigned to this audit can submit it." in card_text(regrade)
    nonsense = await invoke(harness, PRACTITIONER, verbs.AUDIT_CONFIRM_SUBMIT, {"assignment_id": "x"})
    assert "audit" in card_text(nonsense).lower() and "ERR-" not in card_text(nonsense)

    answer = {**pressed, "answer": "confirmed", "overall_grade": "inadequate"}
    done = await invoke(harness, PRACTITIONER, verbs.AUDIT_CONFIRM_SUBMIT, answer)
    assert "The practitioner confirmed the findings and actions on 12 January 2026." in card_text(done)
    async with sessions() as session:
        submission = await session.scalar(select(AuditSubmission))
        grades = set(await session.scalars(select(AuditGrade.grade)))
    assert submission is not None and submission.practitioner_confirmation == "confirmed"
    assert not submission.without_reflection
    assert grades == {"good"}
