"""The audit service against real databases: rounds, sampling, moderation rule, idempotent submission."""

from __future__ import annotations

import asyncio
import random
from datetime import date

from sqlalchemy import delete, func, select
from typer.testing import CliRunner

from cards import text_audits
from qop.app import build_services
from qop.cli import cli
from qop.settings import Settings
from services.audits.moderation import ModerationRule, outcome_of
from services.audits.parts import Audits
from services.container import Services
from services.templates import TemplateLibrary
from storage.db import create_engine
from storage.models import (
    AccessLogEntry,
    AuditAssignment,
    AuditGrade,
    AuditSubmission,
    Delivery,
    Role,
    RoleAssignment,
)
from tests.support.audits import (
    card_text,
    family_declined,
    make_audit_org,
    only_the_auditor_moderates,
    send_reflection,
    valid_answers,
)
from tests.support.outbox import RecordingOutbox
from views.audits import ModerationForm, SubmittedAudit, Task

LIBRARY = TemplateLibrary.from_folder()
STANDARD = LIBRARY.get("standard-collaborative-audit")
HEADER = "case_ref,team,practitioner,auditor\n"
PRIYA, OMAR, MAYA = "priya@council.example.gov.uk", "omar@council.example.gov.uk", "maya@council.example.gov.uk"
MORGAN = "morgan@council.example.gov.uk"
AUDITOR, QA_LEAD, MODERATOR = "29:user-4", "29:user-6", "29:user-7"


def test_the_default_rule_takes_every_inadequate_and_outstanding_and_a_tenth_of_the_rest() -> None:
    scale = STANDARD.overall_grade_question.grade_scale
    rule = ModerationRule(rng=random.Random(4))
    assert rule.reason_to_moderate([("good", scale), ("inadequate", scale)]) == "grade"
    assert rule.reason_to_moderate([("outstanding", scale)]) == "grade"
    sampled = sum(
        rule.reason_to_moderate([("good", scale), ("requires_improvement", scale)]) == "sample" for _ in range(2000)
    )
    assert 160 <= sampled <= 240, sampled
    never = ModerationRule(frozenset({"inadequate"}), 0.0, random.Random(1))
    assert never.reason_to_moderate([("outstanding", scale), ("good", scale)]) is None
    outcomes = [outcome_of("good", g, scale) for g in ("good", "outstanding", "inadequate")]
    assert outcomes == ["agreed", "raised", "lowered"]


async def test_a_csv_round_reports_each_bad_row_and_starts_the_good_ones(services: Services, sessions) -> None:  # type: ignore[no-untyped-def]
    await make_audit_org(sessions)
    rows = [
        f"LCS100001,Riverside Locality Team,{PRIYA},{OMAR}",
        f"lcs 100002,riverside locality team,{PRIYA},{OMAR}",
        f"LCS100001,Riverside Locality Team,{PRIYA},{OMAR}",
        f"12,Riverside Locality Team,{PRIYA},{OMAR}",
        f"LCS100003,Riverbank Team,{PRIYA},{OMAR}",
        f"LCS100004,Riverside Locality Team,nobody@council.example.gov.uk,{OMAR}",
        f"LCS100005,Riverside Locality Team,{PRIYA},{PRIYA}",
        "",
    ]
    report = await services.audits.rounds.start_round_from_csv(
        template_id=STANDARD.id, due_date=date(2026, 2, 13), csv_text=HEADER + "\n".join(rows), actor_id=None
    )
    assert len(report.created) == 2
    assert [(p.row, p.reason) for p in report.problems] == [
        (4, "LCS100001 is already in this round."),
        (5, "12 is not a case reference in the expected format."),
        (6, "no team called Riverbank Team."),
        (7, "no active person with the e-mail nobody@council.example.gov.uk (the practitioner)."),
        (8, "the auditor and the practitioner are the same person."),
    ]
    async with sessions() as session:
        refs = sorted(await session.scalars(select(AuditAssignment.case_ref)))
    assert refs == ["LCS100001", "LCS100002"]

    bad_header = await services.audits.rounds.start_round_from_csv(
        template_id=STANDARD.id, due_date=date(2026, 2, 13), csv_text="case,who\nLCS1,x\n", actor_id=None
    )
    assert bad_header.round_id is None and bad_header.problems[0].row == 1


