"""Records made through the services for the retention and person's rights tests: a moderated
audit, an audit left as a draft, actions open and done, personal chats."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from services.actions import NewAction
from services.container import Services
from services.teams_data import TeamsUser
from services.templates import TemplateLibrary
from storage.models import RoleAssignment
from tests.support.action_org import Org, give_personal_chats, make_org
from tests.support.audits import AuditOrg, family_declined, make_audit_org, send_reflection, valid_answers
from views.audits import ModerationForm, SubmittedAudit
from views.calendar import RecordSubmission
from views.observations import MappingSummary, ObservationView, rationale_input_id

STANDARD = TemplateLibrary.from_folder().get("standard-collaborative-audit")
HEADER = "case_ref,team,practitioner,auditor\n"
PRIYA, OMAR = "priya@council.example.gov.uk", "omar@council.example.gov.uk"
MAYA = "maya@council.example.gov.uk"
AUDITOR, MODERATOR = "29:user-4", "29:user-7"
MODERATED_CASE, DRAFT_CASE = "LCS100001", "LCS100002"


@dataclass(frozen=True)
class Records:
    audit_org: AuditOrg
    moderated_audit: int
    draft_audit: int
    open_action: int
    done_action: int


async def make_records(services: Services) -> Records:
    """Priya's practice audited by Omar (LCS100001, submitted and moderated), a second audit of
    hers with one page saved as a draft (LCS100002), one open and one done action she owns, and
    a 1:1 chat with qop for everyone."""
    audit_org = await make_audit_org(services.sessions)
    org = audit_org.org
    today = services.clock.now().date()
    report = await services.audits.rounds.start_round_from_csv(
        template_id=STANDARD.id,
        due_date=today + timedelta(days=30),
        csv_text=HEADER + f"{MODERATED_CASE},Riverside Locality Team,{PRIYA},{OMAR}\n"
        f"{DRAFT_CASE},Riverside Locality Team,{PRIYA},{OMAR}\n",
        actor_id=None,
    )
    moderated, draft = report.created
    for page, section in enumerate(STANDARD.sections):
        grade = "outstanding" if page == 2 else "good"  # an Outstanding stage is always moderated
        await services.audits.answering.save_page(
            AUDITOR, moderated, page=page, data=valid_answers(section, today, grade=grade), move="next"
        )
    await family_declined(services.audits, AUDITOR, moderated)
    await send_reflection(services.audits, moderated)
    submitted = await services.audits.submission.submit(AUDITOR, moderated, data={}, idempotency_key="retention-1")
    assert isinstance(submitted, SubmittedAudit)
    form = await services.audits.moderation.open_moderation(MODERATOR, moderated)
    assert isinstance(form, ModerationForm)
    agreed = {f"moderated_{line.question_id}": line.grade for line in form.audit.grades}
    assert isinstance(await services.audits.moderation.moderate(MODERATOR, moderated, agreed), SubmittedAudit)
    await services.audits.answering.save_page(
        AUDITOR, draft, page=0, data=valid_answers(STANDARD.sections[0], today), move="save"
    )

    def action(description: str) -> NewAction:
        return NewAction(
            "manual", description, org.practitioner, today + timedelta(days=14), case_reference=MODERATED_CASE
        )

    open_action = await services.actions.create(action("Update the chronology"), actor_id=org.manager)
    done_action = await services.actions.create(action("Book the family meeting"), actor_id=org.manager)
    await services.actions.mark_done(done_action.id, actor_id=org.practitioner, evidence="Held on Friday.")
    await give_personal_chats(services.sessions, "https://smba.example.invalid/")
    return Records(audit_org, moderated, draft, open_action.id, done_action.id)


def years(count: int) -> timedelta:
    return timedelta(days=366 * count)


PARENT_ANSWERS = {
    "understood_why": "agree",
    "worries_explained": "agree",
    "strengths_recognised": "agree",
    "listened_to": "agree",
    "helped_make_plan": "agree",
    "know_next_steps": "agree",
    "where_now": "7",
}
SCARED_CHILD = {"feel_at_home": "scared", "safe_at_home": "1", "worker_listens": "yes", "help_is_good": "sometimes"}


@dataclass(frozen=True)
class Feedback:
    survey_id: int
    answered_link_case: str
    alert_case: str


async def make_feedback(services: Services, records: Records) -> Feedback:
    """A staff pulse survey (closing in a week) answered by Priya and Callum; a parent's answers by
    link for LCS100001; a link never used; a child who feels scared at home, answered with Priya
    on a visit for LCS100003 (a safety alert)."""
    from services.feedback.surveys import Audience
    from tests.support.surveys import PULSE

    org = records.audit_org.org
    today = services.clock.now().date()
    survey = await services.surveys.start(
        actor_id=org.qa_lead,
        template_id="staff-pulse",
        audience=Audience(emails=(PRIYA, "callum@council.example.gov.uk", "maya@council.example.gov.uk")),
        closes_on=today + timedelta(days=7),
        send=False,
    )
    for person in (org.practitioner, org.colleague):
        await services.surveys.answer(actor_id=person, survey_id=survey.view.survey_id, submitted=PULSE)
    link = await services.feedback_links.create_link(
        creator_id=org.practitioner, case_reference=MODERATED_CASE, template_key="family-parent-carer"
    )
    await services.feedback_links.submit(link.url.rsplit("/", 1)[1], PARENT_ANSWERS)
    await services.feedback_links.create_link(
        creator_id=org.practitioner, case_reference=DRAFT_CASE, template_key="family-parent-carer"
    )
    handed_over = await services.feedback_links.submit_handover(
        actor_id="29:user-1",
        case_reference="LCS100003",
        template_key="family-child-8-12",
        version=None,
        submitted=SCARED_CHILD,
    )
    assert handed_over.alert_raised
    return Feedback(survey.view.survey_id, MODERATED_CASE, "LCS100003")


async def make_framework_records(services: Services, clock, *, mention: str = "") -> Org:  # type: ignore[no-untyped-def]
    """Maya Patel (Riverside's manager) owns an improvement priority, logs a complaint, nominates a
    practice example, observes Priya, attends a mapping meeting and records a supervision session
    whose findings name her; everything made through the services. With ``mention``, the
    observation's notes, the meeting's plan and Priya's rationale name it too."""
    from tests.services.test_improvement_plan import VOICE
    from tests.services.test_learning import COMPLAINT, EXAMPLE
    from tests.services.test_observations import meeting_data, observation_data, scaling_data

    org = await make_org(services.sessions, teams_ids=True)
    async with services.sessions() as session, session.begin():
        session.add_all(
            [
                RoleAssignment(person_id=org.qa_lead, role="qa_head_of_service"),
                RoleAssignment(person_id=org.manager, role="client_relations"),
            ]
        )
    await services.improvement.save(TeamsUser("29:user-6"), VOICE)
    await services.learning.log_client_feedback(TeamsUser("29:user-2"), COMPLAINT)
    await services.learning.nominate(TeamsUser("29:user-2"), EXAMPLE)
    named = {"what_was_seen": f"{mention} modelled the danger statement with Mum."} if mention else {}
    observation = await services.observations.record("29:user-2", observation_data(org, **named))
    assert isinstance(observation, ObservationView), observation
    team_id = (await services.mapping.start("29:user-1")).team_id
    plan = {"needs_to_happen": f"{mention} chairs a family network meeting."} if mention else {}
    rationale = {rationale_input_id(org.practitioner): f"{mention}'s plan held over Christmas."} if mention else {}
    meeting = await services.mapping.record(
        "29:user-1", {**meeting_data(org, team_id, **plan), **scaling_data(org, **rationale)}
    )
    assert isinstance(meeting, MappingSummary), meeting
    clock.set(datetime(2026, 3, 12, 10, 0, tzinfo=UTC))
    await services.qa_calendar.record(
        "supervision",
        f"manager-{org.manager}",
        date(2026, 3, 10),
        RecordSubmission("2026-03-10", f"{org.practitioner},{org.manager}", "Maya Patel agreed clearer plans.", ()),
        person_id=org.manager,
    )
    return org


QIM_CHAIR = TeamsUser("29:user-6", name="Quinn Adams")
QIM_DAY = datetime(2026, 4, 28, 9, 0, tzinfo=UTC)


async def make_qim_records(services: Services, clock, org: Org, *, mention: str = "the PSW") -> int:  # type: ignore[no-untyped-def]
    """The QIM of 28 April 2026: its chair (Quinn, made Service Director) records a decision naming
    ``mention`` and changes it two days later, and Maya writes her May update on the improvement
    priority she owns (``make_framework_records``) naming ``mention``. Returns the meeting's id."""
    from sqlalchemy import select

    from storage.models import ImprovementPriority
    from views.qim import AssuredKind

    async with services.sessions() as session, session.begin():
        session.add(RoleAssignment(person_id=org.qa_lead, role="service_director"))
        priority_id = await session.scalar(
            select(ImprovementPriority.id).where(ImprovementPriority.owner_id == org.manager)
        )
    assert priority_id is not None
    clock.set(QIM_DAY)
    meeting_id = (await services.qim.pack(QIM_CHAIR)).meeting.id
    decision = await services.qim.record_decision(QIM_CHAIR, meeting_id, f"{mention} leads a themed audit in Q3.")
    clock.set(QIM_DAY + timedelta(days=2))
    await services.qim.change_decision(QIM_CHAIR, decision.id, f"{mention} and the PSW lead a themed audit in Q3.")
    await services.assurance.record_update(
        TeamsUser("29:user-2", name="Maya Patel"),
        AssuredKind.PRIORITY,
        priority_id,
        month="2026-05",
        progress=f"Standard drafted by {mention} with the HoS.",
        rag="green",
    )
    return meeting_id
