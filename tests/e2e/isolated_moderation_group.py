"""A moderation group meeting through Microsoft's Teams playground (run by
test_moderation_group_playground.py in a network namespace; ``pytest
tests/e2e/isolated_moderation_group.py`` runs it directly).

The demo organisation is imported the ordinary way; the administrator makes Alex Wilber (the
playground's current user) a QA lead and Adele Vance the IRO manager, as ``qop org role add``
does. Megan Bowen has audited two of Patti Fernandez's cases (carried out and submitted through the
audit service, as in 'my tasks'). Alex schedules the meeting from the card (a bad answer first),
Adele, a member, is sent it in her own chat, reads an audit read-only, records the group's outcome
(a changed grade needs a reason), Megan and Patti are told in their chats, and Adele closes the
meeting with its themes. Then the database holds exactly the expected records."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from cards import text_moderation_group as text
from cards import verbs
from qop.app import SERVICES_KEY
from qop.playground import RunningPlayground
from services.audits.moderation import ModerationRule
from services.container import Services
from services.templates import TemplateLibrary
from storage.models import (
    AccessLogEntry,
    CalendarAttendee,
    CalendarOccurrence,
    Delivery,
    ModerationGroupAudit,
    ModerationGroupMeeting,
    ModerationGroupMember,
    Person,
)
from tests.e2e.isolated_audit import card_in_chat_of, found, next_card_with
from tests.e2e.isolation import assert_isolated_if_asked
from tests.e2e.live import LiveBot, PlaygroundClient, card_text
from tests.support.audits import family_declined, inputs_of, send_reflection, valid_answers
from tests.support.cards import button_data

pytestmark = pytest.mark.e2e

STANDARD = TemplateLibrary.from_folder().get("standard-collaborative-audit")
ALEX, MEGAN, ADELE, PATTI = "alexw@example.com", "meganb@example.com", "adelev@example.com", "pattif@example.com"
CASES = ("LCS300211", "LCS300212")


async def audited_by_megan(services: Services, megan_teams_id: str, patti_teams_id: str) -> list[int]:
    """Megan's two audits of Patti's cases, every page answered (the family declined to give their
    view), Patti's reflection sent, and submitted (none drawn for per-audit moderation, so the group
    is the only moderation they get)."""
    services.audits.moderation.rule = ModerationRule(frozenset(), 0.0)
    today = services.audits.context.today()
    rows = "".join(f"{case},Moorside Locality Team,{PATTI},{MEGAN}\n" for case in CASES)
    report = await services.audits.rounds.start_round_from_csv(
        template_id=STANDARD.id,
        due_date=today + timedelta(days=14),
        csv_text="case_ref,team,practitioner,auditor\n" + rows,
        actor_id=None,
    )
    assert len(report.created) == 2, report.problems
    for assignment_id in report.created:
        for page, section in enumerate(STANDARD.sections):
            answers = valid_answers(section, today)
            await services.audits.answering.save_page(
                megan_teams_id, assignment_id, page=page, data=answers, move="next"
            )
        await family_declined(services.audits, megan_teams_id, assignment_id)
        await send_reflection(services.audits, assignment_id, practitioner=patti_teams_id)
        await services.audits.submission.submit(
            megan_teams_id, assignment_id, data={}, idempotency_key=f"e2e-{assignment_id}"
        )
    return list(report.created)


async def test_a_moderation_group_meeting_through_the_playground(bot: LiveBot, playground: RunningPlayground) -> None:
    assert_isolated_if_asked()
    assert bot.app is not None
    services: Services = bot.app[SERVICES_KEY]
    assert (await services.demo.load()).rejections == []
    for email, role in ((ALEX, "QA lead"), (ADELE, "IRO manager")):
        assert (await services.organisation.change_role(actor=None, email=email, role=role, add=True)).changed
    meets_on = services.audits.context.today() + timedelta(days=10)

    async with PlaygroundClient(playground.url) as teams:
        config = await teams.config()
        user_of = {u["email"]: u["id"] for u in [config["currentUser"], *config["users"]]}
        personal = config["personalChat"]["id"]
        general = next(c["id"] for c in config["teams"][0]["channels"] if c["name"] == "General")
        await teams.install(personal)
        assert "Welcome to qop" in card_text(await teams.next_card(personal))
        await teams.install(general)
        await teams.next_card(general)  # the channel's welcome
        await teams.add_team_members(general, [user_of[MEGAN], user_of[ADELE], user_of[PATTI]])

        async def met() -> dict[str, int] | None:
            async with services.sessions() as session:
                rows = dict((await session.execute(select(Person.teams_user_id, Person.id))).all())
            return rows if all(user_of[e] in rows for e in (ALEX, MEGAN, ADELE, PATTI)) else None

        ids = await found(met, "qop meeting Megan, Adele and Patti")
        alex, megan, adele, patti = (ids[user_of[e]] for e in (ALEX, MEGAN, ADELE, PATTI))
        audits = await audited_by_megan(services, user_of[MEGAN], user_of[PATTI])

        # Alex, the QA lead, schedules the meeting from the card.
        await teams.say(personal, "moderation group")
        listing, listing_id = await next_card_with(teams, personal, text.LIST_TITLE)
        assert text.LIST_EMPTY in card_text(listing)

        async def press(verb: str, data: dict[str, Any]) -> dict[str, Any]:
            answer = await teams.execute(personal, verb, data, reply_to_id=listing_id)
            return answer["value"]

        form = await press(verbs.MODERATION_GROUP_NEW, button_data(listing, verbs.MODERATION_GROUP_NEW))
        assert "Adele Vance (IRO manager)" in card_text(form) and "Grace Okonjo (principal social worker)" in card_text(
            form
        )
        assert all(case in card_text(form) for case in CASES)
        chosen = {
            **button_data(form, verbs.MODERATION_GROUP_SCHEDULE),
            "meets_on": meets_on.isoformat(),
            "cadence": "2",
            "members": str(adele),
            "audits": ",".join(str(a) for a in audits),
            "sample_size": "3",
        }
        both = await press(verbs.MODERATION_GROUP_SCHEDULE, chosen)
        assert text.AUDITS_BOTH in card_text(both) and inputs_of(both)["meets_on"] == meets_on.isoformat()
        chosen["sample_size"] = ""
        scheduled = await press(verbs.MODERATION_GROUP_SCHEDULE, chosen)
        assert text.JUST_SCHEDULED in card_text(scheduled) and all(case in card_text(scheduled) for case in CASES)

        # Adele, a member, is sent the meeting in her own chat; she reads the first audit.
        adele_chat, invitation_id, invitation = await card_in_chat_of(
            services, teams, ADELE, user_of[ADELE], "You are invited to the moderation group"
        )

        async def as_adele(verb: str, data: dict[str, Any]) -> dict[str, Any]:
            answer = await teams.execute(adele_chat, verb, data, reply_to_id=invitation_id, as_user=user_of[ADELE])
            return answer["value"]

        read = button_data(invitation, verbs.MODERATION_GROUP_READ)
        audit_card = await as_adele(verbs.MODERATION_GROUP_READ, read)
        assert f"Audit submitted: case {CASES[0]}" in card_text(audit_card) and "Input." not in card_text(audit_card)
        outcome_form = await as_adele(verbs.MODERATION_GROUP_OUTCOME_OPEN, read)
        assert inputs_of(outcome_form)["agreed_grade"] == "good", "the card starts from the auditor's grade"
        save = button_data(outcome_form, verbs.MODERATION_GROUP_OUTCOME)
        no_reason = await as_adele(verbs.MODERATION_GROUP_OUTCOME, {**save, "agreed_grade": "requires_improvement"})
        assert text.RATIONALE_NEEDED in card_text(no_reason)
        recorded = await as_adele(
            verbs.MODERATION_GROUP_OUTCOME,
            {
                **save,
                "agreed_grade": "requires_improvement",
                "themes": "child_voice,family_feedback",
                "learning": "The child's wishes are recorded, not what changed because of them.",
            },
        )
        assert "Agreed: Requires improvement (lowered; auditor's grade Good)" in card_text(recorded)

        # Megan (the auditor) and Patti (the practitioner) are told in their own chats.
        for email in (MEGAN, PATTI):
            _, _, told = await card_in_chat_of(
                services, teams, email, user_of[email], f"Moderation group outcome: case {CASES[0]}"
            )
            assert "Requires improvement (lowered; the auditor's grade was Good)" in card_text(told)
            assert "Adele" not in card_text(told)

        # Adele closes the meeting with its themes; the second audit was not discussed.
        close_form = await as_adele(verbs.MODERATION_GROUP_CLOSE_OPEN, {"meeting_id": read["meeting_id"]})
        assert text.CLOSE_INTRO in card_text(close_form)
        closed = await as_adele(
            verbs.MODERATION_GROUP_CLOSE,
            {"meeting_id": read["meeting_id"], "themes": "child_voice", "notes": "Voice recorded; impact not."},
        )
        assert "Themes: The child's voice." in card_text(closed)

    await assert_the_records(services, audits, alex=alex, megan=megan, adele=adele, patti=patti, meets_on=meets_on)


async def assert_the_records(
    services: Services, audits: list[int], *, alex: int, megan: int, adele: int, patti: int, meets_on: Any
) -> None:
    async with services.sessions() as session:
        [meeting] = list(await session.scalars(select(ModerationGroupMeeting)))
        members = list(await session.execute(select(ModerationGroupMember.person_id, ModerationGroupMember.role)))
        listed = list(await session.scalars(select(ModerationGroupAudit).order_by(ModerationGroupAudit.id)))
        [occurrence] = list(await session.scalars(select(CalendarOccurrence)))
        attendees = list(await session.scalars(select(CalendarAttendee.person_id)))
        logged = list(
            await session.execute(
                select(AccessLogEntry.actor_id, AccessLogEntry.action, AccessLogEntry.record_type).where(
                    AccessLogEntry.actor_id.in_([alex, adele])
                )
            )
        )
        sent = list(
            await session.execute(
                select(Delivery.person_id, Delivery.status)
                .where(Delivery.dedupe_key.like("moderation-group-%"))
                .order_by(Delivery.id)
            )
        )
    assert (meeting.meets_on, meeting.cadence_months, meeting.scheduled_by_id) == (meets_on, 2, alex)
    assert (meeting.closed_by_id, meeting.themes, meeting.notes) == (
        adele,
        ["child_voice"],
        "Voice recorded; impact not.",
    )
    assert members == [(adele, "iro_manager")]
    assert [
        (x.assignment_id, x.original_grade, x.agreed_grade, x.outcome, x.themes, x.recorded_by_id) for x in listed
    ] == [
        (audits[0], "good", "requires_improvement", "lowered", ["child_voice", "family_feedback"], adele),
        (audits[1], "good", None, None, [], None),
    ]
    assert (occurrence.activity, occurrence.unit, occurrence.due_on, occurrence.held_on) == (
        "moderation_group",
        "service",
        meeting.calendar_due_on,
        meets_on,
    )
    assert attendees == [adele]
    assert sorted(logged) == sorted(
        [
            (alex, "schedule", "moderation group"),
            (adele, "view", "audit"),
            (adele, "moderation group outcome", "audit"),
            (adele, "close", "moderation group"),
        ]
    )
    # The invitation to Adele, then the outcome to Megan and to Patti, all delivered.
    assert sent == [(adele, "sent"), (megan, "sent"), (patti, "sent")]
