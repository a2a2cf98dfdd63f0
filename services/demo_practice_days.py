"""Demo practice days for the fictional organisation (``python -m qop demo load``): one held in
Locality social work about four weeks ago, its four audits submitted and graded, with the actions
they raised, closed with its summary and its place in the QA calendar; and one planned in about
four weeks, its pairs ready. Both are planned by Helen Carrow, the area's senior manager; the
playground's user sees them with ``demo role senior manager`` then ``practice days``.

Dates are relative to the day the demo is loaded, like the other demo parts. The past day goes
through the real planning, start and close, on a clock set to that day and sending nothing (its
cards would be a month late); its audits' answers are written as the digest's demo writes them.
Nothing is drawn at random, so the summary is the same on every database. Loading again adds
nothing (the area has practice days already).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from services import working_time
from services.audits.notify import AuditNotifier
from services.audits.parts import Audits
from services.audits.practice_days import PracticeDays
from services.audits.reading import action_source_ref
from services.audits.rounds import Rounds
from services.clock import FrozenClock
from services.digest.builder import AUDIT_TEMPLATE, WORKING_WELL, Vocabulary
from services.digest.sample import STAGES, AuditResult, add_action, add_submission
from storage.db import transaction
from storage.models import AuditRound, AuditStatus, Person, PracticeDay, ServiceArea
from storage.repositories import practice_days as day_rows
from views.practice_days import PlanRequest

DEMO_AREA = "Locality social work"
PLANNER = "helen.carrow@northshire.example"
HELD_WORKING_DAYS_AGO = 20
PLANNED_IN_WORKING_DAYS = 20
ACTIONS_DUE_IN_WORKING_DAYS = 25
"""From the day: the actions it raised fall due about a week after the demo is loaded."""
AUDITED_AT = time(14, 0)
CLOSED_AT = time(17, 0)


@dataclass(frozen=True)
class DemoPair:
    """A case of the day (by reference only), its team and practitioner, and who audits it."""

    case_ref: str
    team: str
    practitioner: str
    auditor: str

    def line(self) -> str:
        """As the planner types it on the plan card, with the auditor chosen."""
        return f"{self.case_ref}, {self.team}, {self.practitioner}, {self.auditor}"


@dataclass(frozen=True)
class DemoAudit:
    pair: DemoPair
    overall: str
    working_well: str
    themes: str
    """One letter per "across the record" statement of the audit template, in order: y(es),
    p(artly), n(o)."""
    weaker_stages: dict[str, str] = field(default_factory=dict)
    """Stage grades other than good."""
    action: str | None = None
    """The action the audit raised, owned by the practitioner."""


HELD = (
    DemoAudit(
        DemoPair(
            "LCS310101",
            "Riverside Locality Team",
            "sam.okafor@northshire.example",
            "gareth.pennick@northshire.example",
        ),
        "good",
        "The safety plan was written with the family and uses their own words.",
        "yyypyyn",
        {"review": "requires_improvement"},
        "Hold the review the plan promised and record the family's scaling.",
    ),
    DemoAudit(
        DemoPair("LCS310102", "Riverside Locality Team", "jo.pritchard@northshire.example", "isaiahl@example.com"),
        "outstanding",
        "The child's views are recorded in their own words and shaped every decision.",
        "yyyyyyp",
        {"contact_referral": "outstanding", "planning": "outstanding"},
    ),
    DemoAudit(
        DemoPair(
            "LCS310103",
            "Moorside Locality Team",
            "leah.brannigan@northshire.example",
            "tom.reddaway@northshire.example",
        ),
        "requires_improvement",
        "The family network meeting brought in grandparents who now share the care.",
        "ypypnpn",
        {"assessment": "requires_improvement", "management_oversight": "requires_improvement"},
        "Write a danger statement and safety goal with the family.",
    ),
    DemoAudit(
        DemoPair("LCS310104", "Moorside Locality Team", "pattif@example.com", "meganb@example.com"),
        "good",
        "Clear management oversight, with the reasons for each decision written down.",
        "yypyyyn",
        {"planning": "requires_improvement"},
        "Ask the family for feedback on the plan and record what they say.",
    ),
)
PLANNED = (
    DemoPair("LCS310201", "Riverside Locality Team", "alexw@example.com", "gareth.pennick@northshire.example"),
    DemoPair(
        "LCS310202", "Riverside Locality Team", "jo.pritchard@northshire.example", "priya.holloway@northshire.example"
    ),
    DemoPair("LCS310203", "Moorside Locality Team", "leah.brannigan@northshire.example", "isaiahl@example.com"),
)
ANSWERS = {"y": "yes", "p": "partly", "n": "no"}


async def load_demo_practice_days(audits: Audits) -> int:
    """Hold last month's demo practice day and plan next month's, once; returns how many days were
    added (0 when the area has practice days already, or the demo organisation is not loaded)."""
    context = audits.context
    async with context.sessions() as session:
        planner_id = await session.scalar(select(Person.id).where(Person.email == PLANNER))
        area_id = await session.scalar(select(ServiceArea.id).where(ServiceArea.name == DEMO_AREA))
        if planner_id is None or area_id is None:
            return 0
        if await day_rows.latest_days(session, area_ids=[area_id], planner_id=planner_id, limit=1):
            return 0
    today = context.today()
    held_on = working_time.add_working_days(today, -HELD_WORKING_DAYS_AGO)
    then = FrozenClock(datetime.combine(held_on, AUDITED_AT, tzinfo=context.time_zone))
    on_the_day = _practice_days_as_of(audits, then)
    held = await on_the_day.plan(planner_id, _request(held_on, area_id, [audit.pair for audit in HELD]))
    await _audits_submitted(audits, held.day_id, then.now())
    then.set(datetime.combine(held_on, CLOSED_AT, tzinfo=context.time_zone))
    await on_the_day.close(held.day_id)
    planned_on = working_time.add_working_days(today, PLANNED_IN_WORKING_DAYS)
    await audits.practice_days.plan(planner_id, _request(planned_on, area_id, list(PLANNED)))
    return 2


def _practice_days_as_of(audits: Audits, clock: FrozenClock) -> PracticeDays:
    """The practice days service living on ``clock``'s day, sending no card (the day is history)."""
    context = replace(audits.context, clock=clock, notifier=AuditNotifier(None))
    rounds = Rounds(context, case_reference_pattern=audits.rounds.case_reference.pattern)
    return PracticeDays(context, rounds)


