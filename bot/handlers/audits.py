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
from views.audits import AuditPage, ModerationForm, ReflectionForm, ReflectionSummary, RoundStartForm, SubmittedAudit

if TYPE_CHECKING:
    from bot.qop_bot import QopBot

ROUND_CSV_HEADER = "case_ref,team,practitioner,auditor\n"


def _assignment_id(data: dict[str, Any]) -> int:
    try:
        return int(data["assignment_id"])
    except (KeyError, TypeError, ValueError):
        raise InvalidInput(text.NO_SUCH_AUDIT) from None


def _page_or_summary(result: AuditPage | SubmittedAudit) -> dict[str, Any]:
    if isinstance(result, AuditPage):
        return audit_cards.page_card(result)
    return audit_cards.submitted_card(result)


def _round_form(
    turn: Turn, values: dict[str, str] | None = None, errors: dict[str, str] | None = None
) -> RoundStartForm:
    audits = turn.services.audits
    templates = tuple((t.id, t.title) for t in audits.audit_templates())
    default_due = turn.services.clock.now().date() + timedelta(days=28)
    return RoundStartForm(templates, default_due, values or {}, errors or {})


def register(bot: QopBot) -> None:
    audits = bot.services.audits

    @bot.command("my tasks", description="Audits, reflections and moderation waiting for you", scopes=("personal",))
    async def my_tasks(turn: Turn) -> None:
        await turn.send_card(audit_cards.tasks_card(await audits.tasks(turn.user.teams_user_id)))

    @bot.command("team audits", description="Your teams' audits (managers and the QA lead)", scopes=("personal",))
    async def team_audits(turn: Turn) -> None:
        await turn.send_card(audit_cards.team_audits_card(await audits.team_audits(turn.user.teams_user_id)))

    @bot.command("audit round", description="Start an audit round (QA lead and managers)", scopes=("personal",))
    async def new_round(turn: Turn) -> None:
        await turn.send_card(audit_cards.round_start_card(_round_form(turn)))

    @bot.action(verbs.AUDIT_OPEN)
    async def open_audit(turn: Turn, data: dict[str, Any]) -> ActionResult:
        return ActionResult(_page_or_summary(await audits.open_audit(turn.user.teams_user_id, _assignment_id(data))))

    def page_move(move: str):  # type: ignore[no-untyped-def]
        async def handler(turn: Turn, data: dict[str, Any]) -> ActionResult:
            page = int(data.get("page") or 0) if str(data.get("page", "0")).isdigit() else 0
            result = await audits.save_page(
                turn.user.teams_user_id, _assignment_id(data), page=page, data=data, move=move
            )
            return ActionResult(_page_or_summary(result))

        return handler

    bot.action(verbs.AUDIT_NEXT)(page_move("next"))
    bot.action(verbs.AUDIT_BACK)(page_move("back"))
    bot.action(verbs.AUDIT_SAVE)(page_move("save"))
    bot.action(verbs.AUDIT_ADD_ACTION)(page_move("add_action"))

    @bot.action(verbs.AUDIT_SUBMIT)
    async def submit(turn: Turn, data: dict[str, Any]) -> ActionResult:
        assignment_id = _assignment_id(data)
        key = str(data.get("submission_key") or f"audit-{assignment_id}")
        result = await audits.submit(turn.user.teams_user_id, assignment_id, data=data, idempotency_key=key)
        return ActionResult(_page_or_summary(result))

    @bot.action(verbs.AUDIT_VIEW)
    async def view(turn: Turn, data: dict[str, Any]) -> ActionResult:
        return ActionResult(_page_or_summary(await audits.view(turn.user.teams_user_id, _assignment_id(data))))

    @bot.action(verbs.AUDIT_COMMENT)
    async def comment(turn: Turn, data: dict[str, Any]) -> ActionResult:
        result = await audits.comment_on_grade(
            turn.user.teams_user_id, _assignment_id(data), str(data.get("comment") or "")
        )
        return ActionResult(audit_cards.submitted_card(result))

    @bot.action(verbs.AUDIT_REFLECT_OPEN)
    async def open_reflection(turn: Turn, data: dict[str, Any]) -> ActionResult:
        assignment_id = _assignment_id(data)
        result = await audits.open_reflection(turn.user.teams_user_id, assignment_id)
        return ActionResult(_reflection_card(result))

    @bot.action(verbs.AUDIT_REFLECT_SUBMIT)
    async def submit_reflection(turn: Turn, data: dict[str, Any]) -> ActionResult:
        result = await audits.submit_reflection(turn.user.teams_user_id, _assignment_id(data), data)
        return ActionResult(_reflection_card(result))

    @bot.action(verbs.AUDIT_MODERATE_OPEN)
    async def open_moderation(turn: Turn, data: dict[str, Any]) -> ActionResult:
        result = await audits.open_moderation(turn.user.teams_user_id, _assignment_id(data))
        return ActionResult(_moderation_card(result))

    @bot.action(verbs.AUDIT_MODERATE_SUBMIT)
    async def moderate(turn: Turn, data: dict[str, Any]) -> ActionResult:
        result = await audits.moderate(turn.user.teams_user_id, _assignment_id(data), data)
        return ActionResult(_moderation_card(result))

    @bot.action(verbs.AUDIT_ROUND_START)
    async def start_round(turn: Turn, data: dict[str, Any]) -> ActionResult:
        values = {k: str(data.get(k) or "").strip() for k in ("template", "due_date", "cases")}
        errors = {}
        try:
            due = date.fromisoformat(values["due_date"])
        except ValueError:
            errors["due_date"] = text.ACTION_DUE_NEEDED
        if not values["cases"]:
            errors["cases"] = text.ROUND_CASES_NEEDED
        if errors:
            return ActionResult(audit_cards.round_start_card(_round_form(turn, values, errors)))
        try:
            report = await audits.start_round_from_csv(
                template_id=values["template"],
                due_date=due,
                csv_text=ROUND_CSV_HEADER + values["cases"],
                starter=turn.user.teams_user_id,
            )
        except InvalidInput as refusal:
            return ActionResult(audit_cards.round_start_card(_round_form(turn, values, refusal.field_errors)))
        return ActionResult(audit_cards.round_report_card(report))


def _reflection_card(result: ReflectionForm | ReflectionSummary) -> dict[str, Any]:
    if isinstance(result, ReflectionForm):
        return audit_cards.reflection_card(result)
    return audit_cards.reflection_done_card(result.case_ref, result)


def _moderation_card(result: ModerationForm | SubmittedAudit) -> dict[str, Any]:
    if isinstance(result, ModerationForm):
        return audit_cards.moderation_card(result)
    return audit_cards.outcome_card(result, for_practitioner=False)
