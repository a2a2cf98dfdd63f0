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

from services.feedback.forms import safety_triggers
from services.templates import Template
from storage.models import FeedbackChannel, FeedbackResponse, SafetyAlert
from storage.repositories import feedback as feedback_repo

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

    @property
    def recipients(self) -> list[int]:
        return list(dict.fromkeys(p for p in (self.worker_id, self.manager_id) if p is not None))


class AlertNotifier(Protocol):
    """Tells people about a safety alert (the delivery engine in production)."""

    async def notify_safety_alert(self, alert: RaisedAlert) -> None: ...


@dataclass(frozen=True)
class StoredResponse:
    response_id: str
    alert: RaisedAlert | None


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
) -> StoredResponse:
    """Add the response (and any safety alert) to the session's transaction."""
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
        # Anonymous answers keep only the day, so they cannot be matched to who was active when.
        submitted_at=now.replace(hour=0, minute=0, second=0, microsecond=0) if anonymous else now,
    )
    session.add(response)
    await session.flush()
    triggers = safety_triggers(template, answers)
    if not triggers:
        return StoredResponse(response.id, None)
    manager_id = await feedback_repo.manager_of(session, worker_id) if worker_id else None
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
    )
    return StoredResponse(response.id, raised)
