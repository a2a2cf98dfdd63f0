"""Cards of the Quality Improvement Meeting: the pack posted before it, the chair's decision and
service-level action forms, the decisions with their changes, and the owners' monthly update card.

Pure functions of ``views.qim`` (and the digest read models for the headline findings);
``read_action_form`` and ``read_update_form`` turn submitted forms back into plain data and the
problems visible without the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from microsoft_teams.cards import Choice, ChoiceSetInput, DateInput, RefreshDefinition, TextBlock, TextInput

from cards import text_partner_audits as partner_text
from cards import text_qim as text
from cards import verbs
from cards.base import Json, action_row, card, execute, facts, heading, long_date, paragraph, title
from cards.digest import four_answers, headline_pairs
from cards.partner_audits import agency_label
from views.digest import MultiAgencySection, shown
from views.qim import (
    MAX_REFRESH_USERS,
    DecisionView,
    MeetingView,
    PackView,
    Progress,
    ServiceActionInput,
    ServiceActionView,
    TrailEntry,
    UpdateRequest,
)

MAX_LINES = 5
"""Lines per section of the pack: the card stays short; the full report has everything."""
ACTION_FIELDS = ("description", "owner_email", "due_date", "priority_id")
UPDATE_FIELDS = ("progress", "rag")
NO_PRIORITY = "none"


def _rag(rag: str | None) -> str:
    return text.RAG_SUFFIX.format(rag=text.RAG_LABELS.get(rag, rag)) if rag else ""


def _lines(lines: Sequence[str], empty: str) -> list[TextBlock]:
    if not lines:
        return [paragraph(empty, subtle=True)]
    shown = [paragraph(f"- {line}", spacing="Small") for line in lines[:MAX_LINES]]
    if len(lines) > MAX_LINES:
        shown.append(paragraph(text.PACK_MORE.format(count=len(lines) - MAX_LINES), subtle=True, spacing="Small"))
    return shown


def _action_line(action: ServiceActionView) -> str:
    return text.PACK_ACTION_LINE.format(
        id=action.id,
        description=action.description,
        owner=action.owner_name,
        due=f"{action.due_date.day} {action.due_date:%b %Y}",
        progress=action.progress.value,
        rag=_rag(action.latest_rag),
    )


def trail_line(entry: TrailEntry) -> str:
    return text.PACK_TRAIL_LINE.format(
        subject=entry.subject, month=entry.month, rag=text.RAG_LABELS.get(entry.rag, entry.rag), note=entry.note
    )


def pack_card(pack: PackView) -> Json:
    """The compact pack: headline findings, multi-agency findings, plan progress, service-level
    actions, compliments and complaints themes, the assurance trail and decisions; buttons open the
    full report (each member gets their own link) and, when ``pack.can_record``, record decisions and
    actions. With ``pack.refresh_user_ids`` the card asks Teams to fetch those users' own view
    (verb ``QIM_PACK``), so the card posted in a channel can be the members' view."""
    meeting = pack.meeting
    digest = pack.digest
    answers = four_answers(pack.findings)
    heading_text = text.PACK_TITLE.format(day=long_date(meeting.meeting_on))
    body: list[Any] = [
        title(heading_text),
        paragraph(text.PACK_INTRO.format(period=digest.period.label), subtle=True),
        heading(text.PACK_HEADLINES),
        facts(headline_pairs(digest.current, digest.previous)),
        heading(text.PACK_WORRIES),
        *_lines(answers.worried, text.PACK_NOTHING_FOUND),
        heading(text.PACK_WELL),
        *_lines(answers.well, text.PACK_NOTHING_FOUND),
        *_multi_agency(pack.multi_agency),
        heading(text.PACK_PLAN),
        *_lines(
            [
                text.PACK_PRIORITY_LINE.format(
                    title=p.title,
                    owner=p.owner_name,
                    done=p.milestones_done,
                    total=p.milestones_total,
                    late=p.milestones_late,
                    rag=_rag(p.latest_rag),
                )
                for p in pack.priorities
            ],
            text.PACK_NO_PRIORITIES,
        ),
        heading(text.PACK_ACTIONS),
    ]
    if pack.actions:
        body.append(
            paragraph(
                text.PACK_ACTIONS_SUMMARY.format(
                    on_track=pack.count(Progress.ON_TRACK),
                    late=pack.count(Progress.LATE),
                    done=pack.count(Progress.DONE),
                    impact=sum(a.impact_evidenced for a in pack.actions),
                )
            )
        )
        late_first = sorted(pack.actions, key=lambda a: (a.progress != Progress.LATE, a.due_date))
        body += _lines([_action_line(a) for a in late_first], text.PACK_NO_ACTIONS)
    else:
        body.append(paragraph(text.PACK_NO_ACTIONS, subtle=True))
    body += [
        *_measures(pack),
        heading(text.PACK_THEMES),
        *_lines(
            [
                text.PACK_THEME_LINE.format(theme=t.theme, compliments=t.compliments, complaints=t.complaints)
                for t in pack.themes
            ],
            text.PACK_NO_THEMES,
        ),
        heading(text.PACK_TRAIL),
        *_lines([trail_line(e) for e in reversed(pack.trail)], text.PACK_NO_TRAIL),
        heading(text.PACK_DECISIONS),
        *_lines(
            [
                text.PACK_DECISION_LINE.format(text=d.text, edited=text.PACK_EDITED if d.edited else "")
                for d in pack.decisions
            ],
            text.PACK_NO_DECISIONS,
        ),
    ]
    meeting_data = {"meeting_id": meeting.id}
    buttons = [execute(text.BUTTON_REPORT, verbs.REPORT_QIM_LINK, {"args": meeting.report_period})]
    if pack.can_record:
        buttons += [
            execute(text.BUTTON_RECORD_DECISION, verbs.QIM_DECISION_FORM, meeting_data),
            execute(text.BUTTON_RAISE_ACTION, verbs.QIM_ACTION_FORM, meeting_data),
        ]
    buttons.append(execute(text.BUTTON_DECISIONS, verbs.QIM_DECISIONS, meeting_data))
    return card(body, buttons, refresh=_refresh(pack), fallback_text=heading_text)


