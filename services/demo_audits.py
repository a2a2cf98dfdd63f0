"""Demo audits for the fictional organisation (``python -m qop demo load``): an audit waiting for
the playground's own user (Alex Wilber) to carry out, and a reflection waiting for them on a
case of their own. Loading again adds nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from services.audits.rounds import RoundRow
from services.audits.service import AuditService
from storage.models import AuditRound

DEMO_SOURCE = "demo"
DEMO_ROWS = (
    # Alex audits a Moorside case (audits across teams keep the view fresh).
    RoundRow(1, "LCS204117", "Moorside Locality Team", "leah.brannigan@northshire.example", "alexw@example.com"),
    # Gareth, Moorside's manager, audits one of Alex's cases: Alex's reflection is waiting.
    RoundRow(2, "LCS198820", "Riverside Locality Team", "alexw@example.com", "gareth.pennick@northshire.example"),
)


async def load_demo_audits(audits: AuditService) -> int:
    """Start the demo round once; returns how many audits it created (0 when already loaded)."""
    async with audits.sessions() as session:
        if await session.scalar(select(AuditRound.id).where(AuditRound.source == DEMO_SOURCE)):
            return 0
    due = audits.today() + timedelta(days=14)
    report = await audits.start_round(
        template_id="standard-collaborative-audit", due_date=due, rows=list(DEMO_ROWS), starter=None, source=DEMO_SOURCE
    )
    return len(report.created)
