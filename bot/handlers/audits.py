"""Audits in Teams: the auditor's pages, the reflection, moderation, rounds and 'my tasks'.

Each handler parses the card data, makes one service call and picks the card for the result.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from bot.router import ActionResult
from bot.turns import Turn
from cards import audit as audit_cards
from cards import text_audits as text
from cards import verbs
from services.errors import InvalidInput
from views.audits import (
    AuditPage,
    ConfirmationForm,
    ModerationForm,
    ReflectionForm,
    ReflectionSummary,
    RoundStartForm,
    SubmittedAudit,
)

if TYPE_CHECKING:
    from bot.qop_bot import QopBot

ROUND_CSV_HEADER = "case_ref,team,practitioner,auditor\n"


def _assignment_id(data: dict[str, Any]) -> int:
    try:
        return int(data["assignment_id"])
    except (KeyError, TypeError, ValueError):
        raise InvalidInput(text.NO_SUCH_AUDIT) from None


def page_of(data: dict[str, Any]) -> int:
    """The page a card's button was on (0 when the card does not say)."""
    return int(data.get("page") or 0) if str(data.get("page", "0")).isdigit() else 0


def _page_or_summary(result: AuditPage | SubmittedAudit) -> dict[str, Any]:
    if isinstance(result, AuditPage):
        return audit_cards.page_card(result)
    return audit_cards.submitted_card(result)


def _round_form(
    turn: Turn, values: dict[str, str] | None = None, errors: dict[str, str] | None = None
) -> RoundStartForm:
    templates = tuple((t.id, t.title) for t in turn.services.audits.rounds.audit_templates())
    default_due = turn.services.clock.now().date() + timedelta(days=28)
    return RoundStartForm(templates, default_due, values or {}, errors or {})


async def my_tasks(turn: Turn) -> None:
    await turn.send_card(audit_cards.tasks_card(await turn.services.audits.tasks.my_tasks(turn.user.teams_user_id)))


async def team_audits(turn: Turn) -> None:
    tasks = turn.services.audits.tasks
    await turn.send_card(audit_cards.team_audits_card(await tasks.team_audits(turn.user.teams_user_id)))


async def new_round(turn: Turn) -> None:
    await turn.send_card(audit_cards.round_start_card(_round_form(turn)))


async def open_audit(turn: Turn, data: dict[str, Any]) -> ActionResult:
    answering = turn.services.audits.answering
    return ActionResult(_page_or_summary(await answering.open_audit(turn.user.teams_user_id, _assignment_id(data))))


async def next_page(turn: Turn, data: dict[str, Any]) -> ActionResult:
    return await _save_page(turn, data, move="next")


async def previous_page(turn: Turn, data: dict[str, Any]) -> ActionResult:
    return await _save_page(turn, data, move="back")


async def save_page(turn: Turn, data: dict[str, Any]) -> ActionResult:
    return await _save_page(turn, data, move="save")


async def add_action(turn: Turn, data: dict[str, Any]) -> ActionResult:
    return await _save_page(turn, data, move="add_action")


async def _save_page(turn: Turn, data: dict[str, Any], *, move: str) -> ActionResult:
    """Keep the page's answers, then show the page ``move`` leads to (or the submitted summary)."""
    result = await turn.services.audits.answering.save_page(
        turn.user.teams_user_id, _assignment_id(data), page=page_of(data), data=data, move=move
    )
    return ActionResult(_page_or_summary(result))


async def submit(turn: Turn, data: dict[str, Any]) -> ActionResult:
    assignment_id = _assignment_id(data)
    key = str(data.get("submission_key") or f"audit-{assignment_id}")
    submission = turn.services.audits.submission
    result = await submission.submit(turn.user.teams_user_id, assignment_id, data=data, idempotency_key=key)
    return ActionResult(_page_or_summary(result))


async def view(turn: Turn, data: dict[str, Any]) -> ActionResult:
    tasks = turn.services.audits.tasks
    return ActionResult(_page_or_summary(await tasks.view(turn.user.teams_user_id, _assignment_id(data))))


async def comment(turn: Turn, data: dict[str, Any]) -> ActionResult:
    result = await turn.services.audits.reflection.comment_on_grade(
        turn.user.teams_user_id, _assignment_id(data), str(data.get("comment") or "")
    )
    return ActionResult(audit_cards.submitted_card(result))


async def open_reflection(turn: Turn, data: dict[str, Any]) -> ActionResult:
    result = await turn.services.audits.reflection.open_reflection(turn.user.teams_user_id, _assignment_id(data))
    return ActionResult(_reflection_card(result))


