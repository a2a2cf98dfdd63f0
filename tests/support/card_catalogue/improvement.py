"""Realistic examples of every improvement plan, client feedback and celebrated practice card,
for the card catalogue."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

from cards import improvement, learning
from cards.base import Json
from views.improvement import (
    ClientFeedbackView,
    FieldChange,
    LinkedActionView,
    MilestoneView,
    PlanChangeView,
    PlanView,
    PracticeExampleView,
    PriorityView,
    ThemeCount,
)

TODAY = date(2026, 5, 11)
VOICE = PriorityView(
    id=3,
    title="The child's voice is heard in every plan",
    rationale=(
        "Audits in Q1 found the child's views recorded in fewer than half of plans; the staff survey and two "
        "practice days named direct work tools as the gap."
    ),
    owner_name="Rachel Dunmore",
    owner_email="rachel.dunmore@northshire.example",
    impact_evidence="Audits show the child's views in 80% of plans by Q4; feedback from children says they were asked.",
    status="active",
    updated_at=datetime(2026, 5, 4, 10, 30, tzinfo=UTC),
    milestones=(
        MilestoneView(11, "Direct work toolkit launched at the practice day", date(2026, 4, 30), True, False),
        MilestoneView(12, "Every team manager checks the child's views in supervision", date(2026, 5, 8), False, True),
        MilestoneView(13, "Themed audit of the child's voice", date(2026, 7, 31), False, False),
    ),
    actions=(
        LinkedActionView(41, "Refresh the direct work training", "Grace Okonjo", date(2026, 6, 30), "open", False),
        LinkedActionView(
            42, "Add the child's views to the plan template", "Tariq Mendes", date(2026, 4, 1), "done", True
        ),
    ),
)
SUPERVISION = PriorityView(
    id=4,
    title="Management oversight is recorded at every key decision",
    rationale="",
    owner_name="Imran Qadir",
    owner_email="imran.qadir@northshire.example",
    impact_evidence="",
    status="active",
    updated_at=datetime(2026, 5, 4, 10, 30, tzinfo=UTC),
)


def improvement_examples() -> Iterator[tuple[str, Json]]:
    yield "improvement_plan", improvement.plan_card(PlanView((VOICE, SUPERVISION), can_change=True))
    yield "improvement_plan_read_only", improvement.plan_card(PlanView((VOICE,), can_change=False))
    yield "improvement_plan_empty", improvement.plan_card(PlanView((), can_change=True))
    many = tuple(PriorityView(**{**SUPERVISION.__dict__, "id": n, "title": f"Priority {n}"}) for n in range(12))
    yield "improvement_plan_long", improvement.plan_card(PlanView(many, can_change=True))
    yield (
        "improvement_priority_saved",
        improvement.priority_card(VOICE, message="Saved: The child's voice is heard in every plan.", can_change=True),
    )
    yield "improvement_form_new", improvement.priority_form_card(None, today=TODAY)
    yield "improvement_form_edit", improvement.priority_form_card(VOICE, today=TODAY)
    yield (
        "improvement_form_problems",
        improvement.priority_form_card(
            None,
            today=TODAY,
            errors={
                "owner_email": "A priority needs an owner: their e-mail.",
                "action_ids": "There is no action number 99.",
            },
            values={"title": "Timely assessments", "action_ids": "99"},
        ),
    )
    yield (
        "improvement_history",
        improvement.history_card(
            VOICE,
            [
                PlanChangeView(
                    datetime(2026, 4, 2, 9, 0, tzinfo=UTC),
                    "Fiona Latchford",
                    "created",
                    (FieldChange("title", "", VOICE.title), FieldChange("owner", "", VOICE.owner_email)),
                ),
                PlanChangeView(
                    datetime(2026, 5, 4, 10, 30, tzinfo=UTC),
                    "Rachel Dunmore",
                    "updated",
                    (FieldChange("milestones reached", "", "Direct work toolkit launched at the practice day"),),
                ),
            ],
        ),
    )
    yield "improvement_history_empty", improvement.history_card(SUPERVISION, [])


def learning_examples() -> Iterator[tuple[str, Json]]:
    teams = ["Front Door", "Riverside Locality Team", "Children in Care Team"]
    yield "client_feedback_form", learning.client_feedback_form_card(teams, today=TODAY)
    yield (
        "client_feedback_form_problems",
        learning.client_feedback_form_card(
            teams,
            today=TODAY,
            errors={"themes": "Give one to eight themes, separated by commas."},
            values={"kind": "complaint", "team": "Front Door", "case_reference": "LCS123456"},
        ),
    )
    logged = ClientFeedbackView(7, "compliment", "Riverside Locality Team", TODAY, ("communication",), None, "")
    themes = [ThemeCount("communication", 4, 2), ThemeCount("timeliness", 0, 3)]
    yield "client_feedback_logged", learning.client_feedback_logged_card(logged, themes)
    yield "client_feedback_logged_first", learning.client_feedback_logged_card(logged, [])
    yield "practice_nomination_form", learning.nomination_form_card(teams)
    yield (
        "practice_nomination_problems",
        learning.nomination_form_card(
            teams,
            errors={"description": "Please remove the case reference: a celebrated example must not point to a child."},
            values={"team": "Front Door", "source": "audit", "description": "See LCS123456"},
        ),
    )
    example = PracticeExampleView(
        3,
        "Children in Care Team",
        "audit",
        "The worker used a three houses tool with a nine-year-old and the child's words shaped the plan.",
        TODAY,
    )
    yield (
        "practice_celebrated",
        learning.celebrated_card([example], message="Thank you: this example is now celebrated."),
    )
    yield "practice_celebrated_empty", learning.celebrated_card([])