async def test_sampling_takes_n_per_manager_and_skips_cases_audited_in_the_last_year(
    services: Services, sessions
) -> None:  # type: ignore[no-untyped-def]
    await make_audit_org(sessions)
    first = await services.audits.rounds.start_round_from_csv(
        template_id=STANDARD.id,
        due_date=date(2026, 2, 13),
        csv_text=HEADER + f"LCS200001,Riverside Locality Team,{PRIYA},{OMAR}\n",
        actor_id=None,
    )
    assert first.created
    open_cases = (
        "case_ref,team,practitioner\n"
        + "".join(f"LCS20000{n},Riverside Locality Team,{PRIYA}\n" for n in range(1, 5))
        + "LCS300001,Hillside Children in Care Team,olivia@council.example.gov.uk\nLCS999999,Unknown Team,x@y.z\n"
    )
    audits = services.audits
    audits.rounds.rng = random.Random(7)  # the sampler's randomness, fixed for this test
    report = await audits.rounds.start_sampled_round(
        template_id="themed-voice-of-the-child",
        due_date=date(2026, 3, 13),
        open_cases_csv=open_cases,
        per_manager=2,
        actor_id=None,
    )
    async with sessions() as session:
        sampled = list(await session.scalars(select(AuditAssignment).where(AuditAssignment.id.in_(report.created))))
    riverside = [a for a in sampled if a.case_ref.startswith("LCS2")]
    assert len(riverside) == 2 and "LCS200001" not in {a.case_ref for a in riverside}
    assert [a.case_ref for a in sampled if a.case_ref.startswith("LCS3")] == ["LCS300001"]
    managers = {a.case_ref: a.auditor_id for a in sampled}
    assert len(set(managers.values())) == 2, "each team's manager audits their own sample"


async def _complete_draft(audits: Audits, auditor: str, assignment_id: int, today: date) -> None:
    for page, section in enumerate(STANDARD.sections):
        grade = "outstanding" if page == 2 else "good"
        data = valid_answers(section, today, grade=grade)
        await audits.answering.save_page(auditor, assignment_id, page=page, data=data, move="next")
    await family_declined(audits, auditor, assignment_id)


async def _answered_audit(services: Services) -> int:
    """A round of one audit, LCS100001 by Omar, every page answered (an Outstanding stage, so
    always moderated) but not submitted."""
    report = await services.audits.rounds.start_round_from_csv(
        template_id=STANDARD.id,
        due_date=date(2026, 2, 13),
        csv_text=HEADER + f"LCS100001,Riverside Locality Team,{PRIYA},{OMAR}\n",
        actor_id=None,
    )
    [assignment_id] = report.created
    await _complete_draft(services.audits, AUDITOR, assignment_id, services.clock.now().date())
    await send_reflection(services.audits, assignment_id)
    return assignment_id


async def test_two_submits_at_once_store_one_submission(services: Services, sessions) -> None:  # type: ignore[no-untyped-def]
    await make_audit_org(sessions)
    assignment_id = await _answered_audit(services)

    results = await asyncio.gather(
        *(
            services.audits.submission.submit(
                AUDITOR, assignment_id, data={}, idempotency_key=f"audit-{assignment_id}-x"
            )
            for _ in range(3)
        )
    )
    assert all(isinstance(r, SubmittedAudit) for r in results)
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(AuditSubmission)) == 1
        assert await session.scalar(select(func.count()).select_from(AuditGrade)) == 7
        submission = await session.scalar(select(AuditSubmission))
    assert submission.moderation_reason == "grade", "an Outstanding stage always goes to a moderator"

    # A late retry after the audit moved on still answers with the stored audit, not an error.
    later = await services.audits.submission.submit(
        AUDITOR, assignment_id, data={"overall_grade": "inadequate"}, idempotency_key="k2"
    )
    assert later.answers["overall_grade"] == "good"
    assert later.submitted_at == services.clock.now()


async def _submitted_for_moderation(services: Services) -> int:
    """An audit of LCS100001 by Omar with an Outstanding stage (always moderated), submitted."""
    assignment_id = await _answered_audit(services)
    result = await services.audits.submission.submit(AUDITOR, assignment_id, data={}, idempotency_key="k")
    assert isinstance(result, SubmittedAudit) and result.moderation == "awaiting moderation"
    return assignment_id


def moderation_cards(outbox: RecordingOutbox) -> list[tuple[int, str]]:
    return outbox.keys("-moderate")


