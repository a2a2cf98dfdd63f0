"""Demo audits for the fictional organisation (``python -m qop demo load``): an audit waiting for
the playground's own user (Alex Wilber) to carry out, and a reflection waiting for them on a
case of their own. Loading again adds nothing."""

from __future__ import annotations

from datetime import timedelta

from services.audits.parts import Audits
from services.audits.rounds import RoundRow
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
    return len(report.created)
