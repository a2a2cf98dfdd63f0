"""A performance clinic through Microsoft's Teams playground (run by test_clinic_playground.py in a
network namespace, once on SQLite and once on PostgreSQL; ``pytest tests/e2e/isolated_clinic.py``
runs it directly).

The bot lives on Tuesday 20 January 2026 with what ``make run`` loads (the demo organisation, its
actions and seven weeks of audits), the demo measures file, and the last three months of Riverside
Locality Team's figures imported from a Liquidlogic-style extract as an analyst would
(``tests/data/measures/liquidlogic-riverside-quarter.csv``). Alex Wilber (the playground's user)
becomes Riverside's manager with ``demo role manager``, is refused Moorside's pack, and types
``clinic Riverside Locality Team``: the card arrives over the playground's stream, and its figures,
worries, audit themes and open actions are checked against the database. Alex agrees an action for
Sam Okafor on the card (a form without a description comes back first and stores nothing), downloads
the workbook from the card's signed link on qop's own web server and reads it back with openpyxl: it
says what the card says. Headless Chromium then renders the pack in the playground's UI.

Then the senior leadership clinic, the next day (of two more actions agreed at Riverside's clinic,
the one due the day before is overdue by then, the one due that day is not): as a practitioner
(``demo role practitioner``) Alex is refused ``clinic service``; as a performance analyst he gets
the service pack, whose four questions are the measures service's for the whole service, whose
areas' team clinic counts (packs, agreed, open, overdue) are counted from the tables and whose
teams of concern are each team's own overview, worst first. He agrees a service-level action for
Imran Qadir (a form without a description comes back first), downloads
``/reports/service-clinic.xlsx`` and reads it back against the card and the measures service; the
service pack's record, the action (owner, due date, source ``senior_leadership_clinic``,
``service-clinic:<id>``) and the access log are compared exactly, and Chromium renders the service
pack (``test-artifacts/service-clinic-pack.png``)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import pytest
from openpyxl import load_workbook
from openpyxl.workbook import Workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cards import text_clinic as text
from cards import verbs
from cards.actions import format_date
from cards.measures_wording import four_questions, number
from cards.text import REFUSED_CLINIC_VIEW, REFUSED_SENIOR_CLINIC_VIEW
from cards.text_actions import SOURCE_LABELS, WHAT_MUST_HAPPEN, please_add
from cards.text_organisation import DEMO_TITLE
from qop.app import SERVICES_KEY
from qop.playground import RunningPlayground
from qop.settings import DEMO_MAPPINGS
from services.clock import FrozenClock
from services.container import Services
from services.demo_actions import load_demo_actions
from services.digest.builder import Vocabulary
from services.digest.demo import load_demo_digest_data
from storage.models import (
    AccessLogEntry,
    Action,
    ActionSource,
    AuditAssignment,
    AuditSubmission,
    IndicatorValue,
    PerformanceClinic,
    Person,
    SeniorLeadershipClinic,
    ServiceArea,
    Team,
)
from tests.e2e.browser import run_browser_script
from tests.e2e.conftest import BACKENDS, database_on
from tests.e2e.isolated_practice_day import choices
from tests.e2e.isolation import assert_isolated_if_asked
from tests.e2e.live import LiveBot, PlaygroundClient, card_text, next_card_with
from tests.support.audits import inputs_of
from tests.support.cards import button_data, nodes
from tests.support.dashboard import DEMO_MEASURES, LIBRARY, dashboard_measures
from tests.support.env import ARTIFACTS, PROJECT_ROOT, chromium_path, require

pytestmark = pytest.mark.e2e

NOW = datetime(2026, 1, 20, 9, 30, tzinfo=UTC)
JANUARY = date(2026, 1, 1)
THEMES_FROM, THEMES_UNTIL = datetime(2025, 11, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)
"""The three months of audit themes on January's pack (UK winter time is UTC)."""
RIVERSIDE, MOORSIDE, AREA = "Riverside Locality Team", "Moorside Locality Team", "Locality social work"
ALEX, SAM = "alexw@example.com", "sam.okafor@northshire.example"
MEASURES_DATA = PROJECT_ROOT / "tests" / "data" / "measures"
EXTRACT = MEASURES_DATA / "liquidlogic-riverside-quarter.csv"
MAPPING = DEMO_MAPPINGS / "liquidlogic.yaml"
WORRIES = {
    "Assessments completed within the agreed timescale": "off target, moving the wrong way",
    "Caseload average": "moving the wrong way",
}
"""What the extract's figures must worry Riverside's clinic about, and why (the same on both backends)."""
AGREED = "Audit three assessments a week until the timescale is back above target"
THE_DAY_AFTER = NOW + timedelta(days=1)
"""The senior leadership clinic's day: still January; an action due on Riverside's clinic day is overdue
by then, one due that day is not."""
DUE_SOON = "Bring the three oldest assessments to supervision"
ANALYST, IMRAN = "performance analyst", "imran.qadir@northshire.example"
SENIOR_SOURCE = ActionSource.SENIOR_LEADERSHIP_CLINIC.value
SERVICE_AGREED = "Review assessment capacity across the locality teams with both Heads of Service"
SCRIPT = PROJECT_ROOT / "tests" / "e2e" / "browser_help_card.js"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def bot_clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture(params=BACKENDS)
def bot_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The whole run on each backend: the pack and its records must come out the same on both."""
    with database_on(request.param, tmp_path) as url:
        yield url


async def test_a_team_s_clinic_then_the_service_s_clinic_in_the_playground(
    bot: LiveBot, playground: RunningPlayground, bot_clock: FrozenClock
) -> None:
    assert_isolated_if_asked()
    chromium = chromium_path()
    require(chromium is not None, "Chromium (apt-get install chromium)")
    assert bot.app is not None
    services: Services = bot.app[SERVICES_KEY]
    await load_the_demo_and_the_extract(services, bot_clock)
    due = NOW.date() + timedelta(days=28)

    async with PlaygroundClient(playground.url) as teams:
        chat = (await teams.config())["personalChat"]["id"]
        await teams.install(chat)
        await teams.next_card(chat)  # welcome
        await teams.say(chat, "demo role manager")
        await next_card_with(teams, chat, f"You now manage {RIVERSIDE}")
        await teams.say(chat, f"clinic {MOORSIDE}")
        await next_card_with(teams, chat, REFUSED_CLINIC_VIEW)

        await teams.say(chat, f"clinic {RIVERSIDE}")
        pack, pack_id = await next_card_with(teams, chat, text.PACK_TITLE.format(team=RIVERSIDE))
        shown = parts_of(pack)
        await assert_the_pack_shows_the_database(services, shown)

        press = partial(press_on, teams, chat, pack, pack_id)
        sam_choice = next(v for t, v in choices(pack, "owner_id").items() if t.startswith("Sam Okafor"))
        blank = await press(verbs.CLINIC_AGREE, description=" ", owner_id=sam_choice, due_date=due.isoformat())
        problems = [n["text"] for n in nodes(blank) if n.get("color") == "Attention"]
        assert problems == [please_add(WHAT_MUST_HAPPEN)], problems
        assert inputs_of(blank)["due_date"] == due.isoformat() and inputs_of(blank)["owner_id"] == sam_choice
        assert await clinic_actions(services) == [], "a refused form stores nothing"
        saved = await press(verbs.CLINIC_AGREE, description=AGREED, owner_id=sam_choice, due_date=due.isoformat())
        assert text.AGREED_SAVED in card_text(saved)
        agreed_line = f"{AGREED} (Sam Okafor, due {format_date(due)}; Performance clinic)"
        assert parts_of(saved).get(text.HEADING_AGREED) == [agreed_line], parts_of(saved)

        with_link = await press(verbs.CLINIC_WORKBOOK)
        book = await download(bot, with_link)
    assert_the_workbook_says_what_the_card_says(book, parts_of(saved), due)
    await assert_the_records(services, due)
    await chromium_renders_the_pack(str(chromium), playground)
    await the_senior_leadership_clinic(bot, playground, services, bot_clock, str(chromium))


async def load_the_demo_and_the_extract(services: Services, clock: FrozenClock) -> None:
    """What ``make run`` loads, the demo measures file, and Riverside's quarter from the extract."""
    assert (await services.demo.load()).rejections == []
    assert await load_demo_actions(services.sessions, clock) > 0
    assert await load_demo_digest_data(services.sessions, clock, time_zone=services.time_zone) > 0
    measures = dashboard_measures(services)
    await measures.load_file(DEMO_MEASURES)
    imported = await measures.import_extract(EXTRACT, MAPPING)
    assert (imported.problems, imported.written) == ([], 11)


