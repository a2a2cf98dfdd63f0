"""Realistic examples of every audit card, for the catalogue's validation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

from cards import audit
from cards import text_audits as text
from cards.base import Json
from services.templates import TemplateLibrary
from views.audits import (
    MAX_ACTIONS,
    ActionLine,
    AssignmentSummary,
    AuditPage,
    EscalationAlert,
    GradeLine,
    LateArrival,
    ModerationForm,
    ModeratorNeeded,
    ReflectionForm,
    ReflectionSummary,
    RoundReport,
    RoundStartForm,
    RowProblem,
    SubmittedAudit,
    Task,
    TeamAudit,
    action_ids,
)

SUMMARY = AssignmentSummary(
    id=42,
    case_ref="LCS100234",
    team_name="Riverside Locality Team",
    practitioner_name="Sam Okafor",
    auditor_name="Alex Morgan",
    template_title="Standard collaborative audit",
    due_date=date(2026, 2, 13),
    status="in_progress",
)
OWNERS = ((7, "Sam Okafor (practitioner)"), (3, "The team manager"), (9, "Alex Morgan (auditor)"))
SUBMITTED_AT = datetime(2026, 2, 10, 14, 5, tzinfo=UTC)


def _reflection(library: TemplateLibrary) -> ReflectionSummary:
    return ReflectionSummary(
        library.get("practitioner-reflection"),
        {
            "did_well": "Built trust with mum through weekly visits; she now calls when things get hard.",
            "worried_about": "Dad's drinking at weekends and the children's school attendance in winter.",
            "difference_made": "Attendance is up from 72% to 91% this term; school confirms it.",
            "practitioner_scale": 6,
        },
        SUBMITTED_AT,
    )


def _submitted(library: TemplateLibrary, moderation: str = "not selected") -> SubmittedAudit:
    template = library.get("standard-collaborative-audit")
    scale = template.overall_grade_question.grade_scale if template.overall_grade_question else None
    moderated = moderation == "moderated"
    return SubmittedAudit(
        assignment=SUMMARY,
        template=template,
        answers={
            "worries": "Weekend drinking; the plan does not say who checks in on Saturdays.",
            "working_well": "Mum and the school work together; the child's views are in her own words.",
            "needs_to_happen": "Safety plan names a Saturday contact from the network.",
            "auditor_scale": 6,
        },
        grades=(
            GradeLine("Assessment", "assessment_grade", "good", "Analysis weighs worries and strengths.", scale=scale),
            GradeLine(
                "Planning",
                "planning_grade",
                "inadequate",
                "No contingency for weekends; the child has no copy of the plan.",
                moderated_grade="requires_improvement" if moderated else None,
                moderation_outcome="raised" if moderated else None,
                moderation_rationale="Contingency exists in the core group minutes." if moderated else None,
                scale=scale,
            ),
            GradeLine("Overall judgement and safeguarding", "overall_grade", "requires_improvement", None, scale=scale),
        ),
        actions=(
            ActionLine("Add a Saturday safety contact to the plan with the family", "Sam Okafor", date(2026, 3, 6)),
        ),
        submitted_at=SUBMITTED_AT,
        reflection=_reflection(library),
        moderation=moderation,
        practitioner_comment="I agree; the weekend plan was in the core group notes." if moderated else None,
    )


def audit_examples() -> Iterator[tuple[str, Json]]:
    library = TemplateLibrary.from_folder()
    standard = library.get("standard-collaborative-audit")
    yield "audit_invitation", audit.invitation_card(SUMMARY)
    for template in library:
        if template.kind != "audit":
            continue
        for number in range(len(template.sections)):
            yield (
                f"audit_page_{template.key}_{number}",
                audit.page_card(AuditPage(SUMMARY, template, number, {}, owners=OWNERS)),
            )
    filled = {
        "assessment_in_timescale": "no",
        "child_seen_and_spoken_to": "yes",
        "assessment_grade": "inadequate",
        "assessment_grade__evidence": "Assessment of 3 March, analysis section.",
    }
    errors = {
        "assessment_shared": "Please answer this question.",
        "assessment_grade__rationale": "An Inadequate grade needs a rationale that cites the evidence.",
    }
    yield (
        "audit_page_with_errors",
        audit.page_card(AuditPage(SUMMARY, standard, 2, filled, errors, OWNERS, notice="Draft saved.")),
    )
    actions = {
        "action_1_what": "Add a Saturday safety contact to the plan with the family",
        "action_1_owner": "7",
        "action_1_due": "2026-03-06",
        "action_2_what": "Share the assessment with dad",
    }
    action_errors = {"action_2_owner": "Choose who owns this action.", "action_2_due": "Choose a due date."}
    section_count = len(standard.sections)
    yield (
        "audit_actions_page",
        audit.page_card(AuditPage(SUMMARY, standard, section_count, actions, action_errors, OWNERS)),
    )
    # The most actions an audit can hold, each as long as allowed: the card stays under Teams' size.
    longest: dict[str, str] = {}
    for row in range(1, MAX_ACTIONS + 1):
        what, owner, due = action_ids(row)
        longest |= {
            what: ("Agree the Saturday safety contact with the family; " * 40)[:2000],
            owner: "7",
            due: "2026-03-06",
        }
    yield (
        "audit_actions_page_full",
        audit.page_card(AuditPage(SUMMARY, standard, section_count, longest, {}, OWNERS, notice="Draft saved.")),
    )
    yield (
        "audit_review_all_actions",
        audit.page_card(AuditPage(SUMMARY, standard, section_count + 1, longest, {}, OWNERS, _reflection(library))),
    )
    draft = {
        **actions,
        "assessment_grade": "good",
        "planning_grade": "inadequate",
        "overall_grade": "requires_improvement",
    }
    yield (
        "audit_review_with_reflection",
        audit.page_card(
            AuditPage(SUMMARY, standard, section_count + 1, draft, {}, OWNERS, _reflection(library), "audit-42-x")
        ),
    )
    yield "audit_review_no_reflection", audit.page_card(AuditPage(SUMMARY, standard, section_count + 1, {}, {}, OWNERS))
    yield "audit_submitted", audit.submitted_card(_submitted(library, "awaiting moderation"))
    yield "audit_submitted_practitioner", audit.submitted_card(_submitted(library), viewer="practitioner")
    yield "audit_outcome_moderated", audit.outcome_card(_submitted(library, "moderated"))
    yield "audit_outcome_auditor", audit.outcome_card(_submitted(library, "moderated"), for_practitioner=False)
    yield "audit_late_family", audit.late_arrival_card(LateArrival(42, "LCS100234"))
    yield "audit_late_partner", audit.late_arrival_card(LateArrival(42, "LCS400001", agency="health"))
    reflection_template = library.get("practitioner-reflection")
    yield "audit_reflection", audit.reflection_card(ReflectionForm(SUMMARY, reflection_template, {}))
    yield (
        "audit_reflection_errors",
        audit.reflection_card(
            ReflectionForm(
                SUMMARY,
                reflection_template,
                {"did_well": "Call mum on 07700 900123", "practitioner_scale": "6"},
                {
                    "did_well": "Please remove what looks like a phone number (\u201c07700 900123\u201d).",
                    "worried_about": "Please answer this question.",
                },
            )
        ),
    )
    yield "audit_reflection_done", audit.reflection_done_card("LCS100234", _reflection(library))
    yield "audit_moderation", audit.moderation_card(ModerationForm(_submitted(library, "awaiting moderation")))
    yield (
        "audit_moderation_errors",
        audit.moderation_card(
            ModerationForm(
                _submitted(library, "awaiting moderation"),
                {"moderated_planning_grade": "good"},
                {"moderation_rationale_planning_grade": "Explain why you changed the grade."},
            )
        ),
    )
    for reason, grades in (("grade", ("Inadequate", "Outstanding")), ("sample", ())):
        yield (
            f"audit_moderator_needed_{reason}",
            audit.moderator_needed_card(
                ModeratorNeeded(
                    "LCS100234",
                    "Riverside Locality Team",
                    "Standard collaborative audit",
                    "Alex Morgan",
                    "Sam Okafor",
                    reason,
                    grades,
                    SUBMITTED_AT,
                )
            ),
        )
    yield (
        "audit_escalation",
        audit.escalation_card(
            EscalationAlert(
                "LCS100234",
                "Riverside Locality Team",
                "Alex Morgan",
                "Sam Okafor",
                "Have you found an immediate safeguarding concern that needs action now?",
                "Unexplained bruising recorded on 4 Feb with no strategy discussion on file.",
                SUBMITTED_AT,
            )
        ),
    )
    yield (
        "audit_tasks",
        audit.tasks_card(
            [
                Task("audit", 42, "LCS100234", "Audit in progress", date(2026, 2, 13)),
                Task("reflection", 43, "LCS100511", "Reflection to write", date(2026, 2, 13)),
                Task("moderation", 17, "EHM20931", "Audit to moderate", None),
            ]
        ),
    )
    yield (
        "audit_tasks_qa_lead_waiting_for_a_moderator",
        audit.tasks_card(
            [
                Task("no moderator", 18, "EHM20944", text.TASK_NO_MODERATOR, None, text.TASK_NO_MODERATOR_HINT),
                Task("moderation", 19, "LCS100802", text.TASK_MODERATION, None, text.TASK_UNASSIGNED),
            ]
        ),
    )
    yield "audit_tasks_empty", audit.tasks_card([])
    yield (
        "audit_team_audits",
        audit.team_audits_card(
            [
                TeamAudit(
                    42,
                    "LCS100234",
                    "Riverside Locality Team",
                    "Alex Morgan",
                    "completed",
                    date(2026, 2, 13),
                    "good",
                    "Good",
                ),
                TeamAudit(
                    43,
                    "LCS100511",
                    "Riverside Locality Team",
                    "Dana Marsh",
                    "moderation",
                    date(2026, 2, 13),
                    "inadequate",
                    "Inadequate",
                ),
                TeamAudit(44, "LCS100720", "Riverside Locality Team", "Alex Morgan", "in_progress", date(2026, 2, 27)),
                TeamAudit(
                    45,
                    "EHM20944",
                    "Riverside Locality Team",
                    "Omar Haddad",
                    "moderation",
                    date(2026, 2, 13),
                    "outstanding",
                    "Outstanding",
                    no_moderator=True,
                ),
            ]
        ),
    )
    yield "audit_team_audits_empty", audit.team_audits_card([])
    templates = tuple((t.id, t.title) for t in library.latest() if t.kind == "audit")
    yield "audit_round_start", audit.round_start_card(RoundStartForm(templates, date(2026, 2, 27)))
    yield (
        "audit_round_start_errors",
        audit.round_start_card(
            RoundStartForm(
                templates, date(2026, 2, 27), {"due_date": "2025-01-01"}, {"due_date": "The due date is in the past."}
            )
        ),
    )
    yield (
        "audit_round_report",
        audit.round_report_card(
            RoundReport(
                5,
                "Standard collaborative audit",
                date(2026, 2, 27),
                (1, 2, 3),
                (
                    RowProblem(3, "no team called Riverbank."),
                    RowProblem(5, "LCS12 is not a case reference in the expected format."),
                ),
            )
        ),
    )