def _refresh(pack: PackView) -> RefreshDefinition | None:
    """Teams asks qop for these users' own view whenever they see the card (the answer is decided
    by their role at that moment, not by this list)."""
    if not pack.refresh_user_ids:
        return None
    action = execute(text.BUTTON_REFRESH, verbs.QIM_PACK, {"meeting_id": pack.meeting.id})
    return RefreshDefinition(action=action, user_ids=list(pack.refresh_user_ids[:MAX_REFRESH_USERS]))


def _multi_agency(section: MultiAgencySection | None) -> list[Any]:
    """The quarter's multi-agency audits in a few lines: how many, parts returned per agency (small
    numbers hidden as everywhere), and the first key findings (the full report has them all)."""
    if section is None:
        return []
    if section.audits == 0:
        return [heading(text.PACK_MULTI_AGENCY), paragraph(partner_text.NO_FINDINGS, subtle=True)]
    parts = "; ".join(
        text.PACK_MULTI_AGENCY_PART.format(
            agency=agency_label(p.agency),
            returned=shown(p.returned),
            invited=shown(p.invited),
        )
        for p in section.agencies
    )
    findings = [
        partner_text.FINDING_FROM.format(agency=agency_label(agency), finding=quote)
        for agency, quote in section.findings
    ]
    return [
        heading(text.PACK_MULTI_AGENCY),
        paragraph(
            text.PACK_MULTI_AGENCY_SUMMARY.format(audits=shown(section.audits), parts=parts or text.MEASURE_NONE)
        ),
        *_lines(findings, text.PACK_NO_MULTI_AGENCY_FINDINGS),
    ]


def _names(indicators: Sequence[Any]) -> str:
    return ", ".join(i.name for i in indicators) or text.MEASURE_NONE


def _measures(pack: PackView) -> list[Any]:
    """The four questions per Meaningful Measure, one line each (left out when no measures are loaded)."""
    if not pack.measures:
        return []
    lines = [
        text.PACK_MEASURE_LINE.format(
            measure=m.name,
            worried=_names([w.indicator for w in m.worries]),
            well=_names(m.did_well),
            impact=_names(m.impact),
            celebrate=_names(m.celebrate),
        )
        for m in pack.measures
    ]
    return [heading(text.PACK_MEASURES), *_lines(lines, text.PACK_NOTHING_FOUND)]


def pack_posted_card(meeting: MeetingView) -> Json:
    return card([paragraph(text.PACK_POSTED.format(day=long_date(meeting.meeting_on)))])


def _problems(errors: dict[str, str]) -> list[TextBlock]:
    return [TextBlock(text=m, color="Attention", wrap=True, weight="Bolder", spacing="Small") for m in errors.values()]


