"""The composition root: ``create_app(settings)`` builds everything the process runs.

Nothing is created at import time; the CLI and the tests build the app through this one
factory. Shared objects live under typed ``web.AppKey``s.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import BotConfig
from bot.handlers import register_all
from bot.http import BOT_KEY, messages, quiet_malformed_http_logs
from bot.qop_bot import QopBot
from qop.dashboard_web import add_dashboard_routes
from qop.feedback_web import add_feedback_routes
from qop.partner_web import add_partner_routes
from qop.practice_day_web import add_practice_day_routes
from qop.reports_web import add_report_routes
from qop.settings import DEMO_ORGANISATION, Settings
from qop.telemetry import telemetry_context
from services.actions import ActionService
from services.audits.moderation import ModerationRule
from services.audits.parts import PartnerLinks, build_audits
from services.clinic import ClinicService, SeniorClinicService
from services.clock import Clock, SystemClock
from services.container import Services
from services.conversations import ConversationService
from services.delivery import DeliveryConfig, DeliveryService
from services.delivery.engine import WorkQueue
from services.demo import DemoService
from services.digest.service import DigestService
from services.feedback.alerts import SafetyAlertNotifier
from services.feedback.links import FeedbackLinkService
from services.feedback.surveys import SurveyService
from services.feedback.tokens import Signer
from services.improvement import ImprovementPlanService
from services.improvement.learning import LearningService
from services.measures import MeasuresService
from services.measures.uploads import MeasureUploads, UploadRules
from services.moderation_group.calendar import CalendarLink
from services.moderation_group.service import ModerationGroupService
from services.observations.mapping import MappingService
from services.observations.service import ObservationService
from services.organisation import OrganisationService
from services.outbox import Outbox
from services.qa_calendar import QaCalendarService
from services.qim.assurance import AssuranceService
from services.qim.meetings import QimService
from services.reminder_job import scheduled_jobs
from services.reminder_policy import ReminderPolicy
from services.reminders import ReminderService
from services.retention import RetentionService, load_policy
from services.retention.job import retention_job
from services.scheduling import RecurringJob
from services.templates import TemplateLibrary
from storage.db import create_engine, create_session_factory
from views.digest import GradeTargets

if TYPE_CHECKING:
    from bot.connections import Connections

logger = logging.getLogger(__name__)

SETTINGS_KEY = web.AppKey("settings", Settings)
ENGINE_KEY = web.AppKey("engine", AsyncEngine)
SERVICES_KEY = web.AppKey("services", Services)
JOBS_KEY = web.AppKey("scheduled_jobs", list[RecurringJob])


def build_services(
    settings: Settings, engine: AsyncEngine, *, clock: Clock | None = None, outbox: Outbox | None = None
) -> Services:
    """Every service on ``engine``. They all send through ``outbox``: the delivery service built
    here unless another is given (tests pass a recording one)."""
    sessions = create_session_factory(engine)
    clock = clock or SystemClock()
    organisation = OrganisationService(sessions=sessions, clock=clock)
    delivery_setup = delivery_config(settings)
    delivery = DeliveryService(sessions=sessions, clock=clock, config=delivery_setup, queue=WorkQueue(delivery_setup))
    outbox = outbox or delivery
    alerts = SafetyAlertNotifier(sessions=sessions, clock=clock, outbox=outbox)
    templates = TemplateLibrary.from_folder(local_standards=settings.local_standards)
    feedback_signer = Signer(settings.feedback_signing_key)
    measures = MeasuresService(sessions=sessions, clock=clock, library=templates, time_zone=settings.timezone)
    digests = DigestService(
        sessions=sessions,
        clock=clock,
        library=templates,
        time_zone=settings.timezone,
        catch_up=timedelta(hours=settings.digest_catch_up_hours),
        grace=timedelta(minutes=settings.digest_grace_minutes),
        case_reference_pattern=settings.case_reference_pattern,
        outbox=outbox,
        measures=measures,
        grade_targets=grade_targets(settings),
    )
    qa_calendar = QaCalendarService(sessions=sessions, clock=clock, outbox=outbox, time_zone=settings.timezone)
    clinics = ClinicService(
        sessions=sessions,
        clock=clock,
        measures=measures,
        library=templates,
        calendar=qa_calendar,
        outbox=outbox,
        time_zone=settings.timezone,
    )
    senior_clinics = SeniorClinicService(
        sessions=sessions,
        clock=clock,
        measures=measures,
        library=templates,
        calendar=qa_calendar,
        outbox=outbox,
        time_zone=settings.timezone,
    )
    learning = LearningService(
        sessions=sessions,
        clock=clock,
        case_reference_pattern=settings.case_reference_pattern,
        time_zone=settings.timezone,
    )
    feedback_links = FeedbackLinkService(
        sessions=sessions,
        clock=clock,
        library=templates,
        signer=feedback_signer,
        notifier=alerts,
        base_url=settings.base_url,
        case_reference_pattern=settings.case_reference_pattern,
        valid_days=settings.feedback_link_days,
    )
    audits = build_audits(
        sessions=sessions,
        clock=clock,
        templates=templates,
        case_reference_pattern=settings.case_reference_pattern,
        moderation_rule=ModerationRule(
            None if settings.audit_moderation_always is None else frozenset(settings.audit_moderation_always),
            settings.audit_moderation_sample_percent,
        ),
        outbox=outbox,
        time_zone=settings.timezone,
        feedback_links=feedback_links,
        partner_links=PartnerLinks(feedback_signer, settings.base_url, settings.feedback_link_days),
        reflection_days=settings.audit_reflection_days,
        done_together=settings.audit_done_together,
    )
    if settings.report_signing_key is not None:
        report_signer = Signer(settings.report_signing_key)
        digests.attach_report_links(report_signer, base_url=settings.base_url, minutes=settings.report_link_minutes)
        for clinic_service in (clinics, senior_clinics):
            clinic_service.attach_workbook_links(
                report_signer, base_url=settings.base_url, minutes=settings.report_link_minutes
            )
        audits.practice_days.attach_workbook_links(
            report_signer, base_url=settings.base_url, minutes=settings.report_link_minutes
        )
    return Services(
        sessions=sessions,
        clock=clock,
        conversations=ConversationService(sessions=sessions, clock=clock),
        actions=ActionService(sessions=sessions, clock=clock, time_zone=settings.timezone, outbox=outbox),
        feedback_links=feedback_links,
        organisation=organisation,
        demo=DemoService(
            sessions=sessions,
            clock=clock,
            organisation=organisation,
            organisation_file=DEMO_ORGANISATION,
            enabled=settings.local_mode,
        ),
        safety_alerts=alerts,
        surveys=SurveyService(
            sessions=sessions,
            clock=clock,
            library=templates,
            signer=feedback_signer,
            min_group_size=settings.survey_min_group_size,
            time_zone=settings.timezone,
            outbox=outbox,
            closing_reminder_working_days=settings.survey_reminder_working_days_before_close,
            comments_shown=settings.survey_comments_shown,
        ),
        reminders=ReminderService(
            sessions=sessions,
            clock=clock,
            outbox=outbox,
            policy=reminder_policy(settings),
            time_zone=settings.timezone,
        ),
        qa_calendar=qa_calendar,
        delivery=delivery,
        audits=audits,
        digests=digests,
        improvement=ImprovementPlanService(sessions=sessions, clock=clock, time_zone=settings.timezone),
        learning=learning,
        observations=ObservationService(
            sessions=sessions,
            clock=clock,
            templates=templates,
            case_reference_pattern=settings.case_reference_pattern,
            outbox=outbox,
            time_zone=settings.timezone,
        ),
        mapping=MappingService(
            sessions=sessions,
            clock=clock,
            case_reference_pattern=settings.case_reference_pattern,
            time_zone=settings.timezone,
        ),
        qim=QimService(
            sessions=sessions,
            clock=clock,
            digests=digests,
            learning=learning,
            outbox=outbox,
            measures=measures,
            pack_days_before=settings.qim_pack_days_before,
            time_zone=settings.timezone,
        ),
        assurance=AssuranceService(sessions=sessions, clock=clock, outbox=outbox, time_zone=settings.timezone),
        clinics=clinics,
        senior_clinics=senior_clinics,
        measures=measures,
        moderation_group=ModerationGroupService(context=audits.context, calendar=CalendarLink(qa_calendar.activities)),
        measure_uploads=MeasureUploads(
            sessions=sessions,
            measures=measures,
            rules=upload_rules(settings),
            mapping_folder=settings.resolved_mapping_folder,
        ),
        time_zone=settings.timezone,
        base_url=settings.base_url,
        feedback_signer=feedback_signer,
        feedback_link_days=settings.feedback_link_days,
        survey_min_group_size=settings.survey_min_group_size,
    )


def grade_targets(settings: Settings) -> GradeTargets:
    """The council's audit grade targets, for the digest and the QIM report."""
    return GradeTargets(settings.audit_target_good_or_better_percent, settings.audit_target_inadequate_percent)


