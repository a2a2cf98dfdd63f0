"""Demo audits for the fictional organisation (``python -m qop demo load``): an audit waiting for
the playground's own user (Alex Wilber) to carry out, its practitioner's reflection already in (so
Alex can read it while grading and submit), and a reflection waiting for them on a case of their
own. Loading again adds nothing."""

from __future__ import annotations

from datetime import timedelta

from services.audits.loading import REFLECTION_TEMPLATE
from services.audits.parts import Audits
from services.audits.reflection import reflection_record
from services.audits.rounds import RoundRow
from storage.db import transaction
from storage.repositories import audits as audit_rows

DEMO_SOURCE = "demo"
DEMO_ROWS = (
    # Alex audits a Moorside case (audits across teams keep the view fresh).
    RoundRow(1, "LCS204117", "Moorside Locality Team", "leah.brannigan@northshire.example", "alexw@example.com"),
    # Gareth, Moorside's manager, audits one of Alex's cases: Alex's reflection is waiting.
    RoundRow(2, "LCS198820", "Riverside Locality Team", "alexw@example.com", "gareth.pennick@northshire.example"),
)


async def load_demo_audits(audits: Audits) -> int:
    """Start the demo round once; returns how many audits it created (0 when already loaded)."""
    async with audits.context.sessions() as session:
        if await audit_rows.round_from_source(session, DEMO_SOURCE):
            return 0
    due = audits.context.today() + timedelta(days=14)
    report = await audits.rounds.start_round(
        template_id="standard-collaborative-audit",
        due_date=due,
        rows=list(DEMO_ROWS),
        actor_id=None,
        source=DEMO_SOURCE,
    )
    if report.created:
        await _leah_has_reflected(audits, report.created[0])
    return len(report.created)


DEMO_REFLECTION = {
    "did_well": "Weekly visits built trust with mum; she now calls when things get hard.",
    "worried_about": "Weekend drinking, and school attendance over the winter.",
    "difference_made": "Attendance is up this term; the school confirms it.",
    "practitioner_scale": 6,
}


async def _leah_has_reflected(audits: Audits, assignment_id: int) -> None:
    """The practitioner's reflection on the audit Alex carries out, as if she had sent it."""
    template = audits.context.templates.get(REFLECTION_TEMPLATE)
    async with transaction(audits.context.sessions) as session:
        assignment = await audit_rows.assignment_with_people(session, assignment_id)
        assert assignment is not None
        practitioner = assignment.practitioner.id
        now = audits.context.clock.now()
        session.add(reflection_record(template, assignment_id, DEMO_REFLECTION, practitioner, now))
