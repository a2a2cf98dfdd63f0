"""Cards of the moderation group: the QA lead's schedule card, the meeting with its audits, the
read-only audit (the audit feature's own card), recording outcomes and closing the meeting."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from microsoft_teams.cards import Choice as CardChoice
from microsoft_teams.cards import ChoiceSetInput, DateInput, NumberInput, TextBlock, TextInput

from cards import audit as audit_cards
from cards import text_moderation_group as text
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
from cards.text_organisation import ROLE_LABELS
from views.audits import SubmittedAudit
from views.moderation_group import (
    AREA_INPUT,
    AUDITS_INPUT,
    CADENCE_INPUT,
    CADENCES,
    DATE_INPUT,
    DEFAULT_CADENCE,
    GRADE_INPUT,
    LEARNING_INPUT,
    MEMBERS_INPUT,
    NOTES_INPUT,
    SAMPLE_INPUT,
    SINCE_INPUT,
    SUBMISSION_KEY,
    THEMES,
    THEMES_INPUT,
    UNTIL_INPUT,
    CloseForm,
    GroupAudit,
    MeetingList,
    MeetingView,
    OutcomeForm,
    OutcomeNotice,
    ScheduleForm,
)


def _choices(pairs: Iterable[tuple[str, str]]) -> list[CardChoice]:
    return [CardChoice(title=label, value=value) for value, label in pairs]


def _errors_banner(errors: dict[str, str]) -> list[TextBlock]:
    return [TextBlock(text=text.PAGE_HAS_ERRORS, color="Attention", wrap=True, weight="Bolder")] if errors else []


def _themes(codes: Iterable[str]) -> str:
    return ", ".join(text.THEME_LABELS[code] for code in codes if code in text.THEME_LABELS) or text.NO_THEMES


def _grade(grade: str | None, labels: dict[str, str]) -> str:
    """A grade as its scale names it (the stored value if the scale has changed since)."""
    return labels.get(grade or "", grade or text.NO_GRADE)


def _theme_input(values: dict[str, str], errors: dict[str, str], label: str) -> list[Any]:
    return [
        ChoiceSetInput(
            id=THEMES_INPUT,
            label=label,
            value=values.get(THEMES_INPUT) or None,
            choices=_choices((code, text.THEME_LABELS[code]) for code in THEMES),
            style="expanded",
            is_multi_select=True,
        ),
        *field_error(errors.get(THEMES_INPUT)),
    ]


def _words(input_id: str, label: str, values: dict[str, str], errors: dict[str, str]) -> list[Any]:
    """A box for the group's own words, its problem, and the reminder to leave names out."""
    return [
        TextInput(id=input_id, label=label, value=values.get(input_id) or None, is_multiline=True, max_length=2000),
        *field_error(errors.get(input_id)),
        paragraph(text.PRIVACY_REMINDER, subtle=True, spacing="Medium"),
    ]


# -- scheduling -------------------------------------------------------------------------------------


