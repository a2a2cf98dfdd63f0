"""What other features record, in the weekly digest and the QIM report, on both databases: practice
nominated to celebrate (screened again), the moderation group's themes and the practice
observations' themes (counts only, small counts hidden), each in the digest's period and scope."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from cards import text_digest as text
from cards.digest import digest_card, digest_text
from services.container import Services
from services.digest.builder import Scope
from services.digest.findings import digest_findings
from services.digest.report import sections
from services.digest.sample import AuditResult, add_audit, add_round
from storage.models import ModerationGroupAudit, ModerationGroupMeeting, Person, PracticeExample, PracticeObservation
from tests.support.action_org import Org, make_org
from views import periods
from views.digest import Digest

WEEK = periods.week_starting(date(2026, 3, 25), "Europe/London")
IN_WEEK = datetime(2026, 3, 24, 10, tzinfo=UTC)
WEEK_BEFORE = datetime(2026, 3, 17, 10, tzinfo=UTC)
CLEAN = "Direct work with the child was creative, warm and recorded in plain words."
NAMED = "Lovely direct work with young Jayden by the worker."
OBSERVED = {
    "risk_sensible": "yes",
    "child_voice": "partly",
    "working_with_family": "no",
    "simple_language": "not_applicable",
    "strength_1": "Warm and clear with the family",
    "development_1": "Write the plan with the family",
}


async def _teams(sessions: async_sessionmaker[AsyncSession], org: Org) -> tuple[int, int]:
    async with sessions() as session:
        riverside = (await session.get(Person, org.practitioner)).team_id  # type: ignore[union-attr]
        hillside = (await session.get(Person, org.outsider)).team_id  # type: ignore[union-attr]
    assert riverside and hillside
    return riverside, hillside


def _example(team_id: int, description: str, at: datetime) -> PracticeExample:
    return PracticeExample(team_id=team_id, source="audit", description=description, created_at=at)


def _observation(org: Org, team_id: int, observed_on: date) -> PracticeObservation:
    return PracticeObservation(
        template_id="practice-observation",
        template_version=1,
        case_ref="C00001234",
        practitioner_id=org.practitioner,
        observer_id=org.manager,
        team_id=team_id,
        observed_on=observed_on,
        practitioner_consented=True,
        family_consented=True,
        answers=OBSERVED,
        recorded_at=datetime.combine(observed_on, datetime.min.time(), tzinfo=UTC),
    )


async def _seed(sessions: async_sessionmaker[AsyncSession], org: Org, *, riverside_observations: int) -> None:
    """In the week: two nominations for Riverside (one naming a child), one for Hillside; Riverside's
    and two of Hillside's observations; a closed moderation group meeting with six audits and an
    open one. The week before: one nomination and one observation for Riverside."""
    riverside, hillside = await _teams(sessions, org)
    async with sessions() as session, session.begin():
        session.add_all(
            [
                _example(riverside, CLEAN, IN_WEEK),
                _example(riverside, NAMED, IN_WEEK),
                _example(hillside, "Hillside's chronology was clear and useful to the family.", IN_WEEK),
                _example(riverside, "Last week's nomination, outside this digest.", WEEK_BEFORE),
            ]
        )
        observed = [_observation(org, riverside, date(2026, 3, 24)) for _ in range(riverside_observations)]
        observed += [_observation(org, hillside, date(2026, 3, 26)) for _ in range(2)]
        session.add_all([*observed, _observation(org, riverside, date(2026, 3, 18))])
        closed = ModerationGroupMeeting(
            meets_on=date(2026, 3, 25),
            scheduled_by_id=org.qa_lead,
            scheduled_at=WEEK_BEFORE,
            themes=["child_voice"],
            closed_by_id=org.qa_lead,
            closed_at=IN_WEEK,
        )
        still_open = ModerationGroupMeeting(
            meets_on=date(2026, 3, 26), scheduled_by_id=org.qa_lead, scheduled_at=WEEK_BEFORE, themes=["risk_sensible"]
        )
        session.add_all([closed, still_open])
        await session.flush()
        round_id = await add_round(session, title="March audits", due_date=date(2026, 3, 20), created_by_id=None)
        for number in range(6):
            result = AuditResult(riverside, org.practitioner, org.other_manager, WEEK_BEFORE, date(2026, 3, 20), "good")
            outcome = "raised" if number < 2 else "agreed"
            session.add(
                ModerationGroupAudit(
                    meeting_id=closed.id,
                    assignment_id=await add_audit(session, round_id, result),
                    original_grade="good",
                    agreed_grade="outstanding" if outcome == "raised" else "good",
                    outcome=outcome,
                    themes=["child_voice", "analytic_recording"],
                )
            )


async def _riverside_digest(
    services: Services, sessions: async_sessionmaker[AsyncSession], *, observations: int
) -> Digest:
    """Riverside's digest of the week, after seeding with ``observations`` of Riverside's in it."""
    org = await make_org(sessions)
    await _seed(sessions, org, riverside_observations=observations)
    riverside, _ = await _teams(sessions, org)
    return await services.digests.build(Scope("team", "Riverside Locality Team", [riverside]), WEEK)


async def test_a_team_digest_shows_its_celebrated_practice_and_its_observations_themes(
    services: Services, sessions: async_sessionmaker[AsyncSession]
) -> None:
    digest = await _riverside_digest(services, sessions, observations=6)

    assert digest.celebrated == [CLEAN], "the team's nomination of the week; one naming a child is left out"
    seen = digest.observations
    assert (seen.observations, seen.expectations_met, seen.expectations_partly, seen.expectations_not_met) == (
        6,
        6,
        6,
        6,
    )
    assert (seen.strengths, seen.development_points) == (6, 6)
    group = digest.moderation_group
    assert (group.meetings, group.audits_moderated, group.agreed, group.raised, group.lowered) == (1, 6, 4, 2, 0)
    assert group.themes == {"child_voice": 7, "analytic_recording": 6}, "the open meeting is not counted"

    card_text = digest_text(digest, digest_findings(digest))
    assert f"{text.CELEBRATED_TITLE}\n  - {CLEAN}" in card_text
    assert (
        "Moderation group: 1 meeting(s), 6 audits moderated (fewer than 5 agreed, fewer than 5 raised, 0 lowered)"
        in card_text
    )
    assert "themes named most: The child's voice, Analytic recording" in card_text
    assert "Practice observations: 6 held; expectations seen 6, partly 6, not seen 6;" in card_text
    assert "C00001234" not in card_text and "Priya" not in card_text and "Jayden" not in card_text
    card = str(digest_card(digest, digest_findings(digest)))
    assert text.CELEBRATED_TITLE in card and text.SEEN_ELSEWHERE_TITLE in card


async def test_few_observations_are_shown_as_fewer_than_five_and_the_service_sees_every_team(
    services: Services, sessions: async_sessionmaker[AsyncSession]
) -> None:
    team = await _riverside_digest(services, sessions, observations=2)
    assert "Practice observations: fewer than 5 held; expectations seen fewer than 5," in digest_text(
        team, digest_findings(team)
    )

    service = await services.digests.build(Scope("service", "the whole service", None), WEEK)
    assert service.observations.observations == 4
    assert sorted(service.celebrated) == sorted([CLEAN, "Hillside's chronology was clear and useful to the family."])


async def test_a_quiet_week_adds_nothing_to_the_card(
    services: Services, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await make_org(sessions)
    digest = await services.digests.build(Scope("service", "the whole service", None), WEEK)
    assert digest.celebrated == [] and digest.observations.observations == 0 and digest.moderation_group.meetings == 0
    card_text = digest_text(digest, digest_findings(digest))
    assert text.CELEBRATED_TITLE not in card_text and text.SEEN_ELSEWHERE_TITLE not in card_text


async def test_the_qim_report_has_an_observations_sheet_and_the_moderation_group_from_the_digest(
    services: Services, sessions: async_sessionmaker[AsyncSession]
) -> None:
    org = await make_org(sessions)
    await _seed(sessions, org, riverside_observations=6)
    report = await services.digests.quarterly("team", "Riverside Locality Team", "2026Q1", actor=None)
    sheets = {name: rows for name, _, rows in sections(report)}
    observed = dict((row[0], row[1]) for row in sheets[text.SHEET_OBSERVATIONS] if len(row) == 2)
    assert observed[text.OBSERVATIONS_HELD] == 7, "the quarter's observations, the week before's included"
    assert observed[text.OBSERVATIONS_NOT_MET] == 7
    assert report.moderation_group.meetings == 1 and report.moderation_group.raised == 2


async def _selects_of_build(services: Services, engine: AsyncEngine, scope: Scope, period: periods.Period) -> list[str]:
    """The SELECT statements one digest build sends."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        await services.digests.build(scope, period)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
    return [s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]


async def test_the_extras_cost_three_queries(
    services: Services, sessions: async_sessionmaker[AsyncSession], engine: AsyncEngine
) -> None:
    """One query each (the moderation group's meetings and audits in one join), whatever is recorded."""
    org = await make_org(sessions)
    await _seed(sessions, org, riverside_observations=6)
    scope = Scope("service", "the whole service", None)
    quiet = await _selects_of_build(services, engine, scope, periods.week_starting(date(2026, 1, 7), "Europe/London"))
    busy = await _selects_of_build(services, engine, scope, WEEK)
    assert len(quiet) == len(busy), "a week with records sends as many statements as a quiet one"
    sent = " ".join(busy)
    assert sent.count("FROM practice_examples") == 1 and sent.count("FROM practice_observations") == 1
    assert sent.count("FROM moderation_group_meetings") == 1
