"""Property: whatever a sender posts to /api/messages, qop answers 2xx/4xx or a friendly card.

Genuine Teams activities (every kind qop handles, card actions for every verb it routes) are
mutated at every level by Hypothesis and posted through the real app (the scenario harness) on
SQLite and PostgreSQL. For each: no 5xx, no "something went wrong" card, no log record at ERROR
or with a traceback; after the run, nothing is half-written. A fixed-seed run of 5,000 cases is
part of ``make test``; ``-m fuzz_long`` runs a random, longer one (nightly).
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cards import text
from storage.models import Action, ActionEvent, AuditGrade, AuditSubmission
from tests.fuzz.strategies import SERVICE_URL, bad_activities, raw_bodies
from tests.scenarios.conftest import BotHarness
from tests.support.audits import AuditOrg
from tests.support.logs import loud_records

STANDING_CASES = int(os.environ.get("QOP_FUZZ_CASES", "5000"))
NIGHTLY_CASES = 50_000


common = dict(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

# DBOS's and aiohttp's background threads use ``random`` (retry jitter) while Hypothesis draws;
# its check cannot tell them from the strategies, which do not use it.
pytestmark = pytest.mark.filterwarnings("ignore:Do not use the `random` module inside strategies")

posts = st.one_of(
    bad_activities().map(lambda activity: ("activity", activity)), raw_bodies.map(lambda raw: ("raw", raw))
)


async def post_and_check(harness: BotHarness, caplog: pytest.LogCaptureFixture, post: tuple[str, Any]) -> None:
    """Post one case and check the answer, what the bot sent, and the log."""
    kind, payload = post
    caplog.clear()
    sent_before = len(harness.connector.messages)
    body = json.dumps(payload).replace(SERVICE_URL, harness.service_url).encode() if kind == "activity" else payload
    response = await harness.client.post("/api/messages", data=body, headers={"Content-Type": "application/json"})
    answer = await response.text()
    event(f"HTTP {response.status}")
    assert response.status < 500, (response.status, answer[:300], body[:500])
    assert text.ERROR_TITLE not in answer, body[:500]
    for message in harness.connector.messages[sent_before:]:
        assert text.ERROR_TITLE not in json.dumps(message.activity, ensure_ascii=False), body[:500]
    loud = loud_records(caplog.records)
    assert not loud, [*loud, body[:500]]


async def nothing_half_written(sessions: async_sessionmaker[AsyncSession]) -> None:
    """Every submitted audit has its grades; every action has the event that created it."""
    async with sessions() as session:
        gradeless = await session.scalar(
            select(func.count())
            .select_from(AuditSubmission)
            .where(~select(AuditGrade.id).where(AuditGrade.submission_id == AuditSubmission.id).exists())
        )
        eventless = await session.scalar(
            select(func.count())
            .select_from(Action)
            .where(~select(ActionEvent.id).where(ActionEvent.action_id == Action.id).exists())
        )
    assert (gradeless, eventless) == (0, 0)


@pytest.mark.postgres
@settings(max_examples=STANDING_CASES, derandomize=True, **common)
@given(post=posts)
async def test_malformed_traffic_never_fails_on_our_side(
    harness: BotHarness,
    audit_org: AuditOrg,
    sessions: async_sessionmaker[AsyncSession],
    caplog: pytest.LogCaptureFixture,
    post: Any,
) -> None:
    caplog.set_level(logging.WARNING)
    await post_and_check(harness, caplog, post)
    await nothing_half_written(sessions)


@pytest.mark.fuzz_long
@pytest.mark.postgres
@settings(max_examples=NIGHTLY_CASES, **common)
@given(post=posts)
async def test_malformed_traffic_nightly(
    harness: BotHarness,
    audit_org: AuditOrg,
    sessions: async_sessionmaker[AsyncSession],
    caplog: pytest.LogCaptureFixture,
    post: Any,
) -> None:
    caplog.set_level(logging.WARNING)
    await post_and_check(harness, caplog, post)
    await nothing_half_written(sessions)