def schedule_card(form: ScheduleForm) -> Json:
    """The QA lead's card: date, cadence, members by role, and audits picked or sampled."""
    values, errors = form.values, form.errors
    body: list[Any] = [title(text.SCHEDULE_TITLE), paragraph(text.SCHEDULE_INTRO), *_errors_banner(errors)]
    body += [
        DateInput(
            id=DATE_INPUT,
            label=text.DATE_LABEL + text.REQUIRED_MARK,
            value=values.get(DATE_INPUT) or form.default_date.isoformat(),
        ),
        *field_error(errors.get(DATE_INPUT)),
        ChoiceSetInput(
            id=CADENCE_INPUT,
            label=text.CADENCE_LABEL,
            value=values.get(CADENCE_INPUT) or str(DEFAULT_CADENCE),
            choices=_choices((str(months), text.CADENCE_LABELS[months]) for months in CADENCES),
            style="compact",
        ),
        *field_error(errors.get(CADENCE_INPUT)),
    ]
    if form.members:
        members = (
            (str(m.person_id), text.MEMBER_CHOICE.format(name=m.name, role=ROLE_LABELS.get(m.role, m.role)))
            for m in form.members
        )
        body.append(
            ChoiceSetInput(
                id=MEMBERS_INPUT,
                label=text.MEMBERS_LABEL + text.REQUIRED_MARK,
                value=values.get(MEMBERS_INPUT) or None,
                choices=_choices(dict(members).items()),
                style="expanded",
                is_multi_select=True,
            )
        )
    else:
        body.append(paragraph(text.NO_MEMBERS_TO_CHOOSE))
    body += field_error(errors.get(MEMBERS_INPUT))
    body += _audit_picker(form)
    body += [
        heading(text.SAMPLE_HEADING),
        NumberInput(id=SAMPLE_INPUT, label=text.SAMPLE_LABEL, value=_number(values.get(SAMPLE_INPUT)), min=1, max=30),
        *field_error(errors.get(SAMPLE_INPUT)),
        DateInput(id=SINCE_INPUT, label=text.SINCE_LABEL, value=values.get(SINCE_INPUT) or None),
        *field_error(errors.get(SINCE_INPUT)),
        DateInput(id=UNTIL_INPUT, label=text.UNTIL_LABEL, value=values.get(UNTIL_INPUT) or None),
        ChoiceSetInput(
            id=AREA_INPUT,
            label=text.AREA_LABEL,
            value=values.get(AREA_INPUT) or None,
            choices=_choices((area.value, area.label) for area in form.areas),
            style="compact",
            placeholder=text.ANY_AREA,
        ),
        *field_error(errors.get(AREA_INPUT)),
    ]
    return card(
        body,
        [execute(text.SCHEDULE, verbs.MODERATION_GROUP_SCHEDULE, {SUBMISSION_KEY: form.submission_key})],
        fallback_text=text.SCHEDULE_TITLE,
    )


def _number(value: str | None) -> float | None:
    return float(value) if value and value.isdigit() else None


def _audit_picker(form: ScheduleForm) -> list[Any]:
    if not form.audits:
        return [paragraph(text.NO_AUDITS_TO_PICK, subtle=True), *field_error(form.errors.get(AUDITS_INPUT))]
    labels = (
        (
            str(a.assignment_id),
            text.AUDIT_CHOICE.format(
                case_ref=a.case_ref,
                team=a.team_name,
                grade=a.overall_label or text.NO_GRADE,
                submitted=long_date(a.submitted_on),
            ),
        )
        for a in form.audits
    )
    return [
        ChoiceSetInput(
            id=AUDITS_INPUT,
            label=text.AUDITS_LABEL,
            value=form.values.get(AUDITS_INPUT) or None,
            choices=_choices(labels),
            style="compact",
            is_multi_select=True,
            placeholder=text.CHOOSE,
        ),
        *field_error(form.errors.get(AUDITS_INPUT)),
    ]


# -- the meeting ------------------------------------------------------------------------------------


def _meeting_facts(view: MeetingView) -> Any:
    pairs = [
        (text.FACT_DATE, long_date(view.meets_on)),
        (text.FACT_CADENCE, text.CADENCE_LABELS.get(view.cadence_months, str(view.cadence_months))),
        (
            text.FACT_MEMBERS,
            ", ".join(
                text.MEMBER_CHOICE.format(name=m.name, role=ROLE_LABELS.get(m.role, m.role)) for m in view.members
            ),
        ),
    ]
    if view.calendar_due_on:
        pairs.append((text.FACT_CALENDAR, text.CALENDAR_OCCURRENCE.format(day=long_date(view.calendar_due_on))))
    if view.next_meeting_on:
        pairs.append((text.FACT_NEXT, long_date(view.next_meeting_on)))
    return facts(pairs)


