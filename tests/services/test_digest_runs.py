"""Each subscription gets one digest per week through the real delivery engine (against the fake
Bot Connector): with two instances, after a restart, after a crash between claim and hand-over,
and after downtime (late within the window, skipped beyond it). Plus the private preview."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from qop.app import build_services
from qop.settings import Settings
from services.clock import FrozenClock
from services.digest.subscriptions import SubscriptionRequest
from services.errors import NotAllowed
from storage.db import transaction
from storage.models import Conversation, DigestRun, Person
from tests.support import activities
from tests.support.action_org import Org, make_org
from tests.support.delivery import DeliveryHarness, eventually
from tests.support.outbox import RecordingOutbox

MONDAY_0800_BST = datetime(2026, 4, 6, 7, 0, tzinfo=UTC)


async def subscribed_channel(delivery: DeliveryHarness, clock: FrozenClock) -> tuple[str, Org]:
    """Riverside's channel, linked to the team and subscribed (Mondays 08:00) the Friday before."""
    org = await make_org(delivery.sessions, teams_ids=True)
    channel_id = await delivery.channel()
    async with transaction(delivery.sessions) as session:
        team_id = (await session.get(Person, org.practitioner)).team_id  # type: ignore[union-attr]
        await session.execute(
            update(Conversation).where(Conversation.conversation_id == channel_id).values(linked_team_id=team_id)
        )
    clock.set(MONDAY_0800_BST - timedelta(days=3))
    await delivery.services.digests.subscribe(channel_id, SubscriptionRequest(None, None), actor_id=None)
    return channel_id, org


async def posted_in(delivery: DeliveryHarness, channel_id: str, count: int) -> list[Any]:
    async def check() -> list[Any] | None:
        messages = delivery.connector.in_conversation(channel_id)
        return messages if len(messages) >= count else None

    await eventually(check, what=f"{count} message(s) in the channel")
    await asyncio.sleep(0.3)  # a second post would arrive now if the guarantees were broken
    return delivery.connector.in_conversation(channel_id)


async def runs(delivery: DeliveryHarness) -> list[DigestRun]:
    async with delivery.sessions() as session:
        return list(await session.scalars(select(DigestRun)))


async def test_two_instances_post_one_digest_and_a_restart_adds_nothing(
    delivery: DeliveryHarness, clock: FrozenClock, settings: Settings, engine: AsyncEngine
) -> None:
    channel_id, _ = await subscribed_channel(delivery, clock)
    services = delivery.services
    other = build_services(settings, engine, clock=clock, outbox=services.delivery)  # a second instance

    early = await services.digests.run_due(MONDAY_0800_BST - timedelta(minutes=1))
    assert early.sent == [] and await runs(delivery) == []
    first, second = await asyncio.gather(
        services.digests.run_due(MONDAY_0800_BST + timedelta(minutes=2)),
        other.digests.run_due(MONDAY_0800_BST + timedelta(minutes=2)),
    )
    assert len(first.sent + second.sent) == 1 and len(first.already_claimed + second.already_claimed) == 1
    [message] = await posted_in(delivery, channel_id, 1)
    assert "Weekly digest: Riverside Locality Team" in str(message.cards[0])
    assert "30 Mar - 5 Apr 2026" in str(message.cards[0]), "on 6 April the digest is about the week before"

    restarted = build_services(settings, engine, clock=clock, outbox=services.delivery)
    again = await restarted.digests.run_due(MONDAY_0800_BST + timedelta(hours=3))
    assert again.sent == [] and again.late == []
    assert len(await posted_in(delivery, channel_id, 1)) == 1
    [run] = await runs(delivery)
    assert run.period_key == "2026-W14" and not run.late and run.delivery_id is not None


async def test_a_digest_missed_in_downtime_is_sent_late_within_the_window(
    delivery: DeliveryHarness, clock: FrozenClock
) -> None:
    channel_id, _ = await subscribed_channel(delivery, clock)
    report = await delivery.services.digests.run_due(MONDAY_0800_BST + timedelta(hours=5))
    assert report.late and not report.sent
    [message] = await posted_in(delivery, channel_id, 1)
    assert "Sent late: this digest was due Monday 06 April at 08:00" in str(message.cards[0])
    [run] = await runs(delivery)
    assert run.late and run.handed_over_at is not None


async def test_a_digest_missed_beyond_the_window_is_skipped(delivery: DeliveryHarness, clock: FrozenClock) -> None:
    channel_id, _ = await subscribed_channel(delivery, clock)
    report = await delivery.services.digests.run_due(MONDAY_0800_BST + timedelta(hours=30))
    assert report.too_old and await runs(delivery) == []
    await asyncio.sleep(0.3)
    assert delivery.connector.in_conversation(channel_id) == []


async def test_a_claim_left_by_a_crash_is_handed_over_again_once(
    delivery: DeliveryHarness, clock: FrozenClock, settings: Settings, engine: AsyncEngine
) -> None:
    channel_id, _ = await subscribed_channel(delivery, clock)
    dying = RecordingOutbox()
    dying.fail = ConnectionError("the process died here")
    with pytest.raises(ConnectionError):
        await build_services(settings, engine, clock=clock, outbox=dying).digests.run_due(MONDAY_0800_BST)
    digests = delivery.services.digests  # the restarted process
    soon = await digests.run_due(MONDAY_0800_BST + timedelta(minutes=5))
    assert soon.rehanded == [] and soon.already_claimed, "too early to call the claim stale"
    later = await digests.run_due(MONDAY_0800_BST + timedelta(minutes=15))
    assert len(later.rehanded) == 1
    assert (await digests.run_due(MONDAY_0800_BST + timedelta(minutes=30))).rehanded == []
    assert len(await posted_in(delivery, channel_id, 1)) == 1


async def test_a_preview_goes_to_the_requester_and_its_button_posts_to_the_channel(
    delivery: DeliveryHarness, clock: FrozenClock
) -> None:
    channel_id, org = await subscribed_channel(delivery, clock)
    async with transaction(delivery.sessions) as session:
        manager_chat = activities.personal_chat(2)["id"]
        session.add(delivery._conversation(manager_chat, "personal", org.manager, True))
    clock.set(MONDAY_0800_BST + timedelta(hours=2))
    digests = delivery.services.digests

    card = await digests.preview_for_channel(channel_id, actor_id="29:user-2")
    [preview] = await posted_in(delivery, manager_chat, 1)
    assert preview.cards[0] == card and "Post to the channel" in str(card)
    assert delivery.connector.in_conversation(channel_id) == [], "a preview is private"
    post = next(a for a in card["actions"] if a["title"] == "Post to the channel")["data"]
    with pytest.raises(NotAllowed):
        await digests.post_preview(post["conversation_id"], post["period"], actor_id="29:user-1")
    await digests.post_preview(post["conversation_id"], post["period"], actor_id="29:user-2")
    [posted] = await posted_in(delivery, channel_id, 1)
    assert "Riverside Locality Team" in str(posted.cards[0]) and "Post to the channel" not in str(posted.cards[0])
    async with delivery.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(DigestRun)) == 0, "previews claim no week"
