"""The moderation group against real databases: scheduling with members by role and audits picked
or sampled, reading audits read-only, recording outcomes (told to the auditor and practitioner),
closing a meeting into the QA calendar, and the counts digests and reports read."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from cards import text_moderation_group as text
from services.container import Services
from services.errors import InvalidInput, NotAllowed, NotFound
from storage.models import (
    AccessLogEntry,
    AuditModeration,
    CalendarAttendee,
    CalendarOccurrence,
    ModerationGroupAudit,
    ModerationGroupMeeting,
    ModerationGroupMember,
    RoleAssignment,
)
from tests.support.audits import card_text
from tests.support.moderation_group import (
    AUDITOR,
    HEAD_OF_SERVICE,
    IRO_MANAGER,
    PSW,
    QA_LEAD,
    GroupOrg,
    make_group_org,
    submitted_audits,
)
from tests.support.outbox import RecordingOutbox
from views.audits import SubmittedAudit
from views.moderation_group import CloseForm, MeetingView, ModerationGroupThemes, OutcomeForm, ScheduleForm

PRACTITIONER = "29:user-1"
MEETS_ON = "2026-02-16"


def schedule_data(org: GroupOrg, audits: list[int], /, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "submission_key": "k1",
        "meets_on": MEETS_ON,
        "cadence": "2",
        "members": f"{org.head_of_service},{org.psw},{org.iro_manager}",
        "audits": ",".join(str(a) for a in audits),
    }
    data.update(changes)
    return data


async def scheduled(services: Services, org: GroupOrg, audits: list[int], /, **changes: Any) -> MeetingView:
    result = await services.moderation_group.schedule(QA_LEAD, schedule_data(org, audits, **changes))
    assert isinstance(result, MeetingView), getattr(result, "errors", result)
    return result


async def a_meeting(services: Services, sessions, audits: int) -> tuple[GroupOrg, list[int], MeetingView]:  # type: ignore[no-untyped-def]
    """The group's organisation, ``audits`` submitted audits, and a meeting with all of them on its list."""
    org = await make_group_org(sessions)
    submitted = await submitted_audits(services, audits)
    return org, submitted, await scheduled(services, org, submitted)


async def count(sessions, model: Any) -> int:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_the_qa_lead_schedules_a_meeting_with_members_by_role_and_each_member_is_sent_it(
    recorded_services: Services, outbox: RecordingOutbox, sessions
) -> None:  # type: ignore[no-untyped-def]
    services = recorded_services
    org = await make_group_org(sessions)
    audits = await submitted_audits(services, 3)

    form = await services.moderation_group.new_form(QA_LEAD)
    assert [(m.name, m.role) for m in form.members] == [
        ("Hana Reed", "head_of_service"),
        ("Ira Cole", "iro_manager"),
        ("Pat Kemp", "principal_social_worker"),
    ], "only the framework's group roles are offered, by name"
    assert sorted(a.assignment_id for a in form.audits) == sorted(audits)
    assert form.default_date == date(2026, 2, 18), "the QA calendar's next bi-monthly moderation group"

    view = await scheduled(services, org, audits[:2])
    assert (view.meets_on, view.cadence_months, view.calendar_due_on) == (date(2026, 2, 16), 2, date(2026, 2, 18))
    assert [a.case_ref for a in view.audits] == ["LCS100001", "LCS100002"]
    assert all(a.original_grade == "good" and not a.recorded for a in view.audits)
    assert view.next_meeting_on == date(2026, 4, 16), "bi-monthly by default"
    invited = outbox.keys("-member-")
    assert sorted(invited) == sorted(
        (p, f"moderation-group-{view.id}-member-{p}") for p in (org.head_of_service, org.psw, org.iro_manager)
    )
    assert "You are invited to the moderation group on 16 February 2026" in card_text(outbox.requests[-1].card)

    again = await services.moderation_group.schedule(QA_LEAD, schedule_data(org, audits[2:]))
    assert isinstance(again, MeetingView) and again.id == view.id, "a second click shows the first meeting"
    assert await count(sessions, ModerationGroupMeeting) == 1
    assert await count(sessions, ModerationGroupMember) == 3
    assert await count(sessions, ModerationGroupAudit) == 2

    later = await services.moderation_group.new_form(QA_LEAD)
    assert later.default_date == date(2026, 4, 16), "the next meeting follows the last by its cadence"
    assert [a.assignment_id for a in later.audits] == [audits[2]], "an audit is moderated by the group once"


