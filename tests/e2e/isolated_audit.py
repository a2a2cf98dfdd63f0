"""A full audit round through Microsoft's Teams playground (run by test_audit_playground.py in a
network namespace; ``pytest tests/e2e/isolated_audit.py`` runs it directly).

Three of the playground's own users play their parts, with the roles a council gives them: the
demo organisation (imported the ordinary way) makes Isaiah Langer a QA lead and moderator and Patti
Fernandez a Moorside practitioner; the administrator makes Alex Wilber (the playground's current
user) a QA lead as well, as ``qop org role add`` does. Alex starts a round from the round-start
card, audits Patti's case (every page, a Back step, a resume from 'my tasks', four actions raised
one row at a time), Patti reflects in her own chat, Alex is refused until the family's view is in and
sends mum a private link, which she answers; an Outstanding grade sends the audit to Isaiah,
who lowers it with a rationale; Alex and Patti are told, Patti comments, and the audit is listed
in 'team audits'. Then the database holds
exactly the expected records. A second test renders an audit page in headless Chromium and keeps
the screenshot in test-artifacts/.

The playground streams only its current user's chats to a client; the cards qop sends Isaiah and
Patti are read from its log stream (its web UI's log panel), and pressing their buttons as them
is accepted by the playground only in their own chat, on a message that is there."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

import pytest
from sqlalchemy import func, select

from cards import verbs
from qop.app import SERVICES_KEY
from qop.playground import RunningPlayground
from services.container import Services
from services.demo_audits import load_demo_audits
from services.templates import TemplateLibrary
from storage.models import (
    AccessLogEntry,
    Action,
    AuditAssignment,
    AuditEscalation,
    AuditGrade,
    AuditModeration,
    AuditReflection,
    AuditRound,
    AuditSubmission,
    Conversation,
    Delivery,
    Person,
)
from tests.e2e.browser import run_browser_script
from tests.e2e.isolation import assert_isolated_if_asked
from tests.e2e.live import WAIT_SECONDS, LiveBot, PlaygroundClient, card_text
from tests.support.audits import FAMILY_ANSWERS, inputs_of, valid_answers
from tests.support.cards import button_data
from tests.support.env import ARTIFACTS, PROJECT_ROOT, chromium_path, require
from views.audits import action_ids

pytestmark = pytest.mark.e2e

STANDARD = TemplateLibrary.from_folder().get("standard-collaborative-audit")
SCRIPT = PROJECT_ROOT / "tests" / "e2e" / "browser_audit_page.js"
CASE = "LCS300117"
ALEX, ISAIAH, PATTI = "alexw@example.com", "isaiahl@example.com", "pattif@example.com"
T = TypeVar("T")
GARETH = "gareth.pennick@northshire.example"  # Moorside's team manager, not a playground user


async def next_card_with(teams: PlaygroundClient, conversation: str, text: str) -> tuple[dict[str, Any], str]:
    """The next card containing ``text`` in one of the current user's chats (others are skipped)."""
    for _ in range(10):
        message = await teams.next_message(conversation)
        for attachment in message.get("attachments") or []:
            if text in card_text(attachment["content"]):
                return attachment["content"], message.get("messageId") or message.get("id") or ""
    raise AssertionError(f"no card with {text!r} arrived")


async def found(find: Callable[[], Awaitable[T | None]], what: str) -> T:
    try:
        async with asyncio.timeout(WAIT_SECONDS):
            while (result := await find()) is None:  # noqa: ASYNC110 - the delivery engine works in the background
                await asyncio.sleep(0.1)
    except TimeoutError:
        raise AssertionError(f"{what} did not happen within {WAIT_SECONDS:.0f} s") from None
    return result


