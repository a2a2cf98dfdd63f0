"""Storing one set of answers, and raising a safety alert when a child says they are not safe.

Every way an answer arrives (a family link, a hand-over in Teams, a staff survey) goes
through ``store_response`` so the safety check can never be skipped.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from services.actions import load_seniors, manager_id_of
from services.feedback.forms import safety_triggers
from storage.models import FeedbackChannel, FeedbackResponse, SafetyAlert
from storage.repositories import feedback as feedback_repo
from views.templates import Template

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RaisedAlert:
    """What the worker and their manager are told, at once."""

    alert_id: int
    case_reference: str | None
    template_title: str
    triggers: dict[str, str]
    channel: str
    raised_at: datetime
    worker_id: int | None
    manager_id: int | None
    above: tuple[int, ...] = ()
    """Told instead of a line manager when there is none still working here: the senior managers
    of the worker's service area, else the QA leads (a child's alert must always reach someone)."""

    @property
    def recipients(self) -> list[int]:
        return list(dict.fromkeys(p for p in (self.worker_id, self.manager_id, *self.above) if p is not None))


class AlertNotifier(Protocol):
    """Tells people about a safety alert (the delivery engine in production)."""

    async def notify_safety_alert(self, alert: RaisedAlert) -> None: ...


@dataclass(frozen=True)
class StoredResponse:
    response_id: str
    alert: RaisedAlert | None
    late: bool = False


async def store_response(
    session: AsyncSession,
    *,
    template: Template,
    answers: dict[str, Any],
    channel: FeedbackChannel,
    now: datetime,
    case_reference: str | None = None,
    worker_id: int | None = None,
    respondent_id: int | None = None,
    survey_id: int | None = None,
    link_id: int | None = None,
    group_team_id: int | None = None,
    anonymous: bool = False,
    assignment_id: int | None = None,
    late: bool = False,
) -> StoredResponse:
    """Add the response (and any safety alert) to the session's transaction; ``assignment_id``
    makes it the family's view for that audit (``late`` when the audit was already submitted)."""
    response = FeedbackResponse(
        id=uuid.uuid4().hex,
        template_key=template.id,
        template_version=template.version,
        survey_id=survey_id,
        link_id=link_id,
        case_reference=case_reference,
        respondent_id=None if anonymous else respondent_id,
        worker_id=worker_id,
        group_team_id=group_team_id,
        channel=channel.value,
        answers=answers,
        assignment_id=assignment_id,
        late=late,
        # Anonymous answers keep only the day, so they cannot be matched to who was active when.
        submitted_at=now.replace(hour=0, minute=0, second=0, microsecond=0) if anonymous else now,
    )
    session.add(response)
    await session.flush()
    triggers = safety_triggers(template, answers)
    if not triggers:
        return StoredResponse(response.id, None, late)
    worker_id, manager_id, above = await _alert_recipients(session, worker_id)
    alert = SafetyAlert(
        response_id=response.id,
        case_reference=case_reference,
        worker_id=worker_id,
        manager_id=manager_id,
        triggers=triggers,
        raised_at=now,
    )
    session.add(alert)
    await session.flush()
    raised = RaisedAlert(
        alert_id=alert.id,
        case_reference=case_reference,
        template_title=template.title,
        triggers=triggers,
        channel=channel.value,
        raised_at=now,
        worker_id=worker_id,
        manager_id=manager_id,
        above=above,
    )
    return StoredResponse(response.id, raised, late)


async def _alert_recipients(
    session: AsyncSession, worker_id: int | None
) -> tuple[int | None, int | None, tuple[int, ...]]:
    """(worker, line manager, those above) for a safety alert, leaving out anyone who has left:
    a worker or manager no longer active is skipped, and with no active line manager the alert
    goes to the senior managers of the worker's area, else to every QA lead."""
    worker = await feedback_repo.person_with_manager(session, worker_id) if worker_id else None
    manager_id = manager_id_of(worker) if worker is not None else None
    active_worker = worker.id if worker is not None and worker.active else None
    if manager_id is not None:
        return active_worker, manager_id, ()
    seniors = await load_seniors(session)
    above = seniors.above(worker) if worker is not None else seniors.qa_leads
    return active_worker, None, above
