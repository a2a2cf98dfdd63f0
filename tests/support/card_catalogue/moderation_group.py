"""Realistic examples of every moderation group card."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from cards import moderation_group as cards
from cards import text_moderation_group as text
from cards.base import Json
from services.templates import TemplateLibrary
from tests.support.card_catalogue.audits import _submitted
from views.moderation_group import (
    AuditChoice,
    CloseForm,
    GroupAudit,
    GroupMember,
    MeetingList,
    MeetingSummary,
    MeetingView,
    MemberChoice,
    OutcomeForm,
    OutcomeNotice,
    ScheduleForm,
)
from views.observations import Choice

MEMBERS = (
    MemberChoice(14, "Rachel Dunmore", "head_of_service"),
    MemberChoice(16, "Grace Okonjo", "principal_social_worker"),
    MemberChoice(17, "Martin Hale", "iro_manager"),
)
AUDITS = (
    AuditChoice(41, "LCS204117", "Moorside Locality Team", "Good", date(2026, 1, 28)),
    AuditChoice(42, "LCS198820", "Riverside Locality Team", "Inadequate", date(2026, 1, 30)),
    AuditChoice(43, "EHM55012", "Early Help North", None, date(2026, 2, 2)),
)
OFSTED = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
}
AREAS = (Choice("1", "First Contact"), Choice("3", "Locality social work"))


def _meeting(*, closed: bool = False, recorded: bool = False) -> MeetingView:
    return MeetingView(
        id=5,
        meets_on=date(2026, 2, 16),
        cadence_months=2,
        members=tuple(GroupMember(m.name, m.role) for m in MEMBERS),
        audits=(
            GroupAudit(
                41,
                "LCS204117",
                "Moorside Locality Team",
                "Standard collaborative audit",
                "good",
                agreed_grade="requires_improvement" if recorded else None,
                outcome="lowered" if recorded else None,
                themes=("child_voice", "family_feedback") if recorded else (),
                learning="The child's wishes are recorded but not what changed because of them." if recorded else None,
                grade_labels=OFSTED,
            ),
            GroupAudit(
                42,
                "LCS198820",
                "Riverside Locality Team",
                "Standard collaborative audit",
                "inadequate",
                grade_labels=OFSTED,
            ),
        ),
        themes=("child_voice", "analytic_recording") if closed else (),
        notes="Voice is recorded well; what it changed is not." if closed else None,
        closed=closed,
        calendar_due_on=date(2026, 2, 18),
        viewer_may_close=not closed,
        next_meeting_on=date(2026, 4, 16),
    )


def moderation_group_examples() -> Iterator[tuple[str, Json]]:
    library = TemplateLibrary.from_folder()
    yield "moderation_group_schedule", cards.schedule_card(ScheduleForm(MEMBERS, AUDITS, AREAS, date(2026, 2, 18), "k"))
    yield (
        "moderation_group_schedule_errors",
        cards.schedule_card(
            ScheduleForm(
                (),
                (),
                AREAS,
                date(2026, 2, 18),
                "k",
                {"meets_on": "2026-01-02", "sample_size": "40", "service_area": "3"},
                {
                    "meets_on": text.DATE_PASSED,
                    "members": text.MEMBERS_NEEDED,
                    "sample_size": text.SAMPLE_INVALID.format(most=30),
                },
            )
        ),
    )
    yield "moderation_group_scheduled", cards.scheduled_card(_meeting())
    yield "moderation_group_invitation", cards.invitation_card(_meeting())
    yield "moderation_group_meeting_in_progress", cards.meeting_card(_meeting(recorded=True))
    yield "moderation_group_meeting_closed", cards.meeting_card(_meeting(recorded=True, closed=True))
    yield "moderation_group_audit", cards.group_audit_card(_submitted(library), 5)
    yield (
        "moderation_group_outcome",
        cards.outcome_form_card(OutcomeForm(5, _submitted(library), "good", grade_labels=OFSTED)),
    )
    yield (
        "moderation_group_outcome_errors",
        cards.outcome_form_card(
            OutcomeForm(
                5,
                _submitted(library),
                "good",
                {"agreed_grade": "inadequate", "themes": "child_voice", "learning": ""},
                {"learning": text.RATIONALE_NEEDED},
                grade_labels=OFSTED,
            )
        ),
    )
    yield "moderation_group_close", cards.close_form_card(CloseForm(_meeting(recorded=True)))
    yield (
        "moderation_group_close_errors",
        cards.close_form_card(
            CloseForm(_meeting(recorded=True), {"notes": "Good"}, {"themes": text.MEETING_THEMES_NEEDED})
        ),
    )
    yield (
        "moderation_group_outcome_notice",
        cards.outcome_notice_card(
            OutcomeNotice(
                41,
                "LCS204117",
                date(2026, 2, 16),
                "good",
                "requires_improvement",
                "lowered",
                ("child_voice", "family_feedback"),
                "The child's wishes are recorded but not what changed because of them.",
                grade_labels=OFSTED,
            )
        ),
    )
    yield (
        "moderation_group_list",
        cards.meetings_card(
            MeetingList(
                (MeetingSummary(6, date(2026, 4, 16), 6, 0, False), MeetingSummary(5, date(2026, 2, 16), 2, 2, True)),
                True,
            )
        ),
    )
    yield "moderation_group_list_empty", cards.meetings_card(MeetingList((), False))
