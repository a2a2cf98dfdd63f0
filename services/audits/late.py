"""Telling people that the family's answers or a partner agency's part arrived after the audit was
submitted: the answers are already kept and marked late; this sends the auditor (and, for the
family's answers, the practitioner) one short card with the read-only audit a click away."""

from __future__ import annotations

import logging

from cards import audit as audit_cards
from services.audits.loading import AuditContext
from services.errors import NotFound
from views.audits import LateArrival

logger = logging.getLogger(__name__)


class LateArrivals:
    """One card per arrival and person, keyed by what arrived, so a repeat sends nothing twice."""

    def __init__(self, context: AuditContext) -> None:
        self.context = context

    async def family_answers_arrived(self, assignment_id: int, response_id: str) -> None:
        """The family's answers (feedback response ``response_id``) came in after submission."""
        await self._tell(assignment_id, f"family-{response_id}", agency=None)

    async def partner_part_arrived(self, assignment_id: int, part_id: int, agency: str) -> None:
        """A partner agency's part (``part_id``) came in after submission: the auditor is told."""
        await self._tell(assignment_id, f"partner-{part_id}", agency=agency)

    async def _tell(self, assignment_id: int, arrival_key: str, *, agency: str | None) -> None:
        async with self.context.sessions() as session:
            try:
                item = await self.context.load(session, assignment_id)
            except NotFound:  # the audit went (retention) between storing and telling: nobody to tell
                logger.info("late arrival %s for audit %s: the audit is gone", arrival_key, assignment_id)
                return
        a = item.assignment
        people = [a.auditor_id] if agency is not None else [a.auditor_id, a.practitioner_id]
        card = audit_cards.late_arrival_card(LateArrival(a.id, a.case_ref, agency))
        for person_id in dict.fromkeys(people):
            await self.context.notifier.send_card(person_id, card, key=f"audit-{a.id}-late-{arrival_key}-{person_id}")
