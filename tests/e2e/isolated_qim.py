"""The QIM through Microsoft's Teams playground (run by test_qim_playground.py in a network
namespace; ``pytest tests/e2e/isolated_qim.py`` runs it directly).

The bot lives on a fixed date: Friday 23 October 2026, five days before the QIM of 28 October
(which reviews 2026Q3), with the demo organisation and its audits loaded. Alex (the playground's
user) is a practitioner and is refused the QIM's pack. As the QIM's chair (``demo role service
director``) they open the pack, record a decision and raise a service-level action from its cards
(a form without an owner comes back), get their own link to the full report, and post the pack in
the team's General channel, where it arrives through the delivery engine as the members' view and
refreshes to the chair's view for Alex.

After the meeting (Monday 2 November), as the QA Head of Service, Alex changes the chair's decision
(the original wording is kept and the change logged as made after the meeting) and records one
more; as a Head of Service, they open the report through their own link from the pack and ask for
the half-year report (``report half``). Then headless Chromium renders the pack card in the
playground's UI and opens both reports from their signed links on qop's own web server, reading
back their headings and headline figures (and the workbook, read back with openpyxl); every
screenshot goes to ``test-artifacts/``, and no request leaves the machine. Finally the database
holds exactly the expected records."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from cards import text_qim, verbs
from cards import text_report as report_text
from qop.app import SERVICES_KEY
from qop.playground import RunningPlayground
from services.clock import FrozenClock
from services.container import Services
from services.digest.demo import load_demo_digest_data
from storage.models import (
    AccessLogEntry,
    Action,
    AuditSubmission,
    Conversation,
    Delivery,
    Person,
    QimDecision,
    QimDecisionChange,
    QimMeeting,
)
from tests.e2e.browser import run_node_script
from tests.e2e.conftest import BACKENDS, database_on
from tests.e2e.isolation import assert_isolated_if_asked
from tests.e2e.live import LiveBot, PlaygroundClient, card_text, next_card_with
from tests.support.cards import button_data, nodes
from tests.support.env import ARTIFACTS, PROJECT_ROOT, chromium_path, require

pytestmark = pytest.mark.e2e

BEFORE_MEETING = datetime(2026, 10, 23, 9, 0, tzinfo=UTC)
AFTER_MEETING = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
MEETING_ON = date(2026, 10, 28)
QUARTER_START, QUARTER_END = datetime(2026, 6, 30, 23, 0, tzinfo=UTC), datetime(2026, 9, 30, 23, 0, tzinfo=UTC)
ALEX, MEGAN = "alexw@example.com", "meganb@example.com"
CHAIR_SAYS = "Themed audit of management oversight in Q3."
QA_HOS_SAYS = "Themed audit of management oversight in Q4, with the IRO service."
QA_HOS_ADDS = "Practice week on the child's voice in January."
ACTION = "Audit oversight of CP plans"
HEADLINES = {
    "Measure": "This quarter",
    "Audits completed": "94 of 78 planned (+94 on the quarter before)",
    "Good or better": "62% (target: at least 40%)",
    "Inadequate": "10% (target: at most 10%)",
    "Feedback responses": "120 (+120 on the quarter before)",
    "Average score (0-10)": "6.7",
    "Agreeing with feedback statements": "85%",
    "Audits with the family's view": "66%",
    "Actions new": "0 (no change on the quarter before)",
    "Actions done": "0 (no change on the quarter before)",
    "Actions overdue": "0 (no change on the quarter before)",
    "Impact evidenced": "0 (no change on the quarter before)",
}
"""The quarter's headline figures of the demo (seeded), as the report page shows them."""
HELP_CARD_SCRIPT = PROJECT_ROOT / "tests" / "e2e" / "browser_help_card.js"
REPORT_SCRIPT = PROJECT_ROOT / "tests" / "e2e" / "browser_report_page.js"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def bot_clock() -> FrozenClock:
    return FrozenClock(BEFORE_MEETING)