def parts_of(card: dict[str, Any]) -> dict[str, list[str]]:
    """The card's text under each heading (the headings' counts and dates left in), in order."""
    parts: dict[str, list[str]] = {}
    current = ""
    for block in nodes(card.get("body", [])):
        if block.get("type") != "TextBlock":
            continue
        if block.get("size") == "Medium":
            current = block["text"]
            parts[current] = []
        elif current:
            parts[current].append(block["text"])
    return parts


def heading_like(parts: dict[str, list[str]], template: str) -> tuple[str, list[str]]:
    """The one heading made from ``template`` (whatever fills its braces) and its lines."""
    pattern = re.escape(template).replace(r"\{", "{").replace(r"\}", "}")
    pattern = re.sub(r"\{\w+\}", "(.+)", pattern)
    [found] = [(name, lines) for name, lines in parts.items() if re.fullmatch(pattern, name)]
    return found


async def assert_the_pack_shows_the_database(services: Services, shown: dict[str, list[str]]) -> None:
    """Riverside's imported January figures, the pinned worries, the audit themes counted straight
    from the stored answers, and the team's open actions, soonest due first."""
    figures, themes, actions = await riverside_from_the_database(services)
    indicator_lines = [line for line in shown[text.HEADING_INDICATORS] if not line.startswith("**")]
    assert len(indicator_lines) == len(figures), "one line for each of the area's indicators"
    for name, figure in figures.items():
        [line] = [line for line in indicator_lines if line.startswith(f"{name}: ")]
        assert line.startswith(f"{name}: {figure}"), line
    assert "71 %" not in card_lines(shown), "Moorside's figure is not on Riverside's pack"
    worries = dict(line.rsplit(": ", 1) for line in shown[text.HEADING_WORRIES])
    assert worries == WORRIES

    _, theme_lines = heading_like(shown, text.HEADING_THEMES)
    assert theme_lines == [text.THEME_LINE.format(title=t.rstrip("."), seen=s, answered=a) for t, s, a in themes]
    assert themes, "the demo's audits answer the themes"

    heading, action_lines = heading_like(shown, text.HEADING_ACTIONS)
    assert heading == text.HEADING_ACTIONS.format(count=len(actions))
    assert [line.split(" (")[0] for line in action_lines] == actions[: len(action_lines)]
    assert len(action_lines) == min(len(actions), 10)


