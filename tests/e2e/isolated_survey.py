"""A staff survey through Microsoft's Teams playground, answered by several playground users
(run by test_survey_playground.py in a network namespace; ``pytest tests/e2e/isolated_survey.py``
runs it directly).

Alex Wilber (the playground's own user) manages a team of five playground users. Four of them
join the team where qop is installed (the conversationUpdate Teams sends), so qop knows their
Teams ids; Alex sends a staff pulse survey with the bot's card; the delivery engine opens a 1:1
chat with each of the others through the playground's Bot Connector and the invitation arrives in
every recipient's own chat. The playground's UI stream leaves out other users' chats, so what each
chat received is read from the playground's own recording of the bot's requests. (Its button
presses carry the user id they are given, and it refuses one user's press in another's chat; a
typed message always comes from its own user, so only Alex types commands.) Three answer as themselves (Action.Execute with their own user id):
the team's results stay hidden below five responses. 'survey remind' and then the automatic
closing reminder reach only the two who have not answered; they answer from the reminder, and
the results (with the written comments) appear. The database then holds exactly the five
anonymous responses, with no link between a person and an answer."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from cards import verbs
from qop.app import SERVICES_KEY
from qop.playground import RunningPlayground
from services import working_time
from storage.models import FeedbackResponse, Person, Survey, SurveyAnswerMark, SurveyRecipient
from tests.e2e.isolation import assert_isolated_if_asked
from tests.e2e.live import CARD, RECORDING_ENV, LiveBot, PlaygroundClient, Recording, card_text, eventually
from tests.support.cards import button_data

pytestmark = pytest.mark.e2e

TEAM = "Riverside Locality Team"
# The playground's built-in users (GET /_internal/v1/config), all in Alex's team.
ORGANISATION = """
service_areas: [Locality social work]
teams:
  - {name: Riverside Locality Team, service_area: Locality social work, manager: alexw@example.com}
people:
  - {email: alexw@example.com, name: Alex Wilber, aad_object_id: 00000000-0000-0000-0000-0000000000020,
     team: Riverside Locality Team, roles: [team manager]}
  - {email: meganb@example.com, name: Megan Bowen, aad_object_id: 00000000-0000-0000-0000-0000000000021,
     team: Riverside Locality Team, roles: [practitioner]}
  - {email: adelev@example.com, name: Adele Vance, aad_object_id: 00000000-0000-0000-0000-0000000000022,
     team: Riverside Locality Team, roles: [practitioner]}
  - {email: pattif@example.com, name: Patti Fernandez, aad_object_id: 00000000-0000-0000-0000-0000000000024,
     team: Riverside Locality Team, roles: [practitioner]}
  - {email: lynner@example.com, name: Lynne Robbins, aad_object_id: 00000000-0000-0000-0000-0000000000025,
     team: Riverside Locality Team, roles: [practitioner]}
  - {email: isaiahl@example.com, name: Isaiah Langer, aad_object_id: 00000000-0000-0000-0000-0000000000023,
     roles: [QA lead]}
"""
ALEX, MEGAN, ADELE, PATTI, LYNNE = "user-id-0", "user-id-1", "user-id-2", "user-id-4", "user-id-5"
COLLEAGUES = (MEGAN, ADELE, PATTI, LYNNE)
FIRST, LATER = (ALEX, MEGAN, ADELE), (PATTI, LYNNE)
INVITATION = "Ten short questions about working here"
REMINDER = "Reminder: you haven't answered this survey yet."
PROGRESS = "Sending \u201cStaff pulse survey\u201d"


@pytest.fixture(autouse=True)
def recording(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Recording:
    """Set before the playground starts (autouse fixtures come first): where it records."""
    path = tmp_path / "playground-recording.log"
    monkeypatch.setenv(RECORDING_ENV, str(path))
    return Recording(path)


def answers_of(user: str) -> dict[str, str]:
    """Each user's own answers, so the stored rows can be matched to what was sent (as a whole)."""
    number = int(user.rsplit("-", 1)[1])
    return {
        "workload": ("agree", "strongly_agree", "disagree")[number % 3],
        "supervision_hours": "at_least_1_5h",
        "supervision_quality": "agree",
        "wellbeing": ("neither", "agree")[number % 2],
        "cpd": "agree",
        "consulted": "disagree",
        "manager_access": "strongly_agree",
        "improves_safety": "agree",
        "overall": str(5 + number % 5),
        "one_thing": f"Idea number {number}: protected time for direct work",
    }


