"""Audit cards: one page per template section, the actions page, the review page, read-only
views, the reflection, moderation, escalation alert, round start and the task list.

Validation messages sit directly under the field they concern. Inputs are never marked
``isRequired`` on the card: the client would then block *Back* and *Save draft*; the server
checks instead and nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from microsoft_teams.cards import Choice as CardChoice
from microsoft_teams.cards import ChoiceSetInput, Container, DateInput, TextBlock, TextInput

from cards import text_audit_family as family_text
from cards import text_audits as text
from cards import text_templates as template_text
from cards import verbs
from cards.audit_family import family_on_audit, family_on_page, family_on_reflection
from cards.base import (
    Json,
    action_row,
    answers_block,
    card,
    execute,
    facts,
    field_error,
    heading,
    long_date,
    paragraph,
    title,
)
from cards.partner_audits import agency_label, partners_on_audit, partners_on_page
from views.audit_family import FAMILY_VIEW_QUESTION
from views.audits import (
    MAX_ACTIONS,
    AssignmentSummary,
    AuditPage,
    ConfirmationForm,
    EscalationAlert,
    LateArrival,
    ModerationForm,
    ModeratorNeeded,
    ReflectionForm,
    ReflectionSummary,
    RoundReport,
    RoundStartForm,
    SubmittedAudit,
    Task,
    TeamAudit,
    action_ids,
    action_rows_shown,
)
from views.templates import (
    GradeScale,
    Question,
    QuestionType,
    Section,
    Template,
    evidence_id,
    rationale_id,
)


def _label(text_: str, required: bool) -> str:
    return text_ + (text.REQUIRED_MARK if required else "")


def _choices(pairs: Iterable[tuple[str, str]]) -> list[CardChoice]:
    return [CardChoice(title=label, value=value) for value, label in pairs]


def grade_choices(scale: GradeScale | None) -> list[CardChoice]:
    """A scale's grades, best first, each with its descriptor beside it."""
    grades = scale.grades if scale else []
    return _choices(
        (g.value, template_text.GRADE_CHOICE.format(label=g.label, descriptor=g.descriptor)) for g in grades
    )


def _assignment_facts(summary: AssignmentSummary) -> Any:
    return facts(
        [
            (text.FACT_CASE, summary.case_ref),
            (text.FACT_TEMPLATE, summary.template_title),
            (text.FACT_TEAM, summary.team_name),
            (text.FACT_PRACTITIONER, summary.practitioner_name),
            (text.FACT_AUDITOR, summary.auditor_name),
            (text.FACT_DUE, long_date(summary.due_date)),
        ]
    )


# -- question inputs ---------------------------------------------------------------------------


def template_inputs(template: Template, values: dict[str, str], errors: dict[str, str]) -> list[Any]:
    """Every question of a one-page form (a reflection), in order, as ``question_inputs`` builds it."""
    return [
        element
        for section in template.sections
        for question in section.questions
        for element in question_inputs(question, values, errors)
    ]


def question_inputs(question: Question, values: dict[str, str], errors: dict[str, str]) -> list[Any]:
    """The input(s) for one question, prefilled from the draft, each followed by its error."""
    value = values.get(question.id) or None
    label = _label(question.text, question.required)
    kind = question.type
    items: list[Any] = []
    if kind == QuestionType.FREE_TEXT:
        items.append(
            TextInput(id=question.id, label=label, value=value, is_multiline=True, max_length=question.max_length)
        )
    elif kind == QuestionType.DATE:
        items.append(DateInput(id=question.id, label=label, value=value))
    elif kind == QuestionType.SCALE:
        low, high = question.scale_bounds
        names = {str(low): question.min_label, str(high): question.max_label}
        pairs = [(str(n), names.get(str(n)) or str(n)) for n in range(low, high + 1)]
        items.append(
            ChoiceSetInput(
                id=question.id,
                label=label,
                value=value,
                choices=_choices(pairs),
                style="compact",
                placeholder=text.CHOOSE,
            )
        )
    else:
        pairs = list((question.allowed_values or {}).items())
        items.append(
            ChoiceSetInput(
                id=question.id,
                label=label,
                value=value,
                choices=grade_choices(question.grade_scale) if kind == QuestionType.GRADE else _choices(pairs),
                style="expanded",
                is_multi_select=kind == QuestionType.MULTIPLE_CHOICE or None,
                wrap=True,
            )
        )
    if question.help:
        items.append(paragraph(question.help, subtle=True, spacing="None"))
    items += field_error(errors.get(question.id))
    if question.has_rationale:
        grades = " and ".join(question.label_of(g) for g in question.rationale_needed_for)
        rid = rationale_id(question)
        items.append(
            TextInput(
                id=rid,
                label=template_text.RATIONALE_LABEL.format(grades=grades),
                value=values.get(rid) or None,
                is_multiline=True,
                max_length=question.max_length,
            )
        )
        items += field_error(errors.get(rid))
    if question.evidence:
        eid = evidence_id(question)
        items.append(
            TextInput(
                id=eid,
                label=template_text.EVIDENCE_LABEL,
                value=values.get(eid) or None,
                is_multiline=True,
                max_length=question.max_length,
            )
        )
        items += field_error(errors.get(eid))
    return [Container(items=items, spacing="Medium")]


