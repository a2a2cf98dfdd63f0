"""Telemetry: a span per inbound activity and per send, the delivery, reminder and digest metrics,
all with no personal data in them; and nothing at all when no exporter is configured.

The SDK's in-memory exporter and reader stand in for Azure Monitor / OTLP (see
``tests/support/telemetry.py``); every attribute value of every span and metric point is searched
for the test's case references, names, e-mail addresses and Teams ids.
"""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from cards import verbs
from qop.app import create_app
from qop.settings import Settings
from qop.telemetry import (
    QUEUE_DEPTH_METRIC,
    SILENCED_SCOPES,
    JsonLogFormatter,
    RedactPersonalData,
    build_telemetry,
    console_log_handler,
    exporter_backend,
)
from services.container import Services
from tests.scenarios.conftest import BotHarness
from tests.support import activities as a
from tests.support.delivery import DeliveryHarness
from tests.support.telemetry import InMemoryTelemetry, in_memory_telemetry

CASE_REFERENCE = "AB1234567"
NAME = "Harriet Okonkwo"
EMAIL = "harriet.okonkwo@riverside.gov.uk"
SENDER = a.user(7, name=NAME, email=EMAIL)
PERSONAL = (CASE_REFERENCE, NAME, "Okonkwo", EMAIL, SENDER["id"], SENDER["aadObjectId"], "Test User")


@pytest.fixture
def telemetry() -> Iterator[InMemoryTelemetry]:
    with in_memory_telemetry().recording() as recording:
        yield recording


def _values(recording: InMemoryTelemetry) -> list[str]:
    """Every attribute value of every finished span (and its events) and every metric point."""
    values: list[Any] = []
    for span in recording.finished_spans():
        values += [span.name, *span.attributes.values(), *span.resource.attributes.values()]
        for event in span.events:
            values += [event.name, *event.attributes.values()]
    for name, point in recording.all_points():
        values += [name, *point.attributes.values()]
    return [str(value) for value in values]


def assert_no_personal_data(recording: InMemoryTelemetry) -> None:
    values = _values(recording)
    assert values, "nothing was recorded"
    leaks = [(value, word) for value in values for word in PERSONAL if word.lower() in value.lower()]
    assert not leaks


async def test_each_inbound_activity_has_a_span_saying_what_it_was_and_nothing_personal(
    harness: BotHarness, telemetry: InMemoryTelemetry
) -> None:
    chat = a.personal_chat(7)
    await harness.send(a.message(harness.service_url, f"help {CASE_REFERENCE}", conversation=chat, sender=SENDER))
    await harness.send(
        a.card_action(
            harness.service_url,
            verbs.SHOW_HELP,
            {"case_reference": CASE_REFERENCE, "note": f"{NAME} <{EMAIL}>"},
            conversation=chat,
            sender=SENDER,
        )
    )
    refused = await harness.post({"type": "message"})
    assert refused.status == 400

    message, invoke, malformed = telemetry.finished_spans("qop.inbound.activity")
    assert message.attributes == {
        "http.request.method": "POST",
        "http.response.status_code": message.attributes["http.response.status_code"],
        "qop.activity.type": "message",
        "qop.conversation.kind": "personal",
    }
    assert message.attributes["http.response.status_code"] in (200, 202)
    assert invoke.attributes["qop.activity.type"] == "invoke"
    assert invoke.attributes["qop.activity.name"] == "adaptiveCard/action"
    assert invoke.attributes["qop.activity.verb"] == verbs.SHOW_HELP
    assert invoke.attributes["http.response.status_code"] == 200
    assert malformed.attributes["http.response.status_code"] == 400
    assert_no_personal_data(telemetry)


async def test_unknown_words_in_an_activity_become_other_in_its_span(
    harness: BotHarness, telemetry: InMemoryTelemetry
) -> None:
    activity = a.card_action(harness.service_url, CASE_REFERENCE, {}, sender=SENDER)
    activity["name"] = f"{NAME}/action"
    activity["conversation"]["conversationType"] = EMAIL
    await harness.post(activity)

    [span] = telemetry.finished_spans("qop.inbound.activity")
    assert span.attributes["qop.activity.name"] == "other"
    assert span.attributes["qop.activity.verb"] == "other"
    assert span.attributes["qop.conversation.kind"] == "other"
    assert_no_personal_data(telemetry)


