"""Helpers for audit tests: an organisation with an auditor and a moderator, and valid answers
for any template page (what a careful auditor would type)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.audits.parts import Audits
from storage.models import Delivery, Person, Role, RoleAssignment
from tests.support.action_org import Org, make_org
from tests.support.cards import nodes
from views.audits import ReflectionSummary
from views.templates import QuestionType, Section, rationale_id

MODERATOR_NUMBER = 7
FAMILY_ANSWERS = {
    "understood_why": "agree",
    "worries_explained": "agree",
    "strengths_recognised": "strongly_agree",
    "helped_make_plan": "neither",
    "know_what_happens": "agree",
    "anything_changed": "better",
    "where_now": "7",
    "comments": "We work well together now and the school helps every week.",
}
"""A parent's answers to the audit's family form (``audit-family-feedback``)."""
YOUNG_PERSON_ANSWERS = {
    "listened_to": "agree",
    "understand_why": "agree",
    "had_a_say": "agree",
    "know_next": "agree",
    "safe_where_i_live": "agree",
    "happy_where_i_live": "8",
    "working_well": "Going back to school has helped me a lot.",
}
"""A young person's answers to ``family-young-person`` (none of them raises a safety alert)."""
PRACTITIONER_USER = "29:user-1"
"""The practitioner's Teams user id in ``make_audit_org``."""
REFLECTION_ANSWERS = {
    "did_well": "Weekly visits built trust with mum.",
    "worried_about": "Weekend drinking.",
    "difference_made": "Attendance is up from 72% to 91%; the school confirms it.",
    "practitioner_scale": "6",
}
"""A practitioner's complete reflection on an audited case."""


async def send_reflection(audits: Audits, assignment_id: int, practitioner: str = PRACTITIONER_USER) -> None:
    """The practitioner sends their reflection, so the auditor may submit before its deadline."""
    sent = await audits.reflection.submit_reflection(practitioner, assignment_id, REFLECTION_ANSWERS)
    assert isinstance(sent, ReflectionSummary), sent


@dataclass(frozen=True)
class AuditOrg:
    org: Org
    moderator: int

    @property
    def auditor(self) -> int:
        """The manager of the other team audits across teams, as councils often arrange."""
        return self.org.other_manager


async def make_audit_org(sessions: async_sessionmaker[AsyncSession]) -> AuditOrg:
    """Teams user ids: practitioner 1, manager 2, colleague 3, auditor 4, outsider 5, QA lead 6, moderator 7."""
    org = await make_org(sessions, teams_ids=True)
    async with sessions() as session, session.begin():
        moderator = Person(
            display_name="Morgan Lee",
            email="morgan@council.example.gov.uk",
            in_organisation=True,
            teams_user_id=f"29:user-{MODERATOR_NUMBER}",
        )
        session.add(moderator)
        await session.flush()
        session.add(RoleAssignment(person_id=moderator.id, role=Role.MODERATOR.value))
        return AuditOrg(org, moderator.id)


async def only_the_auditor_moderates(sessions: async_sessionmaker[AsyncSession], audit_org: AuditOrg) -> None:
    """Nobody independent can moderate: the QA lead and the moderator lose their roles and the
    auditor holds both (a small council where the QA lead audits too)."""
    async with sessions() as session, session.begin():
        await session.execute(
            delete(RoleAssignment).where(RoleAssignment.role.in_([Role.QA_LEAD.value, Role.MODERATOR.value]))
        )
        for role in (Role.QA_LEAD, Role.MODERATOR):
            session.add(RoleAssignment(person_id=audit_org.auditor, role=role.value))


async def family_declined(audits: Audits, auditor: str, assignment_id: int) -> None:
    """Record that the family was asked for their view and declined (an audit that asks for the
    family's view is not submitted without it or a reason)."""
    await audits.family.record_reason(auditor, assignment_id, reason="declined", tries="", page=0, data={})


def valid_answers(section: Section, today: date, *, grade: str = "good") -> dict[str, Any]:
    """Complete, valid answers for one section (grades as given, with a rationale)."""
    values: dict[str, Any] = {}
    for question in section.questions:
        if question.type == QuestionType.GRADE:
            values[question.id] = grade
            values[rationale_id(question)] = "The assessment of March sets out worries and strengths clearly."
        elif question.type == QuestionType.YES_PARTLY_NO_NA:
            values[question.id] = "yes"
        elif question.type == QuestionType.SCALE:
            values[question.id] = "6"
        elif question.type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
            assert question.options
            values[question.id] = question.options[0].value
        elif question.type == QuestionType.DATE:
            values[question.id] = today.isoformat()
        elif question.required:
            values[question.id] = "Mum and the school now talk weekly; attendance is up."
    return values


def card_text(card: dict[str, Any]) -> str:
    return json.dumps(card, ensure_ascii=False)


def inputs_of(card: dict[str, Any]) -> dict[str, Any]:
    """Input id -> prefilled value, for every input on a card."""
    return {
        node["id"]: node.get("value")
        for node in nodes(card)
        if str(node.get("type", "")).startswith("Input.") and "id" in node
    }


async def late_arrival_cards(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[int | None, str, str]]:
    """(person, dedupe key, card as text) of every "arrived after submission" card the delivery
    engine holds, in the order they were asked for."""
    async with sessions() as session:
        rows = await session.execute(
            select(Delivery.person_id, Delivery.dedupe_key, Delivery.card)
            .where(Delivery.dedupe_key.like("audit-%-late-%"))
            .order_by(Delivery.id)
        )
        return [(person, key or "", card_text(card or {})) for person, key, card in rows]
