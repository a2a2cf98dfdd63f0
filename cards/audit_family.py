"""The family's view on audit cards: the family step (who gives their view and how, or why not),
the family's answers as every reader of the audit sees them, and the form answered together."""

from __future__ import annotations

from typing import Any

from microsoft_teams.cards import Choice as CardChoice
from microsoft_teams.cards import ChoiceSetInput, Container, Image, NumberInput, TextBlock

from cards import text_audit_family as text
from cards import verbs
from cards.base import Json, action_row, execute, field_error, heading, paragraph
from cards.feedback import format_day, qr_data_uri, survey_form
from views.audit_family import FamilyAnswer, FamilyVoice, NewLink, TogetherForm
from views.audits import AuditPage, ReflectionForm, SubmittedAudit
from views.templates import QuestionRole

FAMILY_INPUTS = ("family_who", "family_reason", "family_tries")


def family_on_page(page: AuditPage) -> list[Any]:
    """The auditor's pages: the whole family step on the first page (ask early, answers take time)
    and on the review page; the family's answers alone beside the overall grade."""
    if page.family is None:
        return []
    if page.page == 0 or page.is_review_page:
        return family_step(page.family, assignment_id=page.assignment.id, page=page.page, errors=page.errors)
    section = page.template.sections[page.page] if page.page < page.section_count else None
    if section and any(q.role == QuestionRole.OVERALL_GRADE for q in section.questions) and page.family.answers:
        return [Container(items=[heading(text.HEADING), *family_answers(page.family)], separator=True)]
    return []


def family_on_reflection(form: ReflectionForm) -> list[Any]:
    """The practitioner's reflection card: the same family step, for when the family is beside them."""
    if form.family is None:
        return []
    return family_step(form.family, assignment_id=form.assignment.id, page=0, errors=form.errors, practitioner=True)


def family_on_audit(audit: SubmittedAudit) -> list[Any]:
    """The read-only audit and the moderation card: what the family said (late answers marked),
    or why the audit went without it."""
    if audit.family is None:
        return []
    return [Container(items=[heading(text.HEADING), *family_answers(audit.family)], separator=True)]


def family_step(
    family: FamilyVoice, *, assignment_id: int, page: int, errors: dict[str, str], practitioner: bool = False
) -> list[Any]:
    """What the family has said so far, and the choice of how they give their view."""
    data = {"assignment_id": assignment_id, "page": page}
    items: list[Any] = [heading(text.HEADING), paragraph(text.INTRO_PRACTITIONER if practitioner else text.INTRO)]
    items += _new_link(family.new_link)
    items += family_answers(family)
    items += _choice("family_who", text.WHO_LABEL, text.WHO, errors)
    items.append(
        action_row(
            execute(text.SEND_LINK, verbs.AUDIT_FAMILY_LINK, data),
            execute(text.TOGETHER, verbs.AUDIT_FAMILY_TOGETHER, data),
        )
    )
    items.append(TextBlock(text=text.NOT_POSSIBLE_HEADING, weight="Bolder", wrap=True, spacing="Medium"))
    items += _choice("family_reason", text.REASON_LABEL, text.REASONS, errors)
    items.append(NumberInput(id="family_tries", label=text.TRIES_LABEL, min=1, max=99))
    items += field_error(errors.get("family_tries"))
    items.append(action_row(execute(text.RECORD_REASON, verbs.AUDIT_FAMILY_REASON, data)))
    return [Container(items=items, separator=True, spacing="Large", style="emphasis")]


def _choice(input_id: str, label: str, options: dict[str, str], errors: dict[str, str]) -> list[Any]:
    """A short list of radio buttons (value -> wording), with its problem under it."""
    choices = [CardChoice(title=wording, value=value) for value, wording in options.items()]
    field = ChoiceSetInput(id=input_id, label=label, choices=choices, style="expanded", wrap=True)
    return [field, *field_error(errors.get(input_id))]


def family_answers(family: FamilyVoice) -> list[Any]:
    """Whether the family was heard, each set of their answers in their own words, the links still
    waiting, and the reason recorded when they could not be heard."""
    items: list[Any] = [paragraph(text.HEARD if family.heard else text.NOT_YET, spacing="Small")]
    for answer in family.answers:
        items += _answer_items(answer)
    items += [
        paragraph(text.WAITING.format(form=link.template_title, day=format_day(link.expires_at)), subtle=True)
        for link in family.waiting
    ]
    if family.reason:
        reason = text.REASONS.get(family.reason, family.reason)
        if family.tries:
            reason = text.REASON_TRIES.format(reason=reason, tries=family.tries)
        items.append(paragraph(text.REASON_LINE.format(reason=reason)))
    return items


def _answer_items(answer: FamilyAnswer) -> list[Any]:
    line = text.ANSWER_HEADING.format(
        form=answer.template.title,
        how=text.HOW.get(answer.channel, answer.channel),
        day=format_day(answer.submitted_at),
    )
    items: list[Any] = [TextBlock(text=line, weight="Bolder", wrap=True, spacing="Medium")]
    if answer.late:
        items.append(TextBlock(text=text.LATE, color="Warning", wrap=True, spacing="None"))
    for question in answer.template.questions():
        value = answer.answers.get(question.id)
        if value in (None, ""):
            continue
        items.append(TextBlock(text=question.text, weight="Bolder", wrap=True, spacing="Small"))
        items.append(paragraph(question.label_of(str(value)), spacing="None"))
    return items


def _new_link(link: NewLink | None) -> list[Any]:
    if link is None:
        return []
    return [
        paragraph(text.NEW_LINK.format(form=link.template_title, day=format_day(link.expires_at))),
        TextBlock(text=link.url, wrap=True, font_type="Monospace", spacing="Small"),
        Image(url=qr_data_uri(link.url), alt_text=text.NEW_LINK_QR_ALT, size="Medium", horizontal_alignment="Center"),
    ]


def together_card(form: TogetherForm) -> Json:
    """The family's form on the card, answered together now; refused answers come back kept."""
    data = {"assignment_id": form.assignment_id, "page": form.page}
    back = (
        execute(text.BACK_TO_REFLECTION, verbs.AUDIT_REFLECT_OPEN, data)
        if form.for_practitioner
        else execute(text.BACK_TO_AUDIT, verbs.AUDIT_OPEN, data)
    )
    return survey_form(
        form.template,
        verb=verbs.AUDIT_FAMILY_ANSWER,
        data={**data, "family_who": form.who, "version": form.template.version},
        note=text.TOGETHER_NOTE.format(case_ref=form.case_ref),
        values=form.values,
        problems=form.problems,
        more_actions=[back],
    )
