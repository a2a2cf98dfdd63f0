"""The SDK's in-memory span exporter and metric reader, installed as the process's providers.

OpenTelemetry lets a process install its providers once, so the first test that asks installs
them (through qop's own ``telemetry_with``) and later tests share them; spans are only kept while
a test holds ``recording()``, so the rest of the suite does not fill memory with them.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from opentelemetry.context import Context
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from qop.settings import Settings
from qop.telemetry import Telemetry, telemetry_with


class _Gate(SpanProcessor):
    """Passes finished spans on only while open."""

    def __init__(self, inner: SpanProcessor) -> None:
        self.inner = inner
        self.open = False

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        return None

    def on_end(self, span: ReadableSpan) -> None:
        if self.open:
            self.inner.on_end(span)

    def shutdown(self) -> None:
        self.inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self.inner.force_flush(timeout_millis)


@dataclass
class InMemoryTelemetry:
    telemetry: Telemetry
    spans: InMemorySpanExporter
    reader: InMemoryMetricReader
    gate: _Gate

    def finished_spans(self, name: str | None = None) -> list[ReadableSpan]:
        return [span for span in self.spans.get_finished_spans() if name is None or span.name == name]

    def points(self, metric: str) -> list[Any]:
        """The data points of ``metric`` as the reader sees them now (cumulative)."""
        data = self.reader.get_metrics_data()
        return [
            point
            for resource in (data.resource_metrics if data else [])
            for scope in resource.scope_metrics
            for found in scope.metrics
            if found.name == metric
            for point in found.data.data_points
        ]

    def all_points(self) -> list[tuple[str, Any]]:
        data = self.reader.get_metrics_data()
        return [
            (found.name, point)
            for resource in (data.resource_metrics if data else [])
            for scope in resource.scope_metrics
            for found in scope.metrics
            for point in found.data.data_points
        ]

    @contextmanager
    def recording(self) -> Iterator[InMemoryTelemetry]:
        self.spans.clear()
        self.gate.open = True
        try:
            yield self
        finally:
            self.gate.open = False
            self.spans.clear()


@functools.cache
def in_memory_telemetry() -> InMemoryTelemetry:
    spans, reader = InMemorySpanExporter(), InMemoryMetricReader()
    gate = _Gate(SimpleSpanProcessor(spans))
    telemetry = telemetry_with(Settings(_env_file=None), "memory", gate, [reader])
    telemetry.install()
    return InMemoryTelemetry(telemetry, spans, reader, gate)