async def card_in_chat_of(
    services: Services, teams: PlaygroundClient, email: str, user_id: str, text: str
) -> tuple[str, str, dict[str, Any]]:
    """(chat id, message id, card) of the card containing ``text`` that qop sent to another playground
    user: qop's delivery record names the message; the playground's log shows it accepted it, in
    the chat qop created with that user."""

    async def sent() -> tuple[str, str] | None:
        async with services.sessions() as session:
            rows = await session.execute(
                select(Conversation.conversation_id, Delivery.message_id, Delivery.card)
                .join(Conversation, Conversation.id == Delivery.conversation_pk)
                .join(Person, Person.id == Delivery.person_id)
                .where(Person.email == email, Delivery.operation == "send", Delivery.status == "sent")
            )
            return next(((chat, mid) for chat, mid, card in rows if text in card_text(card or {})), None)

    chat, message_id = await found(sent, f"{text!r} sent to {email}")
    assert await teams.chat_created_for(user_id) == chat, "qop's chat with them is the one the playground made"
    card = await teams.logged_card(message_id)
    assert text in card_text(card)
    return chat, message_id, card


async def test_a_full_round_through_the_playground(bot: LiveBot, playground: RunningPlayground) -> None:
    assert_isolated_if_asked()
    assert bot.app is not None
    services: Services = bot.app[SERVICES_KEY]
    assert (await services.demo.load()).rejections == []
    made = await services.organisation.change_role(actor=None, email=ALEX, role="QA lead", add=True)
    assert made.changed
    today = services.audits.context.today()

    async with PlaygroundClient(playground.url) as teams:
        config = await teams.config()
        user_of = {u["email"]: u["id"] for u in [config["currentUser"], *config["users"]]}
        personal = config["personalChat"]["id"]
        general = next(c["id"] for c in config["teams"][0]["channels"] if c["name"] == "General")
        await teams.install(personal)
        assert "Welcome to qop" in card_text(await teams.next_card(personal))
        await teams.install(general)
        await teams.next_card(general)  # the channel's welcome
        # Isaiah and Patti join the team qop is installed in: qop meets them (no message from them yet).
        await teams.add_team_members(general, [user_of[ISAIAH], user_of[PATTI]])

        async def met() -> dict[str, int] | None:
            async with services.sessions() as session:
                rows = dict((await session.execute(select(Person.teams_user_id, Person.id))).all())
            return rows if all(user_of[e] in rows for e in (ALEX, ISAIAH, PATTI)) else None

        ids_by_teams_user = await found(met, "qop meeting Isaiah and Patti")
        alex, isaiah, patti = (ids_by_teams_user[user_of[e]] for e in (ALEX, ISAIAH, PATTI))
        async with services.sessions() as session:
            gareth = await session.scalar(select(Person.id).where(Person.email == GARETH))

        # Alex, a QA lead, starts the round from the round-start card.
        await teams.say(personal, "audit round")
        _, form_id = await next_card_with(teams, personal, "Start an audit round")
        report = await teams.execute(
            personal,
            verbs.AUDIT_ROUND_START,
            {
                "template": STANDARD.id,
                "due_date": (today + timedelta(days=21)).isoformat(),
                "cases": f"{CASE}, Moorside Locality Team, {PATTI}, {ALEX}",
            },
            reply_to_id=form_id,
        )
        assert "1 audits sent to their auditors" in card_text(report["value"])
        async with services.sessions() as session:
            [audit_id] = list(await session.scalars(select(AuditAssignment.id)))

        invitation, invitation_id = await next_card_with(teams, personal, f"An audit for you: case {CASE}")
        assert "Start the audit" in json.dumps(invitation)
        patti_chat, reflection_id, reflection_card = await card_in_chat_of(
            services, teams, PATTI, user_of[PATTI], f"Your reflection: case {CASE}"
        )

        async def press(verb: str, data: dict[str, Any]) -> dict[str, Any]:
            answer = await teams.execute(personal, verb, data, reply_to_id=invitation_id)
            return answer["value"]

        # Alex audits: three pages (an Outstanding assessment), a Back step, a saved draft...
        page = await press(verbs.AUDIT_OPEN, {"assignment_id": audit_id})
        assert "step 1 of 11" in card_text(page)
        for number in range(3):
            grade = "outstanding" if number == 2 else "good"
            answers = valid_answers(STANDARD.sections[number], today, grade=grade)
            page = await press(verbs.AUDIT_NEXT, {"assignment_id": audit_id, "page": number, **answers})
        page = await press(verbs.AUDIT_BACK, {"assignment_id": audit_id, "page": 3})
        assert "step 3 of 11" in card_text(page) and inputs_of(page)["assessment_grade"] == "outstanding"
        await press(verbs.AUDIT_SAVE, {"assignment_id": audit_id, "page": 2})

        # ... and later resumes it from 'my tasks'.
        await teams.say(personal, "my tasks")
        tasks, _ = await next_card_with(teams, personal, "Your tasks")
        assert "Audit in progress" in card_text(tasks) and CASE in card_text(tasks)
        page = await press(verbs.AUDIT_OPEN, {"assignment_id": audit_id})
        assert "step 3 of 11" in card_text(page), "resumed from the saved draft"
        page = await press(verbs.AUDIT_NEXT, {"assignment_id": audit_id, "page": 2})
        for number in range(3, len(STANDARD.sections)):
            answers = valid_answers(STANDARD.sections[number], today)
            page = await press(verbs.AUDIT_NEXT, {"assignment_id": audit_id, "page": number, **answers})

        # Four actions, one row at a time (more than the three the page once held).
        assert "Actions agreed" in card_text(page)
        owners = [patti, gareth, alex, patti]
        raised = [
            "Record the child's own words about school in the plan",
            "Agree a weekend contingency with the family network",
            "Share the audit's learning at the Moorside team meeting",
            "Give the child a copy of the plan they can read",
        ]

        def row(number: int) -> dict[str, str]:
            what, owner, due = action_ids(number)
            due_date = today + timedelta(days=14 + 7 * number)
            return {what: raised[number - 1], owner: str(owners[number - 1]), due: due_date.isoformat()}

        here = {"assignment_id": audit_id, "page": len(STANDARD.sections)}
        for number in range(1, 4):
            page = await press(verbs.AUDIT_ADD_ACTION, {**here, **row(number)})
            assert f"Action {number + 1} added below" in card_text(page)
        page = await press(verbs.AUDIT_NEXT, {**here, **row(4)})
        assert "Check and submit" in card_text(page) and "has not sent their reflection yet" in card_text(page)

        # Patti reflects, in her own chat.
        reflection = {
            "did_well": "Visits were regular and mum trusts us.",
            "worried_about": "School attendance in winter.",
            "difference_made": "Attendance rose this term; the school confirms it.",
            "practitioner_scale": "7",
        }
        done = await teams.execute(
            patti_chat,
            verbs.AUDIT_REFLECT_SUBMIT,
            {**button_data(reflection_card, verbs.AUDIT_REFLECT_SUBMIT), **reflection},
            reply_to_id=reflection_id,
            as_user=user_of[PATTI],
        )
        assert f"Reflection sent: case {CASE}" in card_text(done["value"])

        # Alex reads it before submitting; without the family's view the audit is not submitted yet.
        page = await press(verbs.AUDIT_OPEN, {"assignment_id": audit_id})
        assert "Visits were regular and mum trusts us." in card_text(page)
        refused = await press(verbs.AUDIT_SUBMIT, button_data(page, verbs.AUDIT_SUBMIT))
        assert "The family's view is needed before the audit can be submitted" in card_text(refused)

        # Alex sends mum a private link (its QR code on the card); she answers it on her phone.
        family_step = {**button_data(refused, verbs.AUDIT_FAMILY_LINK), "family_who": "parent_carer"}
        page = await press(verbs.AUDIT_FAMILY_LINK, family_step)
        link = next(line for line in card_text(page).split('"') if "/feedback/" in line)
        assert "data:image/png;base64," in card_text(page), "the link's QR code is on the card"
        await services.feedback_links.submit(link.rsplit("/", 1)[1], FAMILY_ANSWERS)

        # Her words are on the audit before Alex submits; a double click stores one audit.
        page = await press(verbs.AUDIT_OPEN, {"assignment_id": audit_id})
        assert FAMILY_ANSWERS["comments"] in card_text(page) and "through a private link" in card_text(page)
        submit = button_data(page, verbs.AUDIT_SUBMIT)
        first, second = await asyncio.gather(press(verbs.AUDIT_SUBMIT, submit), press(verbs.AUDIT_SUBMIT, submit))
        assert f"Audit submitted: case {CASE}" in card_text(first) and "Waiting for a moderator" in card_text(first)
        assert card_text(first) == card_text(second) and "Input." not in card_text(first)
        updated = await teams.next_update(personal, invitation_id)
        assert f"Audit submitted: case {CASE}" in card_text(updated), "the invitation became the read-only audit"

        # The Outstanding grade sends the audit to Isaiah, who lowers it, with a rationale.
        isaiah_chat, moderation_id, moderation_card = await card_in_chat_of(
            services, teams, ISAIAH, user_of[ISAIAH], f"Moderate the audit of case {CASE}"
        )

        async def moderate(values: dict[str, Any]) -> dict[str, Any]:
            data = {**button_data(moderation_card, verbs.AUDIT_MODERATE_SUBMIT), **values}
            answer = await teams.execute(
                isaiah_chat, verbs.AUDIT_MODERATE_SUBMIT, data, reply_to_id=moderation_id, as_user=user_of[ISAIAH]
            )
            return answer["value"]

        values = {k: v for k, v in inputs_of(moderation_card).items() if v}
        assert values["moderated_assessment_grade"] == "outstanding", "the card starts from the auditor's grades"
        values["moderated_assessment_grade"] = "good"
        refused = await moderate(values)
        assert "Explain why you changed the grade." in card_text(refused)
        values["moderation_rationale_assessment_grade"] = "Good analysis, but the family was not given the assessment."
        outcome = await moderate(values)
        assert "Good** (auditor: Outstanding; moderation lowered)" in card_text(outcome)

        # Alex and Patti are told; only Patti's card asks for her comment, and she gives it.
        told, _ = await next_card_with(teams, personal, f"Audit outcome: case {CASE}")
        assert "moderation lowered" in card_text(told) and verbs.AUDIT_COMMENT not in card_text(told)
        _, outcome_id, patti_told = await card_in_chat_of(
            services, teams, PATTI, user_of[PATTI], f"Audit outcome: case {CASE}"
        )
        assert "moderation lowered" in card_text(patti_told)
        commented = await teams.execute(
            patti_chat,
            verbs.AUDIT_COMMENT,
            {**button_data(patti_told, verbs.AUDIT_COMMENT), "comment": "Fair: the family should have had it."},
            reply_to_id=outcome_id,
            as_user=user_of[PATTI],
        )
        assert "Practitioner's comment: Fair: the family should have had it." in card_text(commented["value"])

        # As a QA lead, Alex finds it among every team's audits.
        await teams.say(personal, "team audits")
        listed, _ = await next_card_with(teams, personal, "Your teams' audits")
        assert f"Case {CASE}" in card_text(listed) and "Completed \u00b7 Overall: Good" in card_text(listed)

    await assert_the_records(services, audit_id, alex=alex, isaiah=isaiah, patti=patti, owners=owners, raised=raised)


