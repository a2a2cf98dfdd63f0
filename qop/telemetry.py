"""Telemetry for the whole process: OpenTelemetry traces, metrics and logs, and the log format.

Where it goes is decided by two settings, as Azure and OpenTelemetry name them:

- ``APPLICATIONINSIGHTS_CONNECTION_STRING`` set: Azure Monitor (Application Insights);
- else ``OTEL_EXPORTER_OTLP_ENDPOINT`` set: any OTLP/HTTP collector;
- neither: nothing is built or installed (the API's no-op providers stay; no thread starts).

The code below ``qop`` only ever uses the OpenTelemetry API (``bot/telemetry.py``,
``services/telemetry.py``, the delivery executor); this module builds the SDK providers, installs
them when the app starts and flushes and shuts them down when it stops. Log lines never carry
personal data on purpose; ``RedactPersonalData`` masks case references and e-mail addresses that
slip through anyway, on the console and in exported logs alike.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import traceback
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from aiohttp import web
from opentelemetry import metrics, trace
from opentelemetry._logs import SeverityNumber, set_logger_provider
from opentelemetry.metrics import CallbackOptions, Observation
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor, LogRecordExporter
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import MetricExporter, MetricReader, PeriodicExportingMetricReader
from opentelemetry.sdk.metrics.view import DropAggregation, View
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from sqlalchemy import func, select

from qop.settings import Settings
from services.container import Services
from storage.models import Delivery, DeliveryStatus

logger = logging.getLogger(__name__)

Backend = Literal["azure", "otlp"]
QUEUE_DEPTH_METRIC = "qop.delivery.queue_depth"
REDACTED_CASE_REFERENCE = "[case reference]"
REDACTED_EMAIL = "[e-mail]"
EMAIL_PATTERN = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
TEAMS_USER_ID_PATTERN = re.compile(r"(?<![\w:])(?:29|8):[\w.:-]+")
"""A Teams user id (``29:1a2b...``; ``8:orgid:...`` in older payloads), which the Agents SDK's own
log lines include (e.g. a failed member lookup's URL)."""
REDACTED_TEAMS_USER_ID = "[teams user id]"
TEXT_LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
SILENCED_SCOPES = frozenset({"microsoft_agents"})
"""Instrumentation whose spans and metrics are never recorded: the Agents SDK puts people's Teams
and Entra ids and conversation ids on its own (``user.id``, ``activity.conversation.id``); qop's own
inbound span (``bot/telemetry.py``) says what an operator needs without them."""


# -- which exporter ----------------------------------------------------------------------------------


def exporter_backend(settings: Settings) -> Backend | None:
    """Azure Monitor when its connection string is set, else OTLP when an endpoint is, else none."""
    if settings.applicationinsights_connection_string:
        return "azure"
    if settings.otel_exporter_otlp_endpoint:
        return "otlp"
    return None


@dataclass
class Exporters:
    spans: SpanExporter
    metrics: MetricExporter
    logs: LogRecordExporter


def _azure_exporters(connection_string: str) -> Exporters:
    from azure.monitor.opentelemetry.exporter import (
        AzureMonitorLogExporter,
        AzureMonitorMetricExporter,
        AzureMonitorTraceExporter,
    )

    return Exporters(
        spans=AzureMonitorTraceExporter(connection_string=connection_string),
        metrics=AzureMonitorMetricExporter(connection_string=connection_string),
        logs=AzureMonitorLogExporter(connection_string=connection_string),
    )


def _otlp_exporters(endpoint: str) -> Exporters:
    from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
    from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    base = endpoint.rstrip("/")  # as the OTLP spec says for OTEL_EXPORTER_OTLP_ENDPOINT
    return Exporters(
        spans=OTLPSpanExporter(endpoint=f"{base}/v1/traces"),
        metrics=OTLPMetricExporter(endpoint=f"{base}/v1/metrics"),
        logs=OTLPLogExporter(endpoint=f"{base}/v1/logs"),
    )


# -- the providers -----------------------------------------------------------------------------------


@dataclass
class Telemetry:
    """The SDK providers of one process, built but not yet installed."""

    backend: str
    tracer_provider: TracerProvider
    meter_provider: MeterProvider
    logger_provider: LoggerProvider | None
    redaction: RedactPersonalData
    queue_depth: QueueDepth = field(default_factory=lambda: QueueDepth())
    _log_handler: logging.Handler | None = None

    def install(self) -> None:
        """Make these the process's providers (once per process: OpenTelemetry allows no second)
        and send log records to the logger provider too."""
        trace.set_tracer_provider(self.tracer_provider)
        metrics.set_meter_provider(self.meter_provider)
        self.meter_provider.get_meter(__name__).create_observable_gauge(
            QUEUE_DEPTH_METRIC,
            callbacks=[self.queue_depth.observe],
            unit="{delivery}",
            description="Deliveries waiting to be sent (the whole database, as last counted).",
        )
        if self.logger_provider is not None:
            set_logger_provider(self.logger_provider)
            self._log_handler = ExportingLogHandler(self.logger_provider)
            self._log_handler.addFilter(self.redaction)
            logging.getLogger().addHandler(self._log_handler)

    def shutdown(self) -> None:
        """Flush what is buffered and stop the exporters' threads."""
        if self._log_handler is not None:
            logging.getLogger().removeHandler(self._log_handler)
            self._log_handler = None
        self.tracer_provider.shutdown()
        self.meter_provider.shutdown()
        if self.logger_provider is not None:
            self.logger_provider.shutdown()


class ScopedTracerProvider(TracerProvider):
    """A tracer provider that hands the silenced instrumentation scopes a tracer that records nothing."""

    def get_tracer(self, instrumenting_module_name: str, *args: Any, **kwargs: Any) -> trace.Tracer:
        if instrumenting_module_name in SILENCED_SCOPES:
            return trace.NoOpTracer()
        return super().get_tracer(instrumenting_module_name, *args, **kwargs)


def resource_of(settings: Settings) -> Resource:
    """Who is reporting: the service and the instance (its executor id), nothing about people."""
    return Resource.create({"service.name": settings.otel_service_name, "service.instance.id": settings.executor_id})


def build_telemetry(settings: Settings) -> Telemetry | None:
    """The providers for the configured backend, or None when no exporter is configured."""
    backend = exporter_backend(settings)
    if backend is None:
        return None
    if backend == "azure":
        exporters = _azure_exporters(settings.applicationinsights_connection_string)
    else:
        exporters = _otlp_exporters(settings.otel_exporter_otlp_endpoint)
    reader = PeriodicExportingMetricReader(
        exporters.metrics, export_interval_millis=int(settings.telemetry_export_seconds * 1000)
    )
    logger_provider = LoggerProvider(resource=resource_of(settings))
    logger_provider.add_log_record_processor(BatchLogRecordProcessor(exporters.logs))
    return telemetry_with(
        settings, backend, BatchSpanProcessor(exporters.spans), [reader], logger_provider=logger_provider
    )


def telemetry_with(
    settings: Settings,
    backend: str,
    span_processor: SpanProcessor,
    metric_readers: Sequence[MetricReader],
    *,
    logger_provider: LoggerProvider | None = None,
) -> Telemetry:
    """Providers around given processors and readers (tests pass the SDK's in-memory ones)."""
    tracer_provider = ScopedTracerProvider(resource=resource_of(settings))
    tracer_provider.add_span_processor(span_processor)
    silenced = [View(instrument_name="*", meter_name=scope, aggregation=DropAggregation()) for scope in SILENCED_SCOPES]
    meter_provider = MeterProvider(metric_readers=list(metric_readers), resource=resource_of(settings), views=silenced)
    return Telemetry(
        backend=backend,
        tracer_provider=tracer_provider,
        meter_provider=meter_provider,
        logger_provider=logger_provider,
        redaction=RedactPersonalData(settings.case_reference_pattern),
    )


# -- queue depth -------------------------------------------------------------------------------------


@dataclass
class QueueDepth:
    """The number of queued deliveries, counted by a task on the event loop and read by the metric
    reader's thread (an observable gauge's callback cannot await the database)."""

    value: int | None = None

    def observe(self, _options: CallbackOptions) -> Iterable[Observation]:
        return [] if self.value is None else [Observation(self.value)]

    async def count(self, services: Services) -> None:
        async with services.sessions() as session:
            self.value = await session.scalar(
                select(func.count()).select_from(Delivery).where(Delivery.status == DeliveryStatus.QUEUED.value)
            )

    async def keep_counting(self, services: Services, every_seconds: float) -> None:
        while True:
            try:
                await self.count(services)
            except Exception as error:  # the database may be briefly away; the gauge then pauses
                logger.warning("could not count queued deliveries: %s", type(error).__name__)
            await asyncio.sleep(every_seconds)


# -- the app's start and stop ------------------------------------------------------------------------


def telemetry_context(settings: Settings, services: Services) -> Callable[[web.Application], AsyncIterator[None]]:
    """A cleanup context for the app: build and install telemetry when it starts (nothing when no
    exporter is configured), flush and shut it down when it stops."""

    async def run(_app: web.Application) -> AsyncIterator[None]:
        telemetry = build_telemetry(settings)
        if telemetry is None:
            yield
            return
        telemetry.install()
        logger.info("telemetry goes to %s", telemetry.backend)
        counting = asyncio.create_task(
            telemetry.queue_depth.keep_counting(services, settings.telemetry_queue_depth_seconds)
        )
        try:
            yield
        finally:
            counting.cancel()
            await asyncio.gather(counting, return_exceptions=True)
            # In a worker thread: the final export is a blocking HTTP call.
            await asyncio.to_thread(telemetry.shutdown)

    return run


# -- logs --------------------------------------------------------------------------------------------


def searchable(pattern: str) -> re.Pattern[str]:
    """The case reference pattern (anchored to a whole value) as one that finds references inside
    a sentence: not glued to other word characters, dates, addresses or paths."""
    core = pattern.removeprefix("^").removeprefix(r"\A").removesuffix("$").removesuffix(r"\Z")
    return re.compile(rf"(?<![\w#./:-])(?:{core})(?![\w/:-]|\.\w)", re.IGNORECASE)


class RedactPersonalData(logging.Filter):
    """Masks case references, e-mail addresses and Teams user ids in a record's message (log calls
    must not include names: they cannot be recognised). Attach it to handlers, not loggers, so records
    from every logger pass through it."""

    def __init__(self, case_reference_pattern: str) -> None:
        super().__init__()
        self._case_reference = searchable(case_reference_pattern)

    def redact(self, text: str) -> str:
        text = TEAMS_USER_ID_PATTERN.sub(REDACTED_TEAMS_USER_ID, EMAIL_PATTERN.sub(REDACTED_EMAIL, text))
        return self._case_reference.sub(REDACTED_CASE_REFERENCE, text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self.redact("".join(traceback.format_exception(*record.exc_info)).rstrip())
        return True


class JsonLogFormatter(logging.Formatter):
    """One JSON object a line, with the trace and span ids when the line was logged inside a span."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        context = trace.get_current_span().get_span_context()
        if context.is_valid:
            entry["trace_id"] = format(context.trace_id, "032x")
            entry["span_id"] = format(context.span_id, "016x")
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


def console_log_handler(settings: Settings) -> logging.Handler:
    """The process's log output: text locally, JSON (``LOG_FORMAT=json``) where a log collector
    reads it; either way through the personal-data filter."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLogFormatter() if settings.log_format == "json" else logging.Formatter(TEXT_LOG_FORMAT))
    handler.addFilter(RedactPersonalData(settings.case_reference_pattern))
    return handler


_SEVERITIES = (
    (logging.CRITICAL, SeverityNumber.FATAL),
    (logging.ERROR, SeverityNumber.ERROR),
    (logging.WARNING, SeverityNumber.WARN),
    (logging.INFO, SeverityNumber.INFO),
    (logging.DEBUG, SeverityNumber.DEBUG),
)


class ExportingLogHandler(logging.Handler):
    """Sends log records to the OpenTelemetry logger provider (correlated with the current span)."""

    def __init__(self, provider: LoggerProvider) -> None:
        super().__init__()
        self._provider = provider

    def emit(self, record: logging.LogRecord) -> None:
        try:
            severity = next((number for level, number in _SEVERITIES if record.levelno >= level), SeverityNumber.TRACE)
            attributes: dict[str, str] = {"logger": record.name}
            if record.exc_text:
                attributes["exception.stacktrace"] = record.exc_text
            self._provider.get_logger(record.name).emit(
                timestamp=int(record.created * 1e9),
                severity_number=severity,
                severity_text=record.levelname,
                body=record.getMessage(),
                attributes=attributes,
            )
        except Exception:
            self.handleError(record)