def card_lines(shown: dict[str, list[str]]) -> str:
    return "\n".join(line for lines in shown.values() for line in lines)


async def riverside_from_the_database(
    services: Services,
) -> tuple[dict[str, str], list[tuple[str, int, int]], list[str]]:
    """Straight from the tables: the figure each indicator of the area in the measures file in force
    must show (Riverside's January value, or no data: the demo has no dip samples); each theme's (title, answered yes, answered) over the three months, least
    often seen first; and the descriptions of the team's open actions, soonest due first."""
    async with services.sessions() as session:
        in_force = await dashboard_measures(services).measures_in_force(session)
        declared = {i.id: i for i in in_force.indicators_of(AREA)}
        riverside = await session.scalar(select(Team.id).where(Team.name == RIVERSIDE))
        values = dict(
            (
                await session.execute(
                    select(IndicatorValue.indicator_key, IndicatorValue.value).where(
                        IndicatorValue.team_id == riverside, IndicatorValue.month == JANUARY
                    )
                )
            ).all()
        )
        themes = await themes_answered(session, [riverside])
        actions = await session.scalars(
            select(Action.description)
            .join(Person, Person.id == Action.owner_id)
            .where(Person.team_id == riverside, Action.status == "open")
            .order_by(Action.due_date, Action.id)
        )
        open_actions = list(actions)
    figures = {
        i.name: number(values[i.id], i.unit.value) if i.id in values else text.NO_DATA for i in declared.values()
    }
    return figures, themes, open_actions


