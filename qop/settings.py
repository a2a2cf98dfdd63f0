"""One typed settings object for the whole process, read from the environment and ``.env``."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = PROJECT_ROOT / "var"
DEMO_ORGANISATION = PROJECT_ROOT / "deploy" / "demo" / "organisation.yaml"
DEMO_MAPPINGS = PROJECT_ROOT / "deploy" / "demo" / "mappings"
DEMO_MEASURES = PROJECT_ROOT / "deploy" / "demo" / "measures.yaml"
DEMO_EXTRACT_MAPPING = DEMO_MAPPINGS / "liquidlogic.yaml"
"""How the demo's made-up monthly extract is laid out (``services.demo_measures``)."""


class Settings(BaseSettings):
    """Everything qop can be configured with.

    Local mode (no ``MICROSOFT_APP_ID``) accepts unauthenticated requests and is meant for
    the Teams playground on a developer's machine; production mode switches on inbound
    JWT validation, issuer validation and serviceUrl host validation.
    """

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=3978, validation_alias="PORT")
    playground_port: int = Field(default=56150, validation_alias="PLAYGROUND_PORT")

    database_url: str = f"sqlite+aiosqlite:///{VAR_DIR / 'qop.db'}"
    """SQLAlchemy URL of the application database (async driver)."""

    # Bot identity (Azure Bot resource). Empty app id = local no-auth mode.
    microsoft_app_id: str = ""
    microsoft_app_password: str = ""
    microsoft_app_tenant_id: str = ""
    microsoft_app_type: str = "SingleTenant"

    openid_metadata_url: str = "https://login.botframework.com/v1/.well-known/openidconfiguration"
    """Where inbound token signing keys are discovered (tests point it at a local server)."""
    token_issuers: list[str] = ["https://api.botframework.com"]
    allowed_service_url_hosts: list[str] = [
        "smba.trafficmanager.net",
        "smba.infra.gcc.teams.microsoft.com",
        "smba.infra.gov.teams.microsoft.us",
    ]
    """Hosts a production activity's serviceUrl may name; replies only ever go there."""
    allow_private_service_urls: bool = False
    """Only for tests of production mode against a local Bot Connector stand-in."""

    max_request_bytes: int = 256 * 1024
    """Largest body accepted on /api/messages; Teams activities are far smaller."""
    max_turns_in_flight: int = Field(default=8, ge=1)
    """Activities one instance works on at once; more wait at the door, in order, before any
    database work (a burst then queues cheaply instead of inside the database layer)."""

    # The dashboard tab's single sign-on (docs/dashboards.md).
    dashboard_sso_audience: str = ""
    """The Application ID URI the tab's Entra ID tokens are issued for; empty = api://<host of
    PUBLIC_BASE_URL>/<MICROSOFT_APP_ID>, the form Teams SSO requires."""
    entra_openid_metadata_url: str = ""
    """Where the tenant's token signing keys are published; empty = Entra ID's v2.0 metadata for
    MICROSOFT_APP_TENANT_ID (tests point it at a local server)."""
    entra_token_issuers: list[str] = []
    """Accepted issuers of tab tokens; empty = the tenant's v2.0 and v1 issuers."""

    public_base_url: str = ""
    """The externally reachable https base URL (for feedback links and reports)."""

    # The Teams app package (python -m qop teams package).
    teams_app_id: str = ""
    """The Teams app's id (a GUID); empty = the bot's app id, the usual single-bot app."""
    teams_developer_name: str = "qop"
    """Shown in the Teams store entry; the council's name in production (at most 32 characters)."""
    teams_website_url: str = ""
    """Support page; empty = PUBLIC_BASE_URL (or a placeholder on example.org)."""
    teams_privacy_url: str = ""
    """Empty = <website>/privacy."""
    teams_terms_url: str = ""
    """Empty = <website>/terms."""

    case_reference_pattern: str = r"^[A-Z]{0,4}\d{4,10}$"
    """Shape of a case reference from the case management system (LCS / EHM ids)."""

    feedback_secret: str = ""
    """Secret for feedback-link form tokens and anonymous answer marks. Required in
    production (and must stay the same across restarts and instances); local mode falls
    back to a fixed development value."""
    feedback_link_days: int = 14
    """How long a family or partner feedback link stays valid."""
    feedback_rate_per_minute: float = 20.0
    """Requests per minute one IP address may make to the public feedback pages."""
    feedback_rate_burst: int = 10
    trust_forwarded_for: bool = False
    """Take the client address from X-Forwarded-For (only behind a reverse proxy that sets it)."""
    survey_min_group_size: int = 5
    """A group's survey results stay hidden until it has at least this many responses."""
    survey_reminder_working_days_before_close: int = 2
    """Non-responders are reminded automatically once, this many working days before a survey
    closes (0: on the close day; -1: no automatic reminder)."""
    survey_comments_shown: int = 20
    """At most this many written comments per question and group in survey results."""
    audit_moderation_always: list[str] | None = None
    """Grade values whose audits always go to a moderator, overriding the grade scales'
    ``always_moderated`` marks (unset: each scale says; Ofsted's marks Outstanding and Inadequate)."""
    audit_moderation_sample_percent: float = 10.0
    """Share of the other audits sent to a moderator at random."""
    audit_target_good_or_better_percent: float = Field(default=40.0, ge=0, le=100)
    """The council's goal: at least this share of audits graded good or better (by the grade scale's
    ``counts_as``); the digest and the QIM report measure against it."""
    audit_target_inadequate_percent: float = Field(default=10.0, ge=0, le=100)
    """The council's goal: at most this share of audits graded inadequate."""
    audit_reflection_days: int = Field(default=10, ge=0)
    """Days from an audit being assigned within which the practitioner sends their reflection (at the
    latest on the audit's due date); until then the auditor cannot submit without it."""
    audit_done_together: bool = False
    """Audits done together: after the auditor submits, the practitioner confirms the findings and
    actions on their own card (or says what they disagree with). Grades stay the auditor's."""

    # Local practice standards (the framework's Appendix 1), filled into audit wording where a
    # template names them ({referral_decision_hours} ...); defaults are the framework's own.
    referral_decision_hours: int = Field(default=24, ge=1)
    """Hours from the contact record within which First Contact/EDT decides on a new referral."""
    assessment_timescale: str = Field(default="the agreed timescale", min_length=1, max_length=120)
    """Completes "Assessments will be completed within ..." (e.g. "35 working days of the referral")."""
    review_cadence: str = Field(
        default="in accordance with statutory/procedural requirements", min_length=1, max_length=200
    )
    """Completes "the child's Plan has been reviewed ..." (e.g. "at least every 3 months")."""

    digest_catch_up_hours: float = 24.0
    """A weekly digest missed during downtime is still posted (marked late) within this many hours."""
    digest_grace_minutes: float = 30.0
    """A digest posted more than this after its time says it is late."""
    qim_pack_days_before: int = Field(default=5, ge=0, le=60)
    """How many days before each QIM (the QA calendar's dates) its pack is posted to the QIM channel."""
    report_link_minutes: int = 30
    """How long a signed QIM report link from Teams stays valid."""
    report_secret: str = ""
    """Secret for signed report links. Required in production (stable across instances); local mode
    falls back to a fixed development value."""

    timezone: str = "Europe/London"

    # Extracts uploaded in Teams (docs/measures.md, "Importing from Teams").
    measures_mapping_folder: Path | None = None
    """The folder of column mappings (YAML, as for ``measures import --mapping``) an extract uploaded
    in Teams is read with; unset: none in production (uploads are refused, saying so), the demo's
    ``deploy/demo/mappings`` in local mode."""
    measures_upload_hosts: list[str] = ["*.sharepoint.com"]
    """Hosts an uploaded file's download link may name (``*.`` matches any subdomain); https only.
    Teams keeps files sent to a bot in the sender's OneDrive (``<tenant>-my.sharepoint.com``)."""
    measures_upload_max_bytes: int = Field(default=5 * 1024 * 1024, gt=0)
    """The largest extract qop downloads; a monthly extract per team and month is far smaller."""
    measures_upload_timeout_seconds: float = Field(default=10.0, gt=0)
    """How long downloading an uploaded extract may take: well inside the 15 s Teams gives a bot to
    answer a message, so a stalled link ends in "send it again" rather than a retried delivery."""

    # Action reminders (issue 5); counts are England and Wales working days.
    reminder_nudge_working_days_before: int = 3
    reminder_on_due_day: bool = True
    reminder_overdue_every_working_days: int = 2
    reminder_escalate_after_working_days_overdue: int = 5
    impact_review_after_days: int = 42
    """Days after an action is done before its owner is asked what difference it made (6 weeks)."""
    reminder_interval_seconds: float = 300
    """How often the reminder schedule looks for due reminders (each is still sent once); it must
    divide a minute, an hour or a day evenly. 0 switches it off."""
    digest_check_seconds: float = 60
    """How often the digest schedule looks for weekly digests that are due (each subscription's own
    day and time); same rules. 0 switches it off."""
    retention_file: Path | None = None
    """The retention policy (how long each kind of record is kept, when the nightly purge runs):
    the council's own YAML file; unset, ``services/data/retention.yaml``. See docs/retention.md."""
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"
    """``json``: one JSON object a line (with trace ids), for a log collector; ``text`` for a person."""

    # -- telemetry (issue 18): OpenTelemetry traces, metrics and logs; see docs/operations.md ----
    applicationinsights_connection_string: str = ""
    """Set: telemetry goes to Azure Monitor (Application Insights). Takes precedence over OTLP."""
    otel_exporter_otlp_endpoint: str = ""
    """Set (and no connection string): telemetry goes to this OTLP/HTTP collector (e.g.
    ``http://otel-collector:4318``). Neither set: no telemetry is exported at all."""
    otel_service_name: str = "qop"
    """The ``service.name`` telemetry is reported under."""
    telemetry_export_seconds: float = Field(default=60.0, gt=0)
    """How often metrics are exported."""
    telemetry_queue_depth_seconds: float = Field(default=30.0, gt=0)
    """How often the queued deliveries are counted for the queue depth gauge."""

    # -- delivery engine (issue 3): DBOS durable queue in front of every Teams send ----------
    executor_id: str = Field(default="qop-1", validation_alias=AliasChoices("QOP_EXECUTOR_ID", "executor_id"))
    """Stable, distinct per running instance (e.g. the container/VM name). DBOS recovers the
    unfinished work of an executor id when an instance with that id starts again."""
    dbos_system_database_url: str = ""
    """Where DBOS keeps its queue and workflow tables. Empty: an SQLite file next to the app's
    SQLite file (never the same file), or the app's own PostgreSQL database (schema below)."""
    dbos_system_schema: str = "dbos"
    delivery_rate_per_second: int = 45
    """Sends started per second across all instances (Teams allows 50/s per app per tenant)."""
    delivery_conversation_rate_per_second: int = 6
    """Sends started per second into one conversation (Teams allows 7/s, 8/2s, 60/30s)."""
    delivery_max_attempts: int = 6
    delivery_backoff_base_seconds: float = 1.0
    delivery_backoff_max_seconds: float = 60.0
    delivery_request_timeout_seconds: float = 20.0
    delivery_progress_interval_seconds: float = 3.0
    """How often a broadcast's progress card is refreshed at most."""
    delivery_queue_polling_seconds: float = 0.1
    delivery_worker_concurrency: int = 64
    """Sends in flight at once on one instance (bounds memory and sockets under slow responses)."""
    delivery_shutdown_wait_seconds: int = 20
    """On stopping (SIGTERM in a rolling upgrade), how long sends already in flight may take to
    finish before the instance stops anyway; keep it under the platform's grace period (Container
    Apps: 30 s). Sends still unfinished then are finished by the next holder of the executor id."""
    delivery_stranded_claim_seconds: float = Field(default=30.0, gt=0)
    """How often the instance looks for work it claimed from the queue but never started (the
    database went away between the claim's commit and its answer) and puts it back; a claim must
    be this old to count. Until then such a send holds its conversation's queue lane."""
    schedule_catch_up_hours: float = 6.0
    """After downtime, scheduled firings missed within this many hours still run once (late);
    older ones do not. Cron schedules read local time in ``timezone``."""

    @property
    def resolved_mapping_folder(self) -> Path | None:
        """Where uploaded extracts' column mappings are: the setting, else the demo's in local mode."""
        if self.measures_mapping_folder is not None:
            return self.measures_mapping_folder
        return DEMO_MAPPINGS if self.local_mode else None

    @property
    def local_mode(self) -> bool:
        """True when no bot identity is configured: the playground / emulator case."""
        return not self.microsoft_app_id

    @property
    def feedback_signing_key(self) -> bytes:
        if self.feedback_secret:
            return self.feedback_secret.encode()
        if not self.local_mode:
            raise ValueError("FEEDBACK_SECRET must be set in production (a long random value, kept stable)")
        return b"qop-local-development-only"

    @property
    def report_signing_key(self) -> bytes | None:
        """None in production without REPORT_SECRET: report links are then switched off (and say so)."""
        if self.report_secret:
            return self.report_secret.encode()
        return b"qop-local-report-links-only" if self.local_mode else None

    @property
    def base_url(self) -> str:
        """Where people reach qop's own web pages (feedback links)."""
        return (self.public_base_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def dashboard_audience(self) -> str:
        if self.dashboard_sso_audience:
            return self.dashboard_sso_audience
        host = urlsplit(self.base_url).netloc
        return f"api://{host}/{self.microsoft_app_id}"

    @property
    def entra_metadata_url(self) -> str:
        return (
            self.entra_openid_metadata_url
            or f"https://login.microsoftonline.com/{self.microsoft_app_tenant_id}/v2.0/.well-known/openid-configuration"
        )

    @property
    def entra_issuers(self) -> list[str]:
        tenant = self.microsoft_app_tenant_id
        return self.entra_token_issuers or [
            f"https://login.microsoftonline.com/{tenant}/v2.0",
            f"https://sts.windows.net/{tenant}/",
        ]

    @property
    def local_standards(self) -> dict[str, str]:
        """The local standards by the placeholder names templates use."""
        return {
            "referral_decision_hours": str(self.referral_decision_hours),
            "assessment_timescale": self.assessment_timescale,
            "review_cadence": self.review_cadence,
        }

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def resolved_dbos_system_database_url(self) -> str:
        """The DBOS system database (a synchronous SQLAlchemy URL, as DBOS wants it)."""
        if self.dbos_system_database_url:
            return self.dbos_system_database_url
        if self.is_sqlite:
            app_file = Path(self.database_url.split("///", 1)[1])
            return f"sqlite:///{app_file.with_name(app_file.stem + '-dbos.sqlite')}"
        return self.database_url