def section_body(
    section: Section, values: dict[str, str], errors: dict[str, str], *, derived: Iterable[str] = ()
) -> list[Any]:
    """A stage's questions as inputs; those in ``derived`` are shown read-only, taken from elsewhere."""
    body: list[Any] = [heading(section.title)]
    if section.intro:
        body.append(paragraph(section.intro))
    if section.guidance:
        bullets = "\n".join(f"- {line}" for line in section.guidance)
        body.append(
            Container(
                items=[TextBlock(text=text.EXPECT_TO_SEE, weight="Bolder", wrap=True), paragraph(bullets, subtle=True)],
                style="emphasis",
                spacing="Small",
            )
        )
    for question in section.questions:
        shown_only = question.id in derived
        body += _derived_answer(question, values) if shown_only else question_inputs(question, values, errors)
    return body


def _derived_answer(question: Question, values: dict[str, str]) -> list[Any]:
    """A question answered from the family step: its answer to read, and where it comes from."""
    value = values.get(question.id)
    items = [
        TextBlock(text=question.text, weight="Bolder", wrap=True),
        paragraph(question.label_of(value) if value else family_text.VIEW_NOT_YET, spacing="None"),
        paragraph(family_text.VIEW_FROM_STEP, subtle=True, spacing="None"),
    ]
    return [Container(items=items, spacing="Medium")]


# -- the auditor's pages ---------------------------------------------------------------------------


def invitation_card(summary: AssignmentSummary) -> Json:
    return card(
        [
            title(text.INVITATION_TITLE.format(case_ref=summary.case_ref)),
            paragraph(text.INVITATION_INTRO),
            _assignment_facts(summary),
            paragraph(text.PRIVACY_REMINDER, subtle=True),
        ],
        [execute(text.START, verbs.AUDIT_OPEN, {"assignment_id": summary.id})],
        fallback_text=text.INVITATION_TITLE.format(case_ref=summary.case_ref),
    )


def page_card(page: AuditPage) -> Json:
    """One step of the audit: a section, the actions page or the review page."""
    summary = page.assignment
    header = text.PAGE_HEADER.format(case_ref=summary.case_ref, number=page.page + 1, total=page.page_count)
    body: list[Any] = [paragraph(header, subtle=True, spacing="None"), title(summary.template_title)]
    if page.notice:
        body.append(TextBlock(text=page.notice, color="Accent", wrap=True, weight="Bolder"))
    if page.errors:
        body.append(TextBlock(text=text.PAGE_HAS_ERRORS, color="Attention", wrap=True, weight="Bolder"))
    if page.is_review_page:
        body += _review_body(page)
    elif page.is_actions_page:
        body += _actions_body(page)
    else:
        if page.shows_reflection:
            body += _reflection_block(page)
        derived = (FAMILY_VIEW_QUESTION,) if page.family is not None else ()
        body += section_body(page.template.sections[page.page], page.values, page.errors, derived=derived)
    data = {"assignment_id": summary.id, "page": page.page}
    buttons = []
    if page.page > 0:
        buttons.append(execute(text.BACK, verbs.AUDIT_BACK, data))
    if page.is_review_page:
        buttons.append(execute(text.SUBMIT, verbs.AUDIT_SUBMIT, {**data, "submission_key": page.submission_key}))
    else:
        buttons += [execute(text.SAVE, verbs.AUDIT_SAVE, data), execute(text.NEXT, verbs.AUDIT_NEXT, data)]
    body += partners_on_page(page)
    if page.is_actions_page and action_rows_shown(page.values) < MAX_ACTIONS:
        # Under the rows it adds to, apart from the page's Back / Save / Continue buttons.
        body.append(action_row(execute(text.ADD_ACTION, verbs.AUDIT_ADD_ACTION, data)))
    body += family_on_page(page)
    body.append(paragraph(text.PRIVACY_REMINDER, subtle=True, spacing="Medium"))
    return card(body, buttons, fallback_text=header)