def upload_rules(settings: Settings) -> UploadRules:
    """Where an extract uploaded in Teams may come from; loopback only in local no-auth mode."""
    return UploadRules(
        allowed_hosts=tuple(settings.measures_upload_hosts),
        max_bytes=settings.measures_upload_max_bytes,
        timeout_seconds=settings.measures_upload_timeout_seconds,
        allow_loopback=settings.local_mode,
    )


def delivery_config(settings: Settings) -> DeliveryConfig:
    return DeliveryConfig(
        executor_id=settings.executor_id,
        system_database_url=settings.resolved_dbos_system_database_url,
        system_schema=settings.dbos_system_schema,
        rate_per_second=settings.delivery_rate_per_second,
        conversation_rate_per_second=settings.delivery_conversation_rate_per_second,
        max_attempts=settings.delivery_max_attempts,
        backoff_base_seconds=settings.delivery_backoff_base_seconds,
        backoff_max_seconds=settings.delivery_backoff_max_seconds,
        request_timeout_seconds=settings.delivery_request_timeout_seconds,
        progress_interval_seconds=settings.delivery_progress_interval_seconds,
        queue_polling_seconds=settings.delivery_queue_polling_seconds,
        worker_concurrency=settings.delivery_worker_concurrency,
        shutdown_wait_seconds=settings.delivery_shutdown_wait_seconds,
        stranded_claim_seconds=settings.delivery_stranded_claim_seconds,
    )


