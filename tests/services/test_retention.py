"""Retention: the policy file, the report, and the purge against real databases with records
made through the services."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from qop.app import JOBS_KEY, build_retention, create_app
from qop.cli import cli
from qop.settings import Settings
from services.clock import FrozenClock
from services.container import Services
from services.retention import Kind, RetentionFileError, RetentionService, load_policy
from services.retention.job import RETENTION, retention_job
from services.retention.policy import DEFAULT_FILE, Period
from services.scheduling import Firing
from services.teams_data import TeamsUser
from storage.models import (
    AccessLogEntry,
    Action,
    AuditAssignment,
    AuditGrade,
    AuditModeration,
    AuditSubmission,
    CalendarAttendee,
    CalendarOccurrence,
    ClientFeedbackEntry,
    FeedbackLink,
    FeedbackResponse,
    ImprovementMilestone,
    ImprovementPlanChange,
    ImprovementPriority,
    MappingAttendee,
    MappingMeeting,
    PerformanceClinic,
    Person,
    PracticeDay,
    PracticeExample,
    PracticeObservation,
    QimDecision,
    QimDecisionChange,
    QimMeeting,
    RetentionRun,
    SafetyAlert,
    SeniorLeadershipClinic,
    Survey,
    SurveyAnswerMark,
    SurveyRecipient,
    Team,
)
from tests.support.retention import (
    MODERATED_CASE,
    make_feedback,
    make_framework_records,
    make_qim_records,
    make_records,
    years,
)


@pytest.fixture
def services(recorded_services: Services) -> Services:
    """Audits and alerts here send through the recording outbox, not the delivery engine."""
    return recorded_services


def test_the_default_policy_keeps_every_kind_for_a_period_a_council_would_recognise() -> None:
    policy = load_policy()
    assert set(policy.keep) == set(Kind)
    assert str(policy.keep[Kind.AUDITS]) == "6 years"
    assert str(policy.keep[Kind.STAFF_SURVEY_ANSWERS]) == "2 years"
    assert str(policy.keep[Kind.AUDIT_DRAFTS]) == "90 days"
    assert str(policy.keep[Kind.DELIVERY_RECORDS]) == "90 days"
    assert str(policy.keep[Kind.ACCESS_LOG]) == "2 years"
    assert str(policy.keep[Kind.OBSERVATIONS]) == str(policy.keep[Kind.MAPPING_MEETINGS]) == "6 years"
    assert str(policy.keep[Kind.CLIENT_FEEDBACK]) == str(policy.keep[Kind.IMPROVEMENT_PLAN]) == "6 years"
    assert str(policy.keep[Kind.PRACTICE_EXAMPLES]) == "3 years"
    assert str(policy.keep[Kind.PERFORMANCE_CLINICS]) == "2 years"
    assert str(policy.keep[Kind.QIM_MEETINGS]) == str(policy.keep[Kind.QA_CALENDAR]) == "6 years"
    assert (policy.purge_cron, policy.time_zone) == ("30 2 * * *", "Europe/London")


def test_a_period_in_years_counts_calendar_years_and_forever_never_falls_due() -> None:
    leap_day = datetime(2032, 2, 29, 12, tzinfo=UTC)
    assert Period(6, "year").before(leap_day) == datetime(2026, 2, 28, 12, tzinfo=UTC)
    assert Period(3, "month").before(datetime(2026, 5, 31, tzinfo=UTC)) == datetime(2026, 2, 28, tzinfo=UTC)
    assert Period(None).before(leap_day) is None


def test_a_bad_retention_file_names_the_file_line_and_field(tmp_path: Path) -> None:
    good = DEFAULT_FILE.read_text(encoding="utf-8")
    bad = (
        good.replace("audits: 6 years", "audits: 6 yrs")
        .replace("batch_size: 500", "batch_size: 0")
        .replace("  access_log: 2 years", "  acess_log: 2 years")
    )
    file = tmp_path / "retention.yaml"
    file.write_text(bad, encoding="utf-8")
    with pytest.raises(RetentionFileError) as raised:
        load_policy(file)
    line_of = {text.split(":")[0].strip(): number for number, text in enumerate(bad.splitlines(), 1)}
    problems = {(p.line, p.field) for p in raised.value.problems}
    assert (line_of["audits"], "keep.audits") in problems
    assert (line_of["batch_size"], "purge.batch_size") in problems
    assert (line_of["acess_log"], "keep.acess_log") in problems
    assert any(p.field == "keep.access_log" and "missing" in p.message for p in raised.value.problems)
    assert f"{file}:{line_of['audits']}: keep.audits: '6 yrs' is not a period" in str(raised.value)

    file.write_text("keep: [\n", encoding="utf-8")
    with pytest.raises(RetentionFileError, match="not valid YAML"):
        load_policy(file)


def test_the_app_registers_the_nightly_purge_from_the_settings_retention_file(
    settings: Settings, tmp_path: Path
) -> None:
    own = tmp_path / "council-retention.yaml"
    own.write_text(
        DEFAULT_FILE.read_text(encoding="utf-8").replace('cron: "30 2 * * *"', 'cron: "15 3 * * 0"'), encoding="utf-8"
    )
    app = create_app(settings.model_copy(update={"retention_file": own}))
    [job] = [job for job in app[JOBS_KEY] if job.name == RETENTION]
    assert (job.cron, job.time_zone) == ("15 3 * * 0", "Europe/London")

    own.write_text("keep:\n  audits: soon\n", encoding="utf-8")
    with pytest.raises(RetentionFileError):
        create_app(settings.model_copy(update={"retention_file": own}))


async def _count(services: Services, model: type) -> int:
    async with services.sessions() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def test_the_purge_removes_what_is_past_its_date_once_and_logs_counts_not_content(
    services: Services, clock: FrozenClock
) -> None:
    records = await make_records(services)
    retention = build_retention(services, None)
    grades = await _count(services, AuditGrade)
    assert grades > 0 and await _count(services, AuditModeration) > 0

    # 125 days on, both audits' drafts are past 90 days after their round's due date (30 days):
    # the submitted one's (its answers are in the submission) and the one never submitted.
    clock.advance(timedelta(days=125))
    due = {(row.kind, row.records): row.count for row in await retention.report()}
    assert due[(Kind.AUDIT_DRAFTS, "saved drafts")] == 2
    assert due[(Kind.AUDITS, "audits")] == 0

    first = await retention.purge("schedule:2026-05-17T01:30:00+00:00")
    assert first.removed == {"audit_drafts: saved drafts": 2}
    async with services.sessions() as session:
        draft = await session.get_one(AuditAssignment, records.draft_audit)
        assert (draft.draft, draft.draft_saved_at) == ({}, None)
    again = await retention.purge("schedule:2026-05-17T01:30:00+00:00")
    assert again.already_ran and not again.removed

    # Seven years on: the completed audit, its moderation and the closed action are due; the
    # audit still in progress and the open action are not.
    clock.advance(years(7))
    due = {(row.kind, row.records): row for row in await retention.report()}
    assert due[(Kind.AUDITS, "audits")].count == 1
    assert due[(Kind.ACTIONS, "closed actions")].count == 1
    assert due[(Kind.MODERATION, "moderation decisions")].count >= 1
    access = due[(Kind.ACCESS_LOG, "access log entries")]
    assert access.count >= 2 and access.oldest is not None and access.oldest < clock.now().date()

    small_batches = RetentionService(
        sessions=services.sessions, clock=clock, policy=dataclasses.replace(retention.policy, batch_size=1)
    )
    result = await small_batches.purge("schedule:2033-05-17T01:30:00+00:00")
    assert result.removed["audits: audits"] == 1
    assert result.removed["actions: closed actions"] == 1
    assert result.removed["access_log: access log entries"] >= 2, "removed one per batch, all of them"
    async with services.sessions() as session:
        assert await session.get(AuditAssignment, records.moderated_audit) is None
        assert await session.get(AuditAssignment, records.draft_audit) is not None
        assert await session.get(Action, records.open_action) is not None
        assert await session.get(Action, records.done_action) is None
        assert await session.scalar(select(func.count()).select_from(AuditSubmission)) == 0
        [entry] = list(await session.scalars(select(AccessLogEntry)))
        run = await session.scalar(select(RetentionRun).where(RetentionRun.run_key.startswith("schedule:2033")))
    assert await _count(services, AuditGrade) == 0 and await _count(services, AuditModeration) == 0
    assert (entry.action, entry.record_type, entry.record_id) == ("purge", "retention", str(run.id))
    assert entry.detail["removed"] == dict(sorted(result.removed.items())) == run.removed
    assert MODERATED_CASE not in json.dumps(entry.detail) + entry.summary, "counts, never content"
    assert run.finished_at == clock.now()


async def test_two_instances_firing_the_same_purge_remove_everything_once(
    services: Services, clock: FrozenClock
) -> None:
    await make_records(services)
    clock.advance(years(7))
    job = retention_job(build_retention(services, None))
    firing = Firing(job.name, datetime(2033, 1, 12, 2, 30, tzinfo=UTC), clock.now())
    other_instance = retention_job(build_retention(services, None))

    await asyncio.gather(job.run(firing), other_instance.run(firing))

    async with services.sessions() as session:
        runs = list(await session.scalars(select(RetentionRun)))
        purges = list(await session.scalars(select(AccessLogEntry).where(AccessLogEntry.action == "purge")))
    assert [run.run_key for run in runs] == [f"schedule:{firing.scheduled_for.isoformat()}"]
    assert len(purges) == 1 and purges[0].detail["removed"]["audits: audits"] == 1


def test_qop_retention_report_and_purge_from_the_command_line(
    database_url: str, engine, settings: Settings, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DBOS_SYSTEM_DATABASE_URL", settings.dbos_system_database_url)
    monkeypatch.setenv("DBOS_SYSTEM_SCHEMA", settings.dbos_system_schema)
    monkeypatch.setenv("COLUMNS", "200")
    report = CliRunner().invoke(cli, ["retention", "report"])
    assert report.exit_code == 0, report.output
    assert "audit_drafts" in report.output and "90 days" in report.output

    dry = CliRunner().invoke(cli, ["retention", "purge", "--dry-run"])
    assert dry.exit_code == 0 and "due now" in dry.output
    done = CliRunner().invoke(cli, ["retention", "purge"])
    assert done.exit_code == 0, done.output
    assert "Nothing was due." in done.output

    bad = tmp_path / "bad.yaml"
    monkeypatch.setenv("RETENTION_FILE", str(bad))
    bad.write_text("keep:\n  audits: soon\n", encoding="utf-8")
    refused = CliRunner().invoke(cli, ["retention", "report"])
    assert refused.exit_code == 2 and "keep.audits" in refused.output


async def test_feedback_surveys_and_alerts_go_each_after_their_own_period(
    services: Services, clock: FrozenClock
) -> None:
    feedback = await make_feedback(services, await make_records(services))
    retention = build_retention(services, None)

    # 50 days on, the unused link expired (after 14 days) more than 30 days ago; the used one
    # stays while its answers do.
    clock.advance(timedelta(days=50))
    result = await retention.purge()
    assert result.removed["feedback_links: feedback links"] == 1
    assert await _count(services, FeedbackLink) == 1

    # Three years on: the survey (closed 2 years ago and more) goes with its answers, marks and
    # recipients; the parent's answers go, and then their link; the child's answers stay while
    # the safety alert they raised is kept.
    clock.advance(years(3))
    result = await retention.purge()
    assert result.removed["staff_survey_answers: surveys (answers, marks, recipients)"] == 1
    assert result.removed["family_feedback: family feedback responses"] == 1
    assert result.removed["feedback_links: feedback links"] == 1
    async with services.sessions() as session:
        assert await session.get(Survey, feedback.survey_id) is None
        for model in (SurveyRecipient, SurveyAnswerMark, FeedbackLink):
            assert await session.scalar(select(func.count()).select_from(model)) == 0, model
        [kept] = list(await session.scalars(select(FeedbackResponse)))
    assert kept.case_reference == feedback.alert_case

    clock.advance(years(4))
    result = await retention.purge()
    assert result.removed["safety_alerts: safety alerts"] == 1
    assert result.removed["family_feedback: family feedback responses"] == 1
    assert await _count(services, FeedbackResponse) == 0 and await _count(services, SafetyAlert) == 0


async def test_the_purge_removes_observations_mapping_feedback_examples_and_closed_priorities(
    services: Services, clock: FrozenClock
) -> None:
    from tests.services.test_improvement_plan import VOICE

    await make_framework_records(services, clock)
    qa_head = TeamsUser("29:user-6")
    async with services.sessions() as session:
        withdrawn = await session.scalar(select(ImprovementPriority.id))
    still_active = dataclasses.replace(VOICE, title="Plans are written with families", milestone="", milestone_due=None)
    await services.improvement.save(qa_head, still_active)
    withdraw = dataclasses.replace(VOICE, status="withdrawn", milestone="", milestone_due=None)
    await services.improvement.save(qa_head, withdraw, priority_id=withdrawn)
    retention = build_retention(services, None)

    # Four years on only the practice example (3 years) is due.
    clock.advance(years(4))
    due = {(row.kind, row.records): row.count for row in await retention.report()}
    assert due[(Kind.PRACTICE_EXAMPLES, "practice examples")] == 1
    assert due[(Kind.OBSERVATIONS, "practice observations")] == 0
    assert due[(Kind.IMPROVEMENT_PLAN, "closed improvement priorities (milestones, history)")] == 0
    first = await retention.purge()
    assert first.removed["practice_examples: practice examples"] == 1
    assert await _count(services, PracticeExample) == 0 and await _count(services, PracticeObservation) == 1

    # Seven years on the rest is due; the active priority and its history stay.
    clock.advance(years(3))
    result = await retention.purge()
    assert result.removed["observations: practice observations"] == 1
    assert result.removed["mapping_meetings: mapping meetings (with attendees)"] == 1
    assert result.removed["client_feedback: compliments and complaints"] == 1
    assert result.removed["improvement_plan: closed improvement priorities (milestones, history)"] == 1
    for model in (PracticeObservation, MappingMeeting, MappingAttendee, ClientFeedbackEntry, ImprovementMilestone):
        assert await _count(services, model) == 0, model
    async with services.sessions() as session:
        [kept] = list(await session.scalars(select(ImprovementPriority)))
        changes = list(await session.scalars(select(ImprovementPlanChange.priority_id)))
    assert kept.title == still_active.title and kept.status == "active"
    assert changes == [kept.id], "the withdrawn priority's history went with it"


async def test_clinic_packs_go_two_years_after_their_month_and_not_before(
    services: Services, clock: FrozenClock
) -> None:
    from tests.support.clinic import seeded, teams_id
    from tests.support.dashboard import QA_LEAD, TEAM_MANAGER

    await seeded(services)
    await services.clinics.pack_for(teams_id(TEAM_MANAGER))  # January 2026's pack
    await services.senior_clinics.pack_for(teams_id(QA_LEAD))  # and the service's
    retention = build_retention(services, None)

    clock.set(datetime(2027, 12, 31, 12, tzinfo=UTC))
    assert (await retention.purge()).removed["performance_clinics: performance clinic packs"] == 0
    assert await _count(services, PerformanceClinic) == 1

    clock.set(datetime(2028, 1, 2, 12, tzinfo=UTC))
    result = await retention.purge()
    assert result.removed["performance_clinics: performance clinic packs"] == 1
    assert result.removed["performance_clinics: senior leadership clinic packs"] == 1
    assert await _count(services, PerformanceClinic) == 0
    assert await _count(services, SeniorLeadershipClinic) == 0


QIM_AND_CALENDAR = (QimMeeting, QimDecision, QimDecisionChange, CalendarOccurrence, CalendarAttendee)


async def test_qim_meetings_and_calendar_records_go_with_their_children_six_years_on(
    services: Services, clock: FrozenClock
) -> None:
    org = await make_framework_records(services, clock)  # a supervision held on 10 March 2026
    await make_qim_records(services, clock, org)  # the QIM of 28 April 2026, a decision changed once
    retention = build_retention(services, None)

    clock.set(datetime(2032, 3, 9, 12, tzinfo=UTC))
    due = {(row.kind, row.records): row.count for row in await retention.report()}
    assert due[(Kind.QA_CALENDAR, "QA calendar records (attendees, findings)")] == 0
    assert due[(Kind.QIM_MEETINGS, "QIM meetings (decisions, their changes)")] == 0
    await retention.purge()
    for model in QIM_AND_CALENDAR:
        assert await _count(services, model) >= 1, model

    clock.set(datetime(2032, 3, 11, 12, tzinfo=UTC))
    result = await retention.purge()
    assert result.removed["qa_calendar: QA calendar records (attendees, findings)"] == 1
    assert result.removed["qim_meetings: QIM meetings (decisions, their changes)"] == 0
    assert await _count(services, CalendarAttendee) == 0 and await _count(services, QimDecision) == 1

    clock.set(datetime(2032, 4, 29, 12, tzinfo=UTC))
    result = await retention.purge()
    assert result.removed["qim_meetings: QIM meetings (decisions, their changes)"] == 1
    for model in QIM_AND_CALENDAR:
        assert await _count(services, model) == 0, model


async def test_a_practice_day_s_calendar_record_stays_while_the_practice_day_does(
    services: Services, clock: FrozenClock
) -> None:
    org = await make_framework_records(services, clock)
    async with services.sessions() as session, session.begin():
        occurrence = await session.scalar(select(CalendarOccurrence))
        area = await session.scalar(select(Person.team_id).where(Person.id == org.manager))
        assert occurrence is not None and area is not None
        session.add(
            PracticeDay(
                service_area_id=(await session.get_one(Team, area)).service_area_id,
                held_on=occurrence.held_on,
                template_id="standard-collaborative-audit",
                template_version=2,
                status="closed",
                closed_at=clock.now(),
                calendar_occurrence_id=occurrence.id,
            )
        )
    short_calendar = dict(load_policy().keep) | {Kind.QA_CALENDAR: Period(1, "year")}
    retention = RetentionService(
        sessions=services.sessions,
        clock=clock,
        policy=dataclasses.replace(build_retention(services, None).policy, keep=short_calendar),
    )

    clock.advance(years(2))
    assert (await retention.purge()).removed["qa_calendar: QA calendar records (attendees, findings)"] == 0
    assert await _count(services, CalendarOccurrence) == 1

    clock.advance(years(5))  # the practice day (6 years, with the audits) goes first, then its record
    result = await retention.purge()
    assert result.removed["audits: practice days (with their cases and pairs)"] == 1
    assert result.removed["qa_calendar: QA calendar records (attendees, findings)"] == 1
    assert await _count(services, PracticeDay) == 0 and await _count(services, CalendarOccurrence) == 0
