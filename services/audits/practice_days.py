"""Practice days: a senior manager plans a day of collaborative audits for a service area.

A practice day is an ordinary audit round with a date and a service area. Planning stores the
cases and pairs (every auditor from another team than the case's); on the day's morning (or at
once when planned for today) ``Rounds.start_round`` turns them into the round, so every pair gets
the usual audit and reflection cards and the audits count in the digest and the QIM report like
any other. At the end (every audit submitted, or the next morning) the planner and the area's
senior managers and Heads of Service get the day's summary card, with a spreadsheet behind a
short-lived signed link; the area's "Practice days" occurrence of the QA calendar is recorded.

A service area holds one practice day on a date: planning it twice is one record.
"""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from cards import practice_day as day_cards
from cards import text_practice_days as text
from services import access_log, actors, policy
from services.actors import Actor
from services.audits.loading import AuditContext
from services.audits.reading import action_source_ref
from services.audits.rounds import OPEN_CASE_COLUMNS, CheckedCase, OpenCase, RoundRow, Rounds, read_rows
from services.digest.builder import AUDIT_TEMPLATE, THEMES_SECTION, WORKING_WELL, safe_quote
from services.errors import InvalidInput, NotAllowed, NotFound
from services.feedback.tokens import Signer
from services.policy import Permission
from services.qa_calendar import load_calendar, occurrences_between
from storage.db import transaction
from storage.models import (
    AuditRound,
    AuditStatus,
    CalendarOccurrence,
    Person,
    PracticeDay,
    PracticeDayCase,
    PracticeDayStatus,
    Role,
    ServiceArea,
)
from storage.repositories import practice_days as rows
from views.audits import RoundReport, RowProblem
from views.digest import GradeCounts, GradeKey, StageFigures, ThemeFigures
from views.practice_days import DayLine, DaySummary, OpenAudit, Pair, PlanForm, PlannedDay, PlanRequest, RaisedAction
from views.templates import QuestionType, Template

RECORD = "practice day"
"""The record type practice days are logged under in the access log."""
SOURCE = "practice day"
"""The round's source: how its cases were chosen."""
CALENDAR_ACTIVITY = "practice_days"
"""The QA calendar activity (``services/data/qa-calendar.yaml``) a practice day is recorded against."""
MORNING = time(7, 0)
"""When a practice day starts (local time), and when one still open the next day is closed."""
MAX_CASES = 60
MAX_AUDITOR_CHOICES = 150
"""An Adaptive Card choice list beyond this is unusable (and the card grows past Teams' limit)."""
QUOTES = 5
DAYS_LISTED = 20
LINK_PURPOSE = "practice-day-workbook"
OPEN_STATUSES = (AuditStatus.ASSIGNED.value, AuditStatus.IN_PROGRESS.value)
CHOSEN_AUDITOR_COLUMN = "auditor"
"""The optional fourth field of a case line: the e-mail of the auditor the planner chose for it."""
CSV_HEADER = f"{','.join(OPEN_CASE_COLUMNS)},{CHOSEN_AUDITOR_COLUMN}\n"


class _TakenMeanwhile(Exception):
    """Another instance (or a retried job) started this day first: this round must not be kept."""


class LinkRefused(Exception):
    """A spreadsheet link that is malformed, forged or expired."""


@dataclass(frozen=True)
class Auditor:
    person_id: int
    teams: frozenset[int]
    """Their own team and the teams they manage: they audit no case of these."""


def may_audit(auditor: Auditor, case: CheckedCase) -> bool:
    """Whether the auditor may audit the case: not its practitioner, not from its team nor a team they manage."""
    return case.team.id not in auditor.teams and auditor.person_id != case.practitioner.id


