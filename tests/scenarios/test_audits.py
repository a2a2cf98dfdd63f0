"""A whole audit round through the app: Teams activities in, cards out, records checked."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, update

from cards import verbs
from qop.app import SERVICES_KEY
from services.reminder_job import run_reminders
from services.templates import TemplateLibrary
from storage.models import (
    AccessLogEntry,
    Action,
    AuditAssignment,
    AuditEscalation,
    AuditGrade,
    AuditModeration,
    AuditReflection,
    AuditSubmission,
    Delivery,
    DeliveryStatus,
    Person,
    Role,
    RoleAssignment,
)
from tests.scenarios.conftest import BotHarness
from tests.support import activities as a
from tests.support.audits import (
    FAMILY_ANSWERS,
    MODERATOR_NUMBER,
    REFLECTION_ANSWERS,
    YOUNG_PERSON_ANSWERS,
    AuditOrg,
    card_text,
    inputs_of,
    make_audit_org,
    only_the_auditor_moderates,
    valid_answers,
)
from tests.support.cards import button_data, nodes
from tests.support.delivery import eventually
from views.audits import MAX_ACTIONS, action_ids

STANDARD = TemplateLibrary.from_folder().get("standard-collaborative-audit")
PRACTITIONER, MANAGER, COLLEAGUE, AUDITOR, OUTSIDER, QA_LEAD = 1, 2, 3, 4, 5, 6


async def invoke(harness: BotHarness, number: int, verb: str, data: dict[str, Any]) -> dict[str, Any]:
    """Click a button as user ``number`` in their personal chat; returns the card that replaces it."""
    body = await harness.send(
        a.card_action(
            harness.service_url,
            verb,
            {"verb": verb, **data},
            conversation=a.personal_chat(number),
            sender=a.user(number),
        )
    )
    assert body["type"] == "application/vnd.microsoft.card.adaptive", body
    return body["value"]


async def say(harness: BotHarness, number: int, text: str) -> dict[str, Any]:
    before = len(harness.connector.in_conversation(f"a:personal-{number}"))
    await harness.send(
        a.message(harness.service_url, text, conversation=a.personal_chat(number), sender=a.user(number))
    )
    replies = harness.connector.in_conversation(f"a:personal-{number}")[before:]
    return replies[-1].cards[0]


async def install_everyone(harness: BotHarness) -> None:
    for number in range(1, MODERATOR_NUMBER + 1):
        await harness.send(
            a.installation(harness.service_url, conversation=a.personal_chat(number), sender=a.user(number))
        )


def cards_to(harness: BotHarness, number: int, *, method: str = "POST") -> list[dict[str, Any]]:
    messages = harness.connector.in_conversation(f"a:personal-{number}")
    return [m.cards[0] for m in messages if m.cards and m.method == method]


async def card_to(harness: BotHarness, number: int, containing: str, *, method: str = "POST") -> dict[str, Any]:
    """The card the delivery engine brings to user ``number`` that contains ``containing``."""

    async def arrived() -> dict[str, Any] | None:
        return next((c for c in cards_to(harness, number, method=method) if containing in card_text(c)), None)

    return await eventually(arrived, within=30, what=f"{containing!r} to reach user {number}")


async def start_round(harness: BotHarness, clock, extra_rows: str = "") -> dict[str, Any]:  # type: ignore[no-untyped-def]
    form = await say(harness, QA_LEAD, "audit round")
    assert "Start an audit round" in card_text(form)
    due = (clock.now().date() + timedelta(days=21)).isoformat()
    cases = "LCS100234, Riverside Locality Team, priya@council.example.gov.uk, omar@council.example.gov.uk" + extra_rows
    return await invoke(
        harness, QA_LEAD, verbs.AUDIT_ROUND_START, {"template": STANDARD.id, "due_date": due, "cases": cases}
    )


async def only_assignment(sessions) -> AuditAssignment:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        [assignment] = list(await session.scalars(select(AuditAssignment)))
        return assignment


async def test_a_full_round_from_start_to_moderated_grades_and_actions(harness: BotHarness, sessions, clock) -> None:  # type: ignore[no-untyped-def]
    org: AuditOrg = await make_audit_org(sessions)
    await install_everyone(harness)

    report = await start_round(
        harness,
        clock,
        "\nnot-a-ref, Riverside Locality Team, priya@council.example.gov.uk, omar@council.example.gov.uk"
        "\nLCS100999, Nowhere Team, priya@council.example.gov.uk, omar@council.example.gov.uk",
    )
    assert "1 audits sent" in card_text(report)
    assert "Row 3" in card_text(report) and "not a case reference" in card_text(report)
    assert "Row 4" in card_text(report) and "no team called Nowhere Team" in card_text(report)
    assignment = await only_assignment(sessions)
    audit_id = assignment.id

    # The auditor and the practitioner are told in their personal chats.
    invitation = await card_to(harness, AUDITOR, "An audit for you")
    assert "LCS100234" in card_text(invitation)
    await card_to(harness, PRACTITIONER, "Your reflection: case LCS100234")

    # The auditor walks the pages: next, a back step, more, then stops.
    today = clock.now().date()
    page = await invoke(harness, AUDITOR, verbs.AUDIT_OPEN, {"assignment_id": audit_id})
    assert "step 1 of 11" in card_text(page) and "We would expect to see" in card_text(page)
    grades = {0: "good", 1: "good", 2: "outstanding", 3: "good", 4: "requires_improvement", 5: "good"}
    for number in range(3):
        answers = valid_answers(STANDARD.sections[number], today, grade=grades[number])
        page = await invoke(harness, AUDITOR, verbs.AUDIT_NEXT, {"assignment_id": audit_id, "page": number, **answers})
        assert f"step {number + 2} of 11" in card_text(page), card_text(page)
    page = await invoke(harness, AUDITOR, verbs.AUDIT_BACK, {"assignment_id": audit_id, "page": 3})
    assert "step 3 of 11" in card_text(page)
    assert inputs_of(page)["assessment_grade"] == "outstanding", "the draft refills the page after Back"
    kept = {k: v for k, v in inputs_of(page).items() if v}
    kept["assessment_grade__evidence"] = "Assessment of 3 March, analysis section"
    page = await invoke(harness, AUDITOR, verbs.AUDIT_SAVE, {"assignment_id": audit_id, "page": 2, **kept})
    assert "Draft saved" in card_text(page)

    # Later: resume from 'my tasks'.
    tasks = await say(harness, AUDITOR, "my tasks")
    assert "Audit in progress" in card_text(tasks) and "LCS100234" in card_text(tasks)
    page = await invoke(harness, AUDITOR, verbs.AUDIT_OPEN, {"assignment_id": audit_id})
    assert "step 3 of 11" in card_text(page), "resumes where the draft was saved"
    assert inputs_of(page)["assessment_grade__evidence"] == "Assessment of 3 March, analysis section"
    page = await invoke(harness, AUDITOR, verbs.AUDIT_NEXT, {"assignment_id": audit_id, "page": 2})
    assert "step 4 of 11" in card_text(page)
    for number in range(3, len(STANDARD.sections)):
        answers = valid_answers(STANDARD.sections[number], today, grade=grades.get(number, "requires_improvement"))
        page = await invoke(harness, AUDITOR, verbs.AUDIT_NEXT, {"assignment_id": audit_id, "page": number, **answers})

    # Actions page, then the practitioner reflects before the auditor finalises.
    assert "Actions agreed" in card_text(page)
    action = {
        "action_1_what": "Add a Saturday safety contact to the plan with the family",
        "action_1_owner": str(org.org.practitioner),
        "action_1_due": (today + timedelta(days=28)).isoformat(),
    }
    page = await invoke(harness, AUDITOR, verbs.AUDIT_NEXT, {"assignment_id": audit_id, "page": 9, **action})
    assert "Check and submit" in card_text(page) and "has not sent their reflection yet" in card_text(page)

    done = await invoke(
        harness, PRACTITIONER, verbs.AUDIT_REFLECT_SUBMIT, {"assignment_id": audit_id, **REFLECTION_ANSWERS}
    )
    assert "Reflection sent: case LCS100234" in card_text(done)

    page = await invoke(harness, AUDITOR, verbs.AUDIT_OPEN, {"assignment_id": audit_id})
    assert "Weekly visits built trust with mum." in card_text(page), "the auditor reads the reflection first"
    submit_data = button_data(page, verbs.AUDIT_SUBMIT)

    # Not without the family's view: the review page says so; the parent answers together on the card.
    refused = await invoke(harness, AUDITOR, verbs.AUDIT_SUBMIT, submit_data)
    assert "The family's view is needed before the audit can be submitted" in card_text(refused)
    here = {"assignment_id": audit_id, "page": len(STANDARD.sections) + 1}
    form = await invoke(harness, AUDITOR, verbs.AUDIT_FAMILY_TOGETHER, {**here, "family_who": "parent_carer"})
    assert "Your view of the help your family has had" in card_text(form)
    family = {**button_data(form, verbs.AUDIT_FAMILY_ANSWER), **FAMILY_ANSWERS}
    page = await invoke(harness, AUDITOR, verbs.AUDIT_FAMILY_ANSWER, family)
    assert "The family gave their view." in card_text(page) and "answered together" in card_text(page)
    assert "We work well together now" in card_text(page), "the family's own words are on the audit"
    submit_data = button_data(page, verbs.AUDIT_SUBMIT)
    summary = await invoke(harness, AUDITOR, verbs.AUDIT_SUBMIT, submit_data)
    again = await invoke(harness, AUDITOR, verbs.AUDIT_SUBMIT, submit_data)
    assert "We work well together now" in card_text(summary)
    assert "Audit submitted: case LCS100234" in card_text(summary)
    assert "Input." not in card_text(summary), "the submitted audit is read-only"
    assert card_text(again) == card_text(summary), "a double click shows the same stored audit"
    assert "Waiting for a moderator" in card_text(summary), "an Outstanding stage always goes to a moderator"
    updated = await card_to(harness, AUDITOR, "Audit submitted: case LCS100234", method="PUT")
    assert "Input." not in card_text(updated), "the invitation message itself became the read-only summary"

    # The moderator lowers the Outstanding assessment grade, with a rationale.
    moderation_card = await card_to(harness, MODERATOR_NUMBER, "Moderate the audit")
    values = {k: v for k, v in inputs_of(moderation_card).items() if v}
    values["moderated_assessment_grade"] = "good"
    values["moderation_rationale_assessment_grade"] = "Good analysis, but the family was not given the assessment."
    outcome = await invoke(
        harness, MODERATOR_NUMBER, verbs.AUDIT_MODERATE_SUBMIT, {"assignment_id": audit_id, **values}
    )
    assert "Good** (auditor: Outstanding; moderation lowered)" in card_text(outcome)
    told = await card_to(harness, PRACTITIONER, "Audit outcome")
    assert verbs.AUDIT_COMMENT in card_text(told), "the practitioner may comment on the final grade"
    told = await card_to(harness, AUDITOR, "Audit outcome")
    assert "Good** (auditor: Outstanding" in card_text(told)
    assert verbs.AUDIT_COMMENT not in card_text(told), "the auditor is told, with no comment box they may not use"

    commented = await invoke(
        harness, PRACTITIONER, verbs.AUDIT_COMMENT, {"assignment_id": audit_id, "comment": "I agree with the grade."}
    )
    assert "Practitioner's comment: I agree with the grade." in card_text(commented)

    # The practitioner's team manager finds the audit in 'team audits' and opens it read-only.
    listed = await say(harness, MANAGER, "team audits")
    assert "Case LCS100234" in card_text(listed) and "Completed" in card_text(listed)
    assert "Overall: Requires improvement" in card_text(listed)
    opened = await invoke(harness, MANAGER, verbs.AUDIT_VIEW, button_data(listed, verbs.AUDIT_VIEW))
    assert "Audit submitted: case LCS100234" in card_text(opened) and "Input." not in card_text(opened)

    async with sessions() as session:
        [submission] = list(await session.scalars(select(AuditSubmission)))
        grades_rows = list(await session.scalars(select(AuditGrade).order_by(AuditGrade.id)))
        moderations = list(await session.scalars(select(AuditModeration)))
        [reflection_row] = list(await session.scalars(select(AuditReflection)))
        [action_row] = list(await session.scalars(select(Action)))
        assignment = await session.get(AuditAssignment, audit_id)
        escalations = await session.scalar(select(func.count()).select_from(AuditEscalation))
        logged = set(await session.scalars(select(AccessLogEntry.action).where(AccessLogEntry.record_type == "audit")))
    assert assignment.status == "completed" and assignment.moderator_id == org.moderator
    assert (submission.template_id, submission.template_version) == (STANDARD.id, 2), "new rounds take the newest"
    assert submission.moderation_reason == "grade" and submission.overall_grade == "requires_improvement"
    assert submission.practitioner_comment == "I agree with the grade."
    assert [g.question_id for g in grades_rows] == [
        "referral_grade",
        "basic_information_grade",
        "assessment_grade",
        "planning_grade",
        "review_grade",
        "oversight_grade",
        "overall_grade",
    ]
    assert next(g for g in grades_rows if g.question_id == "assessment_grade").grade == "outstanding"
    changed = [m for m in moderations if m.outcome != "agreed"]
    assert len(moderations) == 7 and len(changed) == 1
    assert (changed[0].original_grade, changed[0].moderated_grade, changed[0].outcome) == (
        "outstanding",
        "good",
        "lowered",
    )
    assert reflection_row.practitioner_scale == 6 and reflection_row.template_id == "practitioner-reflection"
    assert action_row.source == "audit" and action_row.source_ref == f"audit:{audit_id}"
    assert action_row.owner_id == org.org.practitioner and action_row.case_reference == "LCS100234"
    assert escalations == 0
    assert {"view", "change", "submit", "moderate"} <= logged


async def test_validation_messages_sit_on_the_card_and_nothing_typed_is_lost(
    harness: BotHarness, sessions, clock
) -> None:  # type: ignore[no-untyped-def]
    await make_audit_org(sessions)
    await install_everyone(harness)
    await start_round(harness, clock)
    audit_id = (await only_assignment(sessions)).id

    typed = {"referral_decided_in_time": "yes", "referral_grade": "inadequate", "referral_grade__evidence": "MARF"}
    page = await invoke(harness, AUDITOR, verbs.AUDIT_NEXT, {"assignment_id": audit_id, "page": 0, **typed})
    text = card_text(page)
    assert "step 1 of 11" in text, "an incomplete page does not move on"
    assert "An Inadequate grade needs a rationale" in text and "Please answer this question." in text
    assert inputs_of(page)["referral_grade"] == "inadequate" and inputs_of(page)["referral_grade__evidence"] == "MARF"

    phone = {**typed, "referral_consent_recorded": "yes", "referral_manager_rationale": "no"}
    phone["referral_grade__rationale"] = "Referrer gave mum's mobile 07700 900123 but no analysis"
    page = await invoke(harness, AUDITOR, verbs.AUDIT_NEXT, {"assignment_id": audit_id, "page": 0, **phone})
    assert "looks like a phone number" in card_text(page) and "step 1 of 11" in card_text(page)

    # Submitting early sends the auditor to the first page that needs work.
    page = await invoke(
        harness, AUDITOR, verbs.AUDIT_SUBMIT, {"assignment_id": audit_id, "page": 10, "submission_key": "k"}
    )
    assert "Some answers need a look" in card_text(page) and "step 1 of 11" in card_text(page)
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(AuditSubmission)) == 0
        stored = await session.get(AuditAssignment, audit_id)
    assert stored.draft["referral_grade__rationale"].startswith("Referrer gave"), "even invalid text is kept"

    bad_reflection = {"did_well": "Email me at sam@example.org", "practitioner_scale": "12"}
    card = await invoke(
        harness, PRACTITIONER, verbs.AUDIT_REFLECT_SUBMIT, {"assignment_id": audit_id, **bad_reflection}
    )
    assert "an e-mail address" in card_text(card) and "Choose a whole number from 0 to 10." in card_text(card)
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(AuditReflection)) == 0


async def test_stop_and_escalate_alerts_the_manager_and_qa_lead_at_once(harness: BotHarness, sessions, clock) -> None:  # type: ignore[no-untyped-def]
    await make_audit_org(sessions)
    await install_everyone(harness)
    await start_round(harness, clock)
    audit_id = (await only_assignment(sessions)).id
    overall_page = len(STANDARD.sections) - 1
    answers = valid_answers(STANDARD.sections[overall_page], clock.now().date())
    answers["immediate_concern"] = "yes"

    page = await invoke(
        harness, AUDITOR, verbs.AUDIT_NEXT, {"assignment_id": audit_id, "page": overall_page, **answers}
    )
    assert "Describe the concern" in card_text(page), "an escalation needs the auditor's note"
    assert not any("Safeguarding concern" in card_text(c) for c in cards_to(harness, MANAGER))

    answers["concern_note"] = "Bruising recorded on the last visit with no strategy discussion on file."
    for _ in range(2):  # saving the page again does not alert twice
        page = await invoke(
            harness, AUDITOR, verbs.AUDIT_SAVE, {"assignment_id": audit_id, "page": overall_page, **answers}
        )
    for number in (MANAGER, QA_LEAD):
        alert = await card_to(harness, number, "Safeguarding concern raised")
        assert "LCS100234" in card_text(alert) and "no strategy discussion" in card_text(alert)
        assert len([c for c in cards_to(harness, number) if "Safeguarding concern" in card_text(c)]) == 1
    assert not any("Safeguarding concern raised" in card_text(c) for c in cards_to(harness, OUTSIDER))
    async with sessions() as session:
        [escalation] = list(await session.scalars(select(AuditEscalation)))
    assert len(escalation.alerted_person_ids) == 2


async def test_a_safeguarding_concern_skips_a_manager_who_has_left(harness: BotHarness, sessions, clock) -> None:  # type: ignore[no-untyped-def]
    """People who leave are deactivated, not deleted: the alert goes to the QA lead, not to them."""
    await make_audit_org(sessions)
    await install_everyone(harness)
    await start_round(harness, clock)
    audit_id = (await only_assignment(sessions)).id
    async with sessions() as session, session.begin():
        await session.execute(update(Person).where(Person.teams_user_id == f"29:user-{MANAGER}").values(active=False))
    overall_page = len(STANDARD.sections) - 1
    answers = valid_answers(STANDARD.sections[overall_page], clock.now().date())
    answers |= {"immediate_concern": "yes", "concern_note": "Bruising recorded with no strategy discussion on file."}

    await invoke(harness, AUDITOR, verbs.AUDIT_SAVE, {"assignment_id": audit_id, "page": overall_page, **answers})

    await card_to(harness, QA_LEAD, "Safeguarding concern raised")
    assert not any("Safeguarding concern" in card_text(c) for c in cards_to(harness, MANAGER))
    async with sessions() as session:
        [escalation] = list(await session.scalars(select(AuditEscalation)))
        qa_lead = await session.scalar(select(Person.id).where(Person.teams_user_id == f"29:user-{QA_LEAD}"))
    assert escalation.alerted_person_ids == [qa_lead]


async def test_only_the_right_people_may_act_or_look(harness: BotHarness, sessions, clock) -> None:  # type: ignore[no-untyped-def]
    await make_audit_org(sessions)
    await install_everyone(harness)
    await start_round(harness, clock)
    audit_id = (await only_assignment(sessions)).id

    refused = await invoke(harness, COLLEAGUE, verbs.AUDIT_SUBMIT, {"assignment_id": audit_id, "submission_key": "x"})
    assert "Only the auditor assigned to this audit can submit it." in card_text(refused)
    refused = await invoke(harness, AUDITOR, verbs.AUDIT_REFLECT_SUBMIT, {"assignment_id": audit_id})
    assert "Only the practitioner whose work was audited" in card_text(refused)
    refused = await invoke(harness, OUTSIDER, verbs.AUDIT_VIEW, {"assignment_id": audit_id})
    assert "can see this audit" in card_text(refused)
    refused = await invoke(harness, PRACTITIONER, verbs.AUDIT_MODERATE_SUBMIT, {"assignment_id": audit_id})
    assert "moderate" in card_text(refused)
    refused = await invoke(
        harness,
        COLLEAGUE,
        verbs.AUDIT_ROUND_START,
        {"template": STANDARD.id, "due_date": "2026-03-01", "cases": "LCS1234, x, y, z"},
    )
    assert "Only the QA lead and team managers" in card_text(refused)
    refused = await say(harness, COLLEAGUE, "team audits")
    assert "Team audits are for team managers and the QA lead" in card_text(refused)
    listed = await say(harness, QA_LEAD, "team audits")
    assert "Case LCS100234" in card_text(listed) and "Not started" in card_text(listed)
    assert verbs.AUDIT_VIEW not in card_text(listed), "nothing to open before it is submitted"
    not_yet = await invoke(harness, MANAGER, verbs.AUDIT_VIEW, {"assignment_id": audit_id})
    assert "has not been submitted yet" in card_text(not_yet), "the manager may look, once there is something"
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(AuditSubmission)) == 0


async def test_an_audit_raises_as_many_actions_as_it_needs_one_row_at_a_time(
    harness: BotHarness, sessions, clock
) -> None:  # type: ignore[no-untyped-def]
    org: AuditOrg = await make_audit_org(sessions)
    await install_everyone(harness)
    await start_round(harness, clock)
    audit_id = (await only_assignment(sessions)).id
    today = clock.now().date()
    actions_page = len(STANDARD.sections)
    for number in range(actions_page):
        answers = valid_answers(STANDARD.sections[number], today)
        page = await invoke(harness, AUDITOR, verbs.AUDIT_NEXT, {"assignment_id": audit_id, "page": number, **answers})
    assert "Actions agreed" in card_text(page)
    assert "action_1_what" in inputs_of(page) and "action_2_what" not in inputs_of(page), "one empty row to start"
    assert verbs.AUDIT_ADD_ACTION in card_text(page)

    def row(number: int) -> dict[str, str]:
        what, owner, due = action_ids(number)
        return {
            what: f"Action {number}: record the child's views in the plan",
            owner: str(org.org.practitioner),
            due: (today + timedelta(days=7 + number)).isoformat(),
        }

    here = {"assignment_id": audit_id, "page": actions_page}
    page = await invoke(harness, AUDITOR, verbs.AUDIT_ADD_ACTION, {**here, **row(1)})
    assert "Action 2 added below" in card_text(page)
    assert inputs_of(page)["action_1_what"].startswith("Action 1") and inputs_of(page)["action_2_what"] is None
    page = await invoke(harness, AUDITOR, verbs.AUDIT_ADD_ACTION, here)
    assert "Fill in the empty action first" in card_text(page) and "action_3_what" not in inputs_of(page)

    # A half-filled row is caught on the card; the rows typed so far are kept.
    half = {"action_2_what": "Share the plan with dad"}
    page = await invoke(harness, AUDITOR, verbs.AUDIT_NEXT, {**here, **half})
    assert "Choose who owns this action." in card_text(page) and "step 10 of 11" in card_text(page)

    every_row = {key: value for number in range(1, MAX_ACTIONS + 1) for key, value in row(number).items()}
    page = await invoke(harness, AUDITOR, verbs.AUDIT_ADD_ACTION, {**here, **every_row})
    assert f"holds {MAX_ACTIONS} actions" in card_text(page) and verbs.AUDIT_ADD_ACTION not in card_text(page)
    assert f"action_{MAX_ACTIONS}_what" in inputs_of(page) and f"action_{MAX_ACTIONS + 1}_what" not in inputs_of(page)

    page = await invoke(harness, AUDITOR, verbs.AUDIT_NEXT, here)
    assert "Check and submit" in card_text(page) and f"Action {MAX_ACTIONS}: record" in card_text(page)
    await invoke(harness, PRACTITIONER, verbs.AUDIT_REFLECT_SUBMIT, {"assignment_id": audit_id, **REFLECTION_ANSWERS})
    review = {"assignment_id": audit_id, "page": actions_page + 1}
    page = await invoke(harness, AUDITOR, verbs.AUDIT_FAMILY_REASON, {**review, "family_reason": "declined"})
    submit_data = button_data(page, verbs.AUDIT_SUBMIT)
    summary = await invoke(harness, AUDITOR, verbs.AUDIT_SUBMIT, submit_data)
    assert "Audit submitted" in card_text(summary)
    async with sessions() as session:
        raised = list(await session.scalars(select(Action).where(Action.source == "audit").order_by(Action.id)))
    assert [x.description for x in raised] == [row(n)[action_ids(n)[0]] for n in range(1, MAX_ACTIONS + 1)]
    assert {x.owner_id for x in raised} == {org.org.practitioner}
    assert {x.source_ref for x in raised} == {f"audit:{audit_id}"}


async def test_an_audit_nobody_independent_can_moderate_waits_visibly_until_a_moderator_is_appointed(
    harness: BotHarness, sessions, clock
) -> None:  # type: ignore[no-untyped-def]
    org: AuditOrg = await make_audit_org(sessions)
    await install_everyone(harness)
    await start_round(harness, clock)
    audit_id = (await only_assignment(sessions)).id
    await only_the_auditor_moderates(sessions, org)  # Omar audits, and is the only QA lead and moderator
    async with sessions() as session, session.begin():
        session.add(RoleAssignment(person_id=org.org.qa_lead, role=Role.ADMINISTRATOR.value))  # Quinn: roles only

    today = clock.now().date()
    for number, section in enumerate(STANDARD.sections):
        answers = valid_answers(section, today, grade="outstanding" if number == 2 else "good")
        await invoke(harness, AUDITOR, verbs.AUDIT_NEXT, {"assignment_id": audit_id, "page": number, **answers})
    page = await invoke(harness, AUDITOR, verbs.AUDIT_NEXT, {"assignment_id": audit_id, "page": len(STANDARD.sections)})
    await invoke(harness, PRACTITIONER, verbs.AUDIT_REFLECT_SUBMIT, {"assignment_id": audit_id, **REFLECTION_ANSWERS})
    not_safe = {"assignment_id": audit_id, "page": len(STANDARD.sections) + 1, "family_reason": "not_safe"}
    page = await invoke(harness, AUDITOR, verbs.AUDIT_FAMILY_REASON, not_safe)
    submit_data = next(x["data"] for x in page["actions"] if x.get("verb") == verbs.AUDIT_SUBMIT)
    summary = await invoke(harness, AUDITOR, verbs.AUDIT_SUBMIT, submit_data)
    assert "Waiting for a moderator" in card_text(summary)

    # Omar, the QA lead, is told: the case, why, and how to appoint a moderator. No child's name.
    alert = card_text(await card_to(harness, AUDITOR, "No moderator for the audit of case LCS100234"))
    assert "always moderated: Outstanding." in alert and "admin roles" in alert
    assert "python -m qop org role add EMAIL moderator" in alert
    tasks = card_text(await say(harness, MODERATOR_NUMBER, "my tasks"))
    assert "LCS100234" not in tasks, "Morgan is no moderator yet"

    # Omar's 'my tasks' shows it waiting, with what to do, but no button: he carried it out.
    omars = await say(harness, AUDITOR, "my tasks")
    assert "Waiting for a moderator**: case LCS100234" in card_text(omars)
    assert "admin roles" in card_text(omars)
    assert not [n for n in nodes(omars) if n.get("data", {}).get("assignment_id") == audit_id]
    listed = card_text(await say(harness, AUDITOR, "team audits"))
    assert "Case LCS100234" in listed and "nobody independent can moderate it yet" in listed

    # An administrator gives Morgan the moderator role from the 'admin roles' card: the audit is hers at once.
    granted = await invoke(
        harness, QA_LEAD, verbs.ORG_ROLE_ADD, {"email": "morgan@council.example.gov.uk", "role": "moderator"}
    )
    assert "Morgan Lee is now moderator" in card_text(granted)
    moderation_card = await card_to(harness, MODERATOR_NUMBER, "Moderate the audit of case LCS100234")
    assert (await only_assignment(sessions)).moderator_id == org.moderator

    # The reminder pass, twice, finds nothing more to do: one moderation card, ever.
    services = harness.client.app[SERVICES_KEY]
    await run_reminders(services)
    await run_reminders(services)

    async def settled() -> bool | None:
        async with sessions() as session:
            statuses = set(await session.scalars(select(Delivery.status)))
        return DeliveryStatus.QUEUED.value not in statuses or None

    await eventually(settled, within=30, what="every card to be delivered")
    moderation_cards = [c for c in cards_to(harness, MODERATOR_NUMBER) if "Moderate the audit" in card_text(c)]
    assert len(moderation_cards) == 1
    alerts = [c for c in cards_to(harness, AUDITOR) if "No moderator for the audit" in card_text(c)]
    assert len(alerts) == 1
    tasks = card_text(await say(harness, MODERATOR_NUMBER, "my tasks"))
    assert "Audit to moderate" in tasks and "LCS100234" in tasks
    assert "LCS100234" not in card_text(await say(harness, AUDITOR, "my tasks")), "no longer waiting"

    values = {k: v for k, v in inputs_of(moderation_card).items() if v}
    outcome = await invoke(
        harness, MODERATOR_NUMBER, verbs.AUDIT_MODERATE_SUBMIT, {"assignment_id": audit_id, **values}
    )
    assert "moderation agreed" in card_text(outcome)
    assert (await only_assignment(sessions)).status == "completed"


async def test_the_practitioner_asks_the_family_from_the_reflection_card_and_refusals_are_cards(
    harness: BotHarness, sessions, clock
) -> None:  # type: ignore[no-untyped-def]
    await make_audit_org(sessions)
    await install_everyone(harness)
    await start_round(harness, clock)
    audit_id = (await only_assignment(sessions)).id
    reflection_card = await card_to(harness, PRACTITIONER, "Your reflection: case LCS100234")
    assert "The family's view" in card_text(reflection_card), "the practitioner can ask with the family beside them"

    # A young person answers together on the practitioner's card; the half-typed reflection is kept.
    step = {**button_data(reflection_card, verbs.AUDIT_FAMILY_TOGETHER), "family_who": "young_person"}
    form = await invoke(harness, PRACTITIONER, verbs.AUDIT_FAMILY_TOGETHER, {**step, "did_well": "Weekly visits."})
    assert "What do you think?" in card_text(form) and verbs.AUDIT_REFLECT_OPEN in card_text(form)
    back = await invoke(
        harness,
        PRACTITIONER,
        verbs.AUDIT_FAMILY_ANSWER,
        {**button_data(form, verbs.AUDIT_FAMILY_ANSWER), **YOUNG_PERSON_ANSWERS},
    )
    assert "Your reflection: case LCS100234" in card_text(back) and inputs_of(back)["did_well"] == "Weekly visits."
    assert YOUNG_PERSON_ANSWERS["working_well"] in card_text(back)

    # The auditor sees it on the first page, before grading anything.
    page = await invoke(harness, AUDITOR, verbs.AUDIT_OPEN, {"assignment_id": audit_id})
    assert YOUNG_PERSON_ANSWERS["working_well"] in card_text(page) and "step 1 of 11" in card_text(page)

    # A colleague pressing the family step, or a made-up audit, is refused with a card.
    refusals = (
        (COLLEAGUE, audit_id, "Only the auditor of this audit, or the practitioner whose work it looks at"),
        (AUDITOR, "x", "I can't find that audit."),
    )
    for number, assignment, says in refusals:
        data = {"assignment_id": assignment, "family_reason": "declined"}
        refused = await invoke(harness, number, verbs.AUDIT_FAMILY_REASON, data)
        assert says in card_text(refused) and "family_reason" not in inputs_of(refused)
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(AuditSubmission)) == 0