@pytest.fixture(params=BACKENDS)
def bot_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The whole run on each backend: the records must come out the same on both."""
    with database_on(request.param, tmp_path) as url:
        yield url


def _link(card: dict[str, Any], bot: LiveBot) -> str:
    """The card's signed report link, pointed at the live bot's port (the link names the configured one)."""
    url = next(n["url"] for n in nodes(card) if n.get("type") == "Action.OpenUrl")
    parts = urlsplit(url)
    assert parts.path == "/reports/qim" and parts.query.startswith("t="), url
    return f"http://127.0.0.1:{bot.port}{parts.path}?{parts.query}"


@dataclass
class Alex:
    """The playground's user in their chat with qop, with the pack they last opened."""

    teams: PlaygroundClient
    chat: str
    pack: dict[str, Any] = field(default_factory=dict)
    pack_id: str = ""

    async def become(self, role: str) -> None:
        await self.teams.say(self.chat, f"demo role {role}")
        await self.teams.next_card(self.chat)

    async def open_pack(self) -> str:
        await self.teams.say(self.chat, "qim")
        self.pack, self.pack_id = await next_card_with(self.teams, self.chat, "QIM pack: meeting on")
        return card_text(self.pack)

    async def press(self, verb: str, on: dict[str, Any] | None = None, **typed: str) -> dict[str, Any]:
        """Press the ``verb`` button of card ``on`` (the pack by default) with ``typed`` in its inputs."""
        data = {**button_data(self.pack if on is None else on, verb), **typed}
        data.pop("verb", None)
        return (await self.teams.execute(self.chat, verb, data, reply_to_id=self.pack_id))["value"]


async def test_the_qim_s_chair_qa_head_and_head_of_service_in_the_playground(
    bot: LiveBot, playground: RunningPlayground, bot_clock: FrozenClock
) -> None:
    assert_isolated_if_asked()
    chromium = chromium_path()
    require(chromium is not None, "Chromium (apt-get install chromium)")
    assert bot.app is not None
    services: Services = bot.app[SERVICES_KEY]
    assert (await services.demo.load()).rejections == []
    assert await load_demo_digest_data(services.sessions, bot_clock, time_zone=bot.settings.timezone) > 0

    async with PlaygroundClient(playground.url) as teams:
        config = await teams.config()
        alex = Alex(teams, config["personalChat"]["id"])
        general = next(c["id"] for c in config["teams"][0]["channels"] if c["name"] == "General")
        await teams.install(alex.chat)
        await teams.next_card(alex.chat)  # welcome
        await teams.say(alex.chat, "qim")
        assert "for the members of the Quality Improvement Meeting" in card_text(await teams.next_card(alex.chat))

        chair_link = await _the_chair_before_the_meeting(alex, services, bot)
        await teams.install(general)
        await teams.next_card(general)  # welcome
        await teams.say(general, "qim pack", mention_bot=True)
        messages = [await teams.next_message(general), await teams.next_message(general)]
        answers = [
            (attachment["content"], m.get("messageId") or m.get("id"))
            for m in messages
            for attachment in m["attachments"]
        ]
        assert any("posted in this channel" in card_text(card) for card, _ in answers)
        [(posted, posted_id)] = [(card, id_) for card, id_ in answers if "QIM pack: meeting on" in card_text(card)]
        # The channel gets the members' view; the chair's client refreshes it to the chair's view.
        assert ACTION in card_text(posted) and "Record a decision" not in card_text(posted)
        assert teams.user_id in posted["refresh"]["userIds"]
        refresh_data = {k: v for k, v in posted["refresh"]["action"]["data"].items() if k != "verb"}
        thread = f"{general};messageid={posted_id}"  # a proactive post starts a thread of its own
        chairs_view = (await teams.execute(thread, verbs.QIM_PACK, refresh_data, reply_to_id=posted_id))["value"]
        assert "Record a decision" in card_text(chairs_view) and chairs_view["refresh"] == posted["refresh"]

        bot_clock.set(AFTER_MEETING)
        await _the_qa_head_of_service_after_the_meeting(alex)
        report_url, half_url = await _a_head_of_service_s_reports(alex, bot)
        assert report_url != chair_link, "each press signs a link of its own"

    await _chromium_reads_the_pack_and_reports(services, str(chromium), playground, report_url, half_url)
    await assert_the_records(services, general)


async def _the_chair_before_the_meeting(alex: Alex, services: Services, bot: LiveBot) -> str:
    """The chair records a decision, raises an action (without an owner first) and gets a report link."""
    await alex.become("service director")
    assert "Record a decision" in await alex.open_pack()
    form = await alex.press(verbs.QIM_DECISION_FORM)
    assert text_qim.DECISION_SAVED in card_text(await alex.press(verbs.QIM_DECISION_SAVE, form, decision=CHAIR_SAYS))

    action_form = await alex.press(verbs.QIM_ACTION_FORM)
    no_owner = await alex.press(verbs.QIM_ACTION_SAVE, action_form, description=ACTION)
    assert "needs an owner" in card_text(no_owner)
    due = (services.qim.today() + timedelta(days=60)).isoformat()
    raised = await alex.press(verbs.QIM_ACTION_SAVE, action_form, description=ACTION, owner_email=MEGAN, due_date=due)
    assert "raised for Megan Bowen" in card_text(raised)

    chair_link = await alex.press(verbs.REPORT_QIM_LINK)
    assert "2026Q3" in card_text(chair_link)
    return _link(chair_link, bot)