def decision_form_card(
    meeting: MeetingView,
    *,
    today: date,
    decision: DecisionView | None = None,
    errors: dict[str, str] | None = None,
    value: str | None = None,
) -> Json:
    """Record a decision (``decision=None``) or change one; after the meeting it says the original stays."""
    day = long_date(meeting.meeting_on)
    heading_text = (text.DECISION_EDIT_TITLE if decision else text.DECISION_FORM_TITLE).format(day=day)
    body: list[Any] = [title(heading_text), *_problems(errors or {})]
    if decision is not None and today > meeting.meeting_on:
        body.append(paragraph(text.DECISION_AFTER_MEETING, subtle=True))
    body.append(
        TextInput(
            id="decision",
            label=text.DECISION_LABEL,
            is_multiline=True,
            is_required=True,
            error_message=text.PROBLEM_DECISION_EMPTY,
            max_length=2000,
            value=value if value is not None else (decision.text if decision else None),
        )
    )
    data: dict[str, Any] = {"meeting_id": meeting.id}
    if decision is not None:
        data["decision_id"] = decision.id
    return card(body, [execute(text.BUTTON_SAVE_DECISION, verbs.QIM_DECISION_SAVE, data)], fallback_text=heading_text)


def decisions_card(
    meeting: MeetingView, decisions: Sequence[DecisionView], *, can_change: bool, message: str = ""
) -> Json:
    """The meeting's decisions: current wording, the original when changed, and each change (who, when)."""
    heading_text = text.DECISIONS_TITLE.format(day=long_date(meeting.meeting_on))
    body: list[Any] = [title(heading_text)]
    if message:
        body.append(paragraph(message, subtle=True))
    if not decisions:
        body.append(paragraph(text.PACK_NO_DECISIONS))
    for number, decision in enumerate(decisions, start=1):
        body.append(heading(f"{number}. {decision.text}"))
        if decision.edited:
            body.append(paragraph(text.DECISION_ORIGINAL.format(text=decision.original_text), subtle=True))
        body += [
            paragraph(
                text.DECISION_CHANGE_LINE.format(
                    who=change.changed_by,
                    when=f"{change.changed_at:%d %b %Y %H:%M} UTC",
                    after=text.DECISION_CHANGED_AFTER if change.after_meeting else "",
                    before=change.before,
                    after_text=change.after,
                ),
                subtle=True,
                spacing="Small",
            )
            for change in decision.changes
        ]
        if can_change:
            body.append(
                action_row(
                    execute(
                        text.BUTTON_EDIT_DECISION,
                        verbs.QIM_DECISION_FORM,
                        {"meeting_id": meeting.id, "decision_id": decision.id},
                    )
                )
            )
    buttons = [execute(text.BUTTON_RECORD_DECISION, verbs.QIM_DECISION_FORM, {"meeting_id": meeting.id})]
    return card(body, buttons if can_change else None, fallback_text=heading_text)


