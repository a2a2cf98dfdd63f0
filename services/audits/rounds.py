"""Starting audit rounds: cases from a CSV, or a sampling rule over a CSV of open cases.

qop has no case management system, so open cases come from an export (case_ref, team,
practitioner). Every row is checked on its own: bad rows are reported with their number and
the reason, good rows go ahead. Each auditor gets the audit card, each practitioner the
reflection card.
"""

from __future__ import annotations

import csv
import io
import random
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from cards import audit as audit_cards
from cards import text_audits as text
from services import access_log
from services.actors import Actor
from services.audits.loading import REFLECTION_TEMPLATE, AuditContext, Loaded
from services.errors import InvalidInput, NotAllowed
from storage.db import transaction
from storage.models import AuditAssignment, AuditRound, AuditStatus, Role
from storage.repositories import audits as audit_rows
from views.audit_family import FamilyVoice
from views.audits import ReflectionForm, RoundReport, RowProblem
from views.templates import Template, TemplateKind

ROUND_COLUMNS = ("case_ref", "team", "practitioner", "auditor")
OPEN_CASE_COLUMNS = ("case_ref", "team", "practitioner")
RECENT_AUDIT_DAYS = 365
"""Sampling skips cases audited this recently."""


@dataclass(frozen=True)
class RoundRow:
    """One case for a round, as given (people by e-mail, team by name)."""

    row: int
    case_ref: str
    team: str
    practitioner: str
    auditor: str


def read_rows(csv_text: str, columns: tuple[str, ...]) -> tuple[list[dict[str, str]], list[RowProblem]]:
    """CSV rows as dicts with a 'row' number (the header is row 1), or the header's problem."""
    reader = csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in columns if c not in header]
    if missing:
        return [], [RowProblem(1, text.ROW_BAD_HEADER.format(columns=", ".join(columns), missing=", ".join(missing)))]
    rows = []
    for number, raw in enumerate(reader, start=2):
        cleaned = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        if any(cleaned.values()):
            rows.append({"row": str(number), **cleaned})
    return rows, []


def round_rows(csv_text: str) -> tuple[list[RoundRow], list[RowProblem]]:
    rows, problems = read_rows(csv_text, ROUND_COLUMNS)
    return [RoundRow(int(r["row"]), r["case_ref"], r["team"], r["practitioner"], r["auditor"]) for r in rows], problems


def normalise_case_ref(value: str) -> str:
    return re.sub(r"\s+", "", value).upper()


@dataclass(frozen=True)
class OpenCase:
    row: int
    case_ref: str
    team: str
    practitioner: str


def sample_cases(
    cases: Iterable[OpenCase],
    *,
    per_manager: int,
    manager_of_team: dict[str, str],
    recently_audited: set[str],
    rng: random.Random,
) -> list[OpenCase]:
    """``per_manager`` cases for each team manager, at random, skipping cases audited recently."""
    by_manager: dict[str, list[OpenCase]] = defaultdict(list)
    for case in cases:
        manager = manager_of_team.get(case.team.lower())
        if manager and normalise_case_ref(case.case_ref) not in recently_audited:
            by_manager[manager].append(case)
    chosen = []
    for manager in sorted(by_manager):
        pool = sorted(by_manager[manager], key=lambda c: c.row)
        chosen += rng.sample(pool, min(per_manager, len(pool)))
    return sorted(chosen, key=lambda c: c.row)