async def _the_qa_head_of_service_after_the_meeting(alex: Alex) -> None:
    """The QA Head of Service changes the chair's decision (the original kept) and records one more."""
    await alex.become("QA head of service")
    await alex.open_pack()
    decisions = await alex.press(verbs.QIM_DECISIONS)
    change_form = await alex.press(verbs.QIM_DECISION_FORM, decisions)
    assert CHAIR_SAYS in card_text(change_form) and text_qim.DECISION_AFTER_MEETING in card_text(change_form)
    changed = card_text(await alex.press(verbs.QIM_DECISION_SAVE, change_form, decision=QA_HOS_SAYS))
    assert text_qim.DECISION_CHANGED in changed and text_qim.DECISION_CHANGED_AFTER in changed
    assert text_qim.DECISION_ORIGINAL.format(text=CHAIR_SAYS) in changed
    form = await alex.press(verbs.QIM_DECISION_FORM)
    added = card_text(await alex.press(verbs.QIM_DECISION_SAVE, form, decision=QA_HOS_ADDS))
    assert text_qim.DECISION_SAVED in added and QA_HOS_SAYS in added


async def _a_head_of_service_s_reports(alex: Alex, bot: LiveBot) -> tuple[str, str]:
    """A Head of Service (who may not record) gets their own link from the pack, and the half-year
    report's; returns both links."""
    await alex.become("head of service")
    pack = await alex.open_pack()
    assert "Record a decision" not in pack and QA_HOS_SAYS in pack
    report_url = _link(await alex.press(verbs.REPORT_QIM_LINK), bot)
    await alex.teams.say(alex.chat, "report half")
    half_card, _ = await next_card_with(alex.teams, alex.chat, "Half-year quality of practice report")
    assert "2026H1" in card_text(half_card)
    return report_url, _link(half_card, bot)


