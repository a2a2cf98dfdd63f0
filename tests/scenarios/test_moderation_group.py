"""The moderation group through the app: the QA lead schedules, members read and record, the
auditor and practitioner are told through the delivery engine, and the records are as expected."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from cards import text_moderation_group as text
from cards import verbs
from services.container import Services
from storage.models import (
    AccessLogEntry,
    CalendarOccurrence,
    ModerationGroupAudit,
    ModerationGroupMeeting,
    ModerationGroupMember,
)
from tests.scenarios.conftest import BotHarness
from tests.scenarios.test_audits import card_to, invoke, say
from tests.scenarios.test_observations import install
from tests.support.audits import card_text, inputs_of
from tests.support.cards import button_data
from tests.support.moderation_group import make_group_org, submitted_audits

PRACTITIONER, AUDITOR, QA_LEAD, MODERATOR = 1, 4, 6, 7
HEAD_OF_SERVICE, PSW, IRO_MANAGER = 8, 9, 10


async def test_the_qa_lead_schedules_members_moderate_and_the_auditor_and_practitioner_are_told(
    harness: BotHarness, recorded_services: Services, sessions
) -> None:  # type: ignore[no-untyped-def]
    org = await make_group_org(sessions)
    audits = await submitted_audits(recorded_services, 2)
    await install(harness, PRACTITIONER, AUDITOR, QA_LEAD, MODERATOR, HEAD_OF_SERVICE, PSW, IRO_MANAGER)

    listing = await say(harness, QA_LEAD, "moderation group")
    assert text.LIST_EMPTY in card_text(listing)
    form = await invoke(harness, QA_LEAD, verbs.MODERATION_GROUP_NEW, button_data(listing, verbs.MODERATION_GROUP_NEW))
    assert "Hana Reed (head of service)" in card_text(form) and "Pat Kemp (principal social worker)" in card_text(form)
    assert "LCS100001" in card_text(form)
    key = button_data(form, verbs.MODERATION_GROUP_SCHEDULE)["submission_key"]
    chosen = {
        "submission_key": key,
        "meets_on": "2026-02-16",
        "cadence": "2",
        "members": f"{org.head_of_service},{org.psw},{org.iro_manager}",
        "audits": ",".join(str(a) for a in audits),
    }

    missing = await invoke(harness, QA_LEAD, verbs.MODERATION_GROUP_SCHEDULE, {**chosen, "members": ""})
    assert text.MEMBERS_NEEDED in card_text(missing)
    assert inputs_of(missing)["meets_on"] == "2026-02-16", "nothing typed is lost"

    scheduled = await invoke(harness, QA_LEAD, verbs.MODERATION_GROUP_SCHEDULE, chosen)
    assert text.JUST_SCHEDULED in card_text(scheduled) and "16 February 2026" in card_text(scheduled)

    invitation = await card_to(harness, PSW, "You are invited to the moderation group on 16 February 2026")
    read = button_data(invitation, verbs.MODERATION_GROUP_READ)
    audit_card = await invoke(harness, PSW, verbs.MODERATION_GROUP_READ, read)
    assert "Audit submitted: case LCS100001" in card_text(audit_card)
    assert "Input." not in card_text(audit_card), "the group reads the audit, it does not change it"

    refused = await invoke(harness, PRACTITIONER, verbs.MODERATION_GROUP_READ, read)
    assert text.ONLY_MEMBERS in card_text(refused) and "Audit submitted" not in card_text(refused)
    garbled = await invoke(harness, PSW, verbs.MODERATION_GROUP_OUTCOME, {"meeting_id": "abc", "assignment_id": 1})
    assert text.NO_SUCH_MEETING in card_text(garbled)

    outcome_form = await invoke(
        harness, PSW, verbs.MODERATION_GROUP_OUTCOME_OPEN, button_data(audit_card, verbs.MODERATION_GROUP_OUTCOME_OPEN)
    )
    assert text.GRADE_LABEL in card_text(outcome_form)
    save = button_data(outcome_form, verbs.MODERATION_GROUP_OUTCOME)
    no_reason = await invoke(harness, PSW, verbs.MODERATION_GROUP_OUTCOME, {**save, "agreed_grade": "outstanding"})
    assert text.RATIONALE_NEEDED in card_text(no_reason)
    recorded = await invoke(
        harness,
        PSW,
        verbs.MODERATION_GROUP_OUTCOME,
        {
            **save,
            "agreed_grade": "outstanding",
            "themes": "child_voice,family_collaboration",
            "learning": "The family wrote the safety plan with the worker: share it as an example.",
        },
    )
    assert "Agreed: Outstanding (raised; auditor's grade Good)" in card_text(recorded)

    for person in (AUDITOR, PRACTITIONER):
        told = await card_to(harness, person, "Moderation group outcome: case LCS100001")
        assert "Overall grade: Outstanding (raised; the auditor's grade was Good)" in card_text(told)
        assert "Pat Kemp" not in card_text(told)

    close_form = await invoke(
        harness, IRO_MANAGER, verbs.MODERATION_GROUP_CLOSE_OPEN, {"meeting_id": save["meeting_id"]}
    )
    assert text.CLOSE_INTRO in card_text(close_form)
    closed = await invoke(
        harness,
        IRO_MANAGER,
        verbs.MODERATION_GROUP_CLOSE,
        {
            "meeting_id": save["meeting_id"],
            "themes": "child_voice",
            "notes": "Voice strong; plans written with families.",
        },
    )
    assert "Themes: The child's voice." in card_text(closed)
    assert "Schedule a meeting" in card_text(await say(harness, QA_LEAD, "moderation group"))

    async with sessions() as session:
        [meeting] = list(await session.scalars(select(ModerationGroupMeeting)))
        members = set(await session.scalars(select(ModerationGroupMember.person_id)))
        listed = {row.assignment_id: row for row in await session.scalars(select(ModerationGroupAudit))}
        [occurrence] = list(await session.scalars(select(CalendarOccurrence)))
        logged = list(
            await session.scalars(
                select(AccessLogEntry.action).where(AccessLogEntry.record_type.in_(["moderation group", "audit"]))
            )
        )
    assert (meeting.meets_on, meeting.cadence_months, meeting.themes) == (date(2026, 2, 16), 2, ["child_voice"])
    assert meeting.scheduled_by_id == org.qa_lead and meeting.closed_by_id == org.iro_manager
    assert members == {org.head_of_service, org.psw, org.iro_manager}
    first, second = listed[audits[0]], listed[audits[1]]
    assert (first.original_grade, first.agreed_grade, first.outcome, first.recorded_by_id) == (
        "good",
        "outstanding",
        "raised",
        org.psw,
    )
    assert first.themes == ["child_voice", "family_collaboration"]
    assert (second.agreed_grade, second.themes) == (None, []), "an audit not discussed stays unrecorded"
    assert (occurrence.activity, occurrence.due_on, occurrence.held_on) == (
        "moderation_group",
        date(2026, 2, 18),
        date(2026, 2, 16),
    )
    assert {"schedule", "close", "moderation group outcome"} <= set(logged)


async def test_in_the_demo_the_group_is_the_framework_s_senior_leads_and_no_practitioner_moderates(
    harness: BotHarness, services: Services, sessions
) -> None:  # type: ignore[no-untyped-def]
    from storage.models import Person, RoleAssignment
    from tests.scenarios.test_organisation import ALEX, _say

    await services.demo.load()
    async with sessions() as session:
        moderators = list(
            await session.scalars(
                select(Person.display_name)
                .join(RoleAssignment, RoleAssignment.person_id == Person.id)
                .where(RoleAssignment.role == "moderator")
            )
        )
    assert moderators == ["Isaiah Langer"], "the QA lead moderates single audits; no practitioner does"

    assert "Demo role: QA lead" in await _say(harness, "demo role qa lead", ALEX)
    listing = await _say(harness, "moderation group", ALEX)
    assert text.LIST_EMPTY in listing and text.NEW_MEETING in listing
    form = await services.moderation_group.new_form("user-id-0")
    assert sorted((m.name, m.role) for m in form.members) == [
        ("Grace Okonjo", "principal_social_worker"),
        ("Imran Qadir", "head_of_service"),
        ("Martin Hale", "iro_manager"),
        ("Rachel Dunmore", "head_of_service"),
    ]

    await _say(harness, "demo role moderator", ALEX)
    whoami = await _say(harness, "whoami", ALEX)
    assert "moderator" in whoami and "practitioner" not in whoami, "a demo moderator is not made a practitioner"


async def test_garbled_card_data_gets_a_refusal_card_and_changes_nothing(harness: BotHarness, sessions) -> None:  # type: ignore[no-untyped-def]
    await make_group_org(sessions)
    await install(harness, QA_LEAD, PSW)
    for data in (
        {"meeting_id": 2**70, "assignment_id": 1},
        {"meeting_id": "9" * 40},
        {"meeting_id": -3},
        {"meeting_id": None},
        {"meeting_id": [1]},
    ):
        for verb in (verbs.MODERATION_GROUP_OPEN, verbs.MODERATION_GROUP_CLOSE, verbs.MODERATION_GROUP_OUTCOME):
            refused = await invoke(harness, PSW, verb, data)
            assert text.NO_SUCH_MEETING in card_text(refused), (verb, data)
    odd = await invoke(
        harness, QA_LEAD, verbs.MODERATION_GROUP_SCHEDULE, {"members": {"x": 1}, "meets_on": 5, "audits": [None]}
    )
    assert text.PAGE_HAS_ERRORS in card_text(odd)
    async with sessions() as session:
        assert list(await session.scalars(select(ModerationGroupMeeting))) == []
