"""Fill a scratch PostgreSQL database with a realistic year for a large authority and measure the digest.

    .venv/bin/python -m bench.digest [--feedback 115000] [--audits 3600] [--repeat 21]

Prints, measured in the same run: the stored answers, the digest build time (service-wide and one
team; SQL + building + the card) against the bare SQL the build sends (the same statements
replayed straight on psycopg's async connection, as the app's driver runs them: no SQLAlchemy,
no Python after the fetch), their ratio (goal <= 1.5x; the median of ``--repeat`` paired runs,
with the middle half of the pairs' ratios to show how steady it was),
the absolute time (goal < 2 s) and peak Python memory while building (goal < 200 MB). The scratch
database is dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import statistics
import time
import tracemalloc
import uuid
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import psycopg
from sqlalchemy import event

from cards.digest import digest_card
from qop.app import build_services
from qop.settings import Settings
from services.clock import FrozenClock
from services.digest.builder import Scope
from services.digest.findings import digest_findings
from storage import migrate
from storage.db import create_engine
from tests.support.databases import scratch_postgres_database
from views.digest import Digest
from views.moderation_group import THEMES as MODERATION_GROUP_THEMES
from views.periods import last_complete_week

YEAR_START = datetime(2025, 11, 3, tzinfo=UTC)
NOW = datetime(2026, 10, 26, 8, 5, tzinfo=UTC)  # Monday 26 October 2026, 08:05 GMT: after the clocks went back
GRADES = ["outstanding", "good", "requires_improvement", "inadequate"]
GRADE_WEIGHTS = [8, 42, 38, 12]
STAGES = ["contact_referral", "basic_information", "assessment", "planning", "review", "management_oversight"]
THEMES = [
    "risk_sensible",
    "child_voice_clear",
    "family_collaboration",
    "recording_analytic",
    "language_respectful",
    "knowledge_applied",
    "family_feedback_sought",
]
AGREE = ["strongly_agree", "agree", "neither", "disagree", "strongly_disagree", "dont_know"]
AGREE_WEIGHTS = [25, 40, 15, 10, 5, 5]
FEEDBACK_TEMPLATES = {
    "family-parent-carer": [
        "understood_why",
        "worries_explained",
        "strengths_recognised",
        "helped_make_plan",
        "know_what_happens",
    ],
    "staff-pulse": [
        "workload_safe",
        "supervision_helps",
        "feel_valued",
        "learning_time",
        "manager_available",
        "consulted",
        "improves_safety",
    ],
    "partner-agency": ["outcome_told", "decision_explained", "invited", "role_clear", "satisfied"],
}
SCALE = {"family-parent-carer": "where_now", "staff-pulse": "overall", "partner-agency": None}
WELL = [
    "The worker knew the family well and the plan was written with them.",
    "The child's views were recorded in their own words throughout.",
    "Clear management oversight with reasons for each decision.",
    "The safety plan was shared with the family network and reviewed.",
]
OBSERVED_SETTINGS = ["home_visit", "family_meeting", "multi_agency_meeting", "direct_work", "other"]
OBSERVED_EXPECTATIONS = [
    "risk_sensible",
    "child_voice",
    "working_with_family",
    "simple_language",
    "signs_of_safety",
    "knowledge_used",
]
MODERATION_THEMES = list(MODERATION_GROUP_THEMES)
MEASURED_WEEK_MEETING = datetime(2026, 10, 21, tzinfo=UTC)  # the Wednesday of the week the digest covers


def moment(rng: random.Random) -> datetime:
    return YEAR_START + timedelta(seconds=rng.randrange(0, 358 * 24 * 3600))


def fill(dsn: str, *, audits: int, feedback: int, seed: int = 7) -> int:
    """Insert the year with COPY; returns the number of stored answers (JSON keys)."""
    rng = random.Random(seed)
    answers = 0
    with psycopg.connect(dsn, autocommit=False) as db, db.cursor() as cur:
        cur.execute(
            "INSERT INTO service_areas (name, active, created_at, updated_at) SELECT 'Area ' || g, true, now(), now() FROM generate_series(1, 6) g"
        )
        cur.execute(
            "INSERT INTO teams (name, service_area_id, active, created_at, updated_at) SELECT 'Team ' || g, (SELECT min(id) FROM service_areas) + (g % 6), true, now(), now() FROM generate_series(1, 60) g"
        )
        team_ids = [r[0] for r in cur.execute("SELECT id FROM teams ORDER BY id").fetchall()]
        with cur.copy(
            "COPY people (email, display_name, team_id, in_organisation, active, created_at, updated_at) FROM STDIN"
        ) as copy:
            for number in range(3000):
                copy.write_row(
                    (
                        f"person{number}@example.gov.uk",
                        f"Person {number}",
                        team_ids[number % 60],
                        True,
                        True,
                        YEAR_START,
                        YEAR_START,
                    )
                )
        people = [r for r in cur.execute("SELECT id, team_id FROM people ORDER BY id").fetchall()]
        cur.execute(
            "INSERT INTO audit_rounds (template_id, template_version, title, due_date, source, created_at) VALUES ('standard-collaborative-audit', 1, 'Year', '2026-10-31', 'sampling', now()) RETURNING id"
        )
        round_id = cur.fetchone()[0]
        with cur.copy(
            "COPY audit_assignments (round_id, case_ref, team_id, practitioner_id, auditor_id, status, due_date, draft, draft_page, reflection_draft, created_at, updated_at) FROM STDIN"
        ) as copy:
            for number in range(audits):
                person_id, team_id = people[rng.randrange(len(people))]
                when = moment(rng)
                done = rng.random() < 0.9
                status = "completed" if done else "assigned"
                copy.write_row(
                    (
                        round_id,
                        f"C{number:08d}",
                        team_id,
                        person_id,
                        people[rng.randrange(len(people))][0],
                        status,
                        (when + timedelta(days=rng.randrange(-5, 5))).date(),
                        "{}",
                        0,
                        "{}",
                        when,
                        when,
                    )
                )
        assignments = cur.execute(
            "SELECT id, created_at FROM audit_assignments WHERE status = 'completed' ORDER BY id"
        ).fetchall()
        with cur.copy(
            "COPY audit_submissions (assignment_id, idempotency_key, template_id, template_version, answers, overall_grade, submitted_by_id, submitted_at, moderation_selected) FROM STDIN"
        ) as copy:
            for assignment_id, when in assignments:
                stage_grades = {f"{s}_grade": rng.choices(GRADES, GRADE_WEIGHTS)[0] for s in STAGES}
                body = {**stage_grades, **{t: rng.choice(["yes", "yes", "partly", "no"]) for t in THEMES}}
                body |= {f"q{n}": rng.choice(["yes", "partly", "no", "not_applicable"]) for n in range(18)}
                body |= {
                    "working_well": rng.choice(WELL),
                    "worries": "Drift in the plan.",
                    "needs_to_happen": "Review the plan.",
                    "auditor_scale": rng.randrange(0, 11),
                }
                overall = rng.choices(GRADES, GRADE_WEIGHTS)[0]
                body["overall_grade"] = overall
                answers += len(body)
                copy.write_row(
                    (
                        assignment_id,
                        uuid.uuid4().hex,
                        "standard-collaborative-audit",
                        1,
                        json.dumps(body),
                        overall,
                        people[0][0],
                        when + timedelta(days=3),
                        rng.random() < 0.1,
                    )
                )
        cur.execute(
            "INSERT INTO audit_grades (submission_id, section_id, question_id, is_overall, grade) "
            "SELECT s.id, k.section, k.question, k.section = 'overall', s.answers ->> k.question FROM audit_submissions s "
            "CROSS JOIN (VALUES "
            + ", ".join(f"('{x}', '{x}_grade')" for x in STAGES)
            + ", ('overall', 'overall_grade')) AS k(section, question)"
        )
        cur.execute(
            "INSERT INTO audit_moderations (grade_id, original_grade, moderated_grade, outcome, moderator_id, moderated_at) "
            "SELECT g.id, g.grade, CASE WHEN g.id %% 3 = 0 THEN 'requires_improvement' ELSE g.grade END, "
            "CASE WHEN g.id %% 3 = 0 AND g.grade <> 'requires_improvement' THEN 'lowered' ELSE 'agreed' END, %s, s.submitted_at + interval '2 days' "
            "FROM audit_grades g JOIN audit_submissions s ON s.id = g.submission_id WHERE g.is_overall AND s.moderation_selected",
            (people[1][0],),
        )
        with cur.copy(
            "COPY feedback_responses (id, template_key, template_version, worker_id, group_team_id, channel, answers, submitted_at) FROM STDIN"
        ) as copy:
            templates = list(FEEDBACK_TEMPLATES)
            for _ in range(feedback):
                template = rng.choices(templates, [5, 4, 1])[0]
                person_id, team_id = people[rng.randrange(len(people))]
                body = {q: rng.choices(AGREE, AGREE_WEIGHTS)[0] for q in FEEDBACK_TEMPLATES[template]}
                if SCALE[template]:
                    body[SCALE[template]] = rng.randrange(0, 11)
                body["comments"] = "Thank you for listening to us." if rng.random() < 0.3 else ""
                answers += len(body)
                staff = template == "staff-pulse"
                copy.write_row(
                    (
                        uuid.uuid4().hex,
                        template,
                        1,
                        None if staff else person_id,
                        team_id if staff else None,
                        "teams" if staff else "link",
                        json.dumps(body),
                        moment(rng),
                    )
                )
        with cur.copy(
            "COPY actions (source, description, owner_id, due_date, status, completed_at, impact_answer, impact_reviewed_at, impact_more_asked, created_at, updated_at) FROM STDIN"
        ) as copy:
            for _ in range(audits * 2):
                person_id, _team = people[rng.randrange(len(people))]
                created = moment(rng)
                due = (created + timedelta(days=rng.randrange(7, 60))).date()
                done = rng.random() < 0.7
                completed = created + timedelta(days=rng.randrange(3, 70)) if done else None
                impact = "The child now has a plan they helped write." if done and rng.random() < 0.5 else None
                copy.write_row(
                    (
                        "audit",
                        "Update the plan with the family",
                        person_id,
                        due,
                        "done" if done else "open",
                        completed,
                        impact,
                        completed if impact else None,
                        False,
                        created,
                        created,
                    )
                )
        _fill_other_features(cur, rng, people, [a for a, _ in assignments])
        db.commit()
        cur.execute("ANALYZE")
    return answers


def _fill_other_features(cur: psycopg.Cursor, rng: random.Random, people: list, completed: list[int]) -> None:  # type: ignore[type-arg]
    """The year's practice nominated to celebrate (20 per team), practice observations (two per
    team a month) and moderation group meetings (bi-monthly, ten audits each, one of them in the
    measured week): the digest's three reads of what other features record."""
    with cur.copy(
        "COPY practice_examples (team_id, source, source_ref, description, nominated_by_id, created_at) FROM STDIN"
    ) as copy:
        for _ in range(20 * 60):
            person_id, team_id = people[rng.randrange(len(people))]
            source = rng.choice(["audit", "observation"])
            ref = str(rng.choice(completed)) if source == "audit" else None
            copy.write_row((team_id, source, ref, rng.choice(WELL), person_id, moment(rng)))
    with cur.copy(
        "COPY practice_observations (template_id, template_version, case_ref, practitioner_id, observer_id, team_id, "
        "observed_on, practitioner_consented, family_consented, answers, recorded_at, reflection_draft, submission_key) "
        "FROM STDIN"
    ) as copy:
        for number in range(2 * 12 * 60):
            person_id, team_id = people[rng.randrange(len(people))]
            when = moment(rng)
            body = {"setting": rng.choice(OBSERVED_SETTINGS), "observed_on": when.date().isoformat()}
            body |= {q: rng.choice(["yes", "yes", "partly", "no", "na"]) for q in OBSERVED_EXPECTATIONS}
            body |= {"what_was_seen": rng.choice(WELL), "strength_1": rng.choice(WELL), "development_1": "Say why."}
            observer = people[rng.randrange(len(people))][0]
            row = (f"O{number:08d}", person_id, observer, team_id, when.date(), True, True, json.dumps(body), when)
            copy.write_row(("practice-observation", 1, *row, "{}", uuid.uuid4().hex))
    moderated = rng.sample(completed, 6 * 10)  # a group moderates each audit once
    for meeting in range(6):
        meets_on = (MEASURED_WEEK_MEETING - timedelta(weeks=8 * meeting)).date()
        held = datetime.combine(meets_on, datetime.min.time(), UTC) + timedelta(hours=15)
        themes = json.dumps(rng.sample(MODERATION_THEMES, 3))
        meeting_id = cur.execute(
            "INSERT INTO moderation_group_meetings (meets_on, cadence_months, scheduled_by_id, scheduled_at, themes, "
            "closed_by_id, closed_at) VALUES (%s, 2, %s, %s, %s, %s, %s) RETURNING id",
            (meets_on, people[2][0], held - timedelta(days=30), themes, people[2][0], held),
        ).fetchone()[0]  # type: ignore[index]
        for assignment_id in moderated[meeting * 10 : meeting * 10 + 10]:
            original, agreed = rng.choices(GRADES, GRADE_WEIGHTS, k=2)
            outcome = (
                "agreed"
                if original == agreed
                else ("raised" if GRADES.index(agreed) < GRADES.index(original) else "lowered")
            )
            cur.execute(
                "INSERT INTO moderation_group_audits (meeting_id, assignment_id, original_grade, agreed_grade, outcome, "
                "themes, learning, recorded_by_id, recorded_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (
                    meeting_id,
                    assignment_id,
                    original,
                    agreed,
                    outcome,
                    themes,
                    "Record the child's words.",
                    people[2][0],
                    held,
                ),
            )