class Rounds:
    """Starts rounds of audits (QA lead and team managers; anyone from the command line)."""

    def __init__(self, context: AuditContext, *, case_reference_pattern: str, rng: random.Random | None = None) -> None:
        self.context = context
        self._case_ref = re.compile(case_reference_pattern)
        self.rng = rng or random.Random()
        """The sampler's randomness (tests fix it)."""

    def audit_templates(self) -> list[Template]:
        return [t for t in self.context.templates.latest() if t.kind == TemplateKind.AUDIT]

    async def start_round(
        self,
        *,
        template_id: str,
        due_date: date,
        rows: list[RoundRow],
        actor_id: str | None,
        source: str,
        problems: list[RowProblem] | None = None,
    ) -> RoundReport:
        """Create a round from rows (people by e-mail, team by name). Bad rows are reported one by
        one; the good ones go ahead. ``actor_id`` is the starter's Teams user id (None: the command line)."""
        template = self._audit_template(template_id)
        if due_date < self.context.today():
            raise InvalidInput(text.DUE_IN_PAST, {"due_date": text.DUE_IN_PAST})
        problems = list(problems or [])
        created: list[AuditAssignment] = []
        async with transaction(self.context.sessions) as session:
            actor = await self.context.actor(session, actor_id)
            if actor_id is not None:
                _require_round_starter(actor)
            audit_round = AuditRound(
                template_id=template.id,
                template_version=template.version,
                title=template.title,
                due_date=due_date,
                source=source,
                created_by_id=actor.person_id,
            )
            session.add(audit_round)
            await session.flush()
            seen: set[str] = set()
            for row in rows:
                assignment, problem = await self._assignment_from_row(session, audit_round, row, seen)
                if problem:
                    problems.append(RowProblem(row.row, problem))
                elif assignment is not None:
                    session.add(assignment)
                    created.append(assignment)
            await session.flush()
            if not created:
                await session.rollback()
                return RoundReport(None, template.title, due_date, (), tuple(sorted(problems, key=lambda p: p.row)))
            await access_log.record(
                session, actor, access_log.CHANGE, "audit round", audit_round.id, {"assignments": len(created)}
            )
            loaded = [await self.context.load(session, a.id) for a in created]
        for item in loaded:
            await self._send_invitations(item)
        return RoundReport(
            audit_round.id,
            template.title,
            due_date,
            tuple(a.id for a in created),
            tuple(sorted(problems, key=lambda p: p.row)),
        )

    async def start_round_from_csv(
        self, *, template_id: str, due_date: date, csv_text: str, actor_id: str | None
    ) -> RoundReport:
        """A round of the CSV's rows (case_ref, team, practitioner, auditor); ``actor_id`` as ``start_round``."""
        rows, problems = round_rows(csv_text)
        return await self.start_round(
            template_id=template_id, due_date=due_date, rows=rows, actor_id=actor_id, source="csv", problems=problems
        )

    async def start_sampled_round(
        self, *, template_id: str, due_date: date, open_cases_csv: str, per_manager: int, actor_id: str | None
    ) -> RoundReport:
        """N open cases per team manager, none audited in the last 12 months; the manager audits."""
        raw, problems = read_rows(open_cases_csv, OPEN_CASE_COLUMNS)
        cases = [OpenCase(int(r["row"]), r["case_ref"], r["team"], r["practitioner"]) for r in raw]
        async with self.context.sessions() as session:
            managers = await audit_rows.manager_emails_by_team(session)
            since = self.context.clock.now() - timedelta(days=RECENT_AUDIT_DAYS)
            recent = await audit_rows.case_refs_audited_since(session, since)
        chosen = sample_cases(
            cases, per_manager=per_manager, manager_of_team=managers, recently_audited=recent, rng=self.rng
        )
        rows = [RoundRow(c.row, c.case_ref, c.team, c.practitioner, managers[c.team.lower()]) for c in chosen]
        return await self.start_round(
            template_id=template_id,
            due_date=due_date,
            rows=rows,
            actor_id=actor_id,
            source="sampling",
            problems=problems,
        )

    async def _assignment_from_row(
        self, session: AsyncSession, audit_round: AuditRound, row: RoundRow, seen: set[str]
    ) -> tuple[AuditAssignment | None, str | None]:
        case_ref = normalise_case_ref(row.case_ref)
        if not self._case_ref.fullmatch(case_ref):
            return None, text.ROW_BAD_CASE_REF.format(case_ref=row.case_ref or text.ROW_EMPTY)
        if case_ref in seen:
            return None, text.ROW_DUPLICATE_CASE.format(case_ref=case_ref)
        team = await audit_rows.team_by_name(session, row.team)
        if team is None:
            return None, text.ROW_UNKNOWN_TEAM.format(team=row.team or text.ROW_EMPTY)
        practitioner = await audit_rows.active_person_by_email(session, row.practitioner)
        if practitioner is None:
            return None, text.ROW_UNKNOWN_PERSON.format(
                role=text.ROW_ROLE_PRACTITIONER, email=row.practitioner or text.ROW_EMPTY
            )
        auditor = await audit_rows.active_person_by_email(session, row.auditor)
        if auditor is None:
            return None, text.ROW_UNKNOWN_PERSON.format(role=text.ROW_ROLE_AUDITOR, email=row.auditor or text.ROW_EMPTY)
        if auditor.id == practitioner.id:
            return None, text.ROW_SELF_AUDIT
        seen.add(case_ref)
        return (
            AuditAssignment(
                round_id=audit_round.id,
                case_ref=case_ref,
                team_id=team.id,
                practitioner_id=practitioner.id,
                auditor_id=auditor.id,
                due_date=audit_round.due_date,
                reflection_due=self.context.reflection_due_for(audit_round.due_date),
                status=AuditStatus.ASSIGNED.value,
                draft={},
                reflection_draft={},
            ),
            None,
        )

    async def _send_invitations(self, item: Loaded) -> None:
        a, notifier = item.assignment, self.context.notifier
        reference = await notifier.send_card(
            a.auditor_id, audit_cards.invitation_card(item.summary), key=f"audit-{a.id}-invite"
        )
        if reference:
            async with transaction(self.context.sessions) as session:
                stored = await session.get(AuditAssignment, a.id)
                assert stored is not None
                stored.auditor_message = {"reference": reference}
        family = FamilyVoice() if item.template.family_voice else None  # nothing asked yet: the step to ask
        template = self.context.templates.get(REFLECTION_TEMPLATE)
        form = ReflectionForm(item.summary, template, {}, due=item.reflection_due, family=family)
        await notifier.send_card(a.practitioner_id, audit_cards.reflection_card(form), key=f"audit-{a.id}-reflection")

    def _audit_template(self, template_id: str) -> Template:
        try:
            template = self.context.templates.get(template_id)
        except KeyError:
            template = None
        if template is None or template.kind != TemplateKind.AUDIT:
            known = ", ".join(t.id for t in self.audit_templates())
            raise InvalidInput(text.UNKNOWN_TEMPLATE.format(known=known), {"template": text.UNKNOWN_TEMPLATE_SHORT})
        return template


def _require_round_starter(actor: Actor) -> None:
    if not (actor.has(Role.QA_LEAD) or actor.managed_team_ids):
        raise NotAllowed(text.ONLY_LEADS_START_ROUNDS)
