"""Helpers for practice day tests: every auditor of the day answering and submitting their audit."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from services.container import Services
from storage.models import AuditAssignment, Person
from tests.support.audits import family_declined, send_reflection, valid_answers
from views.audits import SubmittedAudit


async def submit_all(services: Services, sessions, *, leave_out: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """Each auditor answers every page (one action on LCS100001), records that the family declined,
    has the practitioner's reflection and submits, except on ``leave_out``."""
    audits = services.audits
    today = services.clock.now().date()
    async with sessions() as session:
        rows = list(
            await session.execute(select(AuditAssignment, Person).join(Person, Person.id == AuditAssignment.auditor_id))
        )
    for assignment, auditor in rows:
        if assignment.case_ref == leave_out:
            continue
        async with sessions() as session:
            template = (await audits.context.load(session, assignment.id)).template
        for page, section in enumerate(template.sections):
            grade = "requires_improvement" if section.id == "planning" else "good"
            data = valid_answers(section, today, grade=grade)
            await audits.answering.save_page(auditor.teams_user_id, assignment.id, page=page, data=data, move="next")
        action = {}
        if assignment.case_ref == "LCS100001":
            action = {
                "action_1_what": "Share the plan with the family in words and pictures",
                "action_1_owner": str(assignment.practitioner_id),
                "action_1_due": (today + timedelta(days=28)).isoformat(),
            }
        await audits.answering.save_page(
            auditor.teams_user_id, assignment.id, page=len(template.sections), data=action, move="next"
        )
        await family_declined(audits, auditor.teams_user_id, assignment.id)
        async with sessions() as session, session.begin():
            practitioner = await session.get(Person, assignment.practitioner_id)
            assert practitioner is not None
            # A practitioner who never opened qop in Teams has no user id yet: give them one, as
            # installing the app would, so they can send their reflection.
            practitioner.teams_user_id = practitioner.teams_user_id or f"29:practitioner-{practitioner.id}"
            practitioner_user = practitioner.teams_user_id
        await send_reflection(audits, assignment.id, practitioner_user)
        result = await audits.submission.submit(
            auditor.teams_user_id, assignment.id, data={}, idempotency_key=f"k-{assignment.id}"
        )
        assert isinstance(result, SubmittedAudit), (result.errors, result.notice, result.page)
