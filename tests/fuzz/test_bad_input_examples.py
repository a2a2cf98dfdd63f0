"""The malformed traffic issue 17 found, one example each: a 400 with a reason (or, inside a
valid turn, a friendly card) and one log line, never a 5xx or a traceback."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from cards import text
from cards.verbs import AUDIT_SAVE, SURVEY_ANSWER
from tests.scenarios.conftest import BotHarness
from tests.support import activities as a
from tests.support.logs import loud_records


def _loud(caplog: pytest.LogCaptureFixture) -> list[str]:
    return loud_records(caplog.records)


def _invoke(harness: BotHarness, **changes: Any) -> dict[str, Any]:
    activity = a.card_action(harness.service_url, AUDIT_SAVE, {"assignment_id": 1})
    activity.update(changes)
    return activity


SENDERS_FAULT = {
    "conversation is a string": lambda h: {**a.message(h.service_url, "help"), "conversation": "x"},
    "conversation is a list": lambda h: {**a.message(h.service_url, "help"), "conversation": []},
    "conversation id missing": lambda h: {**a.message(h.service_url, "help"), "conversation": {"name": "x"}},
    "channelId missing": lambda h: {k: v for k, v in a.message(h.service_url, "help").items() if k != "channelId"},
    "from is a number": lambda h: {**a.message(h.service_url, "help"), "from": 7},
    "recipient is null": lambda h: {**a.message(h.service_url, "help"), "recipient": None},
    "serviceUrl not a URL": lambda h: {**a.message(h.service_url, "help"), "serviceUrl": "file:///etc/passwd"},
    "invoke value a string": lambda h: _invoke(h, value="x"),
    "invoke value a list": lambda h: _invoke(h, value=[1, 2]),
    "invoke action a string": lambda h: _invoke(h, value={"action": "x"}),
    "channelData a string": lambda h: {**a.message(h.service_url, "help"), "channelData": "x"},
    "channelData.tenant a list": lambda h: {**a.message(h.service_url, "help"), "channelData": {"tenant": []}},
    "membersAdded of strings": lambda h: a.members_added(h.service_url, ["x"]),  # type: ignore[list-item]
    "text with NUL": lambda h: a.message(h.service_url, "help\u0000"),
    "locale empty (ConversationReference)": lambda h: {**a.message(h.service_url, "help"), "locale": ""},
    "conversation id with a slash": lambda h: {
        **a.message(h.service_url, "help"),
        "conversation": {"id": "../../x", "conversationType": "personal"},
    },
    "unknown invoke name": lambda h: {**_invoke(h), "name": "task/fetch"},
}


@pytest.mark.postgres
@pytest.mark.parametrize("case", sorted(SENDERS_FAULT))
async def test_a_malformed_activity_gets_a_400_with_a_reason(
    harness: BotHarness, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    response = await harness.client.post("/api/messages", json=SENDERS_FAULT[case](harness))
    assert response.status == 400, await response.text()
    assert (await response.json())["error"]
    assert not _loud(caplog)
    assert [r.levelname for r in caplog.records if r.name == "bot.http"] == ["WARNING"]


@pytest.mark.postgres
@pytest.mark.parametrize(
    "data",
    [{"assignment_id": 2**80}, {"assignment_id": "9" * 40}, {"assignment_id": [1]}, {"survey_id": {"x": 1}}],
    ids=["huge int", "huge digit string", "list", "object"],
)
async def test_malformed_card_data_inside_a_valid_turn_gets_a_friendly_card(
    harness: BotHarness, caplog: pytest.LogCaptureFixture, data: dict[str, Any]
) -> None:
    for verb in (AUDIT_SAVE, SURVEY_ANSWER):
        answer = await harness.send(a.card_action(harness.service_url, verb, data))
        shown = json.dumps(answer, ensure_ascii=False)
        assert text.ERROR_TITLE not in shown
        assert answer["type"] == "application/vnd.microsoft.card.adaptive"
    assert not _loud(caplog)


@pytest.mark.postgres
async def test_huge_and_odd_unicode_text_is_answered(harness: BotHarness, caplog: pytest.LogCaptureFixture) -> None:
    for words in ("\u202e\u2066help\u2069", "e\u0301" * 5000, "\U0001f9d2" * 10000):
        await harness.send(a.message(harness.service_url, words))
    assert not _loud(caplog)
    assert all(text.ERROR_TITLE not in json.dumps(m.activity) for m in harness.connector.messages)


async def test_an_over_long_header_line_is_one_warning_line(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    server = harness.client.server
    reader, writer = await asyncio.open_connection(server.host, server.port)
    writer.write(b"POST /api/messages HTTP/1.1\r\nHost: x\r\nX-Long: " + b"a" * 20_000 + b"\r\n\r\n")
    await writer.drain()
    status_line = await reader.readline()
    writer.close()
    assert status_line.split()[1] == b"400", status_line
    await asyncio.sleep(0.05)
    server_lines = [r for r in caplog.records if r.name == "aiohttp.server"]
    assert [(r.levelname, r.exc_info) for r in server_lines] == [("WARNING", None)]
    assert "refused a malformed HTTP request" in server_lines[0].getMessage()
    assert not _loud(caplog)
