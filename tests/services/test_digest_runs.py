"""Each subscription gets one digest per week, with two instances, after a restart and after downtime."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from qop.app import build_services
from qop.settings import Settings
from services.clock import FrozenClock
from services.container import Services
from services.digest.subscriptions import SubscriptionRequest
from services.errors import NotAllowed
from storage.models import Conversation, DigestRun
from tests.support.action_org import make_org


@dataclass
class RecordingSender:
    """Stands in for the delivery engine's two calls and keeps its dedupe promise (one post per key)."""

    posts: dict[str, tuple[Any, dict[str, Any]]] = field(default_factory=dict)
    personal: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    async def post_card_to_conversation(
        self, conversation: Any, card: dict[str, Any], *, purpose: str, dedupe_key: str | None = None
    ) -> None:
        self.posts.setdefault(dedupe_key or str(len(self.posts)), (conversation, card))

    async def send_card_to_person(
        self, person_id: int, card: dict[str, Any], *, purpose: str, dedupe_key: str | None = None
    ) -> None:
        self.personal.append((person_id, card))


MONDAY_0800_BST = datetime(2026, 4, 6, 7, 0, tzinfo=UTC)


async def subscribed_channel(services: Services, sessions: async_sessionmaker[AsyncSession], clock: FrozenClock) -> int:
    org = await make_org(sessions)
    async with sessions() as session, session.begin():
        from storage.models import Person

        team_id = (await session.get(Person, org.practitioner)).team_id  # type: ignore[union-attr]
        channel = Conversation(
            conversation_id="19:riverside@thread.tacv2",
            kind="channel",
            service_url="http://127.0.0.1/",
            bot_id="28:qop",
            name="Riverside",
            reference={},
            linked_team_id=team_id,
        )
        session.add(channel)
    clock.set(MONDAY_0800_BST - timedelta(days=3))
    await services.digests.subscribe("19:riverside@thread.tacv2", SubscriptionRequest(None, None), teams_user_id=None)
    return team_id


async def test_two_instances_post_one_digest(
    services: Services,
    sessions: async_sessionmaker[AsyncSession],
    clock: FrozenClock,
    settings: Settings,
    engine: AsyncEngine,
) -> None:
    await subscribed_channel(services, sessions, clock)
    other = build_services(settings, engine, clock=clock)  # a second instance on the same database
    sender = RecordingSender()
    services.digests.attach_sender(sender)
    other.digests.attach_sender(sender)
    calls = []

    async def count_calls(
        conversation: Any, card: dict[str, Any], *, purpose: str, dedupe_key: str | None = None
    ) -> None:
        calls.append(dedupe_key)
        await RecordingSender.post_card_to_conversation(
            sender, conversation, card, purpose=purpose, dedupe_key=dedupe_key
        )

    sender.post_card_to_conversation = count_calls  # type: ignore[method-assign]

    before = await services.digests.run_due(MONDAY_0800_BST - timedelta(minutes=1))
    assert before.sent == [] and calls == []
    first, second = await asyncio.gather(
        services.digests.run_due(MONDAY_0800_BST + timedelta(minutes=2)),
        other.digests.run_due(MONDAY_0800_BST + timedelta(minutes=2)),
    )
    assert len(first.sent + second.sent) == 1 and len(first.already_claimed + second.already_claimed) == 1
    assert len(calls) == 1 and calls[0].endswith(":2026-W14")  # the week of 30 March is reported on 6 April

    restarted = build_services(settings, engine, clock=clock)
    restarted.digests.attach_sender(sender)
    again = await restarted.digests.run_due(MONDAY_0800_BST + timedelta(hours=3))
    assert again.sent == [] and again.late == [] and len(calls) == 1
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(DigestRun)) == 1


async def test_a_digest_missed_in_downtime_is_sent_late_within_the_window(
    services: Services, sessions: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    await subscribed_channel(services, sessions, clock)
    sender = RecordingSender()
    services.digests.attach_sender(sender)
    report = await services.digests.run_due(MONDAY_0800_BST + timedelta(hours=5))
    assert report.late and not report.sent
    ((_, card),) = sender.posts.values()
    assert "Sent late" in str(card)
    async with sessions() as session:
        run = await session.scalar(select(DigestRun))
        assert run is not None and run.late and run.handed_over_at is not None


async def test_a_digest_missed_beyond_the_window_is_skipped(
    services: Services, sessions: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    await subscribed_channel(services, sessions, clock)
    sender = RecordingSender()
    services.digests.attach_sender(sender)
    report = await services.digests.run_due(MONDAY_0800_BST + timedelta(hours=30))
    assert report.too_old and not sender.posts


async def test_a_claim_left_by_a_crash_is_handed_over_again_once(
    services: Services, sessions: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    await subscribed_channel(services, sessions, clock)
    sender = RecordingSender()

    class Crashing:
        async def post_card_to_conversation(self, *args: Any, **kwargs: Any) -> None:
            raise ConnectionError("the process died here")

    services.digests.attach_sender(Crashing())  # type: ignore[arg-type]
    with pytest.raises(ConnectionError):
        await services.digests.run_due(MONDAY_0800_BST)
    services.digests.attach_sender(sender)
    soon = await services.digests.run_due(MONDAY_0800_BST + timedelta(minutes=5))
    assert soon.rehanded == [] and soon.already_claimed  # the claim stands; too early to call it stale
    later = await services.digests.run_due(MONDAY_0800_BST + timedelta(minutes=15))
    assert len(later.rehanded) == 1 and len(sender.posts) == 1
    assert (await services.digests.run_due(MONDAY_0800_BST + timedelta(minutes=30))).rehanded == []


async def test_a_preview_goes_to_the_requester_and_its_button_posts_to_the_channel(
    services: Services, sessions: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    from storage.models import Person

    await subscribed_channel(services, sessions, clock)
    async with sessions() as session, session.begin():
        manager = await session.scalar(select(Person).where(Person.display_name == "Maya Patel"))
        practitioner = await session.scalar(select(Person).where(Person.display_name == "Priya Shah"))
        assert manager is not None and practitioner is not None
        manager.teams_user_id, practitioner.teams_user_id = "29:maya", "29:priya"
    sender = RecordingSender()
    services.digests.attach_sender(sender)
    clock.set(MONDAY_0800_BST + timedelta(hours=2))

    card = await services.digests.preview_for_channel("19:riverside@thread.tacv2", teams_user_id="29:maya")
    [(person_id, sent)] = sender.personal
    assert person_id == manager.id and sent == card and "Post to the channel" in str(card) and not sender.posts
    post = next(a for a in card["actions"] if a["title"] == "Post to the channel")["data"]
    with pytest.raises(NotAllowed):
        await services.digests.post_preview(post["conversation_id"], post["period"], teams_user_id="29:priya")
    await services.digests.post_preview(post["conversation_id"], post["period"], teams_user_id="29:maya")
    [(_channel, posted)] = sender.posts.values()
    assert "Post to the channel" not in str(posted) and "Riverside Locality Team" in str(posted)
