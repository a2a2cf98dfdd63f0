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
says what the card says. Headless Chromium then renders the pack in the playground's UI."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import pytest
from openpyxl import load_workbook
from openpyxl.workbook import Workbook
from sqlalchemy import select

from cards import text_clinic as text
from cards import verbs
from cards.actions import format_date
from cards.measures_wording import number
from cards.text import REFUSED_CLINIC_VIEW
from cards.text_actions import WHAT_MUST_HAPPEN, please_add
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
    AuditAssignment,
    AuditSubmission,
    IndicatorValue,
    PerformanceClinic,
    Person,
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


async def test_a_team_manager_s_performance_clinic_in_the_playground(
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

        async def press(verb: str, **typed: str) -> dict[str, Any]:
            data = {**button_data(pack, verb), **typed}
            data.pop("verb", None)
            return (await teams.execute(chat, verb, data, reply_to_id=pack_id))["value"]

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
    assert theme_lines == [text.THEME_LINE.format(title=t, seen=s, answered=a) for t, s, a in themes]
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
    theme_titles = Vocabulary.from_library(LIBRARY).theme_titles
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
        answers = await session.scalars(
            select(AuditSubmission.answers)
            .join(AuditAssignment, AuditAssignment.id == AuditSubmission.assignment_id)
            .where(
                AuditAssignment.team_id == riverside,
                AuditSubmission.submitted_at >= THEMES_FROM,
                AuditSubmission.submitted_at < THEMES_UNTIL,
            )
        )
        answered = list(answers)
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
    themes = []
    for question, title in theme_titles.items():
        given = [a[question] for a in answered if a.get(question) not in (None, "not_applicable")]
        if given:
            themes.append((title, given.count("yes"), len(given)))
    themes.sort(key=lambda theme: (100 * theme[1] / theme[2], theme[0]))
    return figures, themes, open_actions


async def clinic_actions(services: Services) -> list[Action]:
    async with services.sessions() as session:
        return list(await session.scalars(select(Action).where(Action.source == "performance_clinic")))


async def download(bot: LiveBot, card: dict[str, Any]) -> Workbook:
    """The workbook behind the card's signed link, fetched from the live bot over loopback (the
    link names the configured port)."""
    [url] = [n["url"] for n in nodes(card) if n.get("type") == "Action.OpenUrl"]
    parts = urlsplit(url)
    assert parts.path == "/reports/clinic.xlsx" and parts.query.startswith("t="), url
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
        text.THEME_LINE.format(title=t, seen=s, answered=a) for t, s, a, _share in rows_of(book, text.SHEET_THEMES)
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