def _actions_body(page: AuditPage) -> list[Any]:
    body: list[Any] = [heading(text.ACTIONS_TITLE), paragraph(text.ACTIONS_INTRO)]
    owners = [(str(pid), name) for pid, name in page.owners]
    rows = action_rows_shown(page.values)
    for row in range(1, rows + 1):
        what, owner, due = action_ids(row)
        items: list[Any] = [TextBlock(text=text.ACTION_HEADING.format(number=row), weight="Bolder", wrap=True)]
        items.append(TextInput(id=what, label=text.ACTION_WHAT, value=page.values.get(what) or None, max_length=2000))
        items += field_error(page.errors.get(what))
        items.append(
            ChoiceSetInput(
                id=owner,
                label=text.ACTION_OWNER,
                value=page.values.get(owner) or None,
                choices=_choices(owners),
                style="compact",
                placeholder=text.CHOOSE,
            )
        )
        items += field_error(page.errors.get(owner))
        items.append(DateInput(id=due, label=text.ACTION_DUE, value=page.values.get(due) or None))
        items += field_error(page.errors.get(due))
        body.append(Container(items=items, spacing="Medium", separator=True))
    if rows == MAX_ACTIONS:
        body.append(paragraph(text.ACTIONS_FULL.format(limit=MAX_ACTIONS), subtle=True))
    return body


def _review_body(page: AuditPage) -> list[Any]:
    body: list[Any] = [heading(text.REVIEW_TITLE), paragraph(text.REVIEW_INTRO)]
    body += _reflection_block(page)
    body.append(heading(text.YOUR_GRADES))
    graded = [q for q in page.template.questions() if q.type == QuestionType.GRADE]
    pairs = []
    for question in graded:
        value = page.values.get(question.id)
        pairs.append(
            (_section_of(page.template, question.id), question.label_of(value) if value else text.NOT_ANSWERED)
        )
    body.append(facts(pairs))
    body.append(heading(text.ACTIONS_SUMMARY))
    owners = {str(pid): name for pid, name in page.owners}
    actions = []
    for row in range(1, MAX_ACTIONS + 1):
        what, owner, due = action_ids(row)
        if page.values.get(what):
            actions.append(
                f"- {page.values[what]} ({owners.get(page.values.get(owner, ''), '?')}, {page.values.get(due, '?')})"
            )
    body.append(paragraph("\n".join(actions) if actions else text.NO_ACTIONS))
    return body


def _reflection_block(page: AuditPage) -> list[Any]:
    """The practitioner's reflection where the auditor grades: its answers, or when it is due."""
    items: list[Any] = [heading(text.REFLECTION_HEADING)]
    if page.reflection is not None:
        return [
            Container(items=items + _answers_block(page.reflection.template, page.reflection.answers), style="emphasis")
        ]
    if page.reflection_due is None:
        wording = text.REFLECTION_NOT_YET_UNDATED
    else:
        wording = text.REFLECTION_OVERDUE if page.reflection_overdue else text.REFLECTION_NOT_YET
    due = long_date(page.reflection_due) if page.reflection_due else ""
    items.append(paragraph(wording.format(due=due), subtle=True))
    return [Container(items=items, style="emphasis")]


def _section_of(template: Template, question_id: str) -> str:
    return next(s.title for s in template.sections if any(q.id == question_id for q in s.questions))


def _answers_block(template: Template, answers: dict[str, Any], *, only: Sequence[str] | None = None) -> list[Any]:
    """Questions and answers as read-only text."""
    return answers_block(template.questions(), answers, only=only)


# -- read-only views ---------------------------------------------------------------------------