def _request(held_on: date, area_id: int, pairs: list[DemoPair]) -> PlanRequest:
    """The plan card's answers: the standard audit, each case with the auditor chosen for it."""
    return PlanRequest(
        held_on=held_on,
        service_area_id=area_id,
        template_id=AUDIT_TEMPLATE,
        cases_csv="\n".join(pair.line() for pair in pairs),
        auditor_ids=(),
        auditor_emails=tuple(dict.fromkeys(pair.auditor for pair in pairs)),
    )


async def _audits_submitted(audits: Audits, day_id: int, first_at: datetime) -> None:
    """Every audit of the day answered, graded and submitted in the afternoon (half an hour apart),
    with the action each raised."""
    async with transaction(audits.context.sessions) as session:
        day = await session.get(PracticeDay, day_id)
        assert day is not None and day.round_id is not None, "the demo's pairs are all valid"
        audit_round = await session.get(AuditRound, day.round_id)
        assert audit_round is not None
        assigned = {a.case_ref: a for a, _ in await day_rows.round_audits(session, day.round_id)}
        themes = list(Vocabulary.from_library(audits.context.templates).theme_titles)
        for number, audit in enumerate(HELD):
            assignment = assigned[audit.pair.case_ref]
            submitted_at = first_at + timedelta(minutes=30 * number)
            assignment.status = AuditStatus.COMPLETED.value
            await add_submission(
                session,
                assignment.id,
                AuditResult(
                    team_id=assignment.team_id or 0,
                    practitioner_id=assignment.practitioner_id,
                    auditor_id=assignment.auditor_id,
                    submitted_at=submitted_at,
                    due_date=assignment.due_date,
                    overall=audit.overall,
                    stages={stage: audit.weaker_stages.get(stage, "good") for stage in STAGES},
                    answers={WORKING_WELL: audit.working_well, **_themes(themes, audit.themes)},
                    case_ref=assignment.case_ref,
                    template_id=audit_round.template_id,
                    template_version=audit_round.template_version,
                ),
            )
            if audit.action is not None:
                await add_action(
                    session,
                    owner_id=assignment.practitioner_id,
                    description=audit.action,
                    created_at=submitted_at,
                    due_date=working_time.add_working_days(day.held_on, ACTIONS_DUE_IN_WORKING_DAYS),
                    case_reference=assignment.case_ref,
                    source_ref=action_source_ref(assignment.id),
                )


def _themes(questions: list[str], letters: str) -> dict[str, str]:
    """The "across the record" answers, one letter per question of the template's, in order."""
    return {question: ANSWERS[letter] for question, letter in zip(questions, letters, strict=True)}
