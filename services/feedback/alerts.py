"""Telling the worker and their manager at once when a child says they do not feel safe.

The alert is stored with the answers (same transaction); this sends it through the
delivery engine, one card per person, with a key so a retry never sends it twice.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cards.feedback import safety_alert_card
from services.clock import Clock
from services.feedback.responses import RaisedAlert
from storage.db import transaction
from storage.models import SafetyAlert

logger = logging.getLogger(__name__)
PURPOSE = "safety-alert"


class CardSender(Protocol):
    """The delivery engine as feedback uses it (``services.delivery.DeliveryService``)."""

    async def send_card_to_person(
        self, person_id: int, card: dict[str, Any], *, purpose: str, dedupe_key: str | None = None
    ) -> Any: ...


class SafetyAlertNotifier:
    def __init__(
        self, *, sessions: async_sessionmaker[AsyncSession], clock: Clock, sender: CardSender | None = None
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._sender = sender

    def attach_sender(self, sender: CardSender | None) -> None:
        self._sender = sender

    async def notify_safety_alert(self, alert: RaisedAlert) -> None:
        if not alert.recipients:
            logger.error("safety alert %s for case %s has nobody to tell", alert.alert_id, alert.case_reference)
            return
        if self._sender is None:
            logger.error("safety alert %s stored but not sent: no delivery engine is wired", alert.alert_id)
            return
        card = safety_alert_card(
            case_reference=alert.case_reference,
            template_title=alert.template_title,
            channel=alert.channel,
            raised_at=alert.raised_at,
            triggers=alert.triggers,
        )
        for person_id in alert.recipients:
            await self._sender.send_card_to_person(
                person_id, card, purpose=PURPOSE, dedupe_key=f"{PURPOSE}:{alert.alert_id}:{person_id}"
            )
        async with transaction(self._sessions) as session:
            await session.execute(
                update(SafetyAlert).where(SafetyAlert.id == alert.alert_id).values(notified_at=self._clock.now())
            )