async def assert_the_records(
    services: Services, audit_id: int, *, alex: int, isaiah: int, patti: int, owners: list[int], raised: list[str]
) -> None:
    async with services.sessions() as session:
        [audit_round] = list(await session.scalars(select(AuditRound)))
        [assignment] = list(await session.scalars(select(AuditAssignment)))
        [submission] = list(await session.scalars(select(AuditSubmission)))
        grades = list(await session.scalars(select(AuditGrade).order_by(AuditGrade.id)))
        moderations = list(await session.scalars(select(AuditModeration).order_by(AuditModeration.grade_id)))
        [reflection] = list(await session.scalars(select(AuditReflection)))
        actions = list(await session.scalars(select(Action).order_by(Action.id)))
        escalations = await session.scalar(select(func.count()).select_from(AuditEscalation))
        logged = list(
            await session.execute(
                select(AccessLogEntry.actor_id, AccessLogEntry.action, AccessLogEntry.record_type).where(
                    AccessLogEntry.record_type.like("audit%")
                )
            )
        )
        deliveries = list(
            await session.execute(
                select(Delivery.person_id, Delivery.operation, Delivery.status, Delivery.card)
                .where(Delivery.purpose == "audit")
                .order_by(Delivery.id)
            )
        )

    assert (audit_round.source, audit_round.created_by_id, audit_round.template_id) == ("csv", alex, STANDARD.id)
    assert assignment.id == audit_id and assignment.case_ref == CASE
    assert (assignment.auditor_id, assignment.practitioner_id, assignment.moderator_id) == (alex, patti, isaiah)
    assert assignment.status == "completed"
    assert (submission.moderation_selected, submission.moderation_reason) == (True, "grade")
    assert submission.practitioner_comment == "Fair: the family should have had it."
    assert [(g.question_id, g.grade) for g in grades] == [
        ("referral_grade", "good"),
        ("basic_information_grade", "good"),
        ("assessment_grade", "outstanding"),  # the auditor's grade is kept beside the moderated one
        ("planning_grade", "good"),
        ("review_grade", "good"),
        ("oversight_grade", "good"),
        ("overall_grade", "good"),
    ]
    assert [m.grade_id for m in moderations] == [g.id for g in grades]
    assert {m.moderator_id for m in moderations} == {isaiah}
    assert [(m.original_grade, m.moderated_grade, m.outcome, m.rationale) for m in moderations if m.rationale] == [
        ("outstanding", "good", "lowered", "Good analysis, but the family was not given the assessment.")
    ]
    assert Counter(m.outcome for m in moderations) == {"agreed": 6, "lowered": 1}
    assert (reflection.submitted_by_id, reflection.practitioner_scale) == (patti, 7)
    assert [(x.description, x.owner_id, x.source, x.source_ref, x.case_reference) for x in actions] == [
        (what, owner, "audit", f"audit:{audit_id}", CASE) for what, owner in zip(raised, owners, strict=True)
    ]
    assert escalations == 0
    # Every view, page save, submission, moderation and comment, by whom (the round by the CLI-made QA lead).
    assert Counter((actor, action, kind) for actor, action, kind in logged) == {
        (alex, "change", "audit round"): 1,
        (alex, "view", "audit"): 4,  # opened, resumed from 'my tasks', opened to read the reflection, the family's
        (alex, "change", "audit"): 17,  # every page move: 3 + Back + Save + 7 after the resume + 3 added rows; the link
        (alex, "submit refused", "audit"): 1,  # not without the family's view
        (alex, "submit", "audit"): 1,
        (patti, "submit", "audit reflection"): 1,
        (isaiah, "moderate", "audit"): 1,
        (patti, "change", "audit comment"): 1,
        (alex, "view", "audit list"): 1,
    }
    # What qop sent about the audit, all delivered: invitation, reflection card, the invitation
    # turned read-only, the moderation card, the two outcomes.
    sent = [(person, operation, status) for person, operation, status, _card in deliveries]
    assert sent == [
        (alex, "send", "sent"),
        (patti, "send", "sent"),
        (alex, "update", "sent"),
        (isaiah, "send", "sent"),
        (alex, "send", "sent"),
        (patti, "send", "sent"),
    ]


async def test_an_audit_page_renders_in_headless_chromium(bot: LiveBot, playground: RunningPlayground) -> None:
    assert_isolated_if_asked()
    chromium = chromium_path()
    require(chromium is not None, "Chromium (apt-get install chromium)")
    assert bot.app is not None
    services = bot.app[SERVICES_KEY]
    await services.demo.load()
    await load_demo_audits(services.audits)
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "audit-page.png"
    screenshot.unlink(missing_ok=True)
    result = await run_browser_script(SCRIPT, playground.url, screenshot, chromium=str(chromium), within_seconds=120)
    text = result["cardText"]
    assert "Case LCS204117" in text and "Contact and referral" in text and "We would expect to see" in text
    assert "Save and continue" in text
    assert screenshot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