async def themes_answered(session: AsyncSession, team_ids: list[int]) -> list[tuple[str, int, int]]:
    """Each audit theme's (title, answered yes, answered) in the teams' audits over the three
    months, straight from the stored answers, least often seen in full first."""
    answered = list(
        await session.scalars(
            select(AuditSubmission.answers)
            .join(AuditAssignment, AuditAssignment.id == AuditSubmission.assignment_id)
            .where(
                AuditAssignment.team_id.in_(team_ids),
                AuditSubmission.submitted_at >= THEMES_FROM,
                AuditSubmission.submitted_at < THEMES_UNTIL,
            )
        )
    )
    themes = []
    for question, title in Vocabulary.from_library(LIBRARY).theme_titles.items():
        given = [a[question] for a in answered if a.get(question) not in (None, "not_applicable")]
        if given:
            themes.append((title, given.count("yes"), len(given)))
    themes.sort(key=lambda theme: (100 * theme[1] / theme[2], theme[0]))
    return themes


async def clinic_actions(services: Services) -> list[Action]:
    return await actions_from(services, ActionSource.PERFORMANCE_CLINIC.value)


async def download(bot: LiveBot, card: dict[str, Any], path: str = "/reports/clinic.xlsx") -> Workbook:
    """The workbook behind the card's signed link (to ``path``), fetched from the live bot over
    loopback (the link names the configured port)."""
    [url] = [n["url"] for n in nodes(card) if n.get("type") == "Action.OpenUrl"]
    parts = urlsplit(url)
    assert parts.path == path and parts.query.startswith("t="), url
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{bot.port}{parts.path}?{parts.query}") as response,
    ):
        assert response.status == 200, await response.text()
        return load_workbook(io.BytesIO(await response.read()))


def rows_of(book: Workbook, sheet: str) -> list[tuple[Any, ...]]:
    """A sheet's rows below its title and column headings."""
    return list(book[sheet].iter_rows(min_row=4, values_only=True))


def assert_the_workbook_says_what_the_card_says(book: Workbook, shown: dict[str, list[str]], due: date) -> None:
    assert book.sheetnames == [
        text.SHEET_INDICATORS,
        text.SHEET_WORRIES,
        text.SHEET_THEMES,
        text.SHEET_ACTIONS,
        text.SHEET_CHANGES,
    ]
    indicator_lines = shown[text.HEADING_INDICATORS]
    for _measure, name, unit, value, target, _trend, worry in rows_of(book, text.SHEET_INDICATORS):
        [line] = [line for line in indicator_lines if line.startswith(f"{name}: ")]
        if value is None:
            assert line.startswith(f"{name}: {text.NO_DATA}"), line
        else:
            assert line.startswith(f"{name}: {number(value, unit)}") and f"target {number(target, unit)}" in line
        assert worry == (text.YES if name in WORRIES else text.NO)
    assert dict(rows_of(book, text.SHEET_WORRIES)) == WORRIES
    _, theme_lines = heading_like(shown, text.HEADING_THEMES)
    themes = [
        text.THEME_LINE.format(title=t.rstrip("."), seen=s, answered=a)
        for t, s, a, _share in rows_of(book, text.SHEET_THEMES)
    ]
    assert themes == theme_lines
    _, action_lines = heading_like(shown, text.HEADING_ACTIONS)
    actions = rows_of(book, text.SHEET_ACTIONS)
    assert [row[0] for row in actions] == [line.split(" (")[0] for line in action_lines]
    assert (AGREED, "Sam Okafor", due, text.NO, "Performance clinic") in [
        (what, owner, when.date(), overdue, source) for what, owner, when, overdue, source in actions
    ]


async def assert_the_records(services: Services, due: date) -> None:
    """One clinic record for Riverside's January, its snapshot of the figures shown, the action
    agreed (owner, due date, source) and every view, refusal and export in the access log."""
    async with services.sessions() as session:
        alex = await session.scalar(select(Person.id).where(Person.email == ALEX))
        sam = await session.scalar(select(Person.id).where(Person.email == SAM))
        riverside = await session.scalar(select(Team.id).where(Team.name == RIVERSIDE))
        [clinic] = list(await session.scalars(select(PerformanceClinic)))
        logged = list(
            await session.execute(
                select(AccessLogEntry.action, AccessLogEntry.record_id)
                .where(AccessLogEntry.record_type == "performance_clinic")
                .order_by(AccessLogEntry.id)
            )
        )
        values = dict(
            (
                await session.execute(
                    select(IndicatorValue.indicator_key, IndicatorValue.value).where(
                        IndicatorValue.team_id == riverside, IndicatorValue.month == JANUARY
                    )
                )
            ).all()
        )
    [action] = await clinic_actions(services)
    assert (clinic.team_id, clinic.month, clinic.prepared_by_id) == (riverside, JANUARY, alex)
    snapshot = {key: shown["value"] for key, shown in clinic.snapshot["indicators"].items() if shown["value"]}
    assert snapshot == values, "the record keeps the figures the pack showed"
    assert {key for key, shown in clinic.snapshot["indicators"].items() if shown["worry"]} == {
        "assessments_in_timescale",
        "caseload_average",
    }
    assert (action.source_ref, action.description, action.owner_id, action.due_date) == (
        f"clinic:{clinic.id}",
        AGREED,
        sam,
        due,
    )
    assert (action.created_by_id, action.status) == (alex, "open")
    viewed = ("view", str(clinic.id))
    assert [tuple(row) for row in logged] == [
        ("refused", None),  # Moorside's pack
        viewed,  # the pack
        viewed,  # the refused form, shown again
        viewed,  # the action agreed
        viewed,  # with the workbook's link
        ("export", str(clinic.id)),  # the workbook downloaded
    ]