async def test_a_send_has_a_span_and_counts_its_outcome_and_the_429s_before_it(
    delivery: DeliveryHarness, services: Services, telemetry: InMemoryTelemetry
) -> None:
    sent_before = _count(telemetry, "qop.deliveries", outcome="sent", purpose="reminder")
    throttled_before = _count(telemetry, "qop.teams.throttled")
    person = await delivery.person_with_chat(1)
    delivery.connector.fail(delivery.chat_id(1), 429, times=1, retry_after="0")
    card = {
        "type": "AdaptiveCard",
        "version": "1.5",
        "body": [{"type": "TextBlock", "text": f"{NAME} {CASE_REFERENCE}"}],
    }

    receipt = await delivery.settled(await services.delivery.send_card_to_person(person, card, purpose="reminder"))

    assert receipt.status == "sent"
    [span] = telemetry.finished_spans("qop.delivery.perform")
    assert span.attributes["qop.delivery.purpose"] == "reminder"
    assert span.attributes["qop.delivery.operation"] == "send"
    assert span.attributes["qop.delivery.outcome"] == "sent"
    assert span.attributes["qop.delivery.attempts"] == 2
    assert span.attributes["qop.teams.error"] == "Throttled"
    assert span.attributes["http.response.status_code"] == 429
    assert _count(telemetry, "qop.deliveries", outcome="sent", purpose="reminder") == sent_before + 1
    assert _count(telemetry, "qop.teams.throttled") == throttled_before + 1

    await services.delivery.send_card_to_person(person, card, purpose="reminder", dedupe_key="queued")
    await in_memory_telemetry().telemetry.queue_depth.count(services)
    [depth] = telemetry.points(QUEUE_DEPTH_METRIC)
    assert depth.value in (0, 1)  # the second send may already be on its way
    assert_no_personal_data(telemetry)


def _count(recording: InMemoryTelemetry, metric: str, **attributes: str) -> int:
    return sum(
        point.value
        for point in recording.points(metric)
        if all(point.attributes.get(key) == value for key, value in attributes.items())
    )


# -- which exporter, or none ------------------------------------------------------------------------


def _otel_threads() -> set[str]:
    return {thread.name for thread in threading.enumerate() if thread.name.startswith("Otel")}


def test_without_a_connection_string_or_endpoint_no_exporter_is_built() -> None:
    settings = Settings(_env_file=None)
    assert exporter_backend(settings) is None
    assert build_telemetry(settings) is None


async def test_the_app_starts_and_stops_without_telemetry_when_none_is_configured(settings: Settings, engine) -> None:  # type: ignore[no-untyped-def]
    threads_before = _otel_threads()
    app = create_app(settings.model_copy(update={"log_format": "text"}))
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        assert (await client.get("/healthz")).status == 200
        assert _otel_threads() == threads_before
    assert not any(type(handler).__name__ == "ExportingLogHandler" for handler in logging.getLogger().handlers)


def test_a_connection_string_chooses_azure_monitor_even_with_an_endpoint() -> None:
    settings = Settings(
        _env_file=None,
        applicationinsights_connection_string="InstrumentationKey=00000000-0000-0000-0000-000000000000",
        otel_exporter_otlp_endpoint="http://127.0.0.1:4318",
    )
    assert exporter_backend(settings) == "azure"


def test_an_otlp_endpoint_builds_otlp_exporters_for_traces_metrics_and_logs() -> None:
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    telemetry = build_telemetry(Settings(_env_file=None, otel_exporter_otlp_endpoint="http://127.0.0.1:4318/"))
    assert telemetry is not None and telemetry.backend == "otlp"
    try:
        [processor] = telemetry.tracer_provider._active_span_processor._span_processors
        exporter = processor.span_exporter
        assert isinstance(exporter, OTLPSpanExporter)
        assert exporter._endpoint == "http://127.0.0.1:4318/v1/traces"
        assert telemetry.logger_provider is not None
    finally:
        telemetry.shutdown()


def test_the_azure_exporter_installs_with_our_pins() -> None:
    from azure.monitor.opentelemetry.exporter import AzureMonitorTraceExporter

    assert AzureMonitorTraceExporter.__name__


