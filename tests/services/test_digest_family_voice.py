"""The share of audits with the family's voice, in the weekly digest and the QIM report, on both
databases: only audits whose template asks for the family's view count, small numbers hidden."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cards import text_digest as text
from cards.digest import headline_pairs
from services.container import Services
from services.digest.builder import Scope
from services.digest.report import sections
from services.digest.sample import AuditResult, add_audit, add_feedback, add_round
from storage.models import AuditSubmission, Person
from tests.support.action_org import Org, make_org
from tests.support.audits import FAMILY_ANSWERS
from views import periods

WEEK = periods.week_starting(date(2026, 3, 25), "Europe/London")


async def _seed(sessions: async_sessionmaker[AsyncSession], org: Org, *, heard: int, asked: int) -> int:
    """``asked`` standard audits this week, the first ``heard`` with a parent's answers, and one dip
    sample (which does not ask for the family's view). Returns the practitioner's team id."""
    async with sessions() as session, session.begin():
        team = (await session.get(Person, org.practitioner)).team_id  # type: ignore[union-attr]
        round_id = await add_round(session, title="March audits", due_date=date(2026, 3, 27), created_by_id=None)
        for number in range(asked + 1):
            submitted = datetime(2026, 3, 24, 9 + number % 8, tzinfo=UTC)
            result = AuditResult(team, org.practitioner, org.other_manager, submitted, date(2026, 3, 27), "good")
            assignment_id = await add_audit(session, round_id, result)
            if number == asked:
                dip = update(AuditSubmission).where(AuditSubmission.assignment_id == assignment_id)
                await session.execute(dip.values(template_id="dip-sample-compliance"))
            elif number < heard:
                await add_feedback(
                    session,
                    template_key="audit-family-feedback",
                    answers=FAMILY_ANSWERS,
                    submitted_at=submitted,
                    worker_id=org.practitioner,
                    assignment_id=assignment_id,
                )
        return team


async def _weekly_figure(services: Services, sessions: async_sessionmaker[AsyncSession], **seeded: int) -> str:
    """The digest's "audits with the family's view" line for the week, after checking its counts."""
    team = await _seed(sessions, await make_org(sessions), **seeded)
    digest = await services.digests.build(Scope("team", "Riverside Locality Team", [team]), WEEK)
    now = digest.current
    asked, heard = seeded["asked"], seeded["heard"]
    assert (now.audits_completed, now.family_voice_asked, now.family_voice_heard) == (asked, asked, heard), (
        "the dip sample is another audit type and does not ask for the family's view"
    )
    assert FAMILY_ANSWERS["comments"] in digest.feedback_quotes, "the family's own words are among the findings"
    return dict(headline_pairs(now, digest.previous))[text.FAMILY_VOICE]


async def test_the_digest_and_the_qim_report_show_the_share_of_audits_with_the_familys_voice(
    services: Services, sessions: async_sessionmaker[AsyncSession]
) -> None:
    assert (await _weekly_figure(services, sessions, heard=5, asked=12)).startswith("42%")  # 5 of 12
    report = await services.digests.quarterly("team", "Riverside Locality Team", "2026Q1", actor=None)
    summary = dict((row[0], row[1]) for row in sections(report)[0][2] if len(row) == 2)
    assert summary[text.FAMILY_VOICE].startswith("42%")


async def test_a_share_of_too_few_audits_is_not_shown(
    services: Services, sessions: async_sessionmaker[AsyncSession]
) -> None:
    assert await _weekly_figure(services, sessions, heard=2, asked=4) == text.NOT_SHOWN
