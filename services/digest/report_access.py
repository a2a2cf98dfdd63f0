"""Who may open the QIM report: the Quality Improvement Meeting's members, by role.

The report is for the meeting the framework describes (chaired by the Service Director, with Heads
of Service, senior managers, the QA Head of Service and QA lead, the Principal Social Worker,
performance analysts and client relations), not only the QA lead. ``services.policy`` holds the
rule; this module asks it and writes every refusal to the access log, so an attempt by someone
outside the meeting is on record even though nothing was shown.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services import access_log, policy
from services.actors import Actor
from services.policy import Permission

RECORD_TYPE = "qim_report"
VIA_TEAMS = "teams"
VIA_LINK = "link"


async def require_member(
    sessions: async_sessionmaker[AsyncSession], actor: Actor, *, via: str, quarter: str | None = None
) -> None:
    """Return when ``actor`` may open the QIM report; otherwise log the refusal and raise ``NotAllowed``."""
    await access_log.require_logged(
        sessions,
        actor,
        Permission.VIEW,
        policy.qim_report(),
        record_type=RECORD_TYPE,
        record_id=quarter,
        detail={"via": via},
        summary="QIM report refused: not a member of the QIM",
    )