def action_form_card(
    meeting: MeetingView,
    *,
    today: date,
    priorities: Sequence[tuple[int, str]] = (),
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Json:
    """Raise a service-level action in the meeting: what, the owner (required), the due date (required)
    and the plan priority it delivers."""
    values = values or {}
    heading_text = text.ACTION_FORM_TITLE.format(day=long_date(meeting.meeting_on))
    body: list[Any] = [
        title(heading_text),
        *_problems(errors or {}),
        TextInput(
            id="description",
            label=text.ACTION_DESCRIPTION,
            is_multiline=True,
            is_required=True,
            error_message=text.PROBLEM_DESCRIPTION,
            max_length=2000,
            value=values.get("description") or None,
        ),
        TextInput(
            id="owner_email",
            label=text.ACTION_OWNER,
            is_required=True,
            error_message=text.PROBLEM_OWNER,
            max_length=320,
            value=values.get("owner_email") or None,
        ),
        DateInput(
            id="due_date",
            label=text.ACTION_DUE,
            is_required=True,
            error_message=text.PROBLEM_DUE,
            min=today.isoformat(),
            value=values.get("due_date") or None,
        ),
    ]
    if priorities:
        body.append(
            ChoiceSetInput(
                id="priority_id",
                label=text.ACTION_PRIORITY,
                choices=[Choice(title=text.ACTION_NO_PRIORITY, value=NO_PRIORITY)]
                + [Choice(title=f"#{pid} {name}", value=str(pid)) for pid, name in priorities],
                value=values.get("priority_id") or NO_PRIORITY,
            )
        )
    save = execute(text.BUTTON_SAVE_ACTION, verbs.QIM_ACTION_SAVE, {"meeting_id": meeting.id})
    return card(body, [save], fallback_text=heading_text)


def action_raised_card(meeting: MeetingView, action: ServiceActionView) -> Json:
    message = text.ACTION_RAISED.format(id=action.id, owner=action.owner_name, due=long_date(action.due_date))
    body = [title(text.ACTION_FORM_TITLE.format(day=long_date(meeting.meeting_on))), paragraph(message)]
    buttons = [execute(text.BUTTON_RAISE_ACTION, verbs.QIM_ACTION_FORM, {"meeting_id": meeting.id})]
    return card(body, buttons, fallback_text=message)


def _read(data: dict[str, Any], names: Sequence[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Each field as typed (text, or a number a choice sent) and a problem for any that is neither:
    a list or an object is not something the card's inputs send."""
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name in names:
        value = data.get(name)
        if value is None or (isinstance(value, str | int | float) and not isinstance(value, bool)):
            values[name] = "" if value is None else str(value).strip()
        else:
            values[name], errors[name] = "", text.PROBLEM_NOT_TEXT
    return values, errors


def read_decision_form(data: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """The decision as typed, and a problem when the card sent something other than text."""
    values, errors = _read(data, ("decision",))
    return values["decision"], errors


def read_action_form(data: dict[str, Any]) -> tuple[ServiceActionInput, dict[str, str], dict[str, str]]:
    """(the action asked for, problems seen without the database, the values as typed)."""
    values, errors = _read(data, ACTION_FIELDS)
    due = None
    if values["due_date"]:
        try:
            due = date.fromisoformat(values["due_date"])
        except ValueError:
            errors["due_date"] = text.PROBLEM_DUE
    priority_id = None
    if values["priority_id"] and values["priority_id"] != NO_PRIORITY:
        if values["priority_id"].isdigit():
            priority_id = int(values["priority_id"])
        else:
            errors["priority_id"] = text.PROBLEM_PRIORITY.format(id=values["priority_id"])
    request = ServiceActionInput(values["description"], values["owner_email"], due, priority_id)
    return request, errors, values


# -- monthly assurance updates ------------------------------------------------------------------


def update_card(
    request: UpdateRequest, *, errors: dict[str, str] | None = None, values: dict[str, str] | None = None
) -> Json:
    """The owner's monthly update: what happened and a RAG status (and, for an action, a way to close it)."""
    values = values or {}
    month_label = _month_label(request.month)
    heading_text = text.UPDATE_TITLE.format(month=month_label)
    if request.kind.value == "action":
        due = long_date(request.due_date) if request.due_date else ""
        intro = text.UPDATE_ACTION_INTRO.format(id=request.subject_id, due=due, subject=request.subject)
    else:
        intro = text.UPDATE_PRIORITY_INTRO.format(id=request.subject_id, subject=request.subject)
    body: list[Any] = [title(heading_text), paragraph(intro), *_problems(errors or {})]
    if request.previous is not None:
        previous = request.previous
        body.append(
            paragraph(
                text.UPDATE_PREVIOUS.format(
                    month=_month_label(previous.month),
                    rag=text.RAG_LABELS.get(previous.rag, previous.rag),
                    note=previous.note,
                ),
                subtle=True,
            )
        )
    body += [
        TextInput(
            id="progress",
            label=text.UPDATE_PROGRESS,
            is_multiline=True,
            is_required=True,
            error_message=text.PROBLEM_PROGRESS,
            max_length=4000,
            value=values.get("progress") or None,
        ),
        ChoiceSetInput(
            id="rag",
            label=text.UPDATE_RAG,
            style="expanded",
            is_required=True,
            error_message=text.PROBLEM_RAG,
            choices=[Choice(title=label, value=value) for value, label in text.RAG_CHOICES],
            value=values.get("rag") or None,
        ),
    ]
    data = {"kind": request.kind.value, "subject_id": request.subject_id, "month": request.month}
    buttons = [execute(text.BUTTON_SAVE_UPDATE, verbs.ASSURANCE_SAVE, data)]
    if request.kind.value == "action":
        buttons.append(execute(text.BUTTON_OPEN_ACTION, verbs.ACTION_OPEN, {"action_id": request.subject_id}))
    return card(body, buttons, fallback_text=heading_text)


def update_saved_card(entry: TrailEntry) -> Json:
    return card(
        [
            paragraph(text.UPDATE_SAVED.format(month=_month_label(entry.month))),
            paragraph(trail_line(entry), subtle=True),
        ]
    )


def read_update_form(data: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """The update as typed, and problems for fields the card sent as something other than text."""
    return _read(data, UPDATE_FIELDS)


def _month_label(month: str) -> str:
    try:
        year, number = (int(part) for part in month.split("-"))
        return f"{date(year, number, 1):%B %Y}"
    except ValueError:
        return month