async def test_a_staff_survey_answered_by_several_playground_users(
    bot: LiveBot, playground: RunningPlayground, recording: Recording, tmp_path: Path
) -> None:
    assert_isolated_if_asked()
    assert bot.app is not None
    services = bot.app[SERVICES_KEY]
    organisation = tmp_path / "organisation.yaml"
    organisation.write_text(ORGANISATION)
    report = await services.organisation.import_file(organisation)
    assert report.rejections == []
    chat = Chats(recording)

    async with PlaygroundClient(playground.url) as teams:
        await teams.start_recording()
        config = await teams.config()
        assert teams.user_id == ALEX
        users = {u["id"]: u for u in config["users"]}
        personal = config["personalChat"]["id"]
        general = config["teams"][0]["id"]
        await teams.install(personal)
        await chat.wait_for(personal, "Welcome to qop")
        await teams.install(general)
        await chat.wait_for(general, "qop")

        # Megan, Adele, Patti and Lynne join the team qop is installed in: Teams tells the bot.
        await teams.add_team_members(general, list(COLLEAGUES))
        await eventually(lambda: _known(services, COLLEAGUES), "qop knows the four colleagues by their Teams ids")

        # Alex sends the staff pulse to the team with the bot's own card.
        await teams.say(personal, "send survey")
        send_card, send_card_id = await chat.wait_for(personal, "Send a survey")
        # Far enough that the reminder day stays after the day it was sent even if midnight passes.
        closes_on = working_time.add_working_days(services.surveys.today(), 4)
        started = await teams.execute(
            personal,
            verbs.SURVEY_SEND,
            {
                "template": "staff-pulse",
                "team_ids": _choice(send_card, "team_ids", TEAM),
                "closes_on": closes_on.isoformat(),
            },
            reply_to_id=send_card_id,
        )
        assert "Survey sent" in card_text(started["value"]) and "5 people" in card_text(started["value"])
        survey_id = button_data(started["value"], verbs.SURVEY_RESULTS)["survey_id"]

        # qop opened a 1:1 chat with each colleague (the playground made it with that user as its
        # only member; Alex already had one); every recipient's invitation arrives in their own chat.
        chats = {ALEX: personal} | {user: await teams.chat_created_for(user) for user in COLLEAGUES}
        assert len(set(chats.values())) == 5
        invitations = {user: (await chat.wait_for(chats[user], INVITATION, since=0))[1] for user in chats}

        # Alex, who sent it, has a progress card from the delivery engine, updated in place (the
        # same message, never a new one) until every invitation is accounted for.
        progress, progress_id = await chat.wait_for(personal, PROGRESS, since=0)
        assert "Sent 0 of 5" in card_text(progress)

        # A refresh can show 5 of 5 a moment before the broadcast is marked finished (it is
        # finished only after the last send's outcome is committed); the finishing refresh follows.
        async def progress_finished() -> bool:
            updates = recording.updates_of(personal, progress_id)
            return bool(updates) and any(
                "Every message has been dealt with." in card_text(c) for c in cards_in(updates[-1])
            )

        await eventually(progress_finished, "the progress card updated in place to its finished state")
        final = cards_in(recording.updates_of(personal, progress_id)[-1])[0]
        assert "Sent 5 of 5" in card_text(final)
        assert chat.count(personal, PROGRESS) == 1, "one progress card, updated, not sent again"

        # The playground checks who is acting: Megan cannot press a button in Patti's chat.
        with pytest.raises(AssertionError, match=r"invoke survey\.answer: 4\d\d"):
            await teams.execute(
                chats[PATTI],
                verbs.SURVEY_ANSWER,
                {"survey_id": survey_id},
                reply_to_id=invitations[PATTI],
                as_user=MEGAN,
            )

        await teams.say(personal, "my surveys")
        waiting, _ = await chat.wait_for(personal, "Surveys waiting for you")
        assert "Staff pulse survey" in card_text(waiting)

        # Three answer, each as themselves, from the card in their own chat.
        for user in FIRST:
            thanks = await teams.execute(
                chats[user],
                verbs.SURVEY_ANSWER,
                {"survey_id": survey_id, **answers_of(user)},
                reply_to_id=invitations[user],
                as_user=user,
            )
            assert "Your answers are saved anonymously" in card_text(thanks["value"])
        again = await teams.execute(
            chats[MEGAN],
            verbs.SURVEY_ANSWER,
            {"survey_id": survey_id, **answers_of(MEGAN)},
            reply_to_id=invitations[MEGAN],
            as_user=MEGAN,
        )
        assert "already answered" in card_text(again["value"])

        await teams.say(personal, "my surveys")
        nothing, _ = await chat.wait_for(personal, "Surveys waiting for you")
        assert "Staff pulse survey" not in card_text(nothing), "Alex has answered"

        await teams.say(personal, f"survey results S{survey_id}")
        hidden = card_text((await chat.wait_for(personal, "Results: Staff pulse survey"))[0])
        assert "3 of 5 answered" in hidden and "Hidden until 5 people in this group have answered" in hidden
        assert "% agree" not in hidden and "protected time" not in hidden

        # 'survey remind': only Patti and Lynne are reminded, each in their own chat.
        assert all(chat.count(c, REMINDER) == 0 for c in chats.values())
        await teams.say(personal, f"survey remind S{survey_id}")
        reminded = card_text((await chat.wait_for(personal, "Reminded 2 people"))[0])
        assert "3 of 5 answered" in reminded
        for user in LATER:
            await chat.wait_for(chats[user], REMINDER, since=0)

        # The automatic closing reminder, as the reminder job runs it on the morning it is due
        # (two working days before the close date; the real clock may say it is night).
        reminder_day = working_time.add_working_days(closes_on, -2)
        morning = working_time.WorkingHours().opening(reminder_day, bot.settings.timezone) + timedelta(hours=1)
        assert await services.surveys.run_closing_reminders(morning) == [f"survey:{survey_id}:closing"]
        assert await services.surveys.run_closing_reminders(morning + timedelta(hours=1)) == [], "sent once"
        for user in LATER:
            await eventually(lambda u=user: _at_least(chat, chats[u], REMINDER, 2), f"{user}'s closing reminder")

        # Patti and Lynne answer from their latest reminder; now the team's results appear.
        for user in LATER:
            [*_, latest] = chat.with_text(chats[user], REMINDER)
            thanks = await teams.execute(
                chats[user],
                verbs.SURVEY_ANSWER,
                {"survey_id": survey_id, **answers_of(user)},
                reply_to_id=latest["messageId"],
                as_user=user,
            )
            assert "Your answers are saved anonymously" in card_text(thanks["value"])
        await teams.say(personal, f"survey results S{survey_id}")
        shown = card_text((await chat.wait_for(personal, "5 of 5 answered"))[0])
        assert "Hidden until" not in shown and "% agree" in shown
        assert "Comments: What one thing would make the biggest difference" in shown
        for user in (*FIRST, *LATER):
            assert answers_of(user)["one_thing"] in shown
        assert not any(users[u]["name"] in shown for u in COLLEAGUES), "comments carry no names"

        # What each chat received: one invitation each; reminders only where nobody had answered.
        for user, conversation in chats.items():
            forms = chat.count(conversation, INVITATION)  # a reminder is the form again, marked as one
            reminders = chat.count(conversation, REMINDER)
            assert forms - reminders == 1, f"one invitation for {user}"
            assert reminders == (2 if user in LATER else 0), f"reminders for {user}"

    async with services.sessions() as session:
        responses = list(await session.scalars(select(FeedbackResponse)))
        marks = await session.scalar(select(func.count()).select_from(SurveyAnswerMark))
        survey = await session.get(Survey, survey_id)
        recipients = list(await session.scalars(select(SurveyRecipient)))
        teams_ids = {p.id: p.teams_user_id for p in await session.scalars(select(Person))}
    assert survey is not None and survey.anonymous
    assert len(responses) == marks == 5
    assert all(r.survey_id == survey_id and r.respondent_id is None for r in responses), "no person on an answer"
    assert {r.submitted_at.time().isoformat() for r in responses} == {"00:00:00"}, "only the day is kept"
    stored = Counter(json.dumps(r.answers, sort_keys=True) for r in responses)
    expected = Counter(
        json.dumps({**answers_of(u), "overall": int(answers_of(u)["overall"])}, sort_keys=True)  # a scale is a number
        for u in (*FIRST, *LATER)
    )
    assert stored == expected, "exactly the answers sent, each once"
    assert not any(u in json.dumps([r.answers for r in responses]) for u in users), "no Teams id in answers"
    reminders = {teams_ids[r.person_id]: r.reminders_sent for r in recipients}
    assert reminders == {ALEX: 0, MEGAN: 0, ADELE: 0, PATTI: 2, LYNNE: 2}


