"""Digest subscriptions, previews and the weekly run that posts each digest exactly once.

``run_due(now)`` is what the digest schedule calls every minute (``services/reminder_job.py``). For each active subscription in
an installed channel it finds the latest scheduled time that has passed (e.g. Monday 08:00
Europe/London) and the week that digest is about (the week before). If that time is within the
catch-up window it

1. **claims** the pair (subscription, week): inserts a ``digest_runs`` row in its own
   transaction. The pair is unique, so of two instances (or a rerun after a restart) exactly
   one wins; the other skips it;
2. builds the digest and **hands it to the delivery engine** with the dedupe key
   ``digest:<subscription>:<week>``, so a re-hand after a crash between (1) and (3) still posts
   once;
3. marks the claim handed over. Claims left without that are handed over again by a later run.

A digest sent more than ``grace`` after its time (the process was down) says it is late. One
missed for longer than the catch-up window is skipped: an old digest is noise, and the next one
comes on time.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cards import digest as digest_cards
from cards import text_digest as text
from services import access_log, actors, policy
from services.actors import Actor
from services.clock import Clock
from services.digest import demo, report_access, report_links
from services.digest.builder import Scope, Vocabulary, bucket_of, build_digest
from services.digest.extras import with_extras
from services.digest.findings import digest_findings
from services.digest.half_year import report_extras
from services.digest.multi_agency import multi_agency_section
from services.digest.report import SCALE_QUESTION, FeedbackRow, QimReport, TeamRow
from services.digest.subscriptions import SubscriptionRequest, send_time
from services.errors import DomainError, InvalidInput, NotAllowed, NotFound
from services.feedback.tokens import Signer
from services.measures import MeasuresService
from services.outbox import Outbox
from services.qa_calendar import load_calendar, unit_compliance
from services.telemetry import digests_sent
from services.templates import TemplateLibrary
from storage.db import transaction
from storage.models import (
    Conversation,
    ConversationKind,
    DigestRun,
    DigestScope,
    DigestSubscription,
    Role,
    ServiceArea,
    Team,
)
from storage.repositories import conversations as conversation_repo
from storage.repositories import digest as digest_repo
from views import periods
from views.digest import Digest, GradeTargets, MultiAgencySection, SubscriptionView
from views.measures import MeasuresOverview
from views.periods import Period
from views.templates import AuditType

logger = logging.getLogger(__name__)

Card = dict[str, Any]
PURPOSE = "digest"
STALE_CLAIM = timedelta(minutes=10)


@dataclass
class DigestRunReport:
    """What one run did, for logs and tests."""

    sent: list[str] = field(default_factory=list)
    late: list[str] = field(default_factory=list)
    already_claimed: list[str] = field(default_factory=list)
    too_old: list[str] = field(default_factory=list)
    rehanded: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SubscriptionListing:
    subscription_id: int
    channel: str
    view: SubscriptionView
    active: bool


def _parsed(parse: Callable[[str, str], Period], value: str, time_zone: str, problem: str) -> Period:
    """``parse(value, time_zone)``, or ``InvalidInput`` with ``problem`` naming what was typed."""
    try:
        return parse(value, time_zone)
    except ValueError:
        raise InvalidInput(problem.format(value=value)) from None


def _audit_type_of(subscription: DigestSubscription | None) -> AuditType | None:
    """The one audit type a subscription counts (None: standard audits, each other type apart)."""
    return AuditType(subscription.audit_type) if subscription is not None and subscription.audit_type else None


def run_key(subscription_id: int, period: Period) -> str:
    return f"digest:{subscription_id}:{period.key}"


class DigestService:
    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        library: TemplateLibrary,
        time_zone: str = "Europe/London",
        catch_up: timedelta = timedelta(hours=24),
        grace: timedelta = timedelta(minutes=30),
        case_reference_pattern: str | None = None,
        outbox: Outbox | None = None,
        measures: MeasuresService | None = None,
        grade_targets: GradeTargets | None = None,
    ) -> None:
        self._sessions = sessions
        self._measures = measures
        self._grade_targets = grade_targets
        self._clock = clock
        self._vocabulary = Vocabulary.from_library(library)
        self.time_zone = time_zone
        self.catch_up = catch_up
        self.grace = grace
        self._case_pattern = re.compile(case_reference_pattern) if case_reference_pattern else None
        self._outbox = outbox
        self._links: tuple[Signer, str, int] | None = None
        self._templates = library

    # -- building ----------------------------------------------------------------------------

    async def build(
        self,
        scope: Scope,
        period: Period,
        *,
        late: bool = False,
        show_case_references: bool = False,
        audit_type: AuditType | None = None,
    ) -> Digest:
        """The digest of ``scope`` for ``period``; ``audit_type`` counts that type of audit only
        (None: standard audits, with every other type in its own rows)."""
        async with transaction(self._sessions) as session:
            digest = await build_digest(
                session,
                scope,
                period,
                vocabulary=self._vocabulary,
                today=periods.local_date(self._clock.now(), self.time_zone),
                case_pattern=self._case_pattern,
                late=late,
                show_case_references=show_case_references,
                audit_type=audit_type,
                targets=self._grade_targets,
            )
            digest = await with_extras(session, digest, scope, self._templates, self._case_pattern)
        return replace(digest, measures=await self._measures_of(scope, period))

    async def multi_agency(self, scope: Scope, period: Period) -> MultiAgencySection:
        """The multi-agency audits of ``scope`` submitted in ``period``: the same section the QIM
        report shows (parts per agency, key findings fit to share), for the QIM pack."""
        async with transaction(self._sessions) as session:
            return await self._multi_agency_in(session, scope, period)

    async def _multi_agency_in(self, session: AsyncSession, scope: Scope, period: Period) -> MultiAgencySection:
        return await multi_agency_section(
            session,
            self._templates,
            team_ids=scope.team_ids,
            start=period.start_utc,
            end=period.end_utc,
            case_pattern=self._case_pattern,
        )

    async def _measures_of(self, scope: Scope, period: Period) -> MeasuresOverview | None:
        """The Meaningful Measures of ``scope`` in the month ``period`` ends in; None when no measures
        file is loaded or the scope has no active teams there."""
        if self._measures is None:
            return None
        names = {"team": {"team": scope.label}, "area": {"area": scope.label}}.get(scope.kind, {})
        try:
            return await self._measures.overview(month=period.last_day.replace(day=1), **names)
        except DomainError:
            return None

    async def resolve_scope(self, kind: str, name: str | None) -> Scope:
        async with transaction(self._sessions) as session:
            return await self._scope(session, kind, name)

    async def _scope(self, session: AsyncSession, kind: str, name: str | None) -> Scope:
        if kind == DigestScope.SERVICE:
            return Scope("service", digest_cards.text.SERVICE_SCOPE, None)
        if kind == DigestScope.TEAM:
            team = await session.scalar(select(Team).where(Team.name.ilike(name or "")))
            if team is None:
                raise NotFound(text.NO_SUCH_TEAM.format(name=name))
            return Scope("team", team.name, [team.id])
        if kind == DigestScope.AREA:
            area = await session.scalar(select(ServiceArea).where(ServiceArea.name.ilike(name or "")))
            if area is None:
                raise NotFound(text.NO_SUCH_AREA.format(name=name))
            return Scope("area", area.name, await digest_repo.teams_of_area(session, area.id))
        raise InvalidInput(text.UNKNOWN_SCOPE.format(kind=kind))

    async def _scope_of(self, session: AsyncSession, subscription: DigestSubscription) -> Scope:
        if subscription.scope == DigestScope.TEAM and subscription.team_id:
            team = await session.get(Team, subscription.team_id)
            return Scope("team", team.name if team else "?", [subscription.team_id])
        if subscription.scope == DigestScope.AREA and subscription.service_area_id:
            area = await session.get(ServiceArea, subscription.service_area_id)
            ids = await digest_repo.teams_of_area(session, subscription.service_area_id)
            return Scope("area", area.name if area else "?", ids)
        return Scope("service", digest_cards.text.SERVICE_SCOPE, None)

    async def quarterly(
        self,
        kind: str,
        name: str | None,
        quarter: str,
        *,
        actor: Actor | None,
        action: str = access_log.EXPORT,
        audit_type: AuditType | None = None,
    ) -> QimReport:
        """The QIM report of ``quarter`` (``2026Q3``) for a scope; written to the access log (an export,
        or a view for the web page). ``audit_type`` reports that type of audit only (None: standard
        audits, each other type in its own rows)."""
        period = _parsed(periods.parse_quarter, quarter, self.time_zone, text.NOT_A_QUARTER)
        return await self.period_report(kind, name, period, actor=actor, action=action, audit_type=audit_type)

    async def half_yearly(
        self,
        kind: str,
        name: str | None,
        half: str,
        *,
        actor: Actor | None,
        action: str = access_log.EXPORT,
        audit_type: AuditType | None = None,
    ) -> QimReport:
        """The bi-annual service-wide report of ``half`` (``2026H1``): the QIM report's sections for the
        half-year, with its figures against the previous half-year's."""
        period = _parsed(periods.parse_half_year, half, self.time_zone, text.NOT_A_HALF_YEAR)
        return await self.period_report(kind, name, period, actor=actor, action=action, audit_type=audit_type)

    async def period_report(
        self,
        kind: str,
        name: str | None,
        period: Period,
        *,
        actor: Actor | None,
        action: str = access_log.EXPORT,
        audit_type: AuditType | None = None,
    ) -> QimReport:
        """The report of a quarter or a half-year for a scope, with the QIM's assurance sections."""
        scope = await self.resolve_scope(kind, name)
        digest = await self.build(scope, period, audit_type=audit_type)
        bucket = bucket_of(period)
        following = period.previous(-1)
        today = periods.local_date(self._clock.now(), self.time_zone)
        selected = digest_repo.AuditSelection(self._vocabulary.audit_types, digest.audit_type.value)
        async with transaction(self._sessions) as session:
            teams = await self._team_rows(session, scope, bucket, selected)
            feedback = [
                FeedbackRow(*row)
                for row in await digest_repo.feedback_by_template(
                    session, scope.team_ids, bucket, self._vocabulary.scale_questions
                )
            ]
            scaled, average = await digest_repo.scale_summary(session, scope.team_ids, bucket, SCALE_QUESTION, selected)
            plans = await digest_repo.actions_due_by_source(
                session, scope.team_ids, following.first_day, following.end_day
            )
            calendar = await unit_compliance(
                session,
                load_calendar(),
                period.first_day,
                period.last_day,
                today,
                team_ids=scope.team_ids,
            )
            multi_agency = await self._multi_agency_in(session, scope, period)
            extra = await report_extras(session, digest, today=today, time_zone=self.time_zone)
            await access_log.record(
                session,
                actor,
                action,
                "qim_report",
                period.key,
                {"scope": scope.kind, "label": scope.label} | ({"audit_type": audit_type.value} if audit_type else {}),
                summary=f"QIM report {period.key} for {scope.label}",
            )
        return QimReport(
            digest=digest,
            teams=teams,
            feedback=feedback,
            scaled_audits=scaled,
            average_scale=average,
            plans=plans,
            calendar=calendar,
            multi_agency=multi_agency,
            moderation_group=digest.moderation_group,
            generated_on=today,
            extra_sections=extra,
        )

    async def _team_rows(
        self, session: AsyncSession, scope: Scope, bucket: digest_repo.Bucket, selected: digest_repo.AuditSelection
    ) -> list[TeamRow]:
        """Each team's audits of the selected type in the quarter, counted by the bands the templates'
        grade scales give."""
        grades = self._vocabulary.grades
        rows = await digest_repo.audits_by_team(
            session,
            scope.team_ids,
            bucket,
            selected,
            good_grades=grades.good_or_better,
            inadequate_grades=grades.inadequate,
        )
        return [TeamRow(*row) for row in rows]

    # -- report links ------------------------------------------------------------------------

    async def report_link(
        self,
        *,
        actor_id: str,
        quarter: str | None,
        scope: str | None,
        name: str | None,
        audit_type: AuditType | None = None,
        half_year: bool = False,
    ) -> tuple[str, datetime, str]:
        """(signed URL, expiry, period) of the QIM report page for a member of the QIM asking in Teams
        (``actor_id`` is their Teams user id); ``audit_type`` opens it on that type of audit only.
        ``quarter`` may name a half-year (``2026H1``); without it, the last complete quarter (or
        half-year, with ``half_year``)."""
        if self._links is None:
            raise InvalidInput(text.REPORT_LINKS_OFF)
        async with transaction(self._sessions) as session:
            actor = await actors.load_for_teams_user(session, actor_id)
        await report_access.require_member(self._sessions, actor, via=report_access.VIA_TEAMS, quarter=quarter)
        now = self._clock.now()
        today = periods.local_date(now, self.time_zone)
        latest = periods.half_year_of(today, self.time_zone) if half_year else periods.quarter_of(today, self.time_zone)
        chosen = quarter or latest.previous().key
        chosen = _parsed(periods.parse_report_period, chosen, self.time_zone, text.NOT_A_QUARTER).key
        kind = scope or "service"
        await self.resolve_scope(kind, name)  # refuse an unknown team or area now, not when the link is opened
        signer, base_url, minutes = self._links
        grant = report_links.ReportGrant(
            actor.person_id or 0, kind, name or "", chosen, now + timedelta(minutes=minutes)
        )
        url = f"{base_url}/reports/qim?t={report_links.make_token(signer, grant)}"
        # The type is a view of the same report, not a permission: it stays outside the signed grant.
        url += f"&type={audit_type.value}" if audit_type else ""
        return url, grant.expires_at, chosen

    async def open_report(
        self, token: str, *, action: str = access_log.VIEW, audit_type: AuditType | None = None
    ) -> QimReport:
        """The report behind a signed link (``action``: a view, or an export of the workbook;
        ``audit_type``: that type of audit only); raises ``LinkRefused`` or ``NotAllowed``."""
        if self._links is None:
            raise report_links.LinkRefused("not configured")
        grant = report_links.read_token(self._links[0], token, now=self._clock.now())
        async with transaction(self._sessions) as session:
            actor = await actors.load_for_person(session, grant.person_id)
        await report_access.require_member(self._sessions, actor, via=report_access.VIA_LINK, quarter=grant.quarter)
        try:
            period = periods.parse_report_period(grant.quarter, self.time_zone)
        except ValueError:
            raise report_links.LinkRefused("malformed") from None
        return await self.period_report(
            grant.scope, grant.name or None, period, actor=actor, action=action, audit_type=audit_type
        )

    def attach_report_links(self, signer: Signer, *, base_url: str, minutes: int) -> None:
        self._links = (signer, base_url.rstrip("/"), minutes)

    # -- subscriptions -----------------------------------------------------------------------

    async def subscribe(
        self,
        conversation_id: str,
        request: SubscriptionRequest,
        *,
        actor_id: str | None,
        show_case_references: bool | None = None,
    ) -> SubscriptionView:
        """Subscribe a channel for ``actor_id`` (a Teams user id; None = an operator at the command line).
        ``show_case_references`` True puts case references beside overdue actions (None: unchanged)."""
        async with transaction(self._sessions) as session:
            conversation = await self._channel(session, conversation_id)
            scope, team_id, area_id = await self._requested_scope(session, conversation, request)
            actor = await self._actor(session, actor_id)
            if actor is not None:
                policy.require(
                    actor,
                    policy.Permission.CHANGE,
                    policy.digest_subscription(team_id=team_id, service_area_id=area_id),
                )
                if scope.kind == DigestScope.SERVICE and not (actor.has(Role.QA_LEAD) or actor.has(Role.ADMINISTRATOR)):
                    raise NotAllowed(text.SERVICE_SUBSCRIPTION_NOT_ALLOWED)
            subscription = await session.scalar(
                select(DigestSubscription).where(DigestSubscription.conversation_id == conversation.id)
            )
            if subscription is None:
                # Our clock, not the database's default: a subscription never catches up slots before it.
                subscription = DigestSubscription(conversation_id=conversation.id, created_at=self._clock.now())
                session.add(subscription)
            subscription.scope = scope.kind
            subscription.team_id = team_id
            subscription.service_area_id = area_id
            subscription.weekday = request.weekday
            subscription.send_at = request.send_at
            subscription.audit_type = request.audit_type.value if request.audit_type else None
            subscription.active = True
            subscription.stopped_at = None
            if show_case_references is not None:
                subscription.show_case_references = show_case_references
            subscription.created_by_id = actor.person_id if actor else None
            subscription.updated_at = self._clock.now()
            await session.flush()
            await access_log.record(
                session,
                actor,
                access_log.CHANGE,
                "digest_subscription",
                subscription.id,
                {
                    "scope": scope.kind,
                    "team_id": team_id,
                    "service_area_id": area_id,
                    "show_case_references": subscription.show_case_references,
                    "audit_type": subscription.audit_type,
                },
                summary=f"digest subscribed: {scope.label}",
            )
            return self._view(subscription, scope)

    async def stop(self, conversation_id: str, *, actor_id: str | None) -> bool:
        """Stop the channel's digest for ``actor_id`` (a Teams user id; None = the command line)."""
        async with transaction(self._sessions) as session:
            conversation = await self._channel(session, conversation_id)
            subscription = await self._subscription(session, conversation)
            if subscription is None or not subscription.active:
                return False
            actor = await self._actor(session, actor_id)
            if actor is not None:
                policy.require(
                    actor,
                    policy.Permission.CHANGE,
                    policy.digest_subscription(
                        team_id=subscription.team_id, service_area_id=subscription.service_area_id
                    ),
                )
            subscription.active = False
            subscription.stopped_at = self._clock.now()
            await access_log.record(
                session, actor, access_log.CHANGE, "digest_subscription", subscription.id, summary="digest stopped"
            )
            return True

    async def current(self, conversation_id: str) -> SubscriptionView | None:
        async with transaction(self._sessions) as session:
            conversation = await conversation_repo.get(session, conversation_id)
            subscription = await self._subscription(session, conversation) if conversation else None
            if subscription is None or not subscription.active:
                return None
            return self._view(subscription, await self._scope_of(session, subscription))

    async def list_subscriptions(self) -> list[SubscriptionListing]:
        async with transaction(self._sessions) as session:
            rows = await session.execute(
                select(DigestSubscription, Conversation)
                .join(Conversation, Conversation.id == DigestSubscription.conversation_id)
                .order_by(DigestSubscription.id)
            )
            listings = []
            for subscription, conversation in rows:
                scope = await self._scope_of(session, subscription)
                listings.append(
                    SubscriptionListing(
                        subscription.id,
                        conversation.name or conversation.conversation_id,
                        self._view(subscription, scope),
                        subscription.active,
                    )
                )
            return listings

    def _view(self, subscription: DigestSubscription, scope: Scope) -> SubscriptionView:
        since = periods.local_date(subscription.updated_at or self._clock.now(), self.time_zone)
        return SubscriptionView(
            scope_label=scope.label,
            weekday=periods.WEEKDAYS[subscription.weekday],
            send_at=subscription.send_at,
            since=text.SUBSCRIBED_SINCE.format(day=since.day, date=since),
            audit_type=_audit_type_of(subscription),
        )

    async def _channel(self, session: AsyncSession, conversation_id: str) -> Conversation:
        conversation = await conversation_repo.get(session, conversation_id)
        if conversation is None or conversation.kind != ConversationKind.CHANNEL:
            raise InvalidInput(text.CHANNELS_ONLY)
        return conversation

    async def _subscription(self, session: AsyncSession, conversation: Conversation) -> DigestSubscription | None:
        return await session.scalar(
            select(DigestSubscription).where(DigestSubscription.conversation_id == conversation.id)
        )

    async def _active_subscription(
        self, session: AsyncSession, conversation: Conversation
    ) -> DigestSubscription | None:
        subscription = await self._subscription(session, conversation)
        return subscription if subscription is not None and subscription.active else None

    async def _actor(self, session: AsyncSession, actor_id: str | None) -> Actor | None:
        return None if actor_id is None else await actors.load_for_teams_user(session, actor_id)

    async def _requested_scope(
        self, session: AsyncSession, conversation: Conversation, request: SubscriptionRequest
    ) -> tuple[Scope, int | None, int | None]:
        if request.scope is None:
            if conversation.linked_team_id:
                team = await session.get(Team, conversation.linked_team_id)
                return (
                    Scope("team", team.name if team else "?", [conversation.linked_team_id]),
                    team.id if team else None,
                    None,
                )
            if conversation.linked_service_area_id:
                area_id = conversation.linked_service_area_id
                area = await session.get(ServiceArea, area_id)
                team_ids = await digest_repo.teams_of_area(session, area_id)
                return Scope("area", area.name if area else "?", team_ids), None, area_id
            raise InvalidInput(text.CHANNEL_NOT_LINKED)
        scope = await self._scope(session, request.scope, request.name)
        if scope.kind == "team":
            return scope, scope.team_ids[0] if scope.team_ids else None, None
        if scope.kind == "area":
            area_id = await session.scalar(select(ServiceArea.id).where(ServiceArea.name == scope.label))
            return scope, None, area_id
        return scope, None, None

    # -- previews ----------------------------------------------------------------------------

    async def preview_for_channel(self, conversation_id: str, *, actor_id: str) -> Card:
        """The card of last week's digest for this channel, as a private preview with a post button,
        sent to ``actor_id`` (the Teams user id of whoever asked)."""
        async with transaction(self._sessions) as session:
            conversation = await self._channel(session, conversation_id)
            scope, show_refs, actor = await self._channel_scope_for(session, conversation, actor_id)
            audit_type = _audit_type_of(await self._active_subscription(session, conversation))
            person_id = actor.person_id
        if self._outbox is None or person_id is None:
            raise InvalidInput(text.PREVIEW_UNAVAILABLE)
        period = periods.last_complete_week(self._clock.now(), self.time_zone)
        digest = await self.build(scope, period, show_case_references=show_refs, audit_type=audit_type)
        post = {"conversation_id": conversation_id, "period": period.key}
        card = digest_cards.digest_card(digest, digest_findings(digest), preview_post=post)
        await self._outbox.send_card_to_person(person_id, card, purpose="digest-preview")
        return card

    async def post_preview(self, conversation_id: str, period_key: str, *, actor_id: str) -> None:
        """The preview's button: post that week's digest to the channel (checked again, rebuilt fresh)."""
        async with transaction(self._sessions) as session:
            conversation = await self._channel(session, conversation_id)
            scope, _show_refs, _actor = await self._channel_scope_for(session, conversation, actor_id)
            audit_type = _audit_type_of(await self._active_subscription(session, conversation))
            channel_id = conversation.id
        try:
            period = periods.parse_period(period_key, self.time_zone, now=self._clock.now())
        except ValueError:
            raise InvalidInput(text.NOT_A_PERIOD.format(value=period_key)) from None
        digest = await self.build(scope, period, audit_type=audit_type)
        if self._outbox is None:
            raise InvalidInput(text.POSTING_UNAVAILABLE)
        await self._outbox.post_card_to_conversation(
            channel_id,
            digest_cards.digest_card(digest, digest_findings(digest)),
            purpose=PURPOSE,
            dedupe_key=f"digest-manual:{channel_id}:{period.key}:{actor_id}",
        )

    async def subscribe_demo_channel(self) -> SubscriptionView | None:
        """Demo data (``qop demo load``): subscribe the playground's team channel to the demo
        team's digest, Mondays 08:00, as an operator does from the command line. Once only: a
        subscription that exists (or was stopped in the playground) is left alone. None when the
        demo organisation is not loaded or the channel already has a subscription."""
        async with transaction(self._sessions) as session:
            conversation = await demo.demo_channel(session, self._clock.now())
            if conversation is None or await self._subscription(session, conversation) is not None:
                return None
        return await self.subscribe(demo.PLAYGROUND_CHANNEL_ID, SubscriptionRequest(None, None), actor_id=None)

    async def demo_channel_installed(self, conversation_id: str) -> str | None:
        """Local demo only: qop was just added to the channel the demo data subscribed
        (``services.digest.demo``). Post the digest its subscription posted on its latest scheduled
        day, now, the way the weekly run posts one: claimed in ``digest_runs`` and handed to the
        delivery engine with the same key, so the weekly run never posts it again. The card says it
        is the demo. Returns the run key, or None when there is nothing to post (no demo data, not
        the demo's channel, or already posted)."""
        if conversation_id != demo.PLAYGROUND_CHANNEL_ID or self._outbox is None:
            return None
        now = self._clock.now()
        async with transaction(self._sessions) as session:
            if not await demo.demo_data_loaded(session):
                return None
            conversation = await conversation_repo.get(session, conversation_id)
            subscription = await self._subscription(session, conversation) if conversation else None
            if subscription is None or not subscription.active:
                return None
            subscription_id = subscription.id
            period, due = self.due_slot(subscription, now)
        if not await self._claim(subscription_id, period, due, now, False):
            return None
        await self._hand_over(subscription_id, period, due, False, now, demo=True)
        return run_key(subscription_id, period)

    async def _channel_scope_for(
        self, session: AsyncSession, conversation: Conversation, actor_id: str
    ) -> tuple[Scope, bool, Actor]:
        """The channel's digest scope (its subscription's, else its linked team's), whether case
        references show, and the person asking, who must be allowed to change this digest."""
        subscription = await self._subscription(session, conversation)
        if subscription is not None and subscription.active:
            scope = await self._scope_of(session, subscription)
            team_id, area_id = subscription.team_id, subscription.service_area_id
            show_refs = subscription.show_case_references
        else:
            request = SubscriptionRequest(None, None)
            scope, team_id, area_id = await self._requested_scope(session, conversation, request)
            show_refs = False
        actor = await actors.load_for_teams_user(session, actor_id)
        policy.require(
            actor, policy.Permission.CHANGE, policy.digest_subscription(team_id=team_id, service_area_id=area_id)
        )
        return scope, show_refs, actor

    # -- the weekly run ----------------------------------------------------------------------

    def due_slot(self, subscription: DigestSubscription, now: datetime) -> tuple[Period, datetime]:
        """(the week the digest is about, when it was due): the latest scheduled time <= now."""
        this_week = periods.week_starting(periods.local_date(now, self.time_zone), self.time_zone)
        at = send_time(subscription.send_at)
        due = periods.scheduled_send(this_week, subscription.weekday, at)
        week = this_week
        if due > now:
            week = this_week.previous()
            due = periods.scheduled_send(week, subscription.weekday, at)
        return week.previous(), due

    async def run_due(self, now: datetime | None = None) -> DigestRunReport:
        """Post every digest that is due and not yet claimed. Safe from several instances at once."""
        now = now or self._clock.now()
        report = DigestRunReport()
        if self._outbox is None:
            return report  # nothing can be posted yet: claim nothing, so nothing is lost
        await self._rehand_stale(now, report)
        async with transaction(self._sessions) as session:
            rows = list(
                await session.execute(
                    select(DigestSubscription, Conversation.installed)
                    .join(Conversation, Conversation.id == DigestSubscription.conversation_id)
                    .where(DigestSubscription.active.is_(True))
                )
            )
        slots = []
        for subscription, installed in rows:
            if not installed:
                continue
            period, due = self.due_slot(subscription, now)
            if due < subscription.created_at or now - due > self.catch_up:
                if now - due > self.catch_up:
                    report.too_old.append(run_key(subscription.id, period))
                continue
            slots.append((subscription, period, due))
        claimed = await self._claimed({(subscription.id, period.key) for subscription, period, _ in slots})
        for subscription, period, due in slots:
            key = run_key(subscription.id, period)
            late = now - due > self.grace
            # Claimed ones are skipped before trying: the schedule looks every minute, and a failed
            # insert is an error line in PostgreSQL's log. The insert still decides any race.
            if (subscription.id, period.key) in claimed or not await self._claim(
                subscription.id, period, due, now, late
            ):
                report.already_claimed.append(key)
                continue
            await self._hand_over(subscription.id, period, due, late, now)
            (report.late if late else report.sent).append(key)
        return report

    async def _claimed(self, slots: set[tuple[int, str]]) -> set[tuple[int, str]]:
        """Which of these (subscription, period) pairs already have a claim."""
        if not slots:
            return set()
        async with transaction(self._sessions) as session:
            rows = await session.execute(
                select(DigestRun.subscription_id, DigestRun.period_key).where(
                    DigestRun.subscription_id.in_({subscription_id for subscription_id, _ in slots}),
                    DigestRun.period_key.in_({period_key for _, period_key in slots}),
                )
            )
            return {(subscription_id, period_key) for subscription_id, period_key in rows} & slots

    async def _claim(self, subscription_id: int, period: Period, due: datetime, now: datetime, late: bool) -> bool:
        try:
            async with transaction(self._sessions) as session:
                session.add(
                    DigestRun(
                        subscription_id=subscription_id,
                        period_key=period.key,
                        scheduled_for=due,
                        claimed_at=now,
                        late=late,
                    )
                )
        except IntegrityError:
            return False
        return True

    async def _hand_over(
        self, subscription_id: int, period: Period, due: datetime, late: bool, now: datetime, *, demo: bool = False
    ) -> None:
        async with transaction(self._sessions) as session:
            subscription = await session.get(DigestSubscription, subscription_id)
            assert subscription is not None
            scope = await self._scope_of(session, subscription)
            show_refs = subscription.show_case_references
            channel_id = subscription.conversation_id
            audit_type = _audit_type_of(subscription)
        digest = await self.build(scope, period, late=late, show_case_references=show_refs, audit_type=audit_type)
        local_due = due.astimezone(ZoneInfo(self.time_zone))
        card = digest_cards.digest_card(
            digest, digest_findings(digest), due_label=text.DUE_LABEL.format(due=local_due), demo=demo
        )
        if self._outbox is None:
            raise RuntimeError("no delivery engine attached to the digest service")
        receipt = await self._outbox.post_card_to_conversation(
            channel_id, card, purpose=PURPOSE, dedupe_key=run_key(subscription_id, period)
        )
        digests_sent.add(1, {"late": late})
        async with transaction(self._sessions) as session:
            await session.execute(
                update(DigestRun)
                .where(DigestRun.subscription_id == subscription_id, DigestRun.period_key == period.key)
                .values(handed_over_at=now, delivery_id=getattr(receipt, "delivery_id", None))
            )

    async def _rehand_stale(self, now: datetime, report: DigestRunReport) -> None:
        """Claims whose hand-over never finished (a crash in between): hand them over again."""
        async with transaction(self._sessions) as session:
            stale = list(
                await session.scalars(
                    select(DigestRun).where(
                        DigestRun.handed_over_at.is_(None), DigestRun.claimed_at < now - STALE_CLAIM
                    )
                )
            )
        for claim in stale:
            period = periods.parse_period(claim.period_key, self.time_zone, now=now)
            await self._hand_over(claim.subscription_id, period, claim.scheduled_for, claim.late, now)
            report.rehanded.append(run_key(claim.subscription_id, period))