async def chromium_renders_the_pack(chromium: str, playground: RunningPlayground) -> None:
    """Alex asks again in the playground's own UI: the pack renders with the action agreed on it."""
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "clinic-pack.png"
    screenshot.unlink(missing_ok=True)
    title = text.PACK_TITLE.format(team=RIVERSIDE)
    read = await run_browser_script(
        SCRIPT, playground.url, screenshot, f"clinic {RIVERSIDE}", title, chromium=chromium, within_seconds=120
    )
    rendered = read["cardText"]
    assert title in rendered and text.HEADING_AGREED in rendered and AGREED in rendered, rendered[:500]
    assert all(name in rendered for name in WORRIES)
    assert not {"127.0.0.1", "localhost"} & set(read["blocked"]), read["blocked"]
    assert screenshot.read_bytes().startswith(PNG_SIGNATURE)


# -- the senior leadership performance clinic: the whole service's pack ---------------------------


async def the_senior_leadership_clinic(
    bot: LiveBot, playground: RunningPlayground, services: Services, clock: FrozenClock, chromium: str
) -> None:
    """The day after Riverside's clinic, with two more actions agreed at it, due that day (overdue
    now) and the next (due today, not overdue): Alex is refused the service pack as a
    practitioner; as a performance analyst he gets it (its figures checked against the database
    and the measures service), agrees a service-level action for Imran Qadir (a form without a
    description comes back first), downloads the workbook and reads it back; the records are
    compared, and Chromium renders the pack."""
    await agree_at_riverside_s_clinic(services, due=[NOW.date(), THE_DAY_AFTER.date()])
    clock.set(THE_DAY_AFTER)
    due = THE_DAY_AFTER.date() + timedelta(days=42)

    async with PlaygroundClient(playground.url) as teams:
        chat = (await teams.config())["personalChat"]["id"]
        await teams.say(chat, "demo role practitioner")
        await next_card_with(teams, chat, DEMO_TITLE.format(role="practitioner"))
        await teams.say(chat, f"clinic {text.SERVICE_ARGUMENT}")
        await next_card_with(teams, chat, REFUSED_SENIOR_CLINIC_VIEW)

        await teams.say(chat, f"demo role {ANALYST}")
        await next_card_with(teams, chat, DEMO_TITLE.format(role=ANALYST))
        await teams.say(chat, f"clinic {text.SERVICE_ARGUMENT}")
        pack, pack_id = await next_card_with(teams, chat, text.SERVICE_PACK_TITLE)
        assert text.FIRST_SERVICE_PACK in card_text(pack), "no earlier service pack to compare with"
        await assert_the_service_pack_shows_the_database(services, parts_of(pack))

        press = partial(press_on, teams, chat, pack, pack_id)
        imran = next(v for t, v in choices(pack, "owner_id").items() if t.startswith("Imran Qadir"))
        blank = await press(verbs.CLINIC_SERVICE_AGREE, description=" ", owner_id=imran, due_date=due.isoformat())
        problems = [n["text"] for n in nodes(blank) if n.get("color") == "Attention"]
        assert problems == [please_add(WHAT_MUST_HAPPEN)], problems
        assert inputs_of(blank)["due_date"] == due.isoformat() and inputs_of(blank)["owner_id"] == imran
        assert await actions_from(services, SENIOR_SOURCE) == [], "a refused form stores nothing"
        saved = await press(
            verbs.CLINIC_SERVICE_AGREE, description=SERVICE_AGREED, owner_id=imran, due_date=due.isoformat()
        )
        assert text.SERVICE_AGREED_SAVED in card_text(saved)
        agreed_line = text.ACTION_LINE.format(
            description=SERVICE_AGREED,
            owner="Imran Qadir",
            due=format_date(due),
            overdue="",
            source=SOURCE_LABELS[SENIOR_SOURCE],
        )
        assert parts_of(saved).get(text.HEADING_AGREED) == [agreed_line], parts_of(saved)

        with_link = await press(verbs.CLINIC_SERVICE_WORKBOOK)
        book = await download(bot, with_link, "/reports/service-clinic.xlsx")
    await assert_the_service_workbook_says_what_the_card_says(services, book, parts_of(with_link), due)
    await assert_the_service_records(services, due)
    await chromium_renders_the_service_pack(chromium, playground)


