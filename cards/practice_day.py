"""Practice day cards: the plan, the plan as stored, the start of the day, the day's summary, the
spreadsheet link and the list of practice days."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from microsoft_teams.cards import Choice, ChoiceSetInput, DateInput, NumberInput, OpenUrlAction, TextInput

from cards import text_practice_days as text
from cards import verbs
from cards.base import (
    Json,
    action_row,
    card,
    execute,
    facts,
    field_error,
    heading,
    list_row,
    long_date,
    paragraph,
    title,
)
from views.audits import RoundReport, RowProblem
from views.digest import GradeCounts
from views.practice_days import DayLine, DaySummary, PlanForm, PlannedDay

CASES_LIMIT = 20000
EMAILS_LIMIT = 2000
LISTED = 60
"""Lines shown in one list on a card (pairs, problems); the spreadsheet has them all."""


def _choices(pairs: Sequence[tuple[Any, str]]) -> list[Choice]:
    return [Choice(title=label, value=str(value)) for value, label in pairs]


def plan_card(form: PlanForm) -> Json:
    """What a senior manager fills in to plan a practice day."""
    values, errors = form.values, form.errors
    body: list[Any] = [title(text.PLAN_TITLE), paragraph(text.PLAN_INTRO, subtle=True)]
    body.append(DateInput(id="day", label=text.PLAN_DAY, value=values.get("day") or form.default_day.isoformat()))
    body += field_error(errors.get("day"))
    body += _pick_one("area", text.PLAN_AREA, form.areas, form)
    body += _pick_one("template", text.PLAN_TEMPLATE, form.templates, form)
    body.append(
        TextInput(
            id="cases",
            label=text.PLAN_CASES,
            placeholder=text.PLAN_CASES_PLACEHOLDER,
            is_multiline=True,
            max_length=CASES_LIMIT,
            value=values.get("cases") or None,
        )
    )
    body += field_error(errors.get("cases"))
    body.append(NumberInput(id="sample", label=text.PLAN_SAMPLE, min=1, value=_number(values.get("sample"))))
    body.append(paragraph(text.PLAN_SAMPLE_HINT, subtle=True, spacing="None"))
    body += field_error(errors.get("sample"))
    body.append(
        ChoiceSetInput(
            id="auditors",
            label=text.PLAN_AUDITORS,
            is_multi_select=True,
            choices=_choices(form.auditors),
            value=values.get("auditors") or None,
        )
    )
    body += field_error(errors.get("auditors"))
    body.append(
        TextInput(
            id="auditor_emails",
            label=text.PLAN_AUDITOR_EMAILS,
            placeholder=text.PLAN_AUDITOR_EMAILS_PLACEHOLDER,
            max_length=EMAILS_LIMIT,
            value=values.get("auditor_emails") or None,
        )
    )
    body += field_error(errors.get("auditor_emails"))
    return card(body, [execute(text.PLAN_SUBMIT, verbs.PRACTICE_DAY_PLAN)], fallback_text=text.PLAN_TITLE)


def _pick_one(input_id: str, label: str, pairs: Sequence[tuple[Any, str]], form: PlanForm) -> list[Any]:
    """A compact choice list (the first choice unless another was chosen) with its problem, if any."""
    chosen = form.values.get(input_id) or (str(pairs[0][0]) if pairs else None)
    picker = ChoiceSetInput(id=input_id, label=label, choices=_choices(pairs), value=chosen, style="compact")
    return [picker, *field_error(form.errors.get(input_id))]


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def _problems(problems: Sequence[RowProblem], heading_text: str) -> list[Any]:
    if not problems:
        return []
    lines = [(text.ROW.format(row=p.row) if p.row else text.WHOLE_DAY, p.reason) for p in problems[:LISTED]]
    return [heading(heading_text), facts(lines)]


def planned_card(day: PlannedDay) -> Json:
    """The plan as stored: when, where, which audit, and who audits which case with whom."""
    when = long_date(day.held_on)
    body: list[Any] = [title(text.PLANNED_TITLE.format(area=day.area_name, day=when))]
    if day.already_planned:
        body.append(paragraph(text.ALREADY_PLANNED.format(area=day.area_name, day=when)))
    body.append(
        facts(
            [
                (text.FACT_AREA, day.area_name),
                (text.FACT_DAY, when),
                (text.FACT_TEMPLATE, day.template_title),
                (text.FACT_STATUS, text.STATUS_LABELS.get(day.status, day.status)),
            ]
        )
    )
    if day.status == "planned":
        body.append(paragraph(text.PLANNED_INTRO.format(day=when, count=len(day.pairs))))
    else:
        body.append(paragraph(text.PLANNED_TODAY.format(count=len(day.pairs))))
    body += [
        paragraph(
            text.PAIR_LINE.format(
                auditor=p.auditor_name, case_ref=p.case_ref, team=p.team_name, practitioner=p.practitioner_name
            ),
            spacing="Small",
        )
        for p in day.pairs[:LISTED]
    ]
    body += _problems(day.problems, text.LEFT_OUT)
    return card(body, fallback_text=text.PLANNED_TITLE.format(area=day.area_name, day=when))


def started_card(area_name: str, report: RoundReport, problems: Sequence[RowProblem]) -> Json:
    """To the planner on the morning: the cards have gone out (or why none could)."""
    if report.created:
        body: list[Any] = [
            title(text.STARTED_TITLE.format(area=area_name)),
            paragraph(text.STARTED.format(count=len(report.created))),
        ]
    else:
        body = [title(text.NOT_STARTED_TITLE.format(area=area_name)), paragraph(text.NOT_STARTED)]
    body += _problems(problems, text.SUMMARY_NOT_STARTED)
    return card(body, fallback_text=text.STARTED_TITLE.format(area=area_name))


def _grade_facts(label: str, grades: GradeCounts) -> tuple[str, str]:
    shown = [f"{grade_label} {count}" for _, grade_label, count in grades.in_order() if count]
    return label, ", ".join(shown) or text.NO_GRADES


def _lines(lines: Sequence[str]) -> list[Any]:
    if not lines:
        return [paragraph(text.NOTHING_YET, subtle=True, spacing="Small")]
    return [paragraph(f"\u2022 {line}", spacing="Small") for line in lines[:LISTED]]


def summary_card(summary: DaySummary) -> Json:
    """The day's summary for the planner and the area's leaders."""
    when = long_date(summary.held_on)
    heading_text = text.SUMMARY_TITLE.format(area=summary.area_name, day=when)
    body: list[Any] = [
        title(heading_text),
        paragraph(
            text.SUMMARY_COUNTS.format(
                submitted=summary.submitted, planned=summary.planned, template=summary.template_title
            )
        ),
        heading(text.SUMMARY_STAGES),
        facts(
            [_grade_facts(text.OVERALL, summary.overall)]
            + [_grade_facts(stage.title, stage.grades) for stage in summary.stages]
        ),
    ]
    if summary.themes:
        body.append(heading(text.SUMMARY_THEMES))
        body.append(
            facts(
                [
                    (theme.title, text.THEME_LINE.format(yes=theme.answers.get("yes", 0), answered=theme.answered))
                    for theme in summary.themes
                ]
            )
        )
    body.append(heading(text.SUMMARY_WENT_WELL))
    body += _lines(summary.went_well)
    body.append(heading(text.SUMMARY_ACTIONS))
    body += _lines(
        [
            text.ACTION_LINE.format(
                description=a.description, owner=a.owner_name, due=long_date(a.due_date), case_ref=a.case_ref
            )
            for a in summary.actions
        ]
    )
    body.append(heading(text.SUMMARY_NOT_COMPLETED))
    body += _lines(
        [
            text.NOT_COMPLETED_LINE.format(
                case_ref=a.case_ref, auditor=a.auditor_name, status=text.AUDIT_STATUS_LABELS.get(a.status, a.status)
            )
            for a in summary.not_completed
        ]
    )
    body += _problems(summary.not_started, text.SUMMARY_NOT_STARTED)
    actions = [execute(text.SUMMARY_WORKBOOK, verbs.PRACTICE_DAY_WORKBOOK, {"day_id": summary.day_id})]
    return card(body, actions, fallback_text=heading_text)


def workbook_link_card(*, url: str, expires: str) -> Json:
    """A short-lived link to the day's spreadsheet, for the person who asked."""
    return card(
        [title(text.WORKBOOK_TITLE), paragraph(text.WORKBOOK_READY.format(expires=expires))],
        [OpenUrlAction(title=text.WORKBOOK_OPEN, url=url)],
        fallback_text=text.WORKBOOK_TITLE,
    )


def days_card(days: Sequence[DayLine]) -> Json:
    """The practice days a leader may see, each with its summary once it has started."""
    body: list[Any] = [title(text.LIST_TITLE)]
    if not days:
        body.append(paragraph(text.LIST_EMPTY))
    for day in days:
        line = text.LIST_LINE.format(
            day=long_date(day.held_on),
            area=day.area_name,
            status=text.STATUS_LABELS.get(day.status, day.status),
            count=day.cases,
        )
        buttons = (
            [action_row(execute(text.SUMMARY_SHOW, verbs.PRACTICE_DAY_SUMMARY, {"day_id": day.day_id}))]
            if day.status in ("started", "closed")
            else []
        )
        body.append(list_row([paragraph(line)], buttons))
    return card(body, fallback_text=text.LIST_TITLE)