def bot_config(settings: Settings) -> BotConfig:
    return BotConfig(
        local_mode=settings.local_mode,
        app_id=settings.microsoft_app_id,
        app_password=settings.microsoft_app_password,
        tenant_id=settings.microsoft_app_tenant_id,
        openid_metadata_url=settings.openid_metadata_url,
        token_issuers=tuple(settings.token_issuers),
        allowed_service_url_hosts=tuple(settings.allowed_service_url_hosts),
        allow_private_service_urls=settings.allow_private_service_urls,
        max_request_bytes=settings.max_request_bytes,
        max_turns_in_flight=settings.max_turns_in_flight,
        connector_timeout_seconds=settings.delivery_request_timeout_seconds,
    )


def build_retention(services: Services, retention_file: Path | None) -> RetentionService:
    """The retention purge with the council's policy file, else the default (``RetentionFileError`` if bad)."""
    policy = load_policy(retention_file)
    return RetentionService(sessions=services.sessions, clock=services.clock, policy=policy)


def reminder_policy(settings: Settings) -> ReminderPolicy:
    return ReminderPolicy(
        nudge_working_days_before=settings.reminder_nudge_working_days_before,
        remind_on_due_day=settings.reminder_on_due_day,
        overdue_every_working_days=settings.reminder_overdue_every_working_days,
        escalate_after_working_days_overdue=settings.reminder_escalate_after_working_days_overdue,
        impact_after_days=settings.impact_review_after_days,
    )