async def test_only_the_qa_lead_schedules(services: Services, sessions) -> None:  # type: ignore[no-untyped-def]
    org = await make_group_org(sessions)
    for who in (PRACTITIONER, PSW, HEAD_OF_SERVICE):
        with pytest.raises(NotAllowed) as refused:
            await services.moderation_group.new_form(who)
        assert refused.value.user_message == text.ONLY_QA_LEAD_SCHEDULES
    with pytest.raises(NotAllowed):
        await services.moderation_group.schedule(PSW, schedule_data(org, [1]))
    assert await count(sessions, ModerationGroupMeeting) == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"meets_on": "2026-01-09"}, "meets_on", text.DATE_PASSED),
        ({"meets_on": "16/02/2026"}, "meets_on", text.DATE_NEEDED),
        ({"cadence": "7"}, "cadence", text.CADENCE_NEEDED),
        ({"members": ""}, "members", text.MEMBERS_NEEDED),
        ({"members": "1"}, "members", text.MEMBER_UNKNOWN),
        ({"members": "x,y"}, "members", text.MEMBERS_NEEDED),
        ({"audits": ""}, "audits", text.AUDITS_NEEDED),
        ({"audits": "999"}, "audits", text.AUDIT_UNKNOWN),
        ({"sample_size": "2"}, "audits", text.AUDITS_BOTH),
        ({"audits": "", "sample_size": "0"}, "sample_size", text.SAMPLE_INVALID.format(most=30)),
        (
            {"audits": "", "sample_size": "2", "since": "2026-01-10", "until": "2026-01-01"},
            "since",
            text.PERIOD_INVALID,
        ),
        ({"audits": "", "sample_size": "2", "service_area": "999"}, "service_area", text.AREA_UNKNOWN),
        (
            {"audits": "", "sample_size": "2", "since": "2025-01-01", "until": "2025-02-01"},
            "sample_size",
            text.NOTHING_TO_SAMPLE.format(area=""),
        ),
    ],
)
async def test_a_schedule_card_with_bad_answers_comes_back_with_what_to_fix_and_nothing_stored(
    services: Services, sessions, changes: dict[str, Any], field: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    org = await make_group_org(sessions)
    audits = await submitted_audits(services, 1)
    result = await services.moderation_group.schedule(QA_LEAD, schedule_data(org, audits, **changes))
    assert isinstance(result, ScheduleForm)
    assert result.errors.get(field) == message, result.errors
    assert result.values["meets_on"] == changes.get("meets_on", MEETS_ON), "what was typed is kept"
    assert await count(sessions, ModerationGroupMeeting) == 0


async def test_a_sample_is_drawn_from_the_period_and_area_leaving_out_audits_already_listed(
    services: Services, sessions
) -> None:  # type: ignore[no-untyped-def]
    org = await make_group_org(sessions)
    audits = await submitted_audits(services, 5)
    first = await scheduled(services, org, audits[:1])
    services.moderation_group.rng = random.Random(3)
    async with sessions() as session:
        from storage.models import ServiceArea

        area = await session.scalar(select(ServiceArea.id))
    sampled = await scheduled(
        services,
        org,
        [],
        submission_key="k2",
        audits="",
        sample_size="3",
        since="2026-01-01",
        until="2026-01-12",
        service_area=str(area),
    )
    picked = {a.assignment_id for a in sampled.audits}
    assert len(picked) == 3 and picked <= set(audits[1:]), "three of the four not already on a list"
    assert first.audits[0].assignment_id not in picked

    bigger = await services.moderation_group.schedule(
        QA_LEAD, schedule_data(org, [], submission_key="k3", audits="", sample_size="10")
    )
    assert isinstance(bigger, MeetingView) and len(bigger.audits) == 1, "a sample larger than the pool takes all left"


async def test_members_read_the_audits_on_the_list_and_nobody_else_does(services: Services, sessions) -> None:  # type: ignore[no-untyped-def]
    org = await make_group_org(sessions)
    audits = await submitted_audits(services, 2)
    view = await scheduled(services, org, audits[:1])

    audit = await services.moderation_group.read_audit(PSW, view.id, audits[0])
    assert isinstance(audit, SubmittedAudit) and audit.assignment.case_ref == "LCS100001"
    assert (await services.moderation_group.meeting(IRO_MANAGER, view.id)).id == view.id
    async with sessions() as session:
        logged = list(
            await session.scalars(
                select(AccessLogEntry.detail).where(
                    AccessLogEntry.record_type == "audit", AccessLogEntry.actor_id == org.psw
                )
            )
        )
    assert logged == [{"for": "moderation group", "meeting": view.id}]

    with pytest.raises(NotFound) as missing:
        await services.moderation_group.read_audit(PSW, view.id, audits[1])
    assert missing.value.user_message == text.NOT_ON_THE_LIST
    for outsider in (PRACTITIONER, AUDITOR, "29:user-7"):
        with pytest.raises(NotAllowed) as refused:
            await services.moderation_group.read_audit(outsider, view.id, audits[0])
        assert refused.value.user_message == text.ONLY_MEMBERS
    with pytest.raises(NotFound):
        await services.moderation_group.meeting(PSW, view.id + 100)


async def test_the_group_records_an_outcome_once_and_the_auditor_and_practitioner_are_told(
    recorded_services: Services, outbox: RecordingOutbox, sessions
) -> None:  # type: ignore[no-untyped-def]
    services = recorded_services
    org, audits, view = await a_meeting(services, sessions, 1)
    group, audit_id = services.moderation_group, audits[0]

    form = await group.open_outcome(HEAD_OF_SERVICE, view.id, audit_id)
    assert isinstance(form, OutcomeForm) and form.original_grade == "good"

    refused = await group.record_outcome(HEAD_OF_SERVICE, view.id, audit_id, {"agreed_grade": "excellent"})
    assert isinstance(refused, OutcomeForm) and refused.errors == {"agreed_grade": text.GRADE_NEEDED}
    changed = await group.record_outcome(HEAD_OF_SERVICE, view.id, audit_id, {"agreed_grade": "requires_improvement"})
    assert isinstance(changed, OutcomeForm) and changed.errors == {"learning": text.RATIONALE_NEEDED}
    named = await group.record_outcome(
        HEAD_OF_SERVICE,
        view.id,
        audit_id,
        {"agreed_grade": "good", "learning": "Call mum on 07700 900123 about it.", "themes": "child_voice,nonsense"},
    )
    assert isinstance(named, OutcomeForm) and set(named.errors) == {"learning", "themes"}
    assert named.values["learning"] == "Call mum on 07700 900123 about it.", "nothing typed is lost"

    done = await group.record_outcome(
        HEAD_OF_SERVICE,
        view.id,
        audit_id,
        {
            "agreed_grade": "requires_improvement",
            "themes": ["family_feedback", "child_voice"],
            "learning": "The child's wishes are recorded but not what changed because of them.",
        },
    )
    assert isinstance(done, MeetingView)
    [line] = done.audits
    assert (line.agreed_grade, line.outcome, line.themes) == (
        "requires_improvement",
        "lowered",
        ("child_voice", "family_feedback"),
    )
    told = outbox.keys(f"moderation-group-{view.id}-audit-")
    assert sorted(told) == sorted(
        (p, f"moderation-group-{view.id}-audit-{audit_id}-{p}") for p in (org.auditor, org.practitioner)
    )
    notice = card_text(outbox.requests[-1].card)
    assert "Overall grade: Requires improvement (lowered; the auditor's grade was Good)" in notice
    assert "The child's voice, Feedback sought from the family" in notice
    assert "Hana" not in notice and "Priya" not in notice, "learning is shared without naming anyone"

    second = await group.record_outcome(PSW, view.id, audit_id, {"agreed_grade": "outstanding"})
    assert isinstance(second, MeetingView) and second.audits[0].agreed_grade == "requires_improvement"
    assert isinstance(await group.open_outcome(PSW, view.id, audit_id), MeetingView)
    async with sessions() as session:
        stored = await session.scalar(select(ModerationGroupAudit))
        assert stored.recorded_by_id == org.head_of_service and stored.learning.startswith("The child's wishes")
        assert await session.scalar(select(func.count()).select_from(AuditModeration)) == 0, (
            "per-audit moderation is left as it was"
        )
    assert len(outbox.keys(f"moderation-group-{view.id}-audit-")) == 2, "told once"


async def test_a_member_who_carried_out_the_audit_reads_it_but_does_not_record_its_outcome(
    services: Services, sessions
) -> None:  # type: ignore[no-untyped-def]
    org = await make_group_org(sessions)
    async with sessions() as session, session.begin():
        session.add(RoleAssignment(person_id=org.auditor, role="iro_manager"))
    audits = await submitted_audits(services, 1)
    view = await scheduled(services, org, audits, members=f"{org.auditor},{org.psw}")

    assert isinstance(await services.moderation_group.read_audit(AUDITOR, view.id, audits[0]), SubmittedAudit)
    with pytest.raises(NotAllowed) as refused:
        await services.moderation_group.record_outcome(AUDITOR, view.id, audits[0], {"agreed_grade": "good"})
    assert refused.value.user_message == text.NOT_INDEPENDENT
    assert await count(sessions, ModerationGroupAudit) == 1
    async with sessions() as session:
        assert (await session.scalar(select(ModerationGroupAudit))).agreed_grade is None


async def test_closing_the_meeting_keeps_its_themes_and_records_the_calendar_occurrence_held(
    services: Services, sessions
) -> None:  # type: ignore[no-untyped-def]
    org, audits, view = await a_meeting(services, sessions, 2)
    group = services.moderation_group
    await group.record_outcome(PSW, view.id, audits[0], {"agreed_grade": "good", "themes": "child_voice"})
    await group.record_outcome(
        PSW, view.id, audits[1], {"agreed_grade": "outstanding", "themes": "child_voice,risk_sensible", "learning": "x"}
    )

    assert isinstance(await group.open_close(IRO_MANAGER, view.id), CloseForm)
    empty = await group.close(IRO_MANAGER, view.id, {"notes": "Good week"})
    assert isinstance(empty, CloseForm) and empty.errors == {"themes": text.MEETING_THEMES_NEEDED}
    with pytest.raises(NotAllowed):
        await group.close(PRACTITIONER, view.id, {"themes": "child_voice"})

    closed = await group.close(
        IRO_MANAGER, view.id, {"themes": "child_voice,analytic_recording", "notes": "Voice is recorded, not analysed."}
    )
    assert isinstance(closed, MeetingView) and closed.closed and not closed.viewer_may_close
    assert closed.themes == ("child_voice", "analytic_recording")
    async with sessions() as session:
        occurrence = await session.scalar(select(CalendarOccurrence))
        attendees = set(await session.scalars(select(CalendarAttendee.person_id)))
    assert (occurrence.activity, occurrence.unit, occurrence.due_on, occurrence.held_on) == (
        "moderation_group",
        "service",
        date(2026, 2, 18),
        date(2026, 2, 16),
    )
    assert occurrence.findings == "Voice is recorded, not analysed."
    assert attendees == {org.head_of_service, org.psw, org.iro_manager}

    again = await group.close(QA_LEAD, view.id, {"themes": "risk_sensible"})
    assert isinstance(again, MeetingView) and again.themes == ("child_voice", "analytic_recording")
    with pytest.raises(InvalidInput) as late:
        await group.record_outcome(PSW, view.id, audits[0], {"agreed_grade": "good"})
    assert late.value.user_message == text.MEETING_ALREADY_CLOSED

    themes = await group.themes(since=date(2026, 2, 1), until=date(2026, 3, 31))
    assert themes == ModerationGroupThemes(
        meetings=1,
        audits_moderated=2,
        agreed=1,
        raised=1,
        lowered=0,
        themes={"risk_sensible": 1, "child_voice": 3, "analytic_recording": 1},
    )
    assert themes.top_themes(2) == [("child_voice", 3), ("risk_sensible", 1)]
    assert await group.themes(since=date(2026, 3, 1), until=date(2026, 3, 31)) == ModerationGroupThemes()


async def test_a_meeting_whose_calendar_occurrence_was_recorded_by_hand_closes_without_a_second_record(
    services: Services, sessions
) -> None:  # type: ignore[no-untyped-def]
    _, _, view = await a_meeting(services, sessions, 1)
    async with sessions() as session, session.begin():
        session.add(
            CalendarOccurrence(
                activity="moderation_group",
                unit="service",
                due_on=date(2026, 2, 18),
                held_on=date(2026, 2, 18),
                recorded_at=services.clock.now(),
            )
        )
    closed = await services.moderation_group.close(QA_LEAD, view.id, {"themes": "risk_sensible"})
    assert isinstance(closed, MeetingView) and closed.closed
    assert await count(sessions, CalendarOccurrence) == 1


async def test_the_list_shows_the_qa_lead_every_meeting_and_a_member_their_own(services: Services, sessions) -> None:  # type: ignore[no-untyped-def]
    org = await make_group_org(sessions)
    audits = await submitted_audits(services, 2)
    first = await scheduled(services, org, audits[:1], members=str(org.psw))
    second = await scheduled(services, org, audits[1:], submission_key="k2", meets_on="2026-04-16")

    lead = await services.moderation_group.meetings(QA_LEAD)
    assert lead.may_schedule and [m.id for m in lead.meetings] == [second.id, first.id]
    member = await services.moderation_group.meetings(HEAD_OF_SERVICE)
    assert not member.may_schedule and [m.id for m in member.meetings] == [second.id]
    assert (await services.moderation_group.meetings(PRACTITIONER)).meetings == ()
    with pytest.raises(NotAllowed):
        await services.moderation_group.meetings("29:stranger")


async def test_the_qim_report_has_a_moderation_group_sheet_with_the_quarter_s_counts(
    services: Services, sessions
) -> None:  # type: ignore[no-untyped-def]
    from services.digest.report import render_html, sections

    _, audits, view = await a_meeting(services, sessions, 6)
    group = services.moderation_group
    for assignment_id in audits:
        await group.record_outcome(PSW, view.id, assignment_id, {"agreed_grade": "good", "themes": "child_voice"})
    await group.close(PSW, view.id, {"themes": "child_voice,risk_sensible"})

    report = await services.digests.quarterly("service", None, "2026Q1", actor=None)
    [rows] = [rows for name, _, rows in sections(report) if name == text.REPORT_SHEET]
    assert rows[:6] == [
        [text.REPORT_MEASURE, text.REPORT_NUMBER],
        [text.REPORT_MEETINGS, 1],
        [text.REPORT_AUDITS, 6],
        [text.REPORT_AGREED, 6],
        [text.REPORT_RAISED, 0],
        [text.REPORT_LOWERED, 0],
    ]
    assert ["The child's voice", 7] in rows and ["Risk-sensible decisions", "fewer than 5"] in rows
    assert "Moderation group meetings held" in render_html(report)

    later = await services.digests.quarterly("service", None, "2026Q2", actor=None)
    [empty] = [rows for name, _, rows in sections(later) if name == text.REPORT_SHEET]
    assert empty[1] == [text.REPORT_MEETINGS, 0] and [text.REPORT_THEME, text.REPORT_TIMES_NAMED] not in empty


async def test_the_purge_removes_an_old_closed_meeting_and_a_purged_audit_takes_its_outcome_along(
    services: Services, sessions, clock
) -> None:  # type: ignore[no-untyped-def]
    from qop.app import build_retention
    from services.audits.moderation import ModerationRule
    from services.retention import Kind
    from tests.support.retention import years

    org = await make_group_org(sessions)
    services.audits.moderation.rule = ModerationRule(frozenset(), 0.0)  # completed at once: purgeable
    audits = await submitted_audits(services, 2)
    closed = await scheduled(services, org, audits[:1])
    await services.moderation_group.record_outcome(PSW, closed.id, audits[0], {"agreed_grade": "good"})
    await services.moderation_group.close(PSW, closed.id, {"themes": "child_voice"})
    still_open = await scheduled(services, org, audits[1:], submission_key="k2", meets_on="2026-04-16")
    retention = build_retention(services, None)

    clock.advance(years(5))
    due = {(row.kind, row.records): row.count for row in await retention.report()}
    assert due[(Kind.MODERATION_GROUP, "moderation group meetings (members, outcomes)")] == 0

    clock.advance(years(2))
    result = await retention.purge()
    assert result.removed["moderation_group: moderation group meetings (members, outcomes)"] == 1
    assert result.removed["audits: audits"] == 2, "both audits were completed more than six years ago"
    async with sessions() as session:
        assert [m.id for m in await session.scalars(select(ModerationGroupMeeting))] == [still_open.id]
        assert await session.scalar(select(func.count()).select_from(ModerationGroupAudit)) == 0
        members = set(await session.scalars(select(ModerationGroupMember.meeting_id)))
    assert members == {still_open.id}, "an open meeting is never purged; its purged audit leaves its list"


async def test_a_person_s_export_holds_their_meetings_and_the_outcomes_about_their_work(
    services: Services, sessions
) -> None:  # type: ignore[no-untyped-def]
    from services.person_rights import PersonRightsService

    _, audits, view = await a_meeting(services, sessions, 1)
    await services.moderation_group.record_outcome(
        PSW, view.id, audits[0], {"agreed_grade": "good", "themes": "child_voice", "learning": "Clear plan."}
    )
    rights = PersonRightsService(sessions=sessions, clock=services.clock)

    psw = (await rights.export("pat@council.example.gov.uk")).sections
    assert [(m["id"], m["their_role"]) for m in psw["moderation_group_meetings"]] == [
        (view.id, "principal_social_worker")
    ]
    assert [o["recorded_by_them"] for o in psw["moderation_group_outcomes"]] == [True]
    practitioner = (await rights.export("priya@council.example.gov.uk")).sections
    [outcome] = practitioner["moderation_group_outcomes"]
    assert (outcome["case_reference"], outcome["their_case"], outcome["agreed_grade"], outcome["learning"]) == (
        "LCS100001",
        True,
        "good",
        "Clear plan.",
    )
    assert practitioner["moderation_group_meetings"] == []
    lead = (await rights.export("quinn@council.example.gov.uk")).sections
    assert [(m["scheduled_by_them"], m["their_role"]) for m in lead["moderation_group_meetings"]] == [(True, None)]


async def test_two_members_saving_the_same_outcome_at_once_store_one_and_tell_it_once(
    recorded_services: Services, outbox: RecordingOutbox, sessions, settings
) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from qop.app import build_services
    from storage.db import create_engine

    _, audits, view = await a_meeting(recorded_services, sessions, 1)
    engines = [create_engine(settings.database_url) for _ in range(2)]
    try:
        instances = [build_services(settings, e, clock=recorded_services.clock, outbox=outbox) for e in engines]
        results = await asyncio.gather(
            instances[0].moderation_group.record_outcome(
                PSW, view.id, audits[0], {"agreed_grade": "outstanding", "learning": "Strong plan."}
            ),
            instances[1].moderation_group.record_outcome(IRO_MANAGER, view.id, audits[0], {"agreed_grade": "good"}),
            return_exceptions=True,
        )
    finally:
        for engine in engines:
            await engine.dispose()
    assert all(isinstance(r, MeetingView) for r in results), results
    async with sessions() as session:
        [stored] = list(await session.scalars(select(ModerationGroupAudit)))
    assert {r.audits[0].agreed_grade for r in results} == {stored.agreed_grade}, "both cards show what was stored"
    notices = [r for r in outbox.requests if "-audit-" in (r.dedupe_key or "") and not r.repeated]
    assert len(notices) == 2, "the auditor and the practitioner are told once each"
    grade = "Outstanding" if stored.agreed_grade == "outstanding" else "Good"
    assert all(f"Overall grade: {grade} (" in card_text(r.card) for r in notices)
