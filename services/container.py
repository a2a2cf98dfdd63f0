"""The services a running qop has, built once by the composition root (``qop.app``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from qop.settings import Settings
from services.actions import ActionService
from services.audits.service import AuditService
from services.clock import Clock
from services.conversations import ConversationService
from services.delivery import DeliveryService
from services.demo import DemoService
from services.digest.service import DigestService
from services.feedback.alerts import SafetyAlertNotifier
from services.feedback.links import FeedbackLinkService
from services.feedback.surveys import SurveyService
from services.improvement import ImprovementPlanService
from services.improvement.learning import LearningService
from services.organisation import OrganisationService
from services.qa_calendar import QaCalendarService
from services.reminders import ReminderService


@dataclass
class Services:
    settings: Settings
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
    audits: AuditService
    digests: DigestService
    improvement: ImprovementPlanService
    learning: LearningService