async def capture_statements(services, scope: Scope, period) -> list[tuple[str, object]]:  # type: ignore[no-untyped-def]
    """The SQL one digest build sends, with its parameters, to replay without SQLAlchemy."""
    engine = services.sessions.kw["bind"].sync_engine
    statements: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        await services.digests.build(scope, period)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return [(s, p) for s, p in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]


async def measure(url: str, dsn: str, repeat: int) -> None:
    settings = Settings(database_url=url, _env_file=None)
    engine = create_engine(url)
    services = build_services(settings, engine, clock=FrozenClock(NOW))
    period = last_complete_week(NOW, settings.timezone)
    scopes = [Scope("service", "the whole service", None), Scope("team", "Team 1", [await _first_team(services)])]
    print(
        f"period: {period.label} ({period.key}), {period.start_utc:%Y-%m-%d %H:%M} to {period.end_utc:%Y-%m-%d %H:%M} UTC"
    )
    print("load average (1, 5, 15 min) at the start: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    for scope in scopes:
        await services.digests.build(scope, period)  # warm the pool and the plans
        statements = await capture_statements(services, scope, period)
        bare_times, build_times = [], []
        # The bare SQL runs on the same driver the app uses (psycopg, async): what remains of the
        # ratio is what qop adds (building queries, SQLAlchemy, the digest and the card). Each
        # repeat times both, in alternating order, so a burst of load from elsewhere on the
        # machine hits a pair rather than one side; the ratio is the median of the pairs' ratios.
        async with await psycopg.AsyncConnection.connect(dsn) as db:
            bare = partial(_replay, db, statements)
            build = partial(_build_card, services, scope, period)
            for _ in range(3):  # warm both sides: psycopg prepares a statement on its fifth run
                await bare()
                await build()
            sides = [(bare, bare_times), (build, build_times)]
            for number in range(repeat):
                for work, times in sides if number % 2 == 0 else reversed(sides):
                    start = time.perf_counter()
                    await work()
                    times.append(time.perf_counter() - start)
        tracemalloc.start()
        _digest_card(await services.digests.build(scope, period))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        ratios = sorted(b / a for a, b in zip(bare_times, build_times, strict=True))
        quartiles = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else [ratios[0]] * 3
        bare_ms, built_ms = statistics.median(bare_times) * 1000, statistics.median(build_times) * 1000
        print(
            f"{scope.kind:8} {len(statements):3} queries  bare SQL {bare_ms:7.1f} ms  digest build {built_ms:7.1f} ms  "
            f"ratio {statistics.median(ratios):4.2f}x (middle half {quartiles[0]:4.2f}-{quartiles[2]:4.2f}; "
            f"goal <= 1.5x)  absolute {'OK' if built_ms < 2000 else 'SLOW'} (< 2 s)  "
            f"peak Python memory {peak / 2**20:5.1f} MB (goal < 200 MB)"
        )
    print("load average (1, 5, 15 min) at the end: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    await engine.dispose()


async def _replay(db: psycopg.AsyncConnection, statements: list[tuple[str, object]]) -> None:
    for statement, parameters in statements:
        await (await db.execute(statement, parameters)).fetchall()  # type: ignore[arg-type]


async def _build_card(services, scope: Scope, period) -> None:  # type: ignore[no-untyped-def]
    _digest_card(await services.digests.build(scope, period))


async def _first_team(services) -> int:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from storage.models import Team

    async with services.sessions() as session:
        return int(await session.scalar(select(func.min(Team.id))))


def _digest_card(digest: Digest) -> dict[str, Any]:
    return digest_card(digest, digest_findings(digest))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--audits", type=int, default=3600)
    parser.add_argument("--feedback", type=int, default=115_000)
    parser.add_argument("--repeat", type=int, default=21)
    options = parser.parse_args()
    with scratch_postgres_database("qop_bench") as url:
        migrate.upgrade(url)
        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        start = time.perf_counter()
        answers = fill(dsn, audits=options.audits, feedback=options.feedback)
        print(
            f"stored answers: {answers:,} (audits {options.audits:,}, feedback responses {options.feedback:,}); filled in {time.perf_counter() - start:.1f} s"
        )
        asyncio.run(measure(url, dsn, options.repeat))
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of the whole process (filling included): {peak_rss:.0f} MB")


if __name__ == "__main__":
    main()
