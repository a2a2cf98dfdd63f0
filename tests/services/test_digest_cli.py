"""``python -m qop digest ...`` and ``python -m qop report qim`` against a real database."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select
from typer.testing import CliRunner

from qop.cli import cli
from storage.db import create_engine, transaction
from storage.models import Conversation, Team
from tests.support.organisation import SMALL_ORGANISATION, write

WIDE = {"COLUMNS": "160"}


async def add_channel(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        from storage.db import create_session_factory

        async with transaction(create_session_factory(engine)) as session:
            riverside = await session.scalar(select(Team.id).where(Team.name == "Riverside Locality Team"))
            session.add(
                Conversation(
                    conversation_id="19:general@thread.tacv2",
                    kind="channel",
                    service_url="https://smba.trafficmanager.net/uk/",
                    bot_id="28:qop",
                    name="General",
                    reference={},
                    linked_team_id=riverside,
                )
            )
    finally:
        await engine.dispose()


def test_the_cli_subscribes_lists_previews_reports_and_stops(
    database_url: str, engine, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", database_url)
    runner = CliRunner()
    assert runner.invoke(cli, ["org", "import", str(write(tmp_path, SMALL_ORGANISATION))], env=WIDE).exit_code == 0
    asyncio.run(add_channel(database_url))

    unknown = runner.invoke(cli, ["digest", "subscribe", "--channel", "Nowhere"], env=WIDE)
    assert unknown.exit_code == 2 and "0 channels match" in unknown.output
    subscribed = runner.invoke(
        cli,
        ["digest", "subscribe", "--channel", "General", "--day", "tuesday", "--at", "07:45", "--audit-type", "themed"],
        env=WIDE,
    )
    assert (
        subscribed.exit_code == 0
        and "Subscribed: Riverside Locality Team, every tuesday at 07:45. Counts themed audits only."
        in subscribed.output
    )
    listed = runner.invoke(cli, ["digest", "list"], env=WIDE)
    assert "General" in listed.output and "tuesday 07:45" in listed.output and "yes" in listed.output

    preview = runner.invoke(
        cli, ["digest", "preview", "--scope", "team Riverside Locality Team", "--period", "2026-W13"], env=WIDE
    )
    assert preview.exit_code == 0, preview.output
    card_json, readable = preview.output.split("\n\n", 1)
    assert json.loads(card_json)["type"] == "AdaptiveCard"
    assert "Weekly digest: Riverside Locality Team" in readable and "23 Mar - 29 Mar 2026" in readable
    bad = runner.invoke(cli, ["digest", "preview", "--period", "soon"], env=WIDE)
    assert bad.exit_code == 2 and "is not a period" in bad.output

    out = tmp_path / "qim.xlsx"
    report = runner.invoke(
        cli,
        ["report", "qim", "--quarter", "2026Q1", "--scope", "area Locality social work", "--out", str(out)],
        env=WIDE,
    )
    assert report.exit_code == 0, report.output
    book = load_workbook(out)
    assert book["Audits"]["A1"].value == "Quality of practice: Locality social work, Jan - Mar 2026 (2026Q1)"

    stopped = runner.invoke(cli, ["digest", "stop", "--channel", "General"], env=WIDE)
    assert stopped.exit_code == 0 and "Stopped." in stopped.output
    assert "no" in runner.invoke(cli, ["digest", "list"], env=WIDE).output.splitlines()[-2]


def test_the_cli_writes_the_bi_annual_report_and_refuses_a_muddled_period(
    database_url: str, engine, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", database_url)
    runner = CliRunner()
    out = tmp_path / "half.html"

    half = runner.invoke(cli, ["report", "qim", "--half", "2026H1", "--out", str(out)], env=WIDE)

    assert half.exit_code == 0, half.output
    page = out.read_text(encoding="utf-8")
    assert "Jan - Jun 2026 (2026H1)" in page and "Against last half-year" in page and "2025H2" in page
    both = runner.invoke(cli, ["report", "qim", "--half", "2026H1", "--quarter", "2026Q1"], env=WIDE)
    neither = runner.invoke(cli, ["report", "qim"], env=WIDE)
    wrong = runner.invoke(cli, ["report", "qim", "--half", "2026H3", "--out", str(out)], env=WIDE)
    assert both.exit_code != 0 and neither.exit_code != 0
    assert wrong.exit_code != 0 and "not a half-year" in wrong.output
