"""A channel's weekly digest may count one audit type only: ``digest weekly ... type themed`` is
stored on the subscription (migration 0021), shown on its card, and the weekly run and the
preview build that type's digest; subscribing again without a type goes back to standard audits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from cards import text_digest as text
from cards.digest import subscription_card
from services.clock import FrozenClock
from services.digest.subscriptions import SubscriptionRequest, parse_subscription
from services.errors import InvalidInput
from storage.db import transaction
from storage.models import DigestSubscription
from tests.services.test_digest_runs import MONDAY_0800_BST, posted_in, subscribed_channel
from tests.support import activities
from tests.support.delivery import DeliveryHarness
from views.templates import AuditType

THEMED_NOTE = text.ONLY_AUDIT_TYPE.format(audit_type="themed audits")


def test_a_trailing_type_is_read_and_an_unknown_one_is_refused_with_the_types() -> None:
    request = parse_subscription("weekly team Riverside Locality Team on tuesday at 09:30 type dip-sample")
    assert request == SubscriptionRequest("team", "Riverside Locality Team", 1, "09:30", AuditType.DIP_SAMPLE)
    assert parse_subscription("weekly service").audit_type is None
    with pytest.raises(InvalidInput) as refused:
        parse_subscription("weekly team Riverside type audits")
    assert "themed" in str(refused.value) and "dip_sample" in str(refused.value)


async def _stored_type(delivery: DeliveryHarness) -> str | None:
    async with delivery.sessions() as session:
        return await session.scalar(select(DigestSubscription.audit_type))


async def test_the_weekly_run_and_the_preview_count_the_subscribed_type_only(
    delivery: DeliveryHarness, clock: FrozenClock
) -> None:
    channel_id, org = await subscribed_channel(delivery, clock)
    digests = delivery.services.digests
    view = await digests.subscribe(channel_id, parse_subscription("weekly type themed"), actor_id=None)
    assert view.audit_type == AuditType.THEMED and await _stored_type(delivery) == "themed"
    assert "Themed audits only" in str(subscription_card(view))
    assert (await digests.current(channel_id)) == view

    report = await digests.run_due(MONDAY_0800_BST + timedelta(minutes=2))
    assert len(report.sent) == 1
    [message] = await posted_in(delivery, channel_id, 1)
    assert THEMED_NOTE in str(message.cards[0]), "the posted digest counts themed audits only"

    async with transaction(delivery.sessions) as session:
        manager_chat = activities.personal_chat(2)["id"]
        session.add(delivery._conversation(manager_chat, "personal", org.manager, True))
    preview = await digests.preview_for_channel(channel_id, actor_id="29:user-2")
    assert THEMED_NOTE in str(preview)

    again = await digests.subscribe(channel_id, SubscriptionRequest(None, None), actor_id=None)
    assert again.audit_type is None and await _stored_type(delivery) is None
    assert THEMED_NOTE not in str(await digests.preview_for_channel(channel_id, actor_id="29:user-2"))