class Chats:
    """What each conversation received, from the playground's recording."""

    def __init__(self, recording: Recording) -> None:
        self._recording = recording

    def with_text(self, conversation: str, text: str) -> list[dict[str, Any]]:
        return [m for m in self._recording.messages_in(conversation) if any(text in card_text(c) for c in cards_in(m))]

    def count(self, conversation: str, text: str) -> int:
        return len(self.with_text(conversation, text))

    async def wait_for(self, conversation: str, text: str, *, since: int | None = None) -> tuple[dict[str, Any], str]:
        """The first card with ``text`` in ``conversation`` among the messages after the first
        ``since`` (default: those already there when the call starts), and its message id."""
        skip = len(self._recording.messages_in(conversation)) if since is None else since

        def found() -> list[dict[str, Any]]:
            fresh = self._recording.messages_in(conversation)[skip:]
            return [m for m in fresh if any(text in card_text(c) for c in cards_in(m))]

        async def arrived() -> bool:
            return bool(found())

        await eventually(arrived, f"a card with {text!r} in {conversation}")
        message = found()[0]
        return next(c for c in cards_in(message) if text in card_text(c)), message["messageId"]


def cards_in(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [a["content"] for a in message.get("attachments") or [] if a.get("contentType") == CARD]


async def _at_least(chat: Chats, conversation: str, text: str, count: int) -> bool:
    return chat.count(conversation, text) >= count


def _choice(card: dict[str, Any], input_id: str, title: str) -> str:
    for element in card["body"]:
        if element.get("id") == input_id:
            return next(c["value"] for c in element["choices"] if c["title"] == title)
    raise AssertionError(f"no input {input_id} on the card")


async def _known(services: Any, user_ids: tuple[str, ...]) -> bool:
    async with services.sessions() as session:
        found = set(
            await session.scalars(
                select(Person.teams_user_id).where(Person.teams_user_id.in_(user_ids), Person.in_organisation.is_(True))
            )
        )
    return found == set(user_ids)
