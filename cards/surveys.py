"""Staff and partner survey cards: the invitation (the form itself), sending, results, 'my surveys'."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from microsoft_teams.cards import Choice as CardChoice
from microsoft_teams.cards import (
    ChoiceSetInput,
    Column,
    ColumnSet,
    DateInput,
    RichTextBlock,
    TextBlock,
    TextInput,
    TextRun,
)

from cards import text_feedback as text
from cards import verbs
from cards.base import Json, action_row, card, execute, facts, heading, paragraph, title
from cards.feedback import format_day, survey_form
from views.surveys import AudienceChoices, Comments, GroupResult, StartedSurvey, SurveyResults, SurveyView


def survey_invitation(view: SurveyView, *, reminder: bool = False) -> Json:
    """The survey arrives as its own form, ready to answer in the chat."""
    note = " ".join(
        part
        for part in (
            text.SURVEY_REMINDER if reminder else "",
            text.SURVEY_CLOSES.format(day=format_day(view.closes_at)),
            text.SURVEY_ANONYMOUS if view.anonymous else text.SURVEY_NAMED,
        )
        if part
    )
    return survey_form(view.template, verb=verbs.SURVEY_ANSWER, data={"survey_id": view.survey_id}, note=note)


def survey_answer_form(
    view: SurveyView, *, values: dict[str, Any] | None = None, problems: dict[str, str] | None = None
) -> Json:
    return survey_form(
        view.template,
        verb=verbs.SURVEY_ANSWER,
        data={"survey_id": view.survey_id},
        note=text.SURVEY_CLOSES.format(day=format_day(view.closes_at)),
        values=values,
        problems=problems,
    )


def survey_thanks(view: SurveyView) -> Json:
    survey = view.template.survey
    return card([heading(text.SURVEY_THANKS_TITLE), paragraph(survey.thanks if survey else "")])


def send_survey_card(choices: AudienceChoices, *, today: date, min_group_size: int) -> Json:
    body: list[Any] = [
        title(text.SURVEY_SEND_TITLE),
        paragraph(text.SURVEY_SEND_INTRO.format(k=min_group_size)),
        ChoiceSetInput(
            id="template",
            label=text.SURVEY_SEND_TEMPLATE,
            style="expanded",
            is_required=True,
            error_message="Choose a survey.",
            choices=[
                CardChoice(title=f"{t.title} ({t.survey.respondent if t.survey else ''})", value=t.id)
                for t in choices.templates
            ],
        ),
    ]
    if choices.teams:
        body.append(_multi("team_ids", text.SURVEY_SEND_TEAMS, choices.teams))
    if choices.service_areas:
        body.append(_multi("service_area_ids", text.SURVEY_SEND_AREAS, choices.service_areas))
    body += [
        TextInput(id="emails", label=text.SURVEY_SEND_PEOPLE, placeholder="name@council.gov.uk", max_length=4000),
        DateInput(
            id="closes_on",
            label=text.SURVEY_SEND_CLOSES,
            is_required=True,
            error_message="Choose the day the survey closes.",
            min=today.isoformat(),
        ),
    ]
    return card(body, [execute(text.SURVEY_SEND_BUTTON, verbs.SURVEY_SEND)])


def _multi(input_id: str, label: str, options: Sequence[tuple[int, str]]) -> ChoiceSetInput:
    return ChoiceSetInput(
        id=input_id,
        label=label,
        is_multi_select=True,
        style="compact",
        choices=[CardChoice(title=name, value=str(option_id)) for option_id, name in options],
    )


def survey_started(started: StartedSurvey) -> Json:
    view = started.view
    body: list[Any] = [
        heading(text.SURVEY_STARTED_TITLE),
        paragraph(
            text.SURVEY_STARTED_BODY.format(
                id=view.survey_id, title=view.title, count=started.invited, day=format_day(view.closes_at)
            )
        ),
        paragraph(text.SURVEY_ANONYMOUS if view.anonymous else text.SURVEY_NAMED, subtle=True),
    ]
    if started.unknown_emails:
        body.append(paragraph(text.SURVEY_UNKNOWN_EMAILS.format(emails=", ".join(started.unknown_emails))))
    return card(body, _owner_actions(view.survey_id))


def survey_results_card(results: SurveyResults, *, reminded: int | None = None) -> Json:
    view = results.view
    body: list[Any] = [title(text.SURVEY_RESULTS_TITLE.format(title=view.title))]
    if reminded is not None:
        body.append(paragraph(text.SURVEY_REMINDED.format(count=reminded), spacing="None"))
    body += [
        paragraph(
            f"S{view.survey_id}. {text.SURVEY_CLOSES.format(day=format_day(view.closes_at))} "
            + (text.SURVEY_ANONYMOUS if view.anonymous else ""),
            subtle=True,
        ),
        *_group_block(results.overall, view.min_group_size),
        heading(text.SURVEY_RESULTS_GROUPS),
    ]
    for group in results.groups:
        body += _group_block(group, view.min_group_size)
    return card(body, _owner_actions(view.survey_id))


def _group_block(group: GroupResult, threshold: int) -> list[Any]:
    counts = text.SURVEY_RESULTS_COUNTS.format(responded=group.responded, invited=group.invited)
    block: list[Any] = [
        ColumnSet(
            columns=[
                Column(width="stretch", items=[TextBlock(text=group.name, weight="Bolder", wrap=True)]),
                Column(width="auto", items=[TextBlock(text=counts, wrap=True)]),
            ],
            spacing="Medium",
            separator=True,
        )
    ]
    if not group.shown:
        block.append(paragraph(text.SURVEY_RESULTS_HIDDEN.format(k=threshold), subtle=True, spacing="None"))
    else:
        block.append(facts([(q.text, q.summary) for q in group.questions]))
        for comments in group.comments:
            block += _comments_block(comments)
    return block


def _comments_block(comments: Comments) -> list[Any]:
    # Each comment is a TextRun: Teams never reads it as markdown (it could fake a heading or a link).
    block: list[Any] = [
        TextBlock(text=text.SURVEY_COMMENTS.format(question=comments.question), weight="Bolder", wrap=True),
        paragraph(text.SURVEY_COMMENTS_NOTE, subtle=True, spacing="None"),
    ]
    block += [
        RichTextBlock(inlines=[TextRun(text=f"\u201c{comment}\u201d")], spacing="Small") for comment in comments.shown
    ]
    if comments.not_shown:
        block.append(paragraph(text.SURVEY_COMMENTS_MORE.format(count=comments.not_shown), subtle=True))
    if comments.withheld:
        block.append(paragraph(text.SURVEY_COMMENTS_WITHHELD.format(count=comments.withheld), subtle=True))
    return block


def _owner_actions(survey_id: int) -> list[Any]:
    return [
        execute(text.SURVEY_RESULTS_BUTTON, verbs.SURVEY_RESULTS, {"survey_id": survey_id}),
        execute(text.SURVEY_REMIND_BUTTON, verbs.SURVEY_REMIND, {"survey_id": survey_id}),
    ]


def my_surveys_card(views: Sequence[SurveyView]) -> Json:
    body: list[Any] = [title(text.MY_SURVEYS_TITLE)]
    if not views:
        body.append(paragraph(text.MY_SURVEYS_NONE))
    for view in views:
        body += [
            paragraph(f"**{view.title}** - {text.SURVEY_CLOSES.format(day=format_day(view.closes_at))}"),
            action_row(execute(text.MY_SURVEYS_ANSWER, verbs.SURVEY_OPEN, {"survey_id": view.survey_id})),
        ]
    return card(body)