async def agree_at_riverside_s_clinic(services: Services, *, due: list[date]) -> None:
    """Alex, still Riverside's manager, agrees more actions at its clinic (the first, on the card,
    is proved above), one due on each of ``due``."""
    async with services.sessions() as session:
        alex = await session.scalar(select(Person).where(Person.email == ALEX))
        sam = await session.scalar(select(Person.id).where(Person.email == SAM))
        [clinic] = list(await session.scalars(select(PerformanceClinic.id)))
    assert alex is not None and alex.teams_user_id
    for when in due:
        data = {"description": f"{DUE_SOON} by {when:%d %B}", "owner_id": str(sam), "due_date": when.isoformat()}
        await services.clinics.agree_action(alex.teams_user_id, clinic, data)


async def press_on(
    teams: PlaygroundClient, chat: str, card: dict[str, Any], card_id: str, verb: str, **typed: str
) -> dict[str, Any]:
    """Press the card's ``verb`` button through the playground's invoke API with what was typed;
    the card qop answers with."""
    data = {**button_data(card, verb), **typed}
    data.pop("verb", None)
    return (await teams.execute(chat, verb, data, reply_to_id=card_id))["value"]


async def actions_from(services: Services, source: str) -> list[Action]:
    async with services.sessions() as session:
        return list(await session.scalars(select(Action).where(Action.source == source).order_by(Action.id)))


def areas_of(shown: dict[str, list[str]]) -> dict[str, list[str]]:
    """The service pack's lines under each service area's name."""
    areas: dict[str, list[str]] = {}
    for line in shown[text.HEADING_AREAS]:
        if line.startswith("**") and line.endswith("**"):
            current = areas[line.strip("*")] = []
        else:
            current.append(line)
    return areas


def concern_line(team: str, off_target: list[str], wrong_way: list[str]) -> str:
    reasons = [text.CONCERN_OFF_TARGET.format(names="; ".join(off_target))] if off_target else []
    if wrong_way:
        reasons.append(text.CONCERN_WRONG_WAY.format(names="; ".join(wrong_way)))
    return text.CONCERN_LINE.format(team=team, reasons=text.CONCERN_SEPARATOR.join(reasons))