# -- logs ------------------------------------------------------------------------------------------


def test_log_lines_have_case_references_and_e_mail_addresses_masked() -> None:
    redaction = RedactPersonalData(r"^[A-Z]{0,4}\d{4,10}$")
    line = f"audit for {CASE_REFERENCE} by {EMAIL}; also 7654321. Delivery #123456 at 2026-01-12 on 127.0.0.1:3978"
    assert redaction.redact(line) == (
        "audit for [case reference] by [e-mail]; also [case reference]. Delivery #123456 at 2026-01-12 on 127.0.0.1:3978"
    )


def test_teams_user_ids_in_other_libraries_log_lines_are_masked() -> None:
    redaction = RedactPersonalData(r"^[A-Z]{0,4}\d{4,10}$")
    line = "Error accessing 'v3/conversations/a:personal-1/members/29:1AbC-dEf_9': 404"
    assert redaction.redact(line) == "Error accessing 'v3/conversations/a:personal-1/members/[teams user id]': 404"


def test_json_logs_are_one_object_a_line_and_pass_through_the_redaction() -> None:
    stream = io.StringIO()
    handler = console_log_handler(Settings(_env_file=None, log_format="json"))
    handler.setStream(stream)
    assert isinstance(handler.formatter, JsonLogFormatter)
    test_logger = logging.getLogger("tests.telemetry.json")
    test_logger.addHandler(handler)
    test_logger.propagate = False
    try:
        test_logger.warning("could not remind %s about %s", EMAIL, CASE_REFERENCE)
        try:
            raise ValueError(CASE_REFERENCE)
        except ValueError:
            test_logger.exception("failed")
    finally:
        test_logger.removeHandler(handler)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{"))
    assert first["level"] == "WARNING" and first["logger"] == "tests.telemetry.json"
    assert first["message"] == "could not remind [e-mail] about [case reference]"
    assert "ValueError: [case reference]" in second["exception"]
    assert CASE_REFERENCE not in stream.getvalue() and EMAIL not in stream.getvalue()


def test_text_logs_are_the_default() -> None:
    assert not isinstance(console_log_handler(Settings(_env_file=None)).formatter, JsonLogFormatter)


def test_the_agents_sdk_own_spans_and_metrics_which_carry_people_s_ids_are_not_recorded() -> None:
    from microsoft_agents.hosting.core.telemetry.core.resource import SERVICE_NAME as AGENTS_SCOPE
    from opentelemetry import trace

    provider = in_memory_telemetry().telemetry.tracer_provider
    assert AGENTS_SCOPE in SILENCED_SCOPES
    assert isinstance(provider.get_tracer(AGENTS_SCOPE), trace.NoOpTracer)
    assert not isinstance(provider.get_tracer("services.delivery.executor"), trace.NoOpTracer)


async def test_reminders_and_digests_handed_to_delivery_are_counted_by_kind(
    recorded_services: Services, connector, clock, telemetry: InMemoryTelemetry
) -> None:  # type: ignore[no-untyped-def]
    from services.actions import NewAction
    from storage.models import ActionSource
    from tests.services.test_digest_runs import MONDAY_0800_BST, subscribed_channel
    from tests.services.test_reminders import travel

    services = recorded_services
    due_soon_before = _count(telemetry, "qop.reminders.sent", kind="due_soon")
    digests_before = _count(telemetry, "qop.digests.sent", late=False)
    _, org = await subscribed_channel(DeliveryHarness(services, connector), clock)
    await services.digests.run_due(MONDAY_0800_BST + timedelta(minutes=1))
    assert _count(telemetry, "qop.digests.sent", late=False) == digests_before + 1

    clock.set(datetime(2026, 4, 13, 6, 0, tzinfo=UTC))
    await services.actions.create(
        NewAction(ActionSource.AUDIT, f"Update {CASE_REFERENCE}'s plan", org.practitioner, date(2026, 4, 16)),
        actor_id=org.manager,
    )
    await travel(services, datetime(2026, 4, 13, 12, 0, tzinfo=UTC))
    assert _count(telemetry, "qop.reminders.sent", kind="due_soon") == due_soon_before + 1
    assert_no_personal_data(telemetry)
