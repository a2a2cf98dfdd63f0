"""Digest numbers against hand-computed fixtures, on both databases.

The week under test is 23-29 March 2026: the clocks go forward on Sunday 29 March, so the week
ends at 23:00 UTC on the Sunday, not at midnight UTC. Audits either side of that instant land in
the right week only if the boundaries are computed in local time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.clock import FrozenClock
from services.container import Services
from services.digest.builder import Scope
from services.digest.findings import digest_findings
from services.digest.sample import AuditResult, add_action, add_audit, add_feedback, add_round
from tests.support.action_org import Org, make_org
from views import periods

LONDON = "Europe/London"
WEEK = periods.week_starting(date(2026, 3, 25), LONDON)


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


async def seed(sessions: async_sessionmaker[AsyncSession], org: Org) -> tuple[int, int]:
    """Returns (Riverside team id, Hillside team id)."""
    async with sessions() as session, session.begin():
        from storage.models import Person

        riverside = (await session.get(Person, org.practitioner)).team_id  # type: ignore[union-attr]
        hillside = (await session.get(Person, org.outsider)).team_id  # type: ignore[union-attr]
        round_id = await add_round(session, title="March audits", due_date=date(2026, 3, 27), created_by_id=org.qa_lead)

        async def audit(
            when: datetime | None, overall: str | None, *, team: int = riverside, due: date = date(2026, 3, 27), **more
        ) -> None:  # type: ignore[no-untyped-def]
            practitioner = org.practitioner if team == riverside else org.outsider
            await add_audit(
                session,
                round_id,
                AuditResult(team, practitioner, org.other_manager, when, due, overall, **more),
            )

        # This week (Riverside): 6 good (one moderated down), 2 outstanding, 3 requires improvement, 1 inadequate.
        stages_good = {"assessment": "good", "planning": "good"}
        stages_weak = {"assessment": "inadequate", "planning": "good"}
        for day in range(6):
            await audit(
                at(2026, 3, 23 + day % 5, 10),
                "good",
                stages=stages_good if day < 4 else stages_weak,
                answers={"working_well": "The worker knew the family well and the plan was clear."},
                moderated_to="requires_improvement" if day == 0 else None,
            )
        await audit(at(2026, 3, 24, 9), "outstanding", stages=stages_good)
        # Sunday 29 March 23:30 BST = 22:30 UTC: still this week.
        await audit(at(2026, 3, 29, 22, 30), "outstanding", stages=stages_good)
        for _ in range(3):
            await audit(at(2026, 3, 25, 14), "requires_improvement", stages=stages_weak)
        await audit(
            at(2026, 3, 26, 11), "inadequate", stages={"assessment": "requires_improvement", "planning": "good"}
        )
        # Monday 30 March 00:30 BST = Sunday 23:30 UTC: next week, although still 29 March in UTC.
        await audit(at(2026, 3, 29, 23, 30), "inadequate", due=date(2026, 4, 2))
        # Planned this week but not done, and a cancelled one that does not count.
        await audit(None, None)
        await audit(None, None)
        await audit(None, None, cancelled=True)
        # The week before: 5 good, 5 requires improvement, plus Sunday 22 March 23:30 GMT (still that week).
        for _ in range(5):
            await audit(at(2026, 3, 17, 10), "good", due=date(2026, 3, 20))
            await audit(at(2026, 3, 18, 10), "requires_improvement", due=date(2026, 3, 20))
        await audit(at(2026, 3, 22, 23, 30), "good", due=date(2026, 3, 20))
        # Another team this week: not in Riverside's digest, but in the service's.
        for _ in range(3):
            await audit(at(2026, 3, 24, 12), "inadequate", team=hillside)

        # Feedback for Riverside's cases: 6 parent/carer responses, scale 6,7,8,5,9,7 (average 7.0);
        # 12 agreement answers: 7 agree or strongly agree, 5 disagree.
        agree = ["strongly_agree", "agree", "agree", "strongly_agree", "agree", "agree"]
        second = ["agree", "disagree", "disagree", "disagree", "disagree", "disagree"]
        for scale, first, other in zip([6, 7, 8, 5, 9, 7], agree, second, strict=True):
            await add_feedback(
                session,
                template_key="family-parent-carer",
                answers={
                    "where_now": scale,
                    "understood_why": first,
                    "worries_explained": other,
                    "comments": "Thank you for listening to us.",
                },
                submitted_at=at(2026, 3, 26, 15),
                worker_id=org.practitioner,
            )

        # Actions owned in Riverside: 3 new this week, 2 done this week (one with impact), 1 overdue.
        await add_action(
            session,
            owner_id=org.practitioner,
            description="Update the safety plan",
            created_at=at(2026, 3, 23, 9),
            due_date=date(2026, 4, 10),
        )
        await add_action(
            session,
            owner_id=org.colleague,
            description="Visit the child alone",
            created_at=at(2026, 3, 24, 9),
            due_date=date(2026, 4, 10),
            completed_at=at(2026, 3, 27, 9),
            impact="The child now has a plan they helped write.",
            impact_at=at(2026, 3, 27, 10),
        )
        await add_action(
            session,
            owner_id=org.practitioner,
            description="Record the manager's rationale",
            created_at=at(2026, 3, 25, 9),
            due_date=date(2026, 3, 26),
            case_reference="C1234567",
        )
        await add_action(
            session,
            owner_id=org.manager,
            description="Review supervision notes",
            created_at=at(2026, 3, 2, 9),
            due_date=date(2026, 3, 20),
            completed_at=at(2026, 3, 24, 9),
        )
    return riverside, hillside


async def test_weekly_numbers_match_the_hand_count(
    services: Services, sessions: async_sessionmaker[AsyncSession]
) -> None:
    org = await make_org(sessions)
    riverside, _ = await seed(sessions, org)
    assert WEEK.start_utc == at(2026, 3, 23, 0) and WEEK.end_utc == at(2026, 3, 29, 23)

    digest = await services.digests.build(Scope("team", "Riverside Locality Team", [riverside]), WEEK)
    now, before = digest.current, digest.previous

    assert now.audits_completed == 12
    assert now.audits_planned == 14  # 12 done + 2 outstanding; the cancelled one is not planned
    assert now.grades.counts == {"good": 5, "requires_improvement": 4, "outstanding": 2, "inadequate": 1}
    assert now.grades.pct_good == 58.3  # 7 of 12, after moderation
    assert now.grades.pct_inadequate is None  # 1 audit: too few to show
    assert before.audits_completed == 11 and before.grades.pct_good == 54.5  # 6 of 11
    assert now.feedback_responses == 6 and now.shown_feedback_score == 7.0
    assert now.pct_agree == 58.3  # 7 of 12
    assert (now.actions_new, now.actions_done, now.actions_impact, now.actions_overdue) == (3, 2, 1, 1)
    stages = {s.stage_id: s.grades for s in digest.stages}
    # assessment: good in 4 good audits and both outstanding ones; inadequate in 2 good and 3 RI audits
    assert stages["assessment"].counts == {"good": 6, "inadequate": 5, "requires_improvement": 1}
    assert stages["planning"].pct_good == 100.0
    assert digest_findings(digest).worrying_stages[0].stage_id == "assessment"
    assert digest.audit_quotes == ["The worker knew the family well and the plan was clear."]
    assert digest.impact_quotes == ["The child now has a plan they helped write."]

    service = await services.digests.build(Scope("service", "the whole service", None), WEEK)
    assert service.current.audits_completed == 15
    assert service.current.grades.counts["inadequate"] == 4


async def test_the_card_hides_small_numbers_and_case_references(
    services: Services, sessions: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    from cards.digest import digest_card, digest_text

    clock.set(at(2026, 3, 30, 7))  # Monday 08:00 BST: the digest's own time
    org = await make_org(sessions)
    riverside, _ = await seed(sessions, org)
    digest = await services.digests.build(Scope("team", "Riverside Locality Team", [riverside]), WEEK)
    findings = digest_findings(digest)
    text = digest_text(digest, findings)
    assert "Actions new: fewer than 5" in text
    assert "Inadequate: not shown (too few)" in text
    assert "Good or better: 58% (+3.8 points on the week before)" in text
    assert "Record the manager's rationale \u2014 Priya Shah, due 26 Mar" in text
    assert "C1234567" not in text
    card = digest_card(digest, findings)
    import json

    dumped = json.dumps(card)
    assert "C1234567" not in dumped and "Chart.Line" in dumped and "Chart.HorizontalBar" in dumped
    assert len(dumped.encode()) < 80 * 1024