async def service_from_the_database(services: Services) -> dict[str, tuple[str, list[str]]]:
    """Each service area with active teams (by name), straight from the tables: its team clinics
    line (this month's team packs of its teams, the actions agreed at them, the open and overdue
    team clinic actions owned by its people) and its teams of concern, each judged by its own
    team overview (indicators off target, moving the wrong way), worst first."""
    measures = dashboard_measures(services)
    today = THE_DAY_AFTER.date()
    async with services.sessions() as session:
        teams = list(await session.execute(select(Team.id, Team.name, Team.service_area_id).where(Team.active)))
        areas = dict((await session.execute(select(ServiceArea.id, ServiceArea.name).where(ServiceArea.active))).all())
        packs = list(
            await session.execute(
                select(PerformanceClinic.id, Team.service_area_id)
                .join(Team, Team.id == PerformanceClinic.team_id)
                .where(PerformanceClinic.month == JANUARY)
            )
        )
        team_clinic_actions = list(
            await session.execute(
                select(Action.source_ref, Action.status, Action.due_date, Team.service_area_id)
                .join(Person, Person.id == Action.owner_id)
                .join(Team, Team.id == Person.team_id)
                .where(Action.source == ActionSource.PERFORMANCE_CLINIC.value)
            )
        )
    found: dict[str, tuple[str, list[str]]] = {}
    for area_id, area in sorted(areas.items(), key=lambda item: item[1]):
        in_area = [(team_id, name) for team_id, name, of in teams if of == area_id]
        if not in_area:
            continue
        refs = {f"clinic:{clinic}" for clinic, of in packs if of == area_id}
        open_here = [due for _ref, status, due, of in team_clinic_actions if of == area_id and status == "open"]
        clinics = text.AREA_CLINICS.format(
            packs=len(refs),
            teams=len(in_area),
            agreed=len([ref for ref, *_ in team_clinic_actions if ref in refs]),
            open=len(open_here),
            overdue=len([due for due in open_here if due < today]),
        )
        concerns = []
        for _team_id, name in in_area:
            overview = await measures.overview(team=name, month=JANUARY)
            statuses = [status for measure in overview.measures for status in measure.indicators]
            off, wrong = [s.name for s in statuses if s.off_target], [s.name for s in statuses if s.wrong_way]
            if off or wrong:
                concerns.append((-len(off) - len(wrong), -len(off), name, off, wrong))
        concerns.sort(key=lambda concern: concern[:3])
        found[area] = (clinics, [concern_line(name, off, wrong) for *_, name, off, wrong in concerns])
    return found


async def assert_the_service_pack_shows_the_database(services: Services, shown: dict[str, list[str]]) -> None:
    """The four questions for each measure as the measures service answers them for the whole
    service; per service area its team clinics and its teams of concern (the worst three, with
    how many more) as the tables and each team's own overview say; the themes over every team."""
    overview = await dashboard_measures(services).overview(month=JANUARY)
    expected = []
    for measure in overview.measures:
        expected.append(f"**{measure.name}**")
        for line in four_questions(measure):
            item = line.strip()
            expected.append(item if item.startswith("- ") else f"_{item}_")
    assert shown[text.HEADING_FOUR_QUESTIONS] == expected
    assert any(worry.indicator.name in WORRIES for m in overview.measures for worry in m.worries)

    areas = await service_from_the_database(services)
    assert list(areas_of(shown)) == list(areas), "every area with active teams, by name"
    for area, (clinics, concerns) in areas.items():
        lines = areas_of(shown)[area]
        assert lines[0] == clinics, (area, lines)
        shown_concerns = concerns[:3] or [text.NO_CONCERNS]
        more = [text.MORE_CONCERNS.format(count=len(concerns) - 3)] if len(concerns) > 3 else []
        assert lines[1:] == shown_concerns + more, (area, lines)
    locality_clinics, locality_concerns = areas[AREA]
    assert locality_clinics == text.AREA_CLINICS.format(packs=1, teams=2, agreed=3, open=3, overdue=1)
    off_target = [name for name, why in WORRIES.items() if "off target" in why]
    assert concern_line(RIVERSIDE, off_target, list(WORRIES)) in locality_concerns, "as Riverside's pack judged"

    async with services.sessions() as session:
        active = list(await session.scalars(select(Team.id).where(Team.active)))
        themes = await themes_answered(session, active)
    assert themes, "the demo's audits answer the themes"
    _, theme_lines = heading_like(shown, text.HEADING_THEMES)
    assert theme_lines == [text.THEME_LINE.format(title=t.rstrip("."), seen=s, answered=a) for t, s, a in themes]