def create_app(
    settings: Settings, *, clock: Clock | None = None, connections: Connections | None = None
) -> web.Application:
    """Build the aiohttp application: database, services, the bot and its routes.

    ``connections`` replaces the outbound token source (Entra ID in production); only tests
    of production mode pass one, because Entra ID is not reachable from a test."""
    app = web.Application(client_max_size=settings.max_request_bytes)
    quiet_malformed_http_logs()
    engine = create_engine(settings.database_url)
    services = build_services(settings, engine, clock=clock)
    bot = QopBot(services, bot_config(settings), connections=connections)
    register_all(bot)

    app[SETTINGS_KEY] = settings
    app[ENGINE_KEY] = engine
    app[SERVICES_KEY] = services
    app[BOT_KEY] = bot
    # Here, so a bad interval setting or retention file stops the start at once.
    app[JOBS_KEY] = [
        *scheduled_jobs(
            services,
            reminder_interval_seconds=settings.reminder_interval_seconds,
            digest_check_seconds=settings.digest_check_seconds,
        ),
        retention_job(build_retention(services, settings.retention_file)),
    ]

    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    add_feedback_routes(app, services.feedback_links, settings)
    add_report_routes(app, services.digests, services.clinics, services.senior_clinics)
    add_partner_routes(app, services.audits.partners, settings)
    add_practice_day_routes(app, services.audits.practice_days)
    add_dashboard_routes(app, services, settings)
    app.cleanup_ctx.append(_dispose_engine)
    # Before the delivery engine starts and after it stops, so its last spans are flushed.
    app.cleanup_ctx.append(telemetry_context(settings, services))
    app.cleanup_ctx.append(_close_connector_sessions)
    app.cleanup_ctx.append(_run_delivery_engine)
    return app


async def _run_delivery_engine(app: web.Application) -> AsyncIterator[None]:
    """Launch DBOS (durable sends, and the reminder and digest schedules) with the app and
    destroy it when the app stops."""
    from bot.gateway import ConnectorGateway
    from services import scheduling
    from services.delivery.engine import DeliveryEngine

    settings, services = app[SETTINGS_KEY], app[SERVICES_KEY]
    delivery = services.delivery
    bot = app[BOT_KEY]
    gateway = ConnectorGateway(bot.connections, bot.connector_sessions)
    delivery.attach_gateway(gateway)
    engine = DeliveryEngine(delivery.config)
    jobs = app[JOBS_KEY]
    await engine.launch(delivery, delivery.queue, jobs)
    window = timedelta(hours=settings.schedule_catch_up_hours)
    background = [
        asyncio.create_task(delivery.requeue_orphans()),
        asyncio.create_task(scheduling.catch_up_soon(delivery.queue.client, jobs, window)),
    ]
    try:
        yield
    finally:
        for task in background:
            task.cancel()
        await asyncio.gather(*background, return_exceptions=True)
        # In a worker thread: DBOS's own threads may need this loop while it stops them.
        await asyncio.to_thread(engine.shutdown)
        delivery.queue.close()
        delivery.attach_gateway(None)


async def _close_connector_sessions(app: web.Application) -> AsyncIterator[None]:
    """Close the kept Bot Connector sessions once the last send is done."""
    yield
    await app[BOT_KEY].connector_sessions.close()


async def _dispose_engine(app: web.Application) -> AsyncIterator[None]:
    yield
    await app[ENGINE_KEY].dispose()


async def healthz(_request: web.Request) -> web.Response:
    """The process is alive."""
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """The database answers; a load balancer should send traffic only when this is 200."""
    try:
        async with request.app[ENGINE_KEY].connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as error:
        logger.warning("readiness check failed: %s", type(error).__name__)
        return web.json_response({"status": "unavailable", "database": "unreachable"}, status=503)
    return web.json_response({"status": "ready", "database": "ok"})