def _grade_lines(audit: SubmittedAudit) -> list[Any]:
    items: list[Any] = [heading(text.GRADES_HEADING)]
    for line in audit.grades:
        if line.moderated_grade:
            sentence = text.GRADE_LINE_MODERATED.format(
                section=line.section_title,
                final=line.label_of(line.moderated_grade),
                original=line.label_of(line.grade),
                outcome=line.moderation_outcome,
            )
        else:
            sentence = text.GRADE_LINE.format(section=line.section_title, grade=line.label_of(line.grade))
        items.append(paragraph(sentence, spacing="Small"))
        if line.rationale:
            items.append(paragraph(text.RATIONALE.format(text=line.rationale), subtle=True, spacing="None"))
        if line.moderation_rationale:
            items.append(
                paragraph(text.MODERATOR_SAYS.format(text=line.moderation_rationale), subtle=True, spacing="None")
            )
    return items


def submitted_card(audit: SubmittedAudit, *, viewer: str = "auditor") -> Json:
    """The read-only audit: what the auditor sees after submitting, and managers and the QA lead."""
    summary = audit.assignment
    body: list[Any] = [
        title(text.SUBMITTED_TITLE.format(case_ref=summary.case_ref)),
        _assignment_facts(summary),
        facts(
            [
                (text.SUBMITTED_ON, long_date(audit.submitted_at.date())),
                (text.MODERATION, text.MODERATION_STATES[audit.moderation]),
            ]
        ),
        *_without_reflection(audit),
        *_grade_lines(audit),
    ]
    body += partners_on_audit(audit.partners)
    body += _findings_and_actions(audit)
    if audit.practitioner_comment:
        body.append(paragraph(text.PRACTITIONER_COMMENT.format(text=audit.practitioner_comment), spacing="Medium"))
    body += _confirmation_lines(audit)
    body.append(paragraph(text.READ_ONLY_NOTE, subtle=True, spacing="Medium"))
    actions = []
    if viewer == "practitioner":
        body.append(TextInput(id="comment", label=text.COMMENT_LABEL, is_multiline=True, max_length=2000))
        actions.append(execute(text.COMMENT_SEND, verbs.AUDIT_COMMENT, {"assignment_id": summary.id}))
    return card(body, actions or None, fallback_text=text.SUBMITTED_TITLE.format(case_ref=summary.case_ref))


def _findings_and_actions(audit: SubmittedAudit) -> list[Any]:
    """The auditor's Signs of Safety findings, the family's view and the actions the audit raised, read-only."""
    items: list[Any] = []
    sos = ("worries", "working_well", "needs_to_happen", "auditor_scale")
    if any(key in audit.answers for key in sos):
        items += [heading(text.SIGNS_OF_SAFETY), *_answers_block(audit.template, audit.answers, only=sos)]
    items += family_on_audit(audit)
    items.append(heading(text.ACTIONS_SUMMARY))
    lines = [f"- {a.description} ({a.owner_name}, {long_date(a.due_date)})" for a in audit.actions]
    items.append(paragraph("\n".join(lines) if lines else text.NO_ACTIONS))
    return items


def _without_reflection(audit: SubmittedAudit) -> list[Any]:
    if not audit.without_reflection:
        return []
    due = long_date(audit.reflection_due) if audit.reflection_due else ""
    return [TextBlock(text=text.SUBMITTED_WITHOUT_REFLECTION.format(due=due), color="Warning", wrap=True)]


def _confirmation_lines(audit: SubmittedAudit) -> list[Any]:
    """Done together: whether the practitioner confirmed the findings and actions, or what they disagree with."""
    confirmation = audit.confirmation
    if confirmation is None:
        return []
    day = long_date(confirmation.answered_at.date()) if confirmation.answered_at else ""
    wording = text.CONFIRMATION_STATES[confirmation.state]
    return [
        heading(text.CONFIRMATION_HEADING),
        paragraph(wording.format(day=day, text=confirmation.disagreement or "")),
    ]


