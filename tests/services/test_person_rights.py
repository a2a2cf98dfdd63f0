"""A member of staff's subject access export and erasure, against real databases with records
made through the services."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from qop.app import build_services
from qop.cli import cli
from qop.settings import Settings
from services.actions import NewAction
from services.container import Services
from services.errors import NotFound
from services.feedback.surveys import Audience
from services.person_rights import PersonRightsService, write_files
from services.person_rights.export import ANONYMOUS_SURVEYS_NOTE
from services.person_rights.mentions import NameMatcher
from storage.db import create_engine
from storage.models import (
    AccessLogEntry,
    Action,
    ActionDateChange,
    ActionEvent,
    AssuranceUpdate,
    AuditGrade,
    AuditModeration,
    AuditSubmission,
    CalendarAttendee,
    CalendarOccurrence,
    ClientFeedbackEntry,
    Conversation,
    FeedbackResponse,
    ImprovementPlanChange,
    ImprovementPriority,
    MappingAttendee,
    MappingMeeting,
    ModerationGroupAudit,
    ModerationGroupMeeting,
    Person,
    PracticeExample,
    PracticeObservation,
    QimDecision,
    QimDecisionChange,
    RoleAssignment,
    Survey,
    Team,
)
from tests.services.test_improvement_plan import VOICE
from tests.services.test_learning import EXAMPLE
from tests.services.test_observations import CASE
from tests.support.retention import (
    MAYA,
    MODERATED_CASE,
    PRIYA,
    make_framework_records,
    make_qim_records,
    make_records,
)
from tests.support.surveys import PULSE


@pytest.fixture
def services(recorded_services: Services) -> Services:
    """Audits and alerts here send through the recording outbox, not the delivery engine."""
    return recorded_services


def rights(services: Services) -> PersonRightsService:
    return PersonRightsService(sessions=services.sessions, clock=services.clock)


async def test_the_export_holds_their_audits_actions_and_log_as_json_and_xlsx(
    services: Services, tmp_path: Path
) -> None:
    records = await make_records(services)
    await services.audits.reflection.comment_on_grade("29:user-1", records.moderated_audit, "I agree with the grades.")

    export = await rights(services).export(PRIYA.upper())
    json_path, xlsx_path = write_files(export, tmp_path / "sar")

    data = json.loads(json_path.read_text(encoding="utf-8"))
    sections = data["sections"]
    assert sections["person"][0]["email"] == PRIYA and sections["person"][0]["team"] == "Riverside Locality Team"
    audits = {row["case_reference"]: row for row in sections["audits"]}
    assert set(audits) == {MODERATED_CASE, "LCS100002"}
    assert audits[MODERATED_CASE]["as_practitioner"] and not audits[MODERATED_CASE]["as_auditor"]
    assert audits[MODERATED_CASE]["practitioner_comment"] == "I agree with the grades."
    assert len(sections["audit_grades"]) > 0 and len(sections["moderation"]) > 0
    assert {row["id"] for row in sections["actions"]} == {records.open_action, records.done_action}
    assert [row["kind"] for row in sections["comments_and_action_notes"]] == ["done"]
    assert sections["teams_chats"] == [
        {"kind": "personal", "installed": True, "installed_at": None, "uninstalled_at": None}
    ]
    assert ANONYMOUS_SURVEYS_NOTE in data["notes"]

    workbook = load_workbook(xlsx_path, read_only=True)
    assert {"about", "person", "audits", "audit_grades", "actions", "access_log"} <= set(workbook.sheetnames)
    audit_rows = list(workbook["audits"].iter_rows(values_only=True))
    assert audit_rows[0][:3] == ("audit_id", "round", "case_reference") and len(audit_rows) == 3

    async with services.sessions() as session:
        person_id = await session.scalar(select(Person.id).where(Person.email == PRIYA))
        [logged] = list(await session.scalars(select(AccessLogEntry).where(AccessLogEntry.action == "export")))
    assert (logged.record_type, logged.record_id) == ("person", str(person_id))
    assert logged.detail["sections"]["audits"] == 2 and PRIYA not in json.dumps(logged.detail)


async def test_erasure_takes_the_name_and_keeps_the_audits_grades(services: Services) -> None:
    records = await make_records(services)
    org = records.audit_org.org
    await services.organisation.change_role(actor=None, email=PRIYA, role="moderator", add=True)
    async with services.sessions() as session:
        grades_before = await session.scalar(select(func.count()).select_from(AuditGrade))
        named = await session.scalar(select(AccessLogEntry).where(AccessLogEntry.summary.contains(PRIYA)))
        assert named is not None, "the role change's log entry names her"
    dry = await rights(services).erase(PRIYA, dry_run=True)
    assert dry.changed["person anonymised"] == 1 and dry.changed["open actions reassigned to their line manager"] == 1
    async with services.sessions() as session:
        assert (await session.get_one(Person, org.practitioner)).email == PRIYA, "a dry run changes nothing"
        assert (
            await session.scalar(
                select(func.count()).select_from(AccessLogEntry).where(AccessLogEntry.action == "erase")
            )
            == 0
        )

    erasure = await rights(services).erase(PRIYA)

    assert "audits" in erasure.kept and "grades" in erasure.kept["audits"]
    assert erasure.changed["Teams conversation references deleted"] == 1
    async with services.sessions() as session:
        person = await session.get_one(Person, org.practitioner)
        assert person.display_name == f"Former member of staff #{person.id}"
        assert (person.email, person.teams_user_id, person.aad_object_id, person.active) == (None, None, None, False)
        assert await session.scalar(select(func.count()).select_from(AuditGrade)) == grades_before
        submission = await session.scalar(select(AuditSubmission))
        assert submission is not None and submission.overall_grade, "the audit's grades stay as the council's record"
        open_action = await session.get_one(Action, records.open_action)
        assert open_action.owner_id == org.manager, "open work goes to the line manager"
        assert (await session.get_one(Action, records.done_action)).owner_id == person.id
        reassigned = await session.scalar(select(ActionEvent).where(ActionEvent.kind == "reassigned"))
        assert reassigned.detail == {"previous_owner_id": person.id, "new_owner_id": org.manager}
        chat = await session.scalar(select(Conversation).where(Conversation.person_id == person.id))
        assert chat.reference == {} and chat.conversation_id.startswith("erased:")
        assert list(await session.scalars(select(RoleAssignment).where(RoleAssignment.person_id == person.id))) == []
        log = list(await session.scalars(select(AccessLogEntry)))
    assert not any(PRIYA in entry.summary + json.dumps(entry.detail) for entry in log)
    assert any(entry.id == named.id and f"#{person.id}" in entry.summary for entry in log), "the entry stays"
    assert erasure.changed["roles removed"] == 1
    assert [entry.record_id for entry in log if entry.action == "erase"] == [str(person.id)]

    with pytest.raises(NotFound):
        await rights(services).erase(PRIYA)


async def test_erasing_someone_with_open_audits_and_no_line_manager_flags_the_work(services: Services) -> None:
    records = await make_records(services)
    erasure = await rights(services).erase("omar@council.example.gov.uk")
    assert any(f"open audit(s) {records.draft_audit}" in flag for flag in erasure.flagged)
    assert any("no manager now" in flag for flag in erasure.flagged), "Omar managed the Hillside team"


def test_qop_person_export_and_erase_from_the_command_line(
    database_url: str, engine, settings: Settings, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    async def records() -> None:
        own_engine = create_engine(database_url)
        try:
            await make_records(build_services(settings, own_engine))
        finally:
            await own_engine.dispose()

    asyncio.run(records())
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DBOS_SYSTEM_DATABASE_URL", settings.dbos_system_database_url)
    monkeypatch.setenv("DBOS_SYSTEM_SCHEMA", settings.dbos_system_schema)
    monkeypatch.setenv("COLUMNS", "200")

    exported = CliRunner().invoke(cli, ["person", "export", PRIYA, "--out", str(tmp_path / "sar")])
    assert exported.exit_code == 0, exported.output
    assert len(list((tmp_path / "sar").glob("person-*.xlsx"))) == 1 and "audits: 2" in exported.output

    dry = CliRunner().invoke(cli, ["person", "erase", PRIYA, "--dry-run"])
    assert dry.exit_code == 0 and "Dry run: nothing was changed." in dry.output
    erased = CliRunner().invoke(cli, ["person", "erase", PRIYA])
    assert erased.exit_code == 0, erased.output
    assert "Kept, and why:" in erased.output and "person anonymised: 1" in erased.output
    assert "names_not_recognised: " in erased.output and "first name" in erased.output, "the limit is said"
    assert "Rows kept, per table" in erased.output and "  audit_assignments: 2" in erased.output
    assert "Written to the access log (counts only)." in erased.output
    for content in (PRIYA, "Priya", "Shah", "Update the chronology", "Held on Friday"):
        assert content not in erased.output, "counts and reasons only, never content"
    unknown = CliRunner().invoke(cli, ["person", "erase", PRIYA])
    assert unknown.exit_code == 2 and "Nobody with the e-mail" in unknown.output


async def test_the_export_holds_the_plan_observations_mapping_feedback_and_calendar(
    services: Services, clock, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    await make_framework_records(services, clock)

    export = await rights(services).export(MAYA)
    json_path, xlsx_path = write_files(export, tmp_path / "sar")

    sections = json.loads(json_path.read_text(encoding="utf-8"))["sections"]
    [priority] = sections["improvement_priorities"]
    assert priority["title"] == VOICE.title and priority["owner"] and not priority["created_by_them"]
    assert [m["description"] for m in sections["improvement_milestones"]] == [VOICE.milestone]
    [change] = sections["improvement_plan_changes"]
    assert not change["by_them"] and MAYA in json.dumps(change["fields"]), "a change that names her"
    [complaint] = sections["client_feedback_logged"]
    assert (complaint["kind"], complaint["case_reference"]) == ("complaint", "LCS123456")
    assert [e["description"] for e in sections["practice_examples_nominated"]] == [EXAMPLE.description]
    [observed] = sections["practice_observations"]
    assert observed["as_observer"] and not observed["as_practitioner"] and observed["case_reference"] == CASE
    [meeting] = sections["mapping_meetings"]
    assert (meeting["scale"], meeting["rationale"]) == (4, "No plan yet for weekday evenings.")
    [calendar] = sections["qa_calendar_records"]
    assert calendar["attended"] and calendar["recorded_by_them"] and "clearer plans" in calendar["findings"]

    priya = (await rights(services).export("priya@council.example.gov.uk")).sections
    assert priya["practice_observations"][0]["as_practitioner"] and priya["improvement_priorities"] == []
    assert priya["mapping_meetings"][0]["scale"] == 6 and priya["client_feedback_logged"] == []

    workbook = load_workbook(xlsx_path, read_only=True)
    assert {"improvement_plan_changes", "practice_observations", "mapping_meetings"} <= set(workbook.sheetnames)
    assert len(list(workbook["qa_calendar_records"].iter_rows(values_only=True))) == 2


async def test_erasure_keeps_the_framework_records_and_takes_her_name_out_of_the_plan_history(
    services: Services, clock
) -> None:  # type: ignore[no-untyped-def]
    org = await make_framework_records(services, clock)

    erasure = await rights(services).erase(MAYA)

    assert erasure.changed["improvement plan changes with the name or e-mail replaced"] == 1
    assert erasure.changed["QA calendar records with the name or e-mail taken out"] == 1
    assert {"improvement_plan", "observations", "mapping", "qa_calendar"} <= set(erasure.kept)
    label = f"Former member of staff #{org.manager}"
    async with services.sessions() as session:
        [change] = list(await session.scalars(select(ImprovementPlanChange)))
        assert MAYA not in json.dumps(change.fields) and label in json.dumps(change.fields)
        priority = await session.scalar(select(ImprovementPriority))
        assert priority is not None and priority.owner_id == org.manager, "the priority stays, anonymised"
        observation = await session.scalar(select(PracticeObservation))
        assert observation is not None and observation.observer_id == org.manager
        assert await session.scalar(select(func.count()).select_from(MappingAttendee)) == 2
        assert await session.scalar(select(func.count()).select_from(ClientFeedbackEntry)) == 1
        assert await session.scalar(select(func.count()).select_from(PracticeExample)) == 1
        occurrence = await session.scalar(select(CalendarOccurrence))
        assert occurrence is not None and occurrence.findings == f"{label} agreed clearer plans."
        assert await session.scalar(select(func.count()).select_from(CalendarAttendee)) == 2


async def test_erasure_takes_her_name_out_of_observations_mapping_and_qim_words_and_keeps_the_rest(
    services: Services, clock
) -> None:  # type: ignore[no-untyped-def]
    org = await make_framework_records(services, clock, mention="maya patel")  # typed in lower case
    await make_qim_records(services, clock, org, mention="Maya Patel")
    free_text = {
        PracticeObservation: ("answers", "reflection", "reflection_draft"),
        MappingMeeting: ("worried_about", "working_well", "needs_to_happen"),
        MappingAttendee: ("rationale",),
        QimDecision: ("text", "original_text"),
        QimDecisionChange: ("before", "after"),
        AssuranceUpdate: ("progress",),
    }

    async def words(model: type) -> str:
        async with services.sessions() as session:
            rows = list(await session.scalars(select(model)))
        return json.dumps([[getattr(row, column) for column in free_text[model]] for row in rows]).lower()

    for model in free_text:
        assert "maya patel" in await words(model), model

    erasure = await rights(services).erase(MAYA)

    label = f"Former member of staff #{org.manager}"
    for model in free_text:
        stored = await words(model)
        assert "maya" not in stored and "patel" not in stored and MAYA not in stored, model
        assert label.lower() in stored, model
    for changed in ("practice observations", "mapping meetings", "mapping rationales", "QIM decisions"):
        assert erasure.changed[f"{changed} with the name or e-mail taken out"] == 1, changed
    assert erasure.changed["QIM decision changes with the name or e-mail taken out"] == 1
    assert erasure.changed["assurance updates with the name or e-mail taken out"] == 1
    assert "qim" in erasure.kept
    async with services.sessions() as session:
        decision = await session.scalar(select(QimDecision))
        update = await session.scalar(select(AssuranceUpdate))
        meeting = await session.scalar(select(MappingMeeting))
    assert decision is not None and decision.text == f"{label} and the PSW lead a themed audit in Q3."
    assert decision.original_text == f"{label} leads a themed audit in Q3.", "the history keeps its words"
    assert update is not None and update.progress == f"Standard drafted by {label} with the HoS."
    assert meeting is not None and meeting.worried_about.startswith("Dad's drinking"), "the rest stays"


async def test_erasure_takes_their_name_out_of_the_moderation_group_s_notes_and_learning(
    services: Services, sessions
) -> None:  # type: ignore[no-untyped-def]
    from tests.services.test_moderation_group import a_meeting
    from tests.support.moderation_group import IRO_MANAGER, PSW

    _, audits, view = await a_meeting(services, sessions, 1)
    group = services.moderation_group
    learning = {"agreed_grade": "good", "themes": "child_voice", "learning": "Priya Shah's plan was clear."}
    await group.record_outcome(PSW, view.id, audits[0], learning)
    await group.close(IRO_MANAGER, view.id, {"themes": "child_voice", "notes": "PRIYA SHAH presented her plan."})

    erasure = await rights(services).erase(PRIYA)

    label = f"Former member of staff #{erasure.person_id}"
    async with services.sessions() as session:
        outcome = await session.scalar(select(ModerationGroupAudit))
        meeting = await session.scalar(select(ModerationGroupMeeting))
    assert outcome is not None and outcome.learning == f"{label}'s plan was clear."
    assert meeting is not None and meeting.notes == f"{label} presented her plan."
    assert erasure.changed["moderation group learning with the name or e-mail taken out"] == 1


P_SHAH = "p.shah@council.example.gov.uk"
"""Priya's e-mail with a local part that is more than her first name (the records' is ``priya@``)."""
LEFT_ALONE = "Priya will call Mum; Priya Shahid covers Tuesdays and Shah, P. writes the plan."
"""A first name alone, another person whose name starts with hers, a surname with an initial: all stay."""


async def _priya_named_in_notes_and_audit_words(services: Services) -> tuple[int, int]:
    """Make the records, give Priya the ``p.shah`` e-mail and write her name, in several forms, into an
    action note, an action's description, a date-change reason, her comment, a grade's rationale and a
    moderation rationale; returns (the new action's id, the moderated audit's id)."""
    records = await make_records(services)
    org = records.audit_org.org
    async with services.sessions() as session, session.begin():
        (await session.get_one(Person, org.practitioner)).email = P_SHAH
    await services.actions.record_progress(
        records.open_action, actor_id=org.manager, note="Chased SHAH, PRIYA about the chronology."
    )
    await services.actions.record_progress(records.open_action, actor_id=org.manager, note=LEFT_ALONE)
    shared = await services.actions.create(
        NewAction(
            "manual",
            "p.shah to share the plan with Priya Shah's manager",
            org.colleague,
            services.clock.now().date() + timedelta(days=7),
            case_reference=MODERATED_CASE,
        ),
        actor_id=org.manager,
    )
    await services.actions.propose_due_date(
        shared.id,
        actor_id=org.colleague,
        new_date=services.clock.now().date() + timedelta(days=21),
        reason="Waiting for Priya \n Shah (leave).",
    )
    await services.audits.reflection.comment_on_grade("29:user-1", records.moderated_audit, "priya shah agrees.")
    async with services.sessions() as session, session.begin():
        grade = await session.scalar(select(AuditGrade).order_by(AuditGrade.id))
        moderation = await session.scalar(select(AuditModeration).order_by(AuditModeration.id))
        assert grade is not None and moderation is not None
        grade.rationale = "Priya Shah's chronology was current."
        moderation.rationale = "Agreed with Shah,Priya in supervision."
    return shared.id, records.moderated_audit


async def test_erasure_takes_her_name_out_of_action_notes_and_audit_words_in_either_order(
    services: Services,
) -> None:
    shared, _ = await _priya_named_in_notes_and_audit_words(services)
    async with services.sessions() as session:
        grades_before = [(g.id, g.grade) for g in await session.scalars(select(AuditGrade).order_by(AuditGrade.id))]

    erasure = await rights(services).erase(P_SHAH)

    label = f"Former member of staff #{erasure.person_id}"
    async with services.sessions() as session:
        notes = [event.note for event in await session.scalars(select(ActionEvent).order_by(ActionEvent.id))]
        action = await session.get_one(Action, shared)
        change = await session.scalar(select(ActionDateChange))
        submission = await session.scalar(
            select(AuditSubmission).where(AuditSubmission.practitioner_comment.is_not(None))
        )
        grades = list(await session.scalars(select(AuditGrade).order_by(AuditGrade.id)))
        moderation = await session.scalar(select(AuditModeration).order_by(AuditModeration.id))
    assert f"Chased {label} about the chronology." in notes
    assert LEFT_ALONE in notes, "a first name alone, another name or an initial is never taken out"
    assert action.description == f"{label} to share the plan with {label}'s manager"
    assert change is not None and change.reason == f"Waiting for {label} (leave)."
    assert submission is not None and submission.practitioner_comment == f"{label} agrees."
    assert grades[0].rationale == f"{label}'s chronology was current."
    assert [(g.id, g.grade) for g in grades] == grades_before, "an audit's grades stay, the name goes"
    assert moderation is not None and moderation.rationale == f"Agreed with {label} in supervision."
    assert f"Waiting for {label} (leave)." in notes, "the date request's reason is in the action's story too"
    assert erasure.changed["action notes with the name or e-mail taken out"] == 2
    for changed in ("actions", "action date changes", "audit answers and comments"):
        assert erasure.changed[f"{changed} with the name or e-mail taken out"] == 1, changed
    assert erasure.changed["audit grade rationales with the name or e-mail taken out"] == 1
    assert erasure.changed["moderation rationales with the name or e-mail taken out"] == 1
    assert "names_not_recognised" in erasure.kept and "first name" in erasure.kept["names_not_recognised"]


async def test_the_erasure_summary_and_its_log_line_give_counts_per_table_never_content(
    services: Services,
) -> None:
    await _priya_named_in_notes_and_audit_words(services)

    erasure = await rights(services).erase(P_SHAH)

    assert erasure.kept_rows["audit_assignments"] == 2, "both audits of her practice stay"
    assert erasure.kept_rows["action_events"] >= 1 and "role_assignments" not in erasure.kept_rows
    async with services.sessions() as session:
        [logged] = list(await session.scalars(select(AccessLogEntry).where(AccessLogEntry.action == "erase")))
    assert (logged.record_type, logged.record_id) == ("person", str(erasure.person_id))
    assert logged.detail["kept"] == erasure.kept_rows and logged.detail["changed"] == erasure.changed
    stored = (logged.summary + json.dumps(logged.detail)).lower()
    assert not any(word in stored for word in ("priya", "shah", "chronology")), "counts only, never content"


async def test_the_export_lists_the_words_others_wrote_that_name_her(services: Services) -> None:
    shared, _ = await _priya_named_in_notes_and_audit_words(services)

    export = await rights(services).export(P_SHAH)

    found = {(row["table"], row["column"], row["words"]) for row in export.sections["words_that_name_them"]}
    assert {
        ("action_events", "note", "Chased SHAH, PRIYA about the chronology."),
        ("action_events", "note", "Waiting for Priya \n Shah (leave)."),
        ("actions", "description", "p.shah to share the plan with Priya Shah's manager"),
        ("action_date_changes", "reason", "Waiting for Priya \n Shah (leave)."),
        ("audit_submissions", "practitioner_comment", "priya shah agrees."),
        ("audit_grades", "rationale", "Priya Shah's chronology was current."),
        ("audit_moderations", "rationale", "Agreed with Shah,Priya in supervision."),
    } <= found
    assert LEFT_ALONE not in {words for _, _, words in found}, "words that do not name her are not hers"
    assert [row["row_id"] for row in export.sections["words_that_name_them"] if row["table"] == "actions"] == [shared]


@pytest.mark.parametrize(
    ("display_name", "email", "named", "not_named"),
    [
        (
            "Maya J Patel",
            "maya@council.example.gov.uk",
            ["MAYA J PATEL", "Patel, Maya J", "maya patel", "Patel,Maya", "MAYA@council.example.gov.uk"],
            ["Maya", "Patel", "maya", "Maya Patelson", "xmaya@council.example.gov.uk"],
        ),
        ("Shah, Priya", "pshah@x.example", ["Priya Shah", "SHAH, PRIYA", "pshah", "by pshah."], ["pshahid", "Shah"]),
        ("Priya", "priya@x.example", ["priya@x.example"], ["Priya", "priya"]),
    ],
)
def test_a_name_is_recognised_whole_in_either_order_never_a_first_name_alone(
    display_name: str, email: str, named: list[str], not_named: list[str]
) -> None:
    matcher = NameMatcher.of(Person(display_name=display_name, email=email))
    assert [words for words in named if not matcher.names(words)] == []
    assert [words for words in not_named if matcher.names(words)] == []
    assert matcher.without({"notes": [f"Seen by {named[0]} today."]}, "X") == {"notes": ["Seen by X today."]}


async def test_erasure_takes_her_name_out_of_a_survey_s_title_and_an_anonymous_answer_the_export_withholds(
    services: Services,
) -> None:
    records = await make_records(services)
    org = records.audit_org.org
    async with services.sessions() as session:
        teams = tuple(await session.scalars(select(Team.id).order_by(Team.id)))
    started = await services.surveys.start(
        actor_id=org.qa_lead,
        template_id="staff-pulse",
        audience=Audience(team_ids=teams),
        closes_on=services.clock.now().date() + timedelta(days=14),
        title="Pulse after Priya Shah's move",
        send=False,
    )
    survey_id = started.view.survey_id
    comment = {**PULSE, "one_thing": "More time with PRIYA SHAH in supervision."}
    await services.surveys.answer(actor_id=org.colleague, survey_id=survey_id, submitted=comment)

    exported = await rights(services).export(PRIYA)
    erasure = await rights(services).erase(PRIYA)

    tables = {row["table"] for row in exported.sections["words_that_name_them"]}
    assert "surveys" in tables and "feedback_responses" not in tables, "an anonymous answer is not exported"
    label = f"Former member of staff #{erasure.person_id}"
    async with services.sessions() as session:
        survey = await session.get_one(Survey, survey_id)
        answer = await session.scalar(select(FeedbackResponse).where(FeedbackResponse.survey_id == survey_id))
    assert survey.title == f"Pulse after {label}'s move"
    assert answer is not None and answer.answers["one_thing"] == f"More time with {label} in supervision."
    assert answer.respondent_id is None, "still linked to nobody"
    assert erasure.changed["anonymous staff survey answers with the name or e-mail taken out"] == 1
    assert erasure.changed["surveys with the name or e-mail taken out"] == 1