def pair_cases(
    cases: list[CheckedCase], auditors: list[Auditor], chosen: dict[str, int] | None = None
) -> tuple[dict[str, int], list[str]]:
    """Give every case an auditor from another team, sharing the cases out evenly (at most one more
    case for one auditor than another). Returns (auditor id by case reference, cases with none).

    ``chosen``: the auditor id the planner chose for a case (checked already), by case reference.
    Those cases keep their auditor and are placed first; they count towards the even share of an
    auditor on the list, and are never moved. Someone chosen for a case but not on the list gets
    no other case.

    A matching with capacities (augmenting paths), so a case that only one auditor can take gets
    that auditor even if an earlier case took them first."""
    refs = {case.case_ref for case in cases}
    fixed = {case_ref: person for case_ref, person in (chosen or {}).items() if case_ref in refs}
    free = [case for case in cases if case.case_ref not in fixed]
    if not auditors:
        return fixed, [case.case_ref for case in free]
    taken: dict[int, list[str]] = defaultdict(list)
    listed = {a.person_id for a in auditors}
    for case_ref, person in fixed.items():
        if person in listed:
            taken[person].append(case_ref)
    capacity = -(-(len(free) + sum(len(held) for held in taken.values())) // len(auditors))
    eligible = {case.case_ref: [a.person_id for a in auditors if may_audit(a, case)] for case in free}

    def place(case_ref: str, tried: set[int]) -> bool:
        for auditor in sorted(eligible[case_ref], key=lambda person: len(taken[person])):
            if auditor in tried:
                continue
            tried.add(auditor)
            if len(taken[auditor]) < capacity:
                taken[auditor].append(case_ref)
                return True
            for other in list(taken[auditor]):
                if other not in fixed and place(other, tried):
                    taken[auditor].remove(other)
                    taken[auditor].append(case_ref)
                    return True
        return False

    unpaired = [case.case_ref for case in free if not place(case.case_ref, set())]
    return {**{case_ref: auditor for auditor, refs in taken.items() for case_ref in refs}, **fixed}, unpaired


class PracticeDays:
    """Planning practice days, starting and closing them on time, and their summaries."""

    def __init__(self, context: AuditContext, rounds: Rounds, *, rng: random.Random | None = None) -> None:
        self.context = context
        self.rounds = rounds
        self.rng = rng or random.Random()
        """The sampler's randomness (tests fix it)."""
        self._links: tuple[Signer, str, int] | None = None

    def attach_workbook_links(self, signer: Signer, *, base_url: str, minutes: int) -> None:
        """Let leaders download the day's spreadsheet through signed links (as the QIM report)."""
        self._links = (signer, base_url.rstrip("/"), minutes)

    # -- planning ---------------------------------------------------------------------------------

    async def plan_form(
        self, actor_id: str, values: dict[str, str] | None = None, errors: dict[str, str] | None = None
    ) -> PlanForm:
        """The plan card's choices for the person asking (their Teams user id): the areas they may plan for."""
        async with self.context.sessions() as session:
            actor = await self.context.actor(session, actor_id)
            areas = [
                (area.id, area.name)
                for area in await rows.active_areas(session)
                if policy.allows(actor, Permission.CHANGE, policy.practice_day(service_area_id=area.id))
            ]
            if not areas:
                policy.require(actor, Permission.CHANGE, policy.practice_day(service_area_id=None))
            auditors = [
                (person.id, f"{person.display_name}, {team}" if team else person.display_name)
                for person, team in await rows.auditor_candidates(session, MAX_AUDITOR_CHOICES)
            ]
        # The standard collaborative audit first: it is the default, other templates a choice.
        ordered = sorted(self.rounds.audit_templates(), key=lambda t: t.id != AUDIT_TEMPLATE)
        templates = tuple((t.id, t.title) for t in ordered)
        default_day = self.context.today() + timedelta(days=14)
        return PlanForm(tuple(areas), templates, tuple(auditors), default_day, values or {}, errors or {})

    async def plan(self, actor_id: str | int, request: PlanRequest) -> PlannedDay:
        """Store a practice day with its pairs; started at once if it is today.

        ``actor_id``: the planner's Teams user id (or person id from the command line and tests).

        Raises:
            NotAllowed: not a senior manager or Head of Service of the area, nor the QA lead.
            InvalidInput: with ``field_errors`` for each answer that needs a look.
        """
        template = self.rounds.audit_template(request.template_id)
        if request.held_on < self.context.today():
            raise InvalidInput(text.DAY_IN_PAST, {"day": text.DAY_IN_PAST})
        cases, chosen_emails, problems = _typed_lines(request.cases_csv)
        if len(cases) > MAX_CASES and request.sample_size is None:
            raise InvalidInput(
                text.TOO_MANY_CASES.format(most=MAX_CASES), {"cases": text.TOO_MANY_CASES.format(most=MAX_CASES)}
            )
        async with transaction(self.context.sessions) as session:
            actor = await self._actor(session, actor_id)
            area = await session.get(ServiceArea, request.service_area_id)
            if area is None or not area.active:
                raise InvalidInput(text.UNKNOWN_AREA, {"area": text.UNKNOWN_AREA})
            policy.require(actor, Permission.CHANGE, policy.practice_day(service_area_id=area.id))
            existing = await rows.day_on(session, area.id, request.held_on)
            if existing is not None:
                return await self._planned(session, existing, already=True)
            checked, chosen = await self._checked_cases(
                session, area, cases, chosen_emails, problems, request.sample_size
            )
            auditors = await self._auditors(session, request)
            paired, unpaired = pair_cases(checked, auditors, chosen)
            if unpaired:
                listed = ", ".join(unpaired)
                raise InvalidInput(
                    text.CANNOT_PAIR.format(cases=listed), {"auditors": text.CANNOT_PAIR_SHORT.format(cases=listed)}
                )
            day_id = await self._store(session, actor, request, template, checked, paired)
            if day_id is None:  # the same plan sent twice at once: the first one stands
                existing = await rows.day_on(session, area.id, request.held_on)
                assert existing is not None
                return await self._planned(session, existing, already=True)
        if request.held_on == self.context.today():
            await self.start(day_id)
        async with self.context.sessions() as session:
            stored = await session.get(PracticeDay, day_id)
            assert stored is not None
            return await self._planned(session, stored, problems=problems)

    async def _store(
        self,
        session: AsyncSession,
        actor: Actor,
        request: PlanRequest,
        template: Template,
        cases: list[CheckedCase],
        paired: dict[str, int],
    ) -> int | None:
        """The new day's id, with its cases and pairs; None when the area already has a day on that
        date (a concurrent plan won the unique constraint)."""
        day = PracticeDay(
            service_area_id=request.service_area_id,
            held_on=request.held_on,
            template_id=template.id,
            template_version=template.version,
            status=PracticeDayStatus.PLANNED.value,
            planned_by_id=actor.person_id,
            start_problems=[],
        )
        try:
            async with session.begin_nested():
                session.add(day)
                await session.flush()
        except IntegrityError:
            return None
        session.add_all(
            PracticeDayCase(
                practice_day_id=day.id,
                case_ref=case.case_ref,
                team_id=case.team.id,
                practitioner_id=case.practitioner.id,
                auditor_id=paired[case.case_ref],
            )
            for case in cases
        )
        await session.flush()
        await access_log.record(session, actor, access_log.CHANGE, RECORD, day.id, {"cases": len(cases)})
        return day.id

    async def _checked_cases(
        self,
        session: AsyncSession,
        area: ServiceArea,
        cases: list[OpenCase],
        chosen_emails: dict[int, str],
        problems: list[RowProblem],
        sample_size: int | None,
    ) -> tuple[list[CheckedCase], dict[str, int]]:
        """The listed cases that can be audited (reasons for the others go to ``problems``), sampled,
        with the auditor id the planner chose for some of them (``chosen_emails``: by line number)."""
        area_teams = await rows.teams_of_area(session, area.id)
        named = await rows.active_members_by_email(session, list(chosen_emails.values())) if chosen_emails else {}
        chosen_auditors = await _auditors_of(session, named.values())
        seen: set[str] = set()
        checked: list[CheckedCase] = []
        chosen: dict[str, int] = {}
        for case in cases:
            found, problem = await self.rounds.checked_case(session, case, seen)
            if found is not None and found.team.id not in area_teams:
                found, problem = None, text.CASE_OUTSIDE_AREA.format(team=found.team.name, area=area.name)
            if found is not None and case.row in chosen_emails:
                email = chosen_emails[case.row]
                person = named.get(email.lower())
                if person is None:
                    found, problem = None, text.CHOSEN_AUDITOR_UNKNOWN.format(email=email)
                elif person.id == found.practitioner.id:
                    found, problem = None, text.CHOSEN_AUDITOR_IS_PRACTITIONER.format(email=email)
                elif not may_audit(chosen_auditors[person.id], found):
                    found, problem = None, text.CHOSEN_AUDITOR_SAME_TEAM.format(email=email, team=found.team.name)
                else:
                    chosen[found.case_ref] = person.id
            if found is None:
                problems.append(RowProblem(case.row, problem or ""))
            else:
                checked.append(found)
        if sample_size is not None:
            recent = await self.rounds.recently_audited(session)
            pool = [case for case in checked if case.case_ref not in recent]
            checked = sorted(self.rng.sample(pool, min(sample_size, len(pool))), key=lambda case: case.row)
        if not checked:
            reasons = "; ".join(text.ROW.format(row=p.row) + ": " + p.reason for p in problems[:5])
            raise InvalidInput(text.NO_CASES_LEFT, {"cases": reasons or text.CASES_NEEDED})
        kept = {case.case_ref for case in checked}
        return checked, {case_ref: person for case_ref, person in chosen.items() if case_ref in kept}

    async def _auditors(self, session: AsyncSession, request: PlanRequest) -> list[Auditor]:
        """The chosen auditors (by id from the card's list, or by e-mail), each with the teams they
        may not audit: their own and those they manage."""
        if not request.auditor_ids and not request.auditor_emails:
            raise InvalidInput(text.AUDITORS_NEEDED, {"auditors": text.AUDITORS_NEEDED})
        people = await rows.active_members(session, request.auditor_ids)
        if len(people) != len(set(request.auditor_ids)):
            raise InvalidInput(text.UNKNOWN_AUDITOR, {"auditors": text.UNKNOWN_AUDITOR})
        by_email = await rows.active_members_by_email(session, request.auditor_emails)
        unknown = [email for email in request.auditor_emails if email.lower() not in by_email]
        if unknown:
            problem = text.UNKNOWN_AUDITOR_EMAIL.format(emails=", ".join(unknown))
            raise InvalidInput(problem, {"auditor_emails": problem})
        people.update({person.id: person for person in by_email.values()})
        auditors = await _auditors_of(session, people.values())
        return [auditors[person.id] for person in sorted(people.values(), key=lambda p: (p.display_name.lower(), p.id))]

    async def _planned(
        self,
        session: AsyncSession,
        day: PracticeDay,
        *,
        already: bool = False,
        problems: list[RowProblem] | None = None,
    ) -> PlannedDay:
        area = await session.get(ServiceArea, day.service_area_id)
        pairs = tuple(
            Pair(row.case.case_ref, row.team_name, row.practitioner.display_name, row.auditor.display_name)
            for row in await rows.case_rows(session, day.id)
        )
        return PlannedDay(
            day.id,
            area.name if area else "",
            day.held_on,
            self._template(day).title,
            day.status,
            pairs,
            tuple(sorted(problems or [], key=lambda p: p.row)),
            already_planned=already,
        )

    # -- on the day ---------------------------------------------------------------------------------

    async def run_due(self, now: datetime | None = None) -> tuple[list[int], list[int]]:
        """Start the days due this morning and close those that are over: (started, closed) day ids.
        Run by the reminder pass; every start and close is claimed once, so repeats do nothing."""
        now = now or self.context.clock.now()
        local = now.astimezone(self.context.time_zone)
        today = local.date()
        started_until = today if local.time() >= MORNING else today - timedelta(days=1)
        async with self.context.sessions() as session:
            to_start = [
                d.id for d in await rows.days_with_status(session, PracticeDayStatus.PLANNED, until=started_until)
            ]
            under_way = await rows.days_with_status(session, PracticeDayStatus.STARTED, until=today)
            to_close = [d.id for d in under_way if await self._over(session, d, local)]
        started = []
        for day_id in to_start:
            report = await self.start(day_id)
            if report is not None and report.round_id is not None:
                started.append(day_id)
        closed = [day_id for day_id in to_close if await self.close(day_id)]
        return started, closed

    async def _over(self, session: AsyncSession, day: PracticeDay, local_now: datetime) -> bool:
        """Every audit submitted, or the morning after the day (after the day it started, if late)."""
        started_on = day.started_at.astimezone(self.context.time_zone).date() if day.started_at else day.held_on
        last_day = max(day.held_on, started_on)
        if local_now.date() > last_day and local_now.time() >= MORNING:
            return True
        if day.round_id is None:
            return False
        audits = await rows.round_audits(session, day.round_id)
        return all(a.status not in OPEN_STATUSES for a, _ in audits)

    async def start(self, day_id: int) -> RoundReport | None:
        """Turn the day's pairs into its audit round and send the cards (None: already started)."""
        async with self.context.sessions() as session:
            day = await session.get(PracticeDay, day_id)
            if day is None or day.status != PracticeDayStatus.PLANNED:
                return None
            pairs = await rows.case_rows(session, day.id)
            area = await session.get(ServiceArea, day.service_area_id)
            held_on, template_id, planner_id = day.held_on, day.template_id, day.planned_by_id
        round_rows = [
            RoundRow(number, p.case.case_ref, p.team_name, p.practitioner.email or "", p.auditor.email or "")
            for number, p in enumerate(pairs, start=1)
        ]
        now = self.context.clock.now()

        async def record_round(session: AsyncSession, audit_round: AuditRound) -> None:
            values = {"status": PracticeDayStatus.STARTED.value, "round_id": audit_round.id, "started_at": now}
            if not await rows.move(session, day_id, PracticeDayStatus.PLANNED, **values):
                raise _TakenMeanwhile

        try:
            report = await self.rounds.start_round(
                template_id=template_id,
                due_date=max(held_on, self.context.today()),
                rows=round_rows,
                actor_id=None,
                source=SOURCE,
                before_commit=record_round,
            )
        except _TakenMeanwhile:
            return None
        except InvalidInput as refusal:  # e.g. its template was withdrawn since: the day cannot start
            report = RoundReport(None, "", held_on, (), (RowProblem(0, refusal.user_message),))
        named = [_case_of(p, pairs) for p in report.problems]
        problems = [{"row": p.row, "reason": p.reason} for p in named]
        async with transaction(self.context.sessions) as session:
            if report.round_id is None:
                moved = await rows.move(
                    session,
                    day_id,
                    PracticeDayStatus.PLANNED,
                    status=PracticeDayStatus.NOT_STARTED.value,
                    start_problems=problems,
                    started_at=now,
                )
                if not moved:
                    return None
            else:
                stored = await session.get(PracticeDay, day_id)
                assert stored is not None
                stored.start_problems = problems
        if planner_id is not None:
            card = day_cards.started_card(area.name if area else "", report, named)
            await self.context.notifier.send_card(planner_id, card, key=f"practice-day-{day_id}-start")
        return report

    async def close(self, day_id: int) -> bool:
        """Close the day: record it in the QA calendar and send its summary to the planner and the
        area's leaders (False: already closed)."""
        now = self.context.clock.now()
        async with transaction(self.context.sessions) as session:
            if not await rows.move(
                session, day_id, PracticeDayStatus.STARTED, status=PracticeDayStatus.CLOSED.value, closed_at=now
            ):
                return False
            day = await session.get(PracticeDay, day_id)
            assert day is not None
            await session.refresh(day)
            summary = await self._summary(session, day)
            day.calendar_occurrence_id = await self._record_in_calendar(session, day, summary, now)
            recipients = list(
                dict.fromkeys(
                    [
                        *([day.planned_by_id] if day.planned_by_id else []),
                        *await rows.area_leaders(session, day.service_area_id),
                    ]
                )
            )
        card = day_cards.summary_card(summary)
        for person_id in recipients:
            await self.context.notifier.send_card(person_id, card, key=f"practice-day-{day_id}-summary-{person_id}")
        return True

    async def _record_in_calendar(
        self, session: AsyncSession, day: PracticeDay, summary: DaySummary, now: datetime
    ) -> int | None:
        """The area's "Practice days" occurrence of the QA calendar, held on the day: the year's
        scheduled one nearest to it (recorded now, unless someone recorded it already)."""
        activity = next((a for a in load_calendar() if a.key == CALENDAR_ACTIVITY), None)
        if activity is None:
            return None
        year = day.held_on.year
        scheduled = occurrences_between(activity, date(year, 1, 1), date(year, 12, 31))
        due_on = min(scheduled, key=lambda d: abs((d - day.held_on).days)) if scheduled else day.held_on
        unit = f"area-{day.service_area_id}"
        occurrence = CalendarOccurrence(
            activity=activity.key,
            unit=unit,
            due_on=due_on,
            held_on=day.held_on,
            ad_hoc=not scheduled,
            findings=text.CALENDAR_FINDINGS.format(
                submitted=summary.submitted, planned=summary.planned, actions=len(summary.actions)
            ),
            recorded_by_id=day.planned_by_id,
            recorded_at=now,
        )
        try:
            async with session.begin_nested():
                session.add(occurrence)
                await session.flush()
            return occurrence.id
        except IntegrityError:  # recorded already (by hand, or another day of the year): link to it
            return await session.scalar(
                select(CalendarOccurrence.id).where(
                    CalendarOccurrence.activity == activity.key,
                    CalendarOccurrence.unit == unit,
                    CalendarOccurrence.due_on == due_on,
                )
            )

    # -- the summary --------------------------------------------------------------------------------

    async def summary(self, actor_id: str | int, day_id: int) -> DaySummary:
        """The day's summary for its planner, the area's leaders, the QA lead or the Service Director."""
        async with transaction(self.context.sessions) as session:
            actor = await self._actor(session, actor_id)
            day = await self._viewable(session, actor, day_id)
            await access_log.record(session, actor, access_log.VIEW, RECORD, day.id)
            return await self._summary(session, day)

    async def days(self, actor_id: str | int) -> list[DayLine]:
        """The latest practice days the person may see (their areas', and those they planned)."""
        async with self.context.sessions() as session:
            actor = await self._actor(session, actor_id)
            everything = policy.allows(actor, Permission.VIEW, policy.practice_day(service_area_id=None))
            if not (everything or actor.leads_areas or actor.has(Role.QA_LEAD)):
                policy.require(actor, Permission.VIEW, policy.practice_day(service_area_id=None))
            found = await rows.latest_days(
                session,
                area_ids=None if everything else list(actor.senior_area_ids),
                planner_id=actor.person_id,
                limit=DAYS_LISTED,
            )
            counts = await rows.case_counts(session, [d.id for d in found])
            areas = {a.id: a.name for a in await rows.active_areas(session)}
        return [
            DayLine(d.id, areas.get(d.service_area_id, ""), d.held_on, d.status, counts.get(d.id, 0)) for d in found
        ]

    async def _viewable(self, session: AsyncSession, actor: Actor, day_id: int) -> PracticeDay:
        day = await session.get(PracticeDay, day_id)
        if day is None:
            raise NotFound(text.NO_SUCH_DAY)
        policy.require(
            actor,
            Permission.VIEW,
            policy.practice_day(service_area_id=day.service_area_id, planner_id=day.planned_by_id),
        )
        if day.round_id is None:
            raise NotFound(text.NOT_SUMMARISED_YET)
        return day

    async def _summary(self, session: AsyncSession, day: PracticeDay) -> DaySummary:
        area = await session.get(ServiceArea, day.service_area_id)
        template = self._template(day)
        audits = await rows.round_audits(session, day.round_id) if day.round_id else []
        ids = [a.id for a, _ in audits]
        grades = await rows.final_grades(session, ids)
        overall = Counter(grade for _, is_overall, grade in grades if is_overall)
        by_stage: dict[str, Counter[str]] = defaultdict(Counter)
        for section_id, is_overall, grade in grades:
            if not is_overall:
                by_stage[section_id][grade] += 1
        stage_titles = {s.id: s.title for s in template.sections}
        key = GradeKey.of(template.grade_scales())
        stages = tuple(
            StageFigures(s, stage_titles.get(s, s), GradeCounts(dict(by_stage[s]), key))
            for s in [*stage_titles, *sorted(set(by_stage) - set(stage_titles))]
            if s in by_stage
        )
        answers = await rows.submitted_answers(session, ids)
        refs = {action_source_ref(a.id): a.case_ref for a, _ in audits}
        actions = tuple(
            RaisedAction(action.description, owner, action.due_date, case_ref)
            for action, owner, case_ref in await rows.actions_raised(session, refs)
        )
        return DaySummary(
            day_id=day.id,
            area_name=area.name if area else "",
            held_on=day.held_on,
            template_title=template.title,
            planned=len(audits),
            submitted=sum(1 for a, _ in audits if a.status not in OPEN_STATUSES and a.status != AuditStatus.CANCELLED),
            overall=GradeCounts(dict(overall), key),
            stages=stages,
            themes=_themes(template, answers),
            went_well=_went_well(answers, self.rounds.case_reference),
            actions=actions,
            not_completed=tuple(
                OpenAudit(a.case_ref, name, a.status) for a, name in audits if a.status in OPEN_STATUSES
            ),
            not_started=tuple(RowProblem(int(p["row"]), str(p["reason"])) for p in day.start_problems or []),
        )

    def _template(self, day: PracticeDay) -> Template:
        return self.context.templates.get(day.template_id, day.template_version)

    @staticmethod
    async def _actor(session: AsyncSession, actor_id: str | int) -> Actor:
        return await actors.load(session, actor_id)

    # -- the spreadsheet ----------------------------------------------------------------------------

    async def workbook_link(self, actor_id: str, day_id: int) -> tuple[str, datetime]:
        """(signed URL, expiry) of the day's spreadsheet, for someone allowed to see its summary."""
        if self._links is None:
            raise InvalidInput(text.LINKS_OFF)
        async with self.context.sessions() as session:
            actor = await self._actor(session, actor_id)
            await self._viewable(session, actor, day_id)
        signer, base_url, minutes = self._links
        expires = self.context.clock.now() + timedelta(minutes=minutes)
        stamp = int(expires.timestamp())
        parts = (actor.person_id or 0, day_id, stamp)
        token = ".".join(str(p) for p in parts) + "." + signer.sign(LINK_PURPOSE, *parts)
        return f"{base_url}/reports/practice-day.xlsx?t={token}", expires

    async def open_workbook(self, token: str) -> DaySummary:
        """The summary behind a spreadsheet link, re-checked for its person and logged as an export.
        Raises ``LinkRefused`` or ``NotAllowed``/``NotFound``."""
        if self._links is None:
            raise LinkRefused("not configured")
        try:
            person, day, stamp, signature = token.split(".")
            parts = (int(person), int(day), int(stamp))
        except ValueError:
            raise LinkRefused("malformed") from None
        if not self._links[0].verify(signature, LINK_PURPOSE, *parts):
            raise LinkRefused("forged")
        if self.context.clock.now().timestamp() >= parts[2]:
            raise LinkRefused("expired")
        async with transaction(self.context.sessions) as session:
            actor = await self._actor(session, parts[0])
            try:
                found = await self._viewable(session, actor, parts[1])
            except NotAllowed:
                await access_log.record(session, actor, access_log.REFUSED, RECORD, parts[1], {"via": "link"})
                raise
            await access_log.record(session, actor, access_log.EXPORT, RECORD, found.id, {"via": "link"})
            return await self._summary(session, found)


async def _auditors_of(session: AsyncSession, people: Iterable[Person]) -> dict[int, Auditor]:
    """Each person as an auditor (by person id), with the teams they may not audit: their own and
    those they manage."""
    people = list(people)
    managed = await rows.managed_teams(session, [person.id for person in people]) if people else {}
    return {
        person.id: Auditor(
            person.id, frozenset({*managed.get(person.id, set()), *([person.team_id] if person.team_id else [])})
        )
        for person in people
    }


def _typed_lines(cases_text: str) -> tuple[list[OpenCase], dict[int, str], list[RowProblem]]:
    """The plan card's case lines, numbered as the planner sees them (the first line is line 1):
    the cases, the auditor e-mail typed as a line's fourth field (by line number), and problems."""
    raw, problems = read_rows(CSV_HEADER + cases_text, (*OPEN_CASE_COLUMNS, CHOSEN_AUDITOR_COLUMN))
    cases = [OpenCase(int(r["row"]) - 1, r["case_ref"], r["team"], r["practitioner"]) for r in raw]
    chosen = {int(r["row"]) - 1: r[CHOSEN_AUDITOR_COLUMN] for r in raw if r.get(CHOSEN_AUDITOR_COLUMN)}
    return cases, chosen, [replace(p, row=p.row - 1) for p in problems]


def _case_of(problem: RowProblem, pairs: list[rows.CaseRow]) -> RowProblem:
    """A start problem named by its case reference rather than a row number nobody typed."""
    if 1 <= problem.row <= len(pairs):
        return RowProblem(problem.row, f"{pairs[problem.row - 1].case.case_ref}: {problem.reason}")
    return problem


def _themes(template: Template, answers: list[dict[str, object]]) -> tuple[ThemeFigures, ...]:
    """The "we would expect to see" statements of the template (its section of yes / partly / no
    questions across the record), counted over the day's audits."""
    section = next((s for s in template.sections if s.id == THEMES_SECTION), None)
    if section is None:
        return ()
    found = []
    for question in section.questions:
        if question.type != QuestionType.YES_PARTLY_NO_NA:
            continue
        counts = Counter(str(a[question.id]) for a in answers if a.get(question.id))
        found.append(ThemeFigures(question.id, question.text or question.id, dict(counts)))
    return tuple(found)


def _went_well(answers: list[dict[str, object]], case_reference: re.Pattern[str]) -> tuple[str, ...]:
    """Up to ``QUOTES`` of the auditors' "what is working well", only those fit to pass on (no
    name, no case reference, nothing personal: ``safe_quote`` as the digest uses)."""
    picked: list[str] = []
    for answer in answers:
        quote = safe_quote(str(answer.get(WORKING_WELL) or ""), allowed_case_pattern=case_reference)
        if quote and quote not in picked:
            picked.append(quote)
        if len(picked) == QUOTES:
            break
    return tuple(picked)
