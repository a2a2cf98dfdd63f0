"""An extract uploaded in Teams, against real databases: which links qop downloads, which column
mapping reads the file (the one that fits, or the one named), the QA lead importing a workbook,
and every refusal. Files come from a loopback server through the bot's real ``HttpFileFetcher``."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from datetime import datetime
from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.downloads import HttpFileFetcher
from qop.settings import DEMO_MAPPINGS, PROJECT_ROOT
from services.container import Services
from services.errors import DomainError, NotAllowed
from services.measures import MeasuresService
from services.measures.uploads import MeasureUploads, UploadedFile, UploadRefused, UploadRules
from services.templates import TemplateLibrary
from storage.models import IndicatorValue, Person
from tests.support.extracts import chat_like_workbook
from tests.support.file_server import FileServer, serving_files
from tests.support.organisation import DEMO_FILE

DATA = PROJECT_ROOT / "tests" / "data" / "measures"
GOOD_CSV = DATA / "liquidlogic-good.csv"
ANALYST, QA_LEAD = "29:tariq", "29:isaiah"
LOCAL = UploadRules(allowed_hosts=("*.sharepoint.com",), max_bytes=1024 * 1024, timeout_seconds=5, allow_loopback=True)


@pytest.mark.parametrize(
    ("url", "local", "allowed"),
    [
        ("https://northshire-my.sharepoint.com/personal/t/_layouts/15/download.aspx?x=1", False, True),
        ("https://NORTHSHIRE.SharePoint.com/f.csv", False, True),
        ("http://northshire-my.sharepoint.com/f.csv", False, False),
        ("https://sharepoint.com.evil.example/f.csv", False, False),
        ("https://evilsharepoint.com/f.csv", False, False),
        ("https://user:pw@northshire.sharepoint.com/f.csv", False, False),
        ("https://northshire.sharepoint.com:notaport/f.csv", False, False),
        ("http://127.0.0.1:8080/f.csv", False, False),
        ("http://127.0.0.1:8080/f.csv", True, True),
        ("http://[::1]:8080/f.csv", True, True),
        ("http://localhost/f.csv", True, True),
        ("http://10.0.0.5/f.csv", True, False),
        ("file:///etc/passwd", True, False),
        ("", True, False),
    ],
)
def test_only_https_links_to_allowed_hosts_are_fetched_and_loopback_only_locally(
    url: str, local: bool, allowed: bool
) -> None:
    rules = UploadRules(("*.sharepoint.com",), 1024, 5, allow_loopback=local)
    assert rules.url_allowed(url) is allowed


def _workbook() -> bytes:
    workbook = chat_like_workbook(
        [
            ["Front Door", datetime(2025, 12, 1), 0.935, None, None, None],
            ["Riverside Locality Team", datetime(2025, 12, 1), None, None, 18, None],
        ]
    )
    workbook.active["C4"].number_format = "0.0%"
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
async def files() -> AsyncIterator[FileServer]:
    async with serving_files({"extract.csv": GOOD_CSV, "chat.xlsx": _workbook(), "notes.csv": b"a,b\n1,2\n"}) as server:
        yield server


async def _ready(services: Services) -> MeasuresService:
    await services.organisation.import_file(DEMO_FILE)
    measures = MeasuresService(
        sessions=services.sessions, clock=services.clock, library=TemplateLibrary.from_folder(), time_zone="UTC"
    )
    await measures.load_file(PROJECT_ROOT / "deploy" / "demo" / "measures.yaml")
    async with services.sessions() as session, session.begin():
        for email, teams_id in (("tariq.mendes@northshire.example", ANALYST), ("isaiahl@example.com", QA_LEAD)):
            await session.execute(update(Person).where(Person.email == email).values(teams_user_id=teams_id))
    return measures


def _uploads(services: Services, measures: MeasuresService, folder: Path | None) -> MeasureUploads:
    return MeasureUploads(sessions=services.sessions, measures=measures, rules=LOCAL, mapping_folder=folder)


async def _receive(uploads: MeasureUploads, files: FileServer, name: str, *, typed: str = "", as_user: str = ANALYST):  # type: ignore[no-untyped-def]
    upload = UploadedFile(name=name, download_url=files.url(name), file_type=name.rsplit(".", 1)[-1])
    return await uploads.receive(
        as_user, [upload], conversation_kind="personal", typed=typed, fetcher=HttpFileFetcher()
    )


async def _count(sessions) -> int:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        return len(list(await session.scalars(select(IndicatorValue))))


async def test_the_qa_lead_imports_a_workbook_through_the_mapping_that_fits_it(
    services: Services, sessions, files: FileServer
) -> None:  # type: ignore[no-untyped-def]
    uploads = _uploads(services, await _ready(services), DEMO_MAPPINGS)
    assert uploads.guide().mappings == ("ChAT-style team workbook", "Liquidlogic monthly performance report")

    outcome = await _receive(uploads, files, "chat.xlsx", as_user=QA_LEAD)
    assert (outcome.mapping_name, outcome.figures, outcome.replaced, outcome.imported) == (
        "ChAT-style team workbook",
        2,
        0,
        True,
    )
    assert outcome.teams == ("Front Door", "Riverside Locality Team")
    assert await _count(sessions) == 2

    checked = await _receive(uploads, files, "extract.csv", typed="CHECK")
    assert (checked.mapping_name, checked.dry_run, checked.figures) == (
        "Liquidlogic monthly performance report",
        True,
        7,
    )
    assert await _count(sessions) == 2, "a check writes nothing"


async def test_choosing_the_mapping_refuses_clearly_when_none_or_several_fit(
    services: Services, sessions, files: FileServer, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    measures = await _ready(services)
    with pytest.raises(UploadRefused) as none_configured:
        await _receive(_uploads(services, measures, None), files, "extract.csv")
    assert "no column mappings" in none_configured.value.user_message

    uploads = _uploads(services, measures, DEMO_MAPPINGS)
    with pytest.raises(UploadRefused) as unknown:
        await _receive(uploads, files, "extract.csv", typed="check EHM report")
    assert unknown.value.user_message == (
        "There is no column mapping called EHM report. The mappings qop has: ChAT-style team workbook, "
        "Liquidlogic monthly performance report."
    )
    with pytest.raises(UploadRefused) as misfit:
        await _receive(uploads, files, "notes.csv")
    assert "None of qop's column mappings fits notes.csv" in misfit.value.user_message
    assert "line 1 has no column(s) 'Team', 'Reporting period'" in misfit.value.user_message
    assert "line 3 has no column(s) 'Team', 'Month'" in misfit.value.user_message

    folder = tmp_path / "mappings"
    shutil.copytree(DEMO_MAPPINGS, folder)
    copy = (folder / "liquidlogic.yaml").read_text().replace("Liquidlogic monthly", "EHM monthly")
    (folder / "ehm.yaml").write_text(copy)
    (folder / "broken.yaml").write_text("name: half a mapping\nlayout: sideways\n")
    several = _uploads(services, measures, folder)
    with pytest.raises(UploadRefused) as two:
        await _receive(several, files, "extract.csv")
    assert "More than one column mapping fits extract.csv: EHM monthly performance report, Liquidlogic" in str(
        two.value
    )
    named = await _receive(several, files, "extract.csv", typed="ehm")
    assert (named.mapping_name, named.figures) == ("EHM monthly performance report", 7), "by its file name too"
    with pytest.raises(UploadRefused) as with_broken:
        await _receive(several, files, "notes.csv")
    assert "broken.yaml:2: layout" in with_broken.value.user_message, "a broken mapping file is named"
    assert await _count(sessions) == 7


async def test_refusals_before_anything_is_fetched_and_downloads_that_fail(
    services: Services, sessions, files: FileServer
) -> None:  # type: ignore[no-untyped-def]
    measures = await _ready(services)
    uploads = _uploads(services, measures, DEMO_MAPPINGS)
    good = UploadedFile("extract.csv", files.url("extract.csv"), "csv")
    fetcher = HttpFileFetcher()
    with pytest.raises(NotAllowed):
        await uploads.receive("29:stranger", [good], conversation_kind="personal", typed="", fetcher=fetcher)
    with pytest.raises(UploadRefused, match="one extract at a time"):
        await uploads.receive(ANALYST, [good, good], conversation_kind="personal", typed="", fetcher=fetcher)
    with pytest.raises(UploadRefused, match="personal chat"):
        await uploads.receive(ANALYST, [good], conversation_kind="groupChat", typed="", fetcher=fetcher)
    disguised = UploadedFile("extract.csv", files.url("extract.csv"), "exe")
    with pytest.raises(UploadRefused, match=r"\.csv or \.xlsx"):
        await uploads.receive(ANALYST, [disguised], conversation_kind="personal", typed="", fetcher=fetcher)
    assert files.requests == []

    missing = UploadedFile("gone.csv", files.url("gone.csv"), "csv")
    with pytest.raises(UploadRefused, match=r"could not download gone\.csv"):
        await uploads.receive(ANALYST, [missing], conversation_kind="personal", typed="", fetcher=fetcher)

    impatient = MeasureUploads(
        sessions=services.sessions,
        measures=measures,
        rules=UploadRules((), 1024, timeout_seconds=0.2, allow_loopback=True),
        mapping_folder=DEMO_MAPPINGS,
    )
    stalled = UploadedFile("stalled.csv", f"{files.base_url}/stalled.csv", "csv")
    with pytest.raises(UploadRefused, match="could not download stalled"):
        await impatient.receive(ANALYST, [stalled], conversation_kind="personal", typed="", fetcher=fetcher)
    assert files.requests == ["gone.csv", "/stalled.csv"]


async def test_without_a_measures_file_the_upload_says_so(services: Services, files: FileServer) -> None:
    await services.organisation.import_file(DEMO_FILE)
    async with services.sessions() as session, session.begin():
        await session.execute(
            update(Person).where(Person.email == "tariq.mendes@northshire.example").values(teams_user_id=ANALYST)
        )
    measures = MeasuresService(
        sessions=services.sessions, clock=services.clock, library=TemplateLibrary.from_folder(), time_zone="UTC"
    )
    with pytest.raises(DomainError, match="No measures file is loaded yet"):
        await _receive(_uploads(services, measures, DEMO_MAPPINGS), files, "extract.csv")
