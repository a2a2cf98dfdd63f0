"""The audit feature's parts, built together over one shared ``AuditContext``: callers use the
part that does what they need (``audits.rounds.start_round_from_csv``, ``audits.answering.save_page``)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.audits.answering import Answering
from services.audits.confirmation import Confirmations
from services.audits.family import FamilyVoices
from services.audits.late import LateArrivals
from services.audits.loading import AuditContext
from services.audits.moderation import Moderation, ModerationRule
from services.audits.notify import AuditNotifier
from services.audits.partners import PartnerAudits
from services.audits.practice_days import PracticeDays
from services.audits.reflection import Reflections
from services.audits.rounds import Rounds
from services.audits.submission import Submissions
from services.audits.tasks import Tasks
from services.clock import Clock
from services.feedback.links import FeedbackLinkService
from services.feedback.tokens import Signer
from services.outbox import Outbox
from services.templates import TemplateLibrary


@dataclass(frozen=True)
class Audits:
    """Collaborative audits, one part per job, and the context they share (sessions, clock,
    templates, today's date)."""

    context: AuditContext
    rounds: Rounds
    answering: Answering
    submission: Submissions
    reflection: Reflections
    confirmation: Confirmations
    moderation: Moderation
    tasks: Tasks
    family: FamilyVoices
    partners: PartnerAudits
    practice_days: PracticeDays


@dataclass(frozen=True)
class PartnerLinks:
    """How partner auditors' links are made: the signer of their pages' form tokens, the address
    people reach qop at, and how many days a link works."""

    signer: Signer
    base_url: str
    valid_days: int


def build_audits(
    *,
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    templates: TemplateLibrary,
    case_reference_pattern: str,
    moderation_rule: ModerationRule | None = None,
    outbox: Outbox | None = None,
    rng: random.Random | None = None,
    time_zone: str = "Europe/London",
    feedback_links: FeedbackLinkService | None = None,
    partner_links: PartnerLinks,
    reflection_days: int = 10,
    done_together: bool = False,
) -> Audits:
    """Every audit part over one context; without an outbox nothing is sent (``AuditNotifier``).
    ``reflection_days`` and ``done_together`` are the organisation's settings (docs/audits.md)."""
    context = AuditContext(
        sessions,
        clock,
        templates,
        AuditNotifier(outbox),
        ZoneInfo(time_zone),
        reflection_days=reflection_days,
        done_together=done_together,
    )
    moderation = Moderation(context, moderation_rule)
    rounds = Rounds(context, case_reference_pattern=case_reference_pattern, rng=rng)
    late = LateArrivals(context)
    if feedback_links is not None:
        feedback_links.tell_late_audit_answers_to(late.family_answers_arrived)
    return Audits(
        context=context,
        rounds=rounds,
        answering=Answering(context),
        submission=Submissions(context, moderation),
        reflection=Reflections(context),
        confirmation=Confirmations(context),
        moderation=moderation,
        tasks=Tasks(context),
        family=FamilyVoices(context, feedback_links),
        partners=PartnerAudits(
            context,
            signer=partner_links.signer,
            base_url=partner_links.base_url,
            valid_days=partner_links.valid_days,
            late=late,
        ),
        practice_days=PracticeDays(context, rounds, rng=rng),
    )
