"""The monthly extract sent to qop as a file in Teams, through the whole app: a Teams-shaped
``file.download.info`` attachment whose download link is a loopback server serving the real sample
extracts. The analyst checks it, imports it and sees bad rows refused; what is not theirs to send,
or not from Teams' file store, or too big, or in a channel, is refused with what qop accepts."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from qop.settings import PROJECT_ROOT
from services.container import Services
from services.measures import MeasuresService
from services.templates import TemplateLibrary
from storage.models import AccessLogEntry, IndicatorValue, Person
from tests.scenarios.conftest import BotHarness
from tests.support import activities as a
from tests.support.file_server import FileServer, serving_files
from tests.support.organisation import DEMO_FILE

DATA = PROJECT_ROOT / "tests" / "data" / "measures"
TARIQ = a.user(7, name="Tariq Mendes", email="tariq.mendes@northshire.example")  # performance analyst
PATTI = a.user(8, name="Patti Fernandez", email="pattif@example.com")  # practitioner


@pytest.fixture
async def files() -> AsyncIterator[FileServer]:
    async with serving_files(
        {"liquidlogic-2026-01.csv": DATA / "liquidlogic-good.csv", "liquidlogic-bad.csv": DATA / "liquidlogic-bad.csv"}
    ) as server:
        yield server


async def _demo(services: Services) -> None:
    await services.organisation.import_file(DEMO_FILE)
    measures = MeasuresService(
        sessions=services.sessions, clock=services.clock, library=TemplateLibrary.from_folder(), time_zone="UTC"
    )
    await measures.load_file(PROJECT_ROOT / "deploy" / "demo" / "measures.yaml")


async def _send(harness: BotHarness, activity: dict) -> str:  # type: ignore[type-arg]
    before = len(harness.connector.messages)
    await harness.send(activity)
    [reply] = harness.connector.messages[before:]
    return json.dumps(reply.cards[0])


async def _upload(harness: BotHarness, url: str, *, name: str, sender: dict, text: str = "", **kw) -> str:  # type: ignore[no-untyped-def,type-arg]
    return await _send(harness, a.file_message(harness.service_url, name, url, text=text, sender=sender, **kw))


async def _figures(sessions) -> int:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        return len(list(await session.scalars(select(IndicatorValue))))


async def test_the_analyst_checks_then_imports_the_extract_by_sending_it_to_qop(
    harness: BotHarness, services: Services, sessions, files: FileServer
) -> None:  # type: ignore[no-untyped-def]
    await _demo(services)
    good = files.url("liquidlogic-2026-01.csv")

    checked = await _upload(harness, good, name="liquidlogic-2026-01.csv", sender=TARIQ, text="check")
    assert "Extract checked: nothing imported" in checked and "7 good" in checked
    assert "Liquidlogic monthly performance report" in checked, "the mapping whose columns fit was chosen"
    assert await _figures(sessions) == 0

    imported = await _upload(harness, good, name="liquidlogic-2026-01.csv", sender=TARIQ)
    assert "Indicator figures imported" in imported
    assert "7 (7 new, 0 replaced)" in imported
    assert "Front Door, Moorside Locality Team, Riverside Locality Team" in imported
    assert "Nov 2025, Dec 2025, Jan 2026" in imported
    assert await _figures(sessions) == 7

    again = await _upload(
        harness, good, name="liquidlogic-2026-01.csv", sender=TARIQ, text="Liquidlogic monthly performance report"
    )
    assert "7 (0 new, 7 replaced)" in again, "the mapping named in the message; the same figures replaced"
    assert await _figures(sessions) == 7

    async with sessions() as session:
        tariq = await session.scalar(select(Person).where(Person.email == "tariq.mendes@northshire.example"))
        entries = list(
            await session.scalars(select(AccessLogEntry).where(AccessLogEntry.record_type == "indicator figures"))
        )
    assert [(e.actor_id, e.action, e.detail["figures"], e.detail["via"]) for e in entries] == [
        (tariq.id, "import", 7, "Teams"),
        (tariq.id, "import", 7, "Teams"),
    ], "each import (not the check) is in the access log"


async def test_bad_rows_a_foreign_host_a_huge_file_a_pdf_and_a_channel_are_refused_and_nothing_is_written(
    harness: BotHarness, services: Services, sessions, files: FileServer
) -> None:  # type: ignore[no-untyped-def]
    await _demo(services)

    bad = await _upload(harness, files.url("liquidlogic-bad.csv"), name="liquidlogic-bad.csv", sender=TARIQ)
    assert "Extract refused: nothing imported" in bad and "10 bad row(s)" in bad
    assert "Line 3" in bad and "unknown team 'Nowhere Team'" in bad
    assert "Line 12" in bad and "-3 in column 'Result' is negative" in bad
    assert await _figures(sessions) == 0, "the good row on line 2 is not written either"

    fetched = len(files.requests)
    foreign = await _upload(
        harness, "https://files.example.org/liquidlogic-2026-01.csv", name="liquidlogic-2026-01.csv", sender=TARIQ
    )
    assert "qop did not import this file" in foreign and "files.example.org" in foreign
    assert "What qop accepts" in foreign
    redirected = await _upload(
        harness,
        f"{files.base_url}/redirect?to=https://files.example.org/x.csv",
        name="liquidlogic-2026-01.csv",
        sender=TARIQ,
    )
    assert "could not download" in redirected, "a redirect away from the allowed hosts is not followed"
    huge = await _upload(harness, f"{files.base_url}/endless.csv?mb=6", name="big-extract.csv", sender=TARIQ)
    assert "larger than qop accepts (5 MB)" in huge
    pdf = await _upload(harness, files.url("liquidlogic-2026-01.csv"), name="extract.pdf", sender=TARIQ)
    assert "send the monthly extract as a .csv or .xlsx file" in pdf
    channel = await _upload(
        harness, files.url("liquidlogic-2026-01.csv"), name="liquidlogic.csv", sender=TARIQ, conversation=a.channel()
    )
    assert "only in your personal chat" in channel
    assert files.requests[fetched:] == ["/redirect", "/endless.csv"], "no other link was fetched"
    assert await _figures(sessions) == 0


async def test_someone_who_may_not_import_is_told_who_may_and_the_file_is_not_fetched(
    harness: BotHarness, services: Services, sessions, files: FileServer
) -> None:  # type: ignore[no-untyped-def]
    await _demo(services)
    refused = await _upload(harness, files.url("liquidlogic-2026-01.csv"), name="liquidlogic.csv", sender=PATTI)
    assert "Only the performance analysts and the QA lead can import" in refused
    assert "What qop accepts" in refused
    assert files.requests == [] and await _figures(sessions) == 0
    async with sessions() as session:
        [entry] = list(await session.scalars(select(AccessLogEntry).where(AccessLogEntry.action == "refused")))
    assert entry.record_type == "indicator figures"

    text = await _send(harness, a.message(harness.service_url, "help", sender=PATTI))
    assert "help" in text.lower(), "a message without a file still goes to the commands"
