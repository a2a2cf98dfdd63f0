"""Feedback cards: the answer form (shared by Teams and the public link page), the link with
its QR code, the hand-over, and the safety alert."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import segno
from microsoft_teams.cards import Choice as CardChoice
from microsoft_teams.cards import (
    ChoiceSetInput,
    Container,
    Image,
    OpenUrlAction,
    TextBlock,
    TextInput,
)

from cards import text_feedback as text
from cards import verbs
from cards.base import Json, card, execute, facts, heading, paragraph, title
from views.templates import Question, QuestionType, Template

DISPLAY_TIMEZONE = ZoneInfo("Europe/London")


def format_day(moment: datetime) -> str:
    """'Wednesday 9 December 2026', in UK time."""
    local = moment.astimezone(DISPLAY_TIMEZONE)
    return f"{local:%A} {local.day} {local:%B %Y}"


def format_moment(moment: datetime) -> str:
    local = moment.astimezone(DISPLAY_TIMEZONE)
    return f"{format_day(moment)}, {local:%H:%M}"


def qr_data_uri(url: str) -> str:
    """A PNG QR code as a data URI (small enough for a card; no image host needed)."""
    return segno.make(url, error="m").png_data_uri(scale=4, border=2)


# -- the answer form ------------------------------------------------------------------------------


def survey_form(
    template: Template,
    *,
    verb: str,
    data: dict[str, Any],
    note: str | None = None,
    values: dict[str, Any] | None = None,
    problems: dict[str, str] | None = None,
    more_actions: Sequence[Any] = (),
) -> Json:
    """The questions of a survey template as an Adaptive Card; the web page renders the same card.

    ``values`` refills what was typed and ``problems`` (question wording -> message) lists what
    needs another look, so a refused submission loses nothing; ``more_actions`` follow the submit
    button (a way back, in Teams)."""
    survey = template.survey
    assert survey is not None, f"{template.key} is not a survey"
    body: list[Any] = [title(template.title)]
    if note:
        body.append(paragraph(note, subtle=True, spacing="None"))
    if problems:
        body.append(TextBlock(text=text.FORM_PROBLEMS, wrap=True, color="Attention", weight="Bolder"))
        body.append(facts(sorted(problems.items())))
    body.append(paragraph(survey.intro))
    for section in template.sections:
        if len(template.sections) > 1:
            body.append(heading(section.title))
        body += [_question_input(question, (values or {}).get(question.id)) for question in section.questions]
    return card(body, [execute(survey.submit_label, verb, data), *more_actions], fallback_text=template.title)


def _question_input(question: Question, value: Any = None) -> Any:
    label = question.text if question.required else f"{question.text} (optional)"
    common: dict[str, Any] = {
        "id": question.id,
        "label": label,
        "is_required": question.required or None,
        "error_message": text.ANSWER_NEEDED if question.required else None,
        "spacing": "Large",
        "value": str(value) if value not in (None, "") else None,
    }
    if question.type == QuestionType.FREE_TEXT:
        input_: Any = TextInput(is_multiline=True, max_length=question.max_length, **common)
    else:
        # Faces and short lists as radio buttons (easiest for children); the 0-10 scale as a list.
        style = "compact" if question.type == QuestionType.SCALE else "expanded"
        choices = [CardChoice(title=label_text, value=value) for value, label_text in _choices(question)]
        input_ = ChoiceSetInput(choices=choices, style=style, wrap=True, **common)
    if question.help:
        return Container(items=[input_, TextBlock(text=question.help, wrap=True, is_subtle=True, size="Small")])
    return input_


def _choices(question: Question) -> list[tuple[str, str]]:
    pairs = list((question.allowed_values or {}).items())
    if question.type == QuestionType.SCALE and pairs:
        low, high = pairs[0], pairs[-1]
        if question.min_label:
            pairs[0] = (low[0], f"{low[1]} - {question.min_label}")
        if question.max_label:
            pairs[-1] = (high[0], f"{high[1]} - {question.max_label}")
    return pairs


def question_input(question: Question) -> Any:
    """One question as the public link pages ask it: a labelled input, required ones marked."""
    return _question_input(question)


# -- asking for and showing a link ----------------------------------------------------------------


@dataclass(frozen=True)
class TemplateOption:
    key: str
    label: str


def link_request_card(options: list[TemplateOption], *, valid_days: int, case_reference: str = "") -> Json:
    """Ask which case and which form, when `feedback link` comes without both."""
    return card(
        [
            title(text.LINK_REQUEST_TITLE),
            paragraph(text.LINK_REQUEST_INTRO.format(days=valid_days)),
            TextInput(
                id="case_reference",
                label=text.LINK_CASE_LABEL,
                placeholder=text.LINK_CASE_PLACEHOLDER,
                is_required=True,
                error_message="Please give the case reference.",
                max_length=20,
                value=case_reference or None,
            ),
            ChoiceSetInput(
                id="template",
                label=text.LINK_TEMPLATE_LABEL,
                style="expanded",
                is_required=True,
                error_message="Please choose a form.",
                choices=[CardChoice(title=option.label, value=option.key) for option in options],
            ),
        ],
        [execute(text.LINK_CREATE, verbs.FEEDBACK_LINK_CREATE)],
    )


def link_card(
    *, url: str, case_reference: str, template: Template, expires_at: datetime, can_hand_over: bool = True
) -> Json:
    body: list[Any] = [
        title(text.LINK_TITLE),
        paragraph(text.LINK_INTRO),
        facts(
            [
                (text.LINK_FACTS_CASE, case_reference),
                (text.LINK_FACTS_FORM, template.title),
                (text.LINK_FACTS_EXPIRES, format_day(expires_at)),
            ]
        ),
        TextBlock(text=url, wrap=True, font_type="Monospace", spacing="Medium"),
        Image(url=qr_data_uri(url), alt_text=text.LINK_QR_ALT, size="Large", horizontal_alignment="Center"),
        paragraph(text.LINK_QR_HINT, subtle=True, spacing="None"),
        paragraph(text.LINK_PRIVACY, subtle=True),
    ]
    actions: list[Any] = [OpenUrlAction(title=text.LINK_OPEN, url=url)]
    if can_hand_over:
        actions.append(
            execute(
                text.HANDOVER_OPEN,
                verbs.FEEDBACK_HANDOVER_OPEN,
                {"case_reference": case_reference, "template": template.id},
            )
        )
    return card(body, actions, fallback_text=text.LINK_TITLE)


# -- hand-over: the child answers on the worker's device -------------------------------------------


def handover_form(
    template: Template,
    *,
    case_reference: str,
    values: dict[str, Any] | None = None,
    problems: dict[str, str] | None = None,
) -> Json:
    return survey_form(
        template,
        verb=verbs.FEEDBACK_HANDOVER_SUBMIT,
        data={"case_reference": case_reference, "template": template.id, "version": template.version},
        note=text.HANDOVER_NOTE.format(case_reference=case_reference),
        values=values,
        problems=problems,
    )


def handover_done(template: Template, *, case_reference: str, alert_raised: bool) -> Json:
    body: list[Any] = [
        heading(text.HANDOVER_DONE_TITLE),
        paragraph(template.survey.thanks if template.survey else ""),
        paragraph(text.HANDOVER_DONE_BODY.format(case_reference=case_reference), subtle=True),
    ]
    if alert_raised:
        body.append(TextBlock(text=text.SAFETY_NOTE, wrap=True, color="Attention", weight="Bolder"))
    return card(body)


# -- the safety alert --------------------------------------------------------------------------------


def safety_alert_card(
    *, case_reference: str | None, template_title: str, channel: str, raised_at: datetime, triggers: dict[str, str]
) -> Json:
    return card(
        [
            TextBlock(text=text.ALERT_TITLE, size="Large", weight="Bolder", color="Attention", wrap=True),
            paragraph(text.ALERT_INTRO),
            facts(
                [
                    (text.ALERT_FACTS_CASE, case_reference or "not known"),
                    (text.ALERT_FACTS_FORM, template_title),
                    (text.ALERT_FACTS_HOW, text.ALERT_HOW.get(channel, channel)),
                    (text.ALERT_FACTS_WHEN, format_moment(raised_at)),
                ]
            ),
            heading(text.ALERT_ANSWERS),
            facts(list(triggers.items())),
        ],
        fallback_text=text.ALERT_TITLE,
    )