async def test_an_audit_nobody_independent_can_moderate_tells_the_qa_lead_and_goes_to_the_first_moderator_once(
    recorded_services: Services, outbox: RecordingOutbox, sessions, settings: Settings
) -> None:  # type: ignore[no-untyped-def]
    services, notifier = recorded_services, outbox
    audit_org = await make_audit_org(sessions)
    await only_the_auditor_moderates(sessions, audit_org)
    audit_id = await _submitted_for_moderation(services)

    async with sessions() as session:
        stored = await session.get(AuditAssignment, audit_id)
    assert (stored.status, stored.moderator_id) == ("moderation", None), "the auditor never moderates their own"
    [(told, card, key)] = [sent for sent in notifier.sent if "-no-moderator-" in sent[2]]
    assert told == audit_org.auditor, "every QA lead is told, even the one who carried out the audit"
    text = card_text(card)
    assert "No moderator for the audit of case LCS100001" in text
    assert "always moderated: Outstanding." in text
    assert "admin roles" in text and "python -m qop org role add EMAIL moderator" in text
    assert moderation_cards(notifier) == []
    assert not [t for t in await services.audits.tasks.my_tasks(AUDITOR) if t.kind == "moderation"]

    # The pass finds nobody yet: the audit stays unassigned and the QA lead is not told anew.
    assert await services.audits.moderation.assign_waiting_moderation() == []
    assert {key for _, _, key in notifier.sent if "-no-moderator-" in key} == {key}
    assert moderation_cards(notifier) == []

    # Morgan, independent of the audit, becomes a moderator (as `qop org role add` does).
    await services.organisation.change_role(actor=None, email=MORGAN, role="moderator", add=True)
    assert await services.audits.tasks.my_tasks(MODERATOR) == [], "nothing is hers until the pass runs"

    # Two instances run the pass at the same moment, each on its own engine: one assigns it.
    engines = [create_engine(settings.database_url) for _ in range(2)]
    try:
        instances = [build_services(settings, engine, clock=services.clock, outbox=notifier) for engine in engines]
        runs = await asyncio.gather(*(instance.audits.moderation.assign_waiting_moderation() for instance in instances))
    finally:
        for engine in engines:
            await engine.dispose()
    assert sorted(runs) == [[], [audit_id]]
    assert await services.audits.moderation.assign_waiting_moderation() == [], "a later pass finds nothing left"
    assert moderation_cards(notifier) == [(audit_org.moderator, f"audit-{audit_id}-moderate")]
    card = next(card for _, card, key in notifier.sent if key.endswith("-moderate"))
    assert "Moderate the audit of case LCS100001" in card_text(card)

    async with sessions() as session:
        stored = await session.get(AuditAssignment, audit_id)
        logged = list(await session.scalars(select(AccessLogEntry.action).where(AccessLogEntry.record_type == "audit")))
    assert stored.moderator_id == audit_org.moderator
    assert logged.count("no moderator") == 1 and logged.count("assign moderator") == 1

    [task] = await services.audits.tasks.my_tasks(MODERATOR)
    assert (task.kind, task.assignment_id) == ("moderation", audit_id)
    form = await services.audits.moderation.open_moderation(MODERATOR, audit_id)
    assert isinstance(form, ModerationForm)
    agreed = {f"moderated_{line.question_id}": line.grade for line in form.audit.grades}
    done = await services.audits.moderation.moderate(MODERATOR, audit_id, agreed)
    assert isinstance(done, SubmittedAudit) and done.moderation == "moderated"
    assert await services.audits.tasks.my_tasks(MODERATOR) == []


async def test_with_no_qa_lead_at_all_the_team_manager_is_told(
    recorded_services: Services, outbox: RecordingOutbox, sessions
) -> None:  # type: ignore[no-untyped-def]
    audit_org = await make_audit_org(sessions)
    await only_the_auditor_moderates(sessions, audit_org)
    async with sessions() as session, session.begin():
        await session.execute(delete(RoleAssignment).where(RoleAssignment.role == Role.QA_LEAD.value))
    audit_id = await _submitted_for_moderation(recorded_services)

    assert outbox.keys("-no-moderator-") == [
        (audit_org.org.manager, f"audit-{audit_id}-no-moderator-{audit_org.org.manager}")
    ], "the practitioner's team manager, the only one left who can find a moderator"


