"""Demo digest data for ``make run``: seven weeks of audits, feedback and impact for the demo teams.

Dates are relative to the day the demo is loaded, so the playground's channel always gets a live
digest for last week. Loading again adds nothing (the demo round has a fixed title).

The demo also subscribes the playground's team channel (General, whose id the playground fixes)
to the Riverside Locality Team's digest before qop is in it: ``demo_channel`` records the channel
as known but not installed, and ``DigestService.subscribe_demo_channel`` subscribes it as an
operator would from the command line. When the playground adds qop to the channel (local mode
only), ``DigestService.demo_channel_installed`` posts the digest of the subscription's latest
scheduled day through the delivery engine, exactly as the weekly run would.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.clock import Clock
from services.digest.sample import STAGES, AuditResult, add_audit, add_feedback, add_round
from storage.db import transaction
from storage.models import AuditRound, Conversation, ConversationKind, Person, Team
from storage.repositories import conversations as conversation_repo
from views import periods

DEMO_ROUND = "Demo: weekly collaborative audits"
DEMO_TEAMS = ("Riverside Locality Team", "Moorside Locality Team")
DEMO_CHANNEL_TEAM = "Riverside Locality Team"
PLAYGROUND_CHANNEL_ID = "team-id"
"""The conversation id of the Teams playground's General channel: its team's id, ``team-id`` in
the playground's built-in configuration (the playground e2e test checks it still is)."""
PLAYGROUND_CHANNEL_NAME = "General"
WEEKS = 7
GRADE_MIX = ["outstanding", "good", "good", "good", "requires_improvement", "requires_improvement", "inadequate"]
WORKING_WELL = [
    "The worker knew the family well and the safety plan was written with them, in their own words.",
    "The child's views were recorded in their own words and shaped the plan.",
    "Clear management oversight with the reasons for each decision written down.",
    "The family network was invited and their ideas are in the plan.",
]
COMMENTS = [
    "Thank you for listening to us and explaining what would happen next.",
    "The worker came when they said they would and helped us make the plan.",
    "",
]


async def demo_data_loaded(session: AsyncSession) -> bool:
    return await session.scalar(select(AuditRound.id).where(AuditRound.title == DEMO_ROUND)) is not None


async def demo_channel(session: AsyncSession, now: datetime) -> Conversation | None:
    """The playground's team channel, linked to the demo team; recorded as not installed (so
    nothing is sent there) until the playground adds qop to it, which fills in its reference.
    None when the demo organisation is not loaded."""
    team = await session.scalar(select(Team).where(Team.name == DEMO_CHANNEL_TEAM))
    if team is None:
        return None
    conversation = await conversation_repo.get(session, PLAYGROUND_CHANNEL_ID)
    if conversation is None:
        conversation = Conversation(
            conversation_id=PLAYGROUND_CHANNEL_ID,
            kind=ConversationKind.CHANNEL.value,
            service_url="",
            bot_id="",
            name=PLAYGROUND_CHANNEL_NAME,
            reference={},
            installed=False,
            linked_team_id=team.id,
            linked_at=now,
        )
        session.add(conversation)
        await session.flush()
    return conversation


async def load_demo_digest_data(sessions: async_sessionmaker[AsyncSession], clock: Clock, *, time_zone: str) -> int:
    """Add the demo audits and feedback once; returns how many audits were added."""
    rng = random.Random(2026)
    now = clock.now()
    this_week = periods.week_starting(periods.local_date(now, time_zone), time_zone)
    async with transaction(sessions) as session:
        if await demo_data_loaded(session):
            return 0
        teams = list(await session.scalars(select(Team).where(Team.name.in_(DEMO_TEAMS)).order_by(Team.name)))
        if not teams:
            return 0
        round_id = await add_round(session, title=DEMO_ROUND, due_date=this_week.first_day, created_by_id=None)
        added = 0
        for team in teams:
            people = list(await session.scalars(select(Person.id).where(Person.team_id == team.id).order_by(Person.id)))
            auditor = team.manager_id or people[0]
            for back in range(1, WEEKS + 1):
                week = this_week.previous(back)
                # More audits and better grades in recent weeks: a trend worth showing.
                for number in range(_audits_per_week(team.name, back)):
                    added += await _demo_audit(session, rng, round_id, team, people, auditor, week, number, back)
                for _ in range(6):
                    submitted = _moment(rng, week)
                    await add_feedback(
                        session,
                        template_key="family-parent-carer",
                        answers={
                            "understood_why": rng.choice(["strongly_agree", "agree", "agree", "disagree"]),
                            "worries_explained": rng.choice(["agree", "agree", "neither", "strongly_agree"]),
                            "where_now": rng.randint(4, 9),
                            "comments": rng.choice(COMMENTS),
                        },
                        submitted_at=submitted,
                        worker_id=rng.choice(people),
                    )
        return added


async def _demo_audit(
    session: AsyncSession,
    rng: random.Random,
    round_id: int,
    team: Team,
    people: list[int],
    auditor: int,
    week: periods.Period,
    number: int,
    back: int,
) -> int:
    mix = GRADE_MIX[: len(GRADE_MIX) - (1 if back < 3 else 0)]
    overall = rng.choice(mix)
    stages = {stage: rng.choice(mix) for stage in STAGES}
    submitted = _moment(rng, week)
    practitioner = rng.choice(people)
    assignment_id = await add_audit(
        session,
        round_id,
        AuditResult(
            team_id=team.id,
            practitioner_id=practitioner,
            auditor_id=auditor,
            submitted_at=submitted,
            due_date=week.first_day + timedelta(days=4),
            overall=overall,
            stages=stages,
            answers={
                "working_well": rng.choice(WORKING_WELL),
                "auditor_scale": rng.randint(3, 9),
                "child_voice_clear": rng.choice(["yes", "yes", "partly", "no"]),
                "recording_analytic": rng.choice(["yes", "partly", "partly", "no"]),
            },
            moderated_to="requires_improvement" if overall == "good" and number == 0 else None,
            case_ref=f"LCS{team.id:02d}{back:02d}{number:03d}",
        ),
    )
    if number % 5 < 3:  # the family gave their view in three audits of five
        await _demo_family_view(session, assignment_id, practitioner, submitted - timedelta(days=2))
    return 1


async def _demo_family_view(session: AsyncSession, assignment_id: int, practitioner: int, answered: datetime) -> None:
    """A parent's answers through the audit's private link, for the digest's share of audits with
    the family's view (no random draw: the other demo numbers stay as they were)."""
    await add_feedback(
        session,
        template_key="audit-family-feedback",
        answers={"understood_why": "agree", "helped_make_plan": "agree", "where_now": 7},
        submitted_at=answered,
        worker_id=practitioner,
        assignment_id=assignment_id,
    )


def _audits_per_week(team_name: str, back: int) -> int:
    """The channel's team audits enough for its numbers to clear small-number suppression."""
    return 12 + (WEEKS - back) if team_name == DEMO_CHANNEL_TEAM else 6


def _moment(rng: random.Random, week: periods.Period) -> datetime:
    return week.start_utc + timedelta(days=rng.randint(0, 4), hours=rng.randint(9, 16))
