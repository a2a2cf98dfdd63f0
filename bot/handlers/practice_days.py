"""Practice days in Teams: the plan card, the list of practice days, the summary and its spreadsheet.

Each handler parses the card data, makes one service call and picks the card for the result.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.router import ActionResult
from bot.turns import Turn
from cards import practice_day as cards
from cards import text_practice_days as text
from cards import verbs
from services.audits.practice_days import MAX_CASES
from services.errors import InvalidInput
from views.practice_days import PlanRequest

if TYPE_CHECKING:
    from bot.qop_bot import QopBot

WHOLE_NUMBER = re.compile(r"[0-9]{1,4}(\.0*)?")
"""How a number input sends a whole number ("4", or "4.0" from some clients)."""
RECORD_ID = re.compile(r"[0-9]{1,9}")
"""A record's id as a card sends it back (digits only, within the database's integer range)."""
FIELDS = ("day", "area", "template", "cases", "sample", "auditors", "auditor_emails")
EMAIL = re.compile(r"[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+")


def _day_id(data: dict[str, Any]) -> int:
    value = str(data.get("day_id", ""))
    if not RECORD_ID.fullmatch(value):
        raise InvalidInput(text.NO_SUCH_DAY)
    return int(value)


def parse_plan(values: dict[str, str]) -> tuple[PlanRequest | None, dict[str, str]]:
    """The plan card's answers as a request, or what needs a look, field by field."""
    errors: dict[str, str] = {}
    try:
        day = date.fromisoformat(values["day"])
    except ValueError:
        errors["day"] = text.NOT_A_DATE
    if not RECORD_ID.fullmatch(values["area"]):
        errors["area"] = text.CHOOSE_AREA
    if not values["cases"]:
        errors["cases"] = text.CASES_NEEDED
    sample = int(values["sample"].split(".")[0]) if WHOLE_NUMBER.fullmatch(values["sample"]) else None
    if values["sample"] and not (sample is not None and 1 <= sample <= MAX_CASES):
        errors["sample"] = text.BAD_SAMPLE.format(most=MAX_CASES)
    auditors = [part.strip() for part in values["auditors"].split(",") if part.strip()]
    emails = [part for part in re.split(r"[\s,;]+", values["auditor_emails"]) if part]
    if not auditors and not emails:
        errors["auditors"] = text.AUDITORS_NEEDED
    elif not all(RECORD_ID.fullmatch(part) for part in auditors):
        errors["auditors"] = text.UNKNOWN_AUDITOR
    if not all(EMAIL.fullmatch(part) for part in emails):
        errors["auditor_emails"] = text.BAD_AUDITOR_EMAIL
    if errors:
        return None, errors
    return (
        PlanRequest(
            held_on=day,
            service_area_id=int(values["area"]),
            template_id=values["template"],
            cases_csv=values["cases"],
            auditor_ids=tuple(dict.fromkeys(int(part) for part in auditors)),
            sample_size=sample,
            auditor_emails=tuple(dict.fromkeys(email.lower() for email in emails)),
        ),
        {},
    )


async def plan_practice_day(turn: Turn) -> None:
    await turn.send_card(cards.plan_card(await turn.services.audits.practice_days.plan_form(turn.user.teams_user_id)))


async def practice_days(turn: Turn) -> None:
    await turn.send_card(cards.days_card(await turn.services.audits.practice_days.days(turn.user.teams_user_id)))


async def plan(turn: Turn, data: dict[str, Any]) -> ActionResult:
    service = turn.services.audits.practice_days
    values = {key: str(data.get(key) or "").strip() for key in FIELDS}
    request, errors = parse_plan(values)
    if request is None:
        return ActionResult(cards.plan_card(await service.plan_form(turn.user.teams_user_id, values, errors)))
    try:
        planned = await service.plan(turn.user.teams_user_id, request)
    except InvalidInput as refusal:
        form = await service.plan_form(turn.user.teams_user_id, values, refusal.field_errors)
        return ActionResult(cards.plan_card(form))
    return ActionResult(cards.planned_card(planned))


async def summary(turn: Turn, data: dict[str, Any]) -> ActionResult:
    found = await turn.services.audits.practice_days.summary(turn.user.teams_user_id, _day_id(data))
    return ActionResult(cards.summary_card(found))


async def workbook(turn: Turn, data: dict[str, Any]) -> ActionResult:
    service = turn.services.audits.practice_days
    url, expires = await service.workbook_link(turn.user.teams_user_id, _day_id(data))
    local = expires.astimezone(ZoneInfo(turn.services.time_zone))
    return ActionResult(cards.workbook_link_card(url=url, expires=f"{local:%H:%M}"))


def register(bot: QopBot) -> None:
    bot.command("plan practice day", plan_practice_day)
    bot.command("practice days", practice_days)
    bot.action(verbs.PRACTICE_DAY_PLAN, plan)
    bot.action(verbs.PRACTICE_DAY_SUMMARY, summary)
    bot.action(verbs.PRACTICE_DAY_WORKBOOK, workbook)