def test_qop_org_role_add_hands_a_waiting_audit_to_the_new_moderator(
    database_url: str, engine, settings: Settings, clock, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    async def on_the_database(work, outbox=None):  # type: ignore[no-untyped-def]
        own_engine = create_engine(database_url)
        try:
            return await work(build_services(settings, own_engine, clock=clock, outbox=outbox))
        finally:
            await own_engine.dispose()

    async def waiting(services: Services) -> int:
        await only_the_auditor_moderates(services.sessions, await make_audit_org(services.sessions))
        return await _submitted_for_moderation(services)

    audit_id = asyncio.run(on_the_database(waiting, RecordingOutbox()))
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DBOS_SYSTEM_DATABASE_URL", settings.dbos_system_database_url)
    monkeypatch.setenv("DBOS_SYSTEM_SCHEMA", settings.dbos_system_schema)
    granted = CliRunner().invoke(cli, ["org", "role", "add", MORGAN, "moderator"])
    assert granted.exit_code == 0, granted.output
    assert "Morgan Lee is now moderator." in granted.output
    assert "1 audit(s) waiting for a moderator now assigned" in granted.output

    async def outcome(services: Services) -> tuple[int | None, list[int]]:
        async with services.sessions() as session:
            assignment = await session.get(AuditAssignment, audit_id)
            sent = await session.scalars(
                select(Delivery.person_id).where(Delivery.dedupe_key == f"audit-{audit_id}-moderate")
            )
            return assignment.moderator_id, list(sent)

    moderator_id, sent_to = asyncio.run(on_the_database(outcome))
    assert moderator_id is not None and sent_to == [moderator_id], "assigned, and her card recorded for delivery"


async def test_an_audit_waiting_for_a_moderator_is_in_the_qa_leads_tasks_and_nobody_elses(
    recorded_services: Services, sessions
) -> None:  # type: ignore[no-untyped-def]
    services = recorded_services
    audit_org = await make_audit_org(sessions)
    await only_the_auditor_moderates(sessions, audit_org)  # Omar audits and is the only QA lead
    audit_id = await _submitted_for_moderation(services)

    waiting = [t for t in await services.audits.tasks.my_tasks(AUDITOR) if t.assignment_id == audit_id]
    assert waiting == [
        Task("no moderator", audit_id, "LCS100001", "Waiting for a moderator", None, text_audits.TASK_NO_MODERATOR_HINT)
    ], "shown for information: Omar carried it out, so he may not moderate it"
    assert "admin roles" in waiting[0].detail
    for someone_else in ("29:user-1", "29:user-2", QA_LEAD, MODERATOR):  # practitioner, manager, no longer roles
        tasks = await services.audits.tasks.my_tasks(someone_else)
        assert not [t for t in tasks if t.assignment_id == audit_id and t.kind != "reflection"], someone_else
    [line] = await services.audits.tasks.team_audits(AUDITOR)
    assert (line.assignment_id, line.status, line.no_moderator) == (audit_id, "moderation", True)

    # Quinn becomes QA lead again (independent of this audit) before any pass assigns it: she may
    # moderate it, so her tasks offer it; Omar's still show it waiting.
    async with sessions() as session, session.begin():
        session.add(RoleAssignment(person_id=audit_org.org.qa_lead, role=Role.QA_LEAD.value))
    [offered] = [t for t in await services.audits.tasks.my_tasks(QA_LEAD) if t.assignment_id == audit_id]
    assert (offered.kind, offered.detail) == ("moderation", text_audits.TASK_UNASSIGNED)
    assert isinstance(await services.audits.moderation.open_moderation(QA_LEAD, audit_id), ModerationForm)
    assert [t.kind for t in await services.audits.tasks.my_tasks(AUDITOR) if t.assignment_id == audit_id] == [
        "no moderator"
    ]

    # Once it is assigned (to Quinn, the only independent one), it is hers alone and waits for nobody.
    assert await services.audits.moderation.assign_waiting_moderation() == [audit_id]
    assert audit_id not in {t.assignment_id for t in await services.audits.tasks.my_tasks(AUDITOR)}, (
        "Omar has none of it"
    )
    [mine] = [t for t in await services.audits.tasks.my_tasks(QA_LEAD) if t.assignment_id == audit_id]
    assert (mine.kind, mine.detail) == ("moderation", "")
    [line] = await services.audits.tasks.team_audits(AUDITOR)
    assert (line.status, line.no_moderator) == ("moderation", False)