def confirmation_card(form: ConfirmationForm) -> Json:
    """The practitioner's card for an audit done together: the findings, grades and actions to read,
    and their answer. It has no grade inputs: the grades are the auditor's."""
    audit = form.audit
    summary = audit.assignment
    body: list[Any] = [
        title(text.CONFIRM_TITLE.format(case_ref=summary.case_ref)),
        paragraph(text.CONFIRM_INTRO.format(auditor=summary.auditor_name)),
        _assignment_facts(summary),
        *_without_reflection(audit),
        *_grade_lines(audit),
    ]
    body += _findings_and_actions(audit)
    if form.errors:
        body.append(TextBlock(text=text.CONFIRM_CHECK, color="Attention", wrap=True, weight="Bolder"))
    answer = ChoiceSetInput(
        id="answer",
        label=text.CONFIRM_CHOICE,
        value=form.values.get("answer") or None,
        choices=_choices(text.CONFIRM_CHOICES.items()),
        style="expanded",
    )
    disagreement = TextInput(
        id="disagreement",
        label=text.CONFIRM_DISAGREEMENT,
        value=form.values.get("disagreement") or None,
        is_multiline=True,
        max_length=2000,
    )
    for element in (answer, disagreement):
        body += [element, *field_error(form.errors.get(element.id or ""))]
    action = execute(text.CONFIRM_SEND, verbs.AUDIT_CONFIRM_SUBMIT, {"assignment_id": summary.id})
    return card(body, [action], fallback_text=text.CONFIRM_TITLE.format(case_ref=summary.case_ref))


def outcome_card(audit: SubmittedAudit, *, for_practitioner: bool = True) -> Json:
    """Told to the practitioner (who may comment) and, after moderation, to the auditor: the grades
    and the family's view beside them, as the read-only audit shows it."""
    summary = audit.assignment
    body: list[Any] = [
        title(text.OUTCOME_TITLE.format(case_ref=summary.case_ref)),
        paragraph(text.OUTCOME_INTRO),
        *_grade_lines(audit),
        *family_on_audit(audit),
    ]
    actions = []
    if for_practitioner:
        body.append(TextInput(id="comment", label=text.COMMENT_LABEL, is_multiline=True, max_length=2000))
        actions.append(execute(text.COMMENT_SEND, verbs.AUDIT_COMMENT, {"assignment_id": summary.id}))
    return card(body, actions or None, fallback_text=text.OUTCOME_TITLE.format(case_ref=summary.case_ref))


def late_arrival_card(arrival: LateArrival) -> Json:
    """Tells the auditor (and the practitioner, for the family's answers) that something arrived
    after submission, with the read-only audit a click away; it never names the family."""
    late = arrival.agency
    news = text.LATE_FAMILY if late is None else text.LATE_PARTNER.format(agency=agency_label(late))
    heading_text = text.LATE_TITLE.format(case_ref=arrival.case_ref)
    action = execute(text.LATE_OPEN, verbs.AUDIT_VIEW, {"assignment_id": arrival.assignment_id})
    return card([title(heading_text), paragraph(news)], [action], fallback_text=heading_text)


# -- reflection ---------------------------------------------------------------------------------


def reflection_card(form: ReflectionForm) -> Json:
    summary = form.assignment
    body: list[Any] = [
        title(text.REFLECTION_TITLE.format(case_ref=summary.case_ref)),
        paragraph(text.REFLECTION_INTRO.format(auditor=summary.auditor_name)),
    ]
    if form.due:
        body.append(paragraph(text.REFLECTION_DUE_BY.format(due=long_date(form.due)), spacing="Small"))
    if form.errors:
        body.append(TextBlock(text=text.PAGE_HAS_ERRORS, color="Attention", wrap=True, weight="Bolder"))
    body += template_inputs(form.template, form.values, form.errors)
    body += family_on_reflection(form)
    body.append(paragraph(text.PRIVACY_REMINDER, subtle=True, spacing="Medium"))
    return card(
        body,
        [execute(text.SEND_REFLECTION, verbs.AUDIT_REFLECT_SUBMIT, {"assignment_id": summary.id})],
        fallback_text=text.REFLECTION_TITLE.format(case_ref=summary.case_ref),
    )


def reflection_done_card(case_ref: str, reflection: ReflectionSummary) -> Json:
    return card(
        [
            title(text.REFLECTION_DONE_TITLE.format(case_ref=case_ref)),
            paragraph(text.REFLECTION_DONE),
            *_answers_block(reflection.template, reflection.answers),
        ]
    )


# -- moderation ----------------------------------------------------------------------------------