async def submit_reflection(turn: Turn, data: dict[str, Any]) -> ActionResult:
    reflection = turn.services.audits.reflection
    result = await reflection.submit_reflection(turn.user.teams_user_id, _assignment_id(data), data)
    return ActionResult(_reflection_card(result))


async def open_confirmation(turn: Turn, data: dict[str, Any]) -> ActionResult:
    confirmation = turn.services.audits.confirmation
    result = await confirmation.open_confirmation(turn.user.teams_user_id, _assignment_id(data))
    return ActionResult(_confirmation_card(result))


async def confirm(turn: Turn, data: dict[str, Any]) -> ActionResult:
    confirmation = turn.services.audits.confirmation
    result = await confirmation.confirm(turn.user.teams_user_id, _assignment_id(data), data)
    return ActionResult(_confirmation_card(result))


def _confirmation_card(result: ConfirmationForm | SubmittedAudit) -> dict[str, Any]:
    if isinstance(result, ConfirmationForm):
        return audit_cards.confirmation_card(result)
    return audit_cards.submitted_card(result, viewer="practitioner")


async def open_moderation(turn: Turn, data: dict[str, Any]) -> ActionResult:
    result = await turn.services.audits.moderation.open_moderation(turn.user.teams_user_id, _assignment_id(data))
    return ActionResult(_moderation_card(result))


async def moderate(turn: Turn, data: dict[str, Any]) -> ActionResult:
    result = await turn.services.audits.moderation.moderate(turn.user.teams_user_id, _assignment_id(data), data)
    return ActionResult(_moderation_card(result))


async def start_round(turn: Turn, data: dict[str, Any]) -> ActionResult:
    values = {k: str(data.get(k) or "").strip() for k in ("template", "due_date", "cases")}
    errors = {}
    try:
        due = date.fromisoformat(values["due_date"])
    except ValueError:
        errors["due_date"] = text.ROUND_DUE_NEEDED
    if not values["cases"]:
        errors["cases"] = text.ROUND_CASES_NEEDED
    if errors:
        return ActionResult(audit_cards.round_start_card(_round_form(turn, values, errors)))
    try:
        report = await turn.services.audits.rounds.start_round_from_csv(
            template_id=values["template"],
            due_date=due,
            csv_text=ROUND_CSV_HEADER + values["cases"],
            actor_id=turn.user.teams_user_id,
        )
    except InvalidInput as refusal:
        return ActionResult(audit_cards.round_start_card(_round_form(turn, values, refusal.field_errors)))
    return ActionResult(audit_cards.round_report_card(report))


def register(bot: QopBot) -> None:
    bot.command("my tasks", my_tasks)
    bot.command("team audits", team_audits)
    bot.command("audit round", new_round)
    bot.action(verbs.AUDIT_OPEN, open_audit)
    bot.action(verbs.AUDIT_NEXT, next_page)
    bot.action(verbs.AUDIT_BACK, previous_page)
    bot.action(verbs.AUDIT_SAVE, save_page)
    bot.action(verbs.AUDIT_ADD_ACTION, add_action)
    bot.action(verbs.AUDIT_SUBMIT, submit)
    bot.action(verbs.AUDIT_VIEW, view)
    bot.action(verbs.AUDIT_COMMENT, comment)
    bot.action(verbs.AUDIT_REFLECT_OPEN, open_reflection)
    bot.action(verbs.AUDIT_REFLECT_SUBMIT, submit_reflection)
    bot.action(verbs.AUDIT_CONFIRM_OPEN, open_confirmation)
    bot.action(verbs.AUDIT_CONFIRM_SUBMIT, confirm)
    bot.action(verbs.AUDIT_MODERATE_OPEN, open_moderation)
    bot.action(verbs.AUDIT_MODERATE_SUBMIT, moderate)
    bot.action(verbs.AUDIT_ROUND_START, start_round)


def _reflection_card(result: ReflectionForm | ReflectionSummary) -> dict[str, Any]:
    if isinstance(result, ReflectionForm):
        return audit_cards.reflection_card(result)
    return audit_cards.reflection_done_card(result.case_ref, result)


def _moderation_card(result: ModerationForm | SubmittedAudit) -> dict[str, Any]:
    if isinstance(result, ModerationForm):
        return audit_cards.moderation_card(result)
    return audit_cards.outcome_card(result, for_practitioner=False)