def _audit_row(view: MeetingView, audit: GroupAudit) -> Any:
    ids = {"meeting_id": view.id, "assignment_id": audit.assignment_id}
    if audit.recorded:
        status = text.AUDIT_RECORDED.format(
            agreed=_grade(audit.agreed_grade, audit.grade_labels),
            outcome=text.OUTCOME_LABELS.get(audit.outcome or "", text.NO_GRADE),
            original=_grade(audit.original_grade, audit.grade_labels),
            themes=_themes(audit.themes),
        )
    else:
        status = text.AUDIT_WAITING.format(grade=_grade(audit.original_grade, audit.grade_labels))
    buttons = [execute(text.READ, verbs.MODERATION_GROUP_READ, ids)]
    if not audit.recorded and not view.closed:
        buttons.append(execute(text.RECORD_OUTCOME, verbs.MODERATION_GROUP_OUTCOME_OPEN, ids))
    texts = [
        TextBlock(
            text=text.AUDIT_LINE.format(case_ref=audit.case_ref, team=audit.team_name, template=audit.template_title),
            wrap=True,
        ),
        TextBlock(text=status, wrap=True, is_subtle=True, spacing="None"),
    ]
    return list_row(texts, [action_row(*buttons)])


def meeting_card(view: MeetingView, *, intro: str | None = None) -> Json:
    """The meeting: its facts, each audit with Read and Record outcome, and the meeting's learning."""
    day = long_date(view.meets_on)
    body: list[Any] = [title(text.MEETING_TITLE.format(day=day))]
    if intro:
        body.append(paragraph(intro))
    body += [_meeting_facts(view), heading(text.AUDITS_HEADING)]
    body += [_audit_row(view, audit) for audit in view.audits]
    body.append(heading(text.MEETING_THEMES_HEADING))
    if view.closed:
        body.append(paragraph(text.MEETING_CLOSED.format(themes=_themes(view.themes))))
        if view.notes:
            body.append(paragraph(view.notes, subtle=True, spacing="None"))
    else:
        body.append(paragraph(text.MEETING_NOT_CLOSED, subtle=True))
    body.append(paragraph(text.READ_ONLY_NOTE, subtle=True, spacing="Medium"))
    actions = []
    if view.viewer_may_close:
        actions.append(execute(text.RECORD_MEETING, verbs.MODERATION_GROUP_CLOSE_OPEN, {"meeting_id": view.id}))
    return card(body, actions or None, fallback_text=text.MEETING_TITLE.format(day=day))


def invitation_card(view: MeetingView) -> Json:
    """Sent to each member when the meeting is scheduled."""
    return meeting_card(view, intro=text.INVITATION_INTRO.format(day=long_date(view.meets_on)))


def scheduled_card(view: MeetingView) -> Json:
    """What the QA lead sees after scheduling."""
    return meeting_card(view, intro=text.JUST_SCHEDULED)


def group_audit_card(audit: SubmittedAudit, meeting_id: int) -> Json:
    """The audit feature's own read-only card, with the way back to the meeting and to record its outcome."""
    ids = {"meeting_id": meeting_id, "assignment_id": audit.assignment.id}
    built = audit_cards.submitted_card(audit, viewer="moderation group")
    built["actions"] = [
        execute(text.RECORD_OUTCOME, verbs.MODERATION_GROUP_OUTCOME_OPEN, ids).model_dump(
            by_alias=True, exclude_none=True
        ),
        execute(text.BACK_TO_MEETING, verbs.MODERATION_GROUP_OPEN, {"meeting_id": meeting_id}).model_dump(
            by_alias=True, exclude_none=True
        ),
    ]
    return built


# -- recording outcomes -------------------------------------------------------------------------------