def moderation_card(form: ModerationForm) -> Json:
    audit = form.audit
    summary = audit.assignment
    body: list[Any] = [
        title(text.MODERATION_TITLE.format(case_ref=summary.case_ref)),
        paragraph(text.MODERATION_INTRO),
        _assignment_facts(summary),
        *partners_on_audit(audit.partners),
    ]
    if form.errors:
        body.append(TextBlock(text=text.PAGE_HAS_ERRORS, color="Attention", wrap=True, weight="Bolder"))
    for line in audit.grades:
        grade_id, rationale_id_ = f"moderated_{line.question_id}", f"moderation_rationale_{line.question_id}"
        items: list[Any] = [
            heading(line.section_title),
            paragraph(text.GRADE_LINE.format(section=text.FACT_AUDITOR, grade=line.label_of(line.grade))),
        ]
        if line.rationale:
            items.append(paragraph(text.RATIONALE.format(text=line.rationale), subtle=True, spacing="None"))
        items.append(
            ChoiceSetInput(
                id=grade_id,
                label=text.MODERATED_GRADE,
                value=form.values.get(grade_id) or line.grade,
                choices=grade_choices(line.scale),
                style="expanded",
            )
        )
        items += field_error(form.errors.get(grade_id))
        items.append(
            TextInput(
                id=rationale_id_,
                label=text.MODERATION_RATIONALE,
                value=form.values.get(rationale_id_) or None,
                is_multiline=True,
                max_length=2000,
            )
        )
        items += field_error(form.errors.get(rationale_id_))
        body.append(Container(items=items, separator=True, spacing="Medium"))
    if audit.reflection:
        body += [heading(text.REFLECTION_HEADING), *_answers_block(audit.reflection.template, audit.reflection.answers)]
    body += family_on_audit(audit)
    return card(
        body,
        [execute(text.MODERATE_SUBMIT, verbs.AUDIT_MODERATE_SUBMIT, {"assignment_id": summary.id})],
        fallback_text=text.MODERATION_TITLE.format(case_ref=summary.case_ref),
    )


def moderator_needed_card(alert: ModeratorNeeded) -> Json:
    """To the QA lead(s) (else the team manager): an audit selected for moderation that nobody
    independent can moderate, why it needs moderation and how to give someone the role."""
    if alert.reason == "grade":
        why = text.NO_MODERATOR_REASON_GRADE.format(grades=", ".join(alert.grades))
    else:
        why = text.NO_MODERATOR_REASON_SAMPLE
    return card(
        [
            TextBlock(
                text=text.NO_MODERATOR_TITLE.format(case_ref=alert.case_ref),
                size="Large",
                weight="Bolder",
                color="Warning",
                wrap=True,
                style="heading",
            ),
            paragraph(text.NO_MODERATOR_INTRO),
            facts(
                [
                    (text.FACT_CASE, alert.case_ref),
                    (text.FACT_TEMPLATE, alert.template_title),
                    (text.FACT_TEAM, alert.team_name),
                    (text.FACT_AUDITOR, alert.auditor_name),
                    (text.FACT_PRACTITIONER, alert.practitioner_name),
                    (text.FACT_SUBMITTED, alert.submitted_at.strftime("%d %b %Y %H:%M UTC")),
                ]
            ),
            heading(text.NO_MODERATOR_WHY),
            paragraph(why),
            heading(text.NO_MODERATOR_TO_DO),
            paragraph(text.NO_MODERATOR_STEPS),
            TextBlock(text=text.NO_MODERATOR_COMMAND, font_type="Monospace", wrap=True, spacing="Small"),
            paragraph(text.NO_MODERATOR_THEN),
        ],
        fallback_text=text.NO_MODERATOR_TITLE.format(case_ref=alert.case_ref),
    )


# -- stop and escalate -----------------------------------------------------------------------------


def escalation_card(alert: EscalationAlert) -> Json:
    return card(
        [
            TextBlock(text=text.ESCALATION_TITLE, size="Large", weight="Bolder", color="Attention", wrap=True),
            paragraph(text.ESCALATION_INTRO),
            facts(
                [
                    (text.FACT_CASE, alert.case_ref),
                    (text.FACT_TEAM, alert.team_name),
                    (text.FACT_PRACTITIONER, alert.practitioner_name),
                    (text.FACT_AUDITOR, alert.auditor_name),
                    (text.ESCALATION_RAISED, alert.raised_at.strftime("%d %b %Y %H:%M UTC")),
                ]
            ),
            TextBlock(text=text.ESCALATION_NOTE, weight="Bolder", wrap=True),
            paragraph(alert.note),
        ],
        fallback_text=text.ESCALATION_TITLE,
    )


