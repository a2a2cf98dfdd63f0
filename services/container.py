"""The services a running qop has, built once by the composition root (``qop.app``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.actions import ActionService
from services.audits.parts import Audits
from services.clinic import ClinicService, SeniorClinicService
from services.clock import Clock
from services.conversations import ConversationService
from services.delivery import DeliveryService
from services.demo import DemoService
from services.digest.service import DigestService
from services.feedback.alerts import SafetyAlertNotifier
from services.feedback.links import FeedbackLinkService
from services.feedback.surveys import SurveyService
from services.feedback.tokens import Signer
from services.improvement import ImprovementPlanService
from services.improvement.learning import LearningService
from services.measures import MeasuresService
from services.measures.uploads import MeasureUploads
from services.moderation_group.service import ModerationGroupService
from services.observations.mapping import MappingService
from services.observations.service import ObservationService
from services.organisation import OrganisationService
from services.qa_calendar import QaCalendarService
from services.qim.assurance import AssuranceService
from services.qim.meetings import QimService
from services.reminders import ReminderService


@dataclass
class Services:
    """Every service, plus the few configured values handlers show or need beside them."""

    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    conversations: ConversationService
    actions: ActionService
    feedback_links: FeedbackLinkService
    organisation: OrganisationService
    reminders: ReminderService
    qa_calendar: QaCalendarService
    demo: DemoService
    safety_alerts: SafetyAlertNotifier
    surveys: SurveyService
    delivery: DeliveryService
    audits: Audits
    digests: DigestService
    improvement: ImprovementPlanService
    learning: LearningService
    observations: ObservationService
    mapping: MappingService
    qim: QimService
    assurance: AssuranceService
    clinics: ClinicService
    senior_clinics: SeniorClinicService
    measures: MeasuresService
    moderation_group: ModerationGroupService
    measure_uploads: MeasureUploads
    time_zone: str
    """The organisation's time zone (IANA name): the local time people are shown."""
    base_url: str
    """Where people reach qop's own web pages (feedback links, reports)."""
    feedback_signer: Signer
    """Signs feedback-link tokens (the demo makes its links with it)."""
    feedback_link_days: int
    """How long a family or partner feedback link stays valid."""
    survey_min_group_size: int
    """A group's survey results stay hidden until it has at least this many responses."""
