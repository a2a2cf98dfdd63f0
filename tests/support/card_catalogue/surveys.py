"""Realistic examples of every survey card, for the card catalogue."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime

from cards.base import Json
from cards.surveys import (
    my_surveys_card,
    send_survey_card,
    survey_answer_form,
    survey_invitation,
    survey_results_card,
    survey_started,
    survey_thanks,
)
from services.templates import TemplateLibrary
from views.surveys import (
    AudienceChoices,
    Comments,
    GroupResult,
    QuestionSummary,
    StartedSurvey,
    SurveyResults,
    SurveyView,
)


def survey_examples() -> Iterator[tuple[str, Json]]:
    """Realistic examples of every survey card."""
    library = TemplateLibrary.from_folder()
    pulse = library.get("staff-pulse")
    closes = datetime(2026, 1, 30, 23, 59, tzinfo=UTC)
    view = SurveyView(12, "Staff pulse survey - January", pulse, True, closes, 5)
    yield "survey_invitation", survey_invitation(view)
    yield "survey_reminder", survey_invitation(view, reminder=True)
    yield (
        "survey_answer_problems",
        survey_answer_form(
            view,
            values={"workload": "agree"},
            problems={"My wellbeing is looked after at work.": "Please answer this question."},
        ),
    )
    yield "survey_thanks", survey_thanks(view)
    choices = AudienceChoices(
        templates=[pulse, library.get("partner-agency")],
        teams=[(1, "Riverside Locality Team"), (2, "Hillside Children in Care Team")],
        service_areas=[(1, "Children in Care")],
    )
    yield "survey_send", send_survey_card(choices, today=date(2026, 1, 12), min_group_size=5)
    yield "survey_started", survey_started(StartedSurvey(view, 42, ("someone@elsewhere.example",)))
    shown = GroupResult(
        "Riverside Locality Team",
        8,
        6,
        True,
        tuple(QuestionSummary(q.text, "67% agree (4 of 6 with a view)") for q in pulse.questions()),
    )
    comments = Comments(
        "What one thing would make the biggest difference to your work?",
        ("Fewer forms on a Friday.", "More time for direct work with children."),
        not_shown=3,
        withheld=1,
    )
    shown = replace(shown, comments=(comments,))
    hidden = GroupResult("Hillside Children in Care Team", 7, 3, False)
    overall = GroupResult("Everyone", 15, 9, True, shown.questions)
    results = SurveyResults(view, 15, 9, overall, (hidden, shown))
    yield "survey_results", survey_results_card(results)
    yield "survey_results_reminded", survey_results_card(results, reminded=6)
    yield "my_surveys", my_surveys_card([view])
    yield "my_surveys_none", my_surveys_card([])