async def _chromium_reads_the_pack_and_reports(
    services: Services, chromium: str, playground: RunningPlayground, report_url: str, half_url: str
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    pack_png, report_png, half_png = (ARTIFACTS / f"qim-{name}.png" for name in ("pack-card", "report", "half-year"))
    for png in (pack_png, report_png, half_png):
        png.unlink(missing_ok=True)

    card = await run_node_script(
        HELP_CARD_SCRIPT, playground.url, str(pack_png), "qim", "QIM pack: meeting on", chromium=chromium
    )
    assert "QIM pack: meeting on 28 October 2026" in card["cardText"], card["cardText"][:300]
    assert ACTION in card["cardText"] and QA_HOS_SAYS in card["cardText"] and QA_HOS_ADDS in card["cardText"]
    assert card["cardBox"]["height"] > 300
    # The playground UI asks a CDN for fonts: aborted by the script (and unreachable in the namespace).
    assert not {"127.0.0.1", "localhost"} & set(card["blocked"]), card["blocked"]

    read = await run_node_script(REPORT_SCRIPT, report_url, str(report_png), half_url, str(half_png), chromium=chromium)
    assert read["blocked"] == [], "the report page asks for nothing beyond itself"
    report, half = read["pages"]
    await _check_the_quarter_s_report(services, report)
    assert half["status"] == 200
    assert half["headings"][0] == report_text.REPORT_TITLE.format(
        scope="the whole service", period="Jan - Jun 2026 (2026H1)"
    )
    assert report_text.SHEET_HALF_YEAR in half["headings"], half["headings"]
    for png in (pack_png, report_png, half_png):
        assert png.read_bytes().startswith(PNG_SIGNATURE), png


async def _check_the_quarter_s_report(services: Services, report: dict[str, Any]) -> None:
    """The page's headings and headline figures as Chromium read them, against its workbook
    (downloaded from the page's own link) and against the database."""
    assert report["status"] == 200
    assert report["headings"][0] == report_text.REPORT_TITLE.format(
        scope="the whole service", period="Jul - Sep 2026 (2026Q3)"
    )
    assert list(report_text.OFSTED_QUESTIONS) == [h for h in report["headings"] if h in report_text.OFSTED_QUESTIONS]
    assert report["headings"][-2:] == ["Service-level actions", "Assurance trail"]
    figures = {row[0]: row[1] for row in report["summary"] if len(row) > 1}
    book = await _workbook(report["workbookUrl"])
    sheet = {row[0]: row[1] for row in book[report_text.SHEET_SUMMARY].iter_rows(values_only=True) if row[0]}
    assert figures == {name: sheet[name] for name in figures}, "the page and the workbook give the same figures"
    sections = [h for h in report["headings"][1:] if h not in report_text.OFSTED_QUESTIONS]
    assert book.sheetnames == sections, "one sheet per section of the page"
    completed = figures[report_text.AUDITS_COMPLETED].split()[0]
    assert completed == str(await _audits_submitted_in_the_quarter(services)), figures
    assert figures == HEADLINES, "the same on either backend (the QIM's action was raised after the quarter)"
    actions = [row for row in book["Service-level actions"].iter_rows(values_only=True) if ACTION in row]
    assert len(actions) == 1, actions


async def _workbook(url: str) -> Any:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        assert response.status == 200, await response.text()
        return load_workbook(io.BytesIO(await response.read()))


async def _audits_submitted_in_the_quarter(services: Services) -> int:
    """Counted straight from the database: the audits submitted from July to September 2026 (UK time)."""
    async with services.sessions() as session:
        counted = await session.scalar(
            select(func.count())
            .select_from(AuditSubmission)
            .where(AuditSubmission.submitted_at >= QUARTER_START, AuditSubmission.submitted_at < QUARTER_END)
        )
    return int(counted or 0)


async def assert_the_records(services: Services, general: str) -> None:
    async with services.sessions() as session:
        alex = await session.scalar(select(Person.id).where(Person.email == ALEX))
        megan = await session.scalar(select(Person.id).where(Person.email == MEGAN))
        channel = await session.scalar(select(Conversation.id).where(Conversation.conversation_id == general))
        [meeting] = list(await session.scalars(select(QimMeeting)))
        decisions = list(await session.scalars(select(QimDecision).order_by(QimDecision.id)))
        [change] = list(await session.scalars(select(QimDecisionChange)))
        [action] = list(await session.scalars(select(Action).where(Action.source == "qim")))
        logged = list(
            await session.execute(
                select(AccessLogEntry.action, AccessLogEntry.record_type, AccessLogEntry.summary)
                .where(AccessLogEntry.actor_id == alex, AccessLogEntry.record_type != "person")
                .order_by(AccessLogEntry.id)
            )
        )
        change_logged = await session.scalar(
            select(AccessLogEntry.detail).where(AccessLogEntry.summary == "QIM decision changed")
        )
        pack_edits = list(
            await session.execute(select(Delivery.status, Delivery.reason).where(Delivery.purpose == "qim-pack-update"))
        )
    assert (meeting.meeting_on, meeting.conversation_id) == (MEETING_ON, channel)
    assert [(d.meeting_id, d.text, d.original_text, d.recorded_by_id) for d in decisions] == [
        (meeting.id, QA_HOS_SAYS, CHAIR_SAYS, alex),
        (meeting.id, QA_HOS_ADDS, QA_HOS_ADDS, alex),
    ]
    assert (change.decision_id, change.changed_by_id, change.before, change.after, change.after_meeting) == (
        decisions[0].id,
        alex,
        CHAIR_SAYS,
        QA_HOS_SAYS,
        True,
    )
    assert (action.source_ref, action.description, action.owner_id, action.created_by_id, action.status) == (
        f"qim:{meeting.id}",
        ACTION,
        megan,
        alex,
        "open",
    )
    assert change_logged == {"meeting": meeting.id, "after_meeting": True}
    # The pack in the channel was edited for everyone after each decision made once it was posted.
    assert [tuple(edit) for edit in pack_edits] == [("sent", None), ("sent", None)], pack_edits
    pack_viewed, decisions_viewed = ("view", "qim_meeting", "QIM pack viewed"), ("view", "qim_meeting", "")
    recorded = ("change", "qim_decision", "QIM decision recorded")
    report_q3 = "QIM report 2026Q3 for the whole service"
    assert logged == [
        ("refused", "qim_meeting", "QIM meeting refused"),  # as a practitioner
        pack_viewed,  # the chair
        recorded,
        decisions_viewed,
        ("submit", "action", ""),
        ("change", "action", "service-level action raised at the QIM"),
        ("change", "qim_meeting", "QIM channel set and pack posted"),
        pack_viewed,  # the chair's view of the pack in the channel (its refresh)
        pack_viewed,  # the QA Head of Service, after the meeting
        decisions_viewed,
        ("change", "qim_decision", "QIM decision changed"),
        decisions_viewed,
        recorded,
        decisions_viewed,
        pack_viewed,  # the Head of Service
        pack_viewed,  # ... in Chromium
        ("view", "qim_report", report_q3),  # the Head of Service's own link, in Chromium
        ("view", "qim_report", "QIM report 2026H1 for the whole service"),
        ("export", "qim_report", report_q3),  # the workbook from the page's link
    ]
