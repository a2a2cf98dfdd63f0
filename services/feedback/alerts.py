"""Telling the worker and their manager at once when a child says they do not feel safe.

The alert is stored with the answers (same transaction); this sends it through the
delivery engine, one card per person, with a key so a retry never sends it twice.
"""

from __future__ import annotations

import logging

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cards.feedback import safety_alert_card
from services.clock import Clock
from services.feedback.responses import RaisedAlert
from services.outbox import Outbox
from storage.db import transaction
from storage.models import SafetyAlert

logger = logging.getLogger(__name__)
PURPOSE = "safety-alert"


class SafetyAlertNotifier:
    def __init__(
        self, *, sessions: async_sessionmaker[AsyncSession], clock: Clock, outbox: Outbox | None = None
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._outbox = outbox

    async def notify_safety_alert(self, alert: RaisedAlert) -> None:
        if not alert.recipients:
            logger.error("safety alert %s has nobody to tell", alert.alert_id)
            return
        if self._outbox is None:
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
            await self._outbox.send_card_to_person(
                person_id, card, purpose=PURPOSE, dedupe_key=f"{PURPOSE}:{alert.alert_id}:{person_id}"
            )
        async with transaction(self._sessions) as session:
            await session.execute(
                update(SafetyAlert).where(SafetyAlert.id == alert.alert_id).values(notified_at=self._clock.now())
            )