def outcome_form_card(form: OutcomeForm) -> Json:
    """The group's agreed overall grade, learning themes and learning for one audit."""
    summary = form.audit.assignment
    values, errors = form.values, form.errors
    ids = {"meeting_id": form.meeting_id, "assignment_id": summary.id}
    body: list[Any] = [
        title(text.OUTCOME_TITLE.format(case_ref=summary.case_ref)),
        paragraph(text.OUTCOME_INTRO),
        *_errors_banner(errors),
        facts([(text.FACT_AUDITOR_GRADE, _grade(form.original_grade, form.grade_labels))]),
        ChoiceSetInput(
            id=GRADE_INPUT,
            label=text.GRADE_LABEL + text.REQUIRED_MARK,
            value=values.get(GRADE_INPUT) or form.original_grade or None,
            choices=_choices(form.grade_labels.items()),
            style="expanded",
        ),
        *field_error(errors.get(GRADE_INPUT)),
        *_theme_input(values, errors, text.THEMES_LABEL),
        *_words(LEARNING_INPUT, text.LEARNING_LABEL, values, errors),
    ]
    return card(
        body,
        [
            execute(text.SAVE_OUTCOME, verbs.MODERATION_GROUP_OUTCOME, ids),
            execute(text.READ, verbs.MODERATION_GROUP_READ, ids),
        ],
        fallback_text=text.OUTCOME_TITLE.format(case_ref=summary.case_ref),
    )


def close_form_card(form: CloseForm) -> Json:
    """The meeting's own themes and notes; saving closes the meeting."""
    view, values, errors = form.meeting, form.values, form.errors
    day = long_date(view.meets_on)
    body: list[Any] = [
        title(text.CLOSE_TITLE.format(day=day)),
        paragraph(text.CLOSE_INTRO),
        *_errors_banner(errors),
        *_theme_input(values, errors, text.THEMES_LABEL + text.REQUIRED_MARK),
        *_words(NOTES_INPUT, text.NOTES_LABEL, values, errors),
    ]
    return card(
        body,
        [
            execute(text.CLOSE, verbs.MODERATION_GROUP_CLOSE, {"meeting_id": view.id}),
            execute(text.BACK_TO_MEETING, verbs.MODERATION_GROUP_OPEN, {"meeting_id": view.id}),
        ],
        fallback_text=text.CLOSE_TITLE.format(day=day),
    )


def outcome_notice_card(notice: OutcomeNotice) -> Json:
    """Told to the auditor and the practitioner: what the group agreed about their audit."""
    body: list[Any] = [
        title(text.NOTICE_TITLE.format(case_ref=notice.case_ref)),
        paragraph(text.NOTICE_INTRO.format(day=long_date(notice.meets_on))),
        paragraph(
            text.NOTICE_GRADE.format(
                agreed=_grade(notice.agreed_grade, notice.grade_labels),
                outcome=text.OUTCOME_LABELS.get(notice.outcome, text.NO_GRADE),
                original=_grade(notice.original_grade, notice.grade_labels),
            )
        ),
        paragraph(text.NOTICE_THEMES.format(themes=_themes(notice.themes))),
    ]
    if notice.learning:
        body.append(paragraph(text.NOTICE_LEARNING.format(text=notice.learning)))
    return card(
        body,
        [execute(text.OPEN_AUDIT, verbs.AUDIT_VIEW, {"assignment_id": notice.assignment_id})],
        fallback_text=text.NOTICE_TITLE.format(case_ref=notice.case_ref),
    )


# -- the list --------------------------------------------------------------------------------------


def meetings_card(listing: MeetingList) -> Json:
    """``moderation group``: the person's meetings, and for the QA lead a way to schedule one."""
    body: list[Any] = [title(text.LIST_TITLE)]
    if not listing.meetings:
        body.append(paragraph(text.LIST_EMPTY))
    for meeting in listing.meetings:
        line = text.LIST_LINE.format(
            day=long_date(meeting.meets_on),
            recorded=meeting.recorded,
            audits=meeting.audits,
            closed=text.LIST_CLOSED if meeting.closed else "",
        )
        body.append(
            list_row(
                [TextBlock(text=line, wrap=True)],
                [action_row(execute(text.OPEN, verbs.MODERATION_GROUP_OPEN, {"meeting_id": meeting.id}))],
            )
        )
    actions = [execute(text.NEW_MEETING, verbs.MODERATION_GROUP_NEW)] if listing.may_schedule else None
    return card(body, actions, fallback_text=text.LIST_TITLE)
