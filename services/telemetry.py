"""The metrics qop's services report, through the OpenTelemetry API only.

Until the composition root installs a meter provider (``qop/telemetry.py``) every instrument
here is a no-op, so the services never know whether anything is exported. Attribute values are
fixed vocabularies (outcomes, purposes, kinds): never a name, an e-mail, a case reference or an id.
"""

from __future__ import annotations

from opentelemetry import metrics

_meter = metrics.get_meter(__name__)

deliveries_finished = _meter.create_counter(
    "qop.deliveries",
    unit="{delivery}",
    description="Deliveries (sends, updates, deletes) that ended, by outcome, purpose and operation.",
)
teams_throttled = _meter.create_counter(
    "qop.teams.throttled",
    unit="{response}",
    description="HTTP 429 answers from Teams (each is retried after the wait Teams asked for).",
)
reminders_sent = _meter.create_counter(
    "qop.reminders.sent",
    unit="{reminder}",
    description="Action reminders handed to delivery, by kind (nudge, due, overdue, escalation...).",
)
digests_sent = _meter.create_counter(
    "qop.digests.sent",
    unit="{digest}",
    description="Weekly digests handed to delivery, by whether they were late.",
)