async def assert_the_service_workbook_says_what_the_card_says(
    services: Services, book: Workbook, shown: dict[str, list[str]], due: date
) -> None:
    """Its sheets in order; each indicator's figure as the measures service has it; the areas and
    every team of concern (the card's first three of each area among them); the themes and the
    action agreed, as on the card."""
    assert book.sheetnames == [
        text.SHEET_INDICATORS,
        text.SHEET_WORRIES,
        text.SHEET_AREAS,
        text.SHEET_CONCERNS,
        text.SHEET_THEMES,
        text.SHEET_AGREED,
        text.SHEET_CHANGES,
    ]
    overview = await dashboard_measures(services).overview(month=JANUARY)
    statuses = {s.name: s for m in overview.measures for s in m.indicators}
    indicators = rows_of(book, text.SHEET_INDICATORS)
    assert [row[1] for row in indicators] == list(statuses)
    for _measure, name, _unit, value, target, _trend, _worry in indicators:
        assert (value, target) == (statuses[name].value, statuses[name].target), name

    areas = areas_of(shown)
    concerns = rows_of(book, text.SHEET_CONCERNS)
    rows = rows_of(book, text.SHEET_AREAS)
    assert [row[0] for row in rows] == list(areas)
    for area, teams, packs, agreed, open_actions, overdue, of_concern in rows:
        clinics = text.AREA_CLINICS.format(packs=packs, teams=teams, agreed=agreed, open=open_actions, overdue=overdue)
        assert areas[area][0] == clinics
        listed = [
            concern_line(team, off.split("; ") if off else [], wrong.split("; ") if wrong else [])
            for of, team, off, wrong in concerns
            if of == area
        ]
        assert len(listed) == of_concern
        assert [line for line in areas[area][1:] if line in listed] == listed[:3]

    _, theme_lines = heading_like(shown, text.HEADING_THEMES)
    themes = [
        text.THEME_LINE.format(title=t.rstrip("."), seen=s, answered=a)
        for t, s, a, _share in rows_of(book, text.SHEET_THEMES)
    ]
    assert themes == theme_lines
    assert [
        (what, owner, when.date(), source) for what, owner, when, _overdue, source in rows_of(book, text.SHEET_AGREED)
    ] == [(SERVICE_AGREED, "Imran Qadir", due, SOURCE_LABELS[SENIOR_SOURCE])]
    assert len(shown[text.HEADING_AGREED]) == 1


async def assert_the_service_records(services: Services, due: date) -> None:
    """One service pack for January, asked for by Alex; the action agreed at it (owner, due date,
    source and source_ref, who raised it); and the refusal, every view and the export in the
    access log, in order."""
    async with services.sessions() as session:
        alex = await session.scalar(select(Person.id).where(Person.email == ALEX))
        imran = await session.scalar(select(Person.id).where(Person.email == IMRAN))
        [clinic] = list(await session.scalars(select(SeniorLeadershipClinic)))
        logged = list(
            await session.execute(
                select(AccessLogEntry.action, AccessLogEntry.record_id, AccessLogEntry.actor_id)
                .where(AccessLogEntry.record_type == "senior_leadership_clinic")
                .order_by(AccessLogEntry.id)
            )
        )
    assert (clinic.month, clinic.prepared_on, clinic.prepared_by_id) == (JANUARY, THE_DAY_AFTER.date(), alex)
    [action] = await actions_from(services, SENIOR_SOURCE)
    team_clinic_actions = await actions_from(services, ActionSource.PERFORMANCE_CLINIC.value)
    open_clinic_actions = [a for a in [*team_clinic_actions, action] if a.status == "open"]
    assert clinic.snapshot["open_actions"] == len(open_clinic_actions) == 4, "for next month's pack to compare"
    assert (action.source_ref, action.description, action.owner_id, action.due_date) == (
        f"service-clinic:{clinic.id}",
        SERVICE_AGREED,
        imran,
        due,
    )
    assert (action.created_by_id, action.status) == (alex, "open")
    viewed = ("view", str(clinic.id), alex)
    assert [tuple(row) for row in logged] == [
        ("refused", None, alex),  # as a practitioner
        viewed,  # the pack
        viewed,  # the refused form, shown again
        viewed,  # the action agreed
        viewed,  # with the workbook's link
        ("export", str(clinic.id), alex),  # the workbook downloaded
    ]


async def chromium_renders_the_service_pack(chromium: str, playground: RunningPlayground) -> None:
    """Alex, still a performance analyst, asks again in the playground's own UI: the service pack
    renders with its areas and the action agreed on it."""
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "service-clinic-pack.png"
    screenshot.unlink(missing_ok=True)
    command = f"clinic {text.SERVICE_ARGUMENT}"
    read = await run_browser_script(
        SCRIPT, playground.url, screenshot, command, text.SERVICE_PACK_TITLE, chromium=chromium, within_seconds=120
    )
    rendered = read["cardText"]
    for words in (text.SERVICE_PACK_TITLE, text.HEADING_AREAS, RIVERSIDE, text.HEADING_AGREED, SERVICE_AGREED):
        assert words in rendered, (words, rendered[:500])
    assert not {"127.0.0.1", "localhost"} & set(read["blocked"]), read["blocked"]
    assert screenshot.read_bytes().startswith(PNG_SIGNATURE)
