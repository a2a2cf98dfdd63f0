"""The monthly extract sent to qop as a file through Microsoft's Teams playground (run by
test_measures_upload_playground.py in a network namespace; ``pytest
tests/e2e/isolated_measures_upload.py`` runs it directly).

The file message (``PlaygroundClient.send_file``: Teams' ``file.download.info`` attachment on the
playground's own activity for the personal chat) points at a loopback server serving the real
sample extract. Alex Wilber, a practitioner, is refused;
as a performance analyst (``demo role``) they check the file, then import it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from qop.app import SERVICES_KEY
from qop.playground import RunningPlayground
from qop.settings import PROJECT_ROOT
from services.measures import MeasuresService
from services.templates import TemplateLibrary
from storage.models import IndicatorValue
from tests.e2e.isolation import assert_isolated_if_asked
from tests.e2e.live import LiveBot, PlaygroundClient, card_text
from tests.support.file_server import serving_files

pytestmark = pytest.mark.e2e

EXTRACT = PROJECT_ROOT / "tests" / "data" / "measures" / "liquidlogic-good.csv"


async def test_an_analyst_sends_the_extract_to_qop_in_the_playground(
    bot: LiveBot, playground: RunningPlayground
) -> None:
    assert_isolated_if_asked()
    assert bot.app is not None
    services = bot.app[SERVICES_KEY]
    assert (await services.demo.load()).rejections == []
    measures = MeasuresService(
        sessions=services.sessions, clock=services.clock, library=TemplateLibrary.from_folder(), time_zone="UTC"
    )
    await measures.load_file(PROJECT_ROOT / "deploy" / "demo" / "measures.yaml")

    async with serving_files({"liquidlogic-2026-01.csv": EXTRACT}) as files, PlaygroundClient(playground.url) as teams:
        personal = (await teams.config())["personalChat"]["id"]
        await teams.install(personal)
        await teams.next_card(personal)  # welcome
        url = files.url("liquidlogic-2026-01.csv")

        await teams.send_file(personal, "liquidlogic-2026-01.csv", url)
        refused = card_text(await teams.next_card(personal))
        assert "Only the performance analysts and the QA lead can import" in refused
        assert files.requests == []

        await teams.say(personal, "demo role performance analyst")
        assert "performance analyst" in card_text(await teams.next_card(personal)).lower()

        await teams.send_file(personal, "liquidlogic-2026-01.csv", url, text="check")
        checked = card_text(await teams.next_card(personal))
        assert "Extract checked: nothing imported" in checked and "7 good" in checked

        await teams.send_file(personal, "liquidlogic-2026-01.csv", url)
        imported = card_text(await teams.next_card(personal))
        assert "Indicator figures imported" in imported and "7 (7 new, 0 replaced)" in imported
        assert files.requests == ["liquidlogic-2026-01.csv", "liquidlogic-2026-01.csv"]

    async with services.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(IndicatorValue)) == 7