# -- tasks and rounds -------------------------------------------------------------------------------

TASK_VERBS = {
    "audit": verbs.AUDIT_OPEN,
    "reflection": verbs.AUDIT_REFLECT_OPEN,
    "moderation": verbs.AUDIT_MODERATE_OPEN,
    "confirm": verbs.AUDIT_CONFIRM_OPEN,
}


def tasks_card(tasks: Sequence[Task]) -> Json:
    body: list[Any] = [title(text.TASKS_TITLE)]
    if not tasks:
        body.append(paragraph(text.TASKS_EMPTY))
    for task in tasks:
        due = f" \u00b7 {text.TASK_DUE.format(date=long_date(task.due_date))}" if task.due_date else ""
        items: list[Any] = [TextBlock(text=f"**{task.title}**: case {task.case_ref}{due}", wrap=True)]
        if task.detail:
            items.append(paragraph(task.detail, subtle=True, spacing="None"))
        # A kind with no verb (an audit waiting for a moderator) is for information: nothing to open.
        if task.kind in TASK_VERBS:
            items.append(action_row(execute(text.OPEN, TASK_VERBS[task.kind], {"assignment_id": task.assignment_id})))
        body.append(Container(items=items, separator=True))
    return card(body, fallback_text=text.TASKS_TITLE)


def team_audits_card(audits: Sequence[TeamAudit]) -> Json:
    """A manager's or the QA lead's list; submitted audits open read-only."""
    body: list[Any] = [title(text.TEAM_AUDITS_TITLE)]
    if not audits:
        body.append(paragraph(text.TEAM_AUDITS_EMPTY))
    for audit in audits:
        line = text.TEAM_AUDIT_LINE.format(
            case_ref=audit.case_ref, team=audit.team_name, auditor=audit.auditor_name, due=long_date(audit.due_date)
        )
        state = (
            text.TEAM_AUDIT_NO_MODERATOR
            if audit.no_moderator
            else text.TEAM_AUDIT_STATUS.get(audit.status, audit.status)
        )
        if audit.final_grade_label:
            state += " \u00b7 " + text.TEAM_AUDIT_GRADE.format(grade=audit.final_grade_label)
        items: list[Any] = [TextBlock(text=line, wrap=True), paragraph(state, subtle=True, spacing="None")]
        if audit.submitted:
            items.append(action_row(execute(text.OPEN, verbs.AUDIT_VIEW, {"assignment_id": audit.assignment_id})))
        body.append(Container(items=items, separator=True))
    return card(body, fallback_text=text.TEAM_AUDITS_TITLE)


def round_start_card(form: RoundStartForm) -> Json:
    body: list[Any] = [title(text.ROUND_START_TITLE), paragraph(text.ROUND_START_INTRO)]
    body.append(
        ChoiceSetInput(
            id="template",
            label=text.ROUND_TEMPLATE,
            value=form.values.get("template") or (form.templates[0][0] if form.templates else None),
            choices=_choices(form.templates),
            style="compact",
        )
    )
    body += field_error(form.errors.get("template"))
    body.append(
        DateInput(
            id="due_date", label=text.ROUND_DUE, value=form.values.get("due_date") or form.default_due.isoformat()
        )
    )
    body += field_error(form.errors.get("due_date"))
    body.append(
        TextInput(
            id="cases",
            label=text.ROUND_CASES,
            value=form.values.get("cases") or None,
            placeholder=text.ROUND_CASES_PLACEHOLDER,
            is_multiline=True,
            max_length=20000,
        )
    )
    body += field_error(form.errors.get("cases"))
    return card(body, [execute(text.ROUND_START, verbs.AUDIT_ROUND_START)], fallback_text=text.ROUND_START_TITLE)


def round_report_card(report: RoundReport) -> Json:
    body: list[Any] = [title(text.ROUND_STARTED_TITLE.format(title=report.template_title))]
    if report.created:
        body.append(paragraph(text.ROUND_STARTED.format(count=len(report.created), due=long_date(report.due_date))))
    else:
        body.append(paragraph(text.ROUND_NOTHING_STARTED))
    if report.problems:
        body.append(heading(text.ROUND_PROBLEMS))
        body.append(facts([(text.ROUND_ROW.format(row=p.row), p.reason) for p in report.problems[:50]]))
    return card(body, fallback_text=text.ROUND_STARTED_TITLE.format(title=report.template_title))
