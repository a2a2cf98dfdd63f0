"""``qop plan ...``: the continuous improvement plan from the command line (read-only, logged)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from cards import text_improvement as text
from qop.cli_org import with_services
from services.container import Services
from views.improvement import PriorityView

plan_cli = typer.Typer(help="The continuous improvement plan the QIM reviews.", no_args_is_help=True)
console = Console()


def priority_lines(number: int, priority: PriorityView) -> list[str]:
    """One priority as plain lines: title, owner and status, why, milestones, actions, evidence."""
    lines = [
        f"{number}. {priority.title}  [#{priority.id}]",
        f"   {text.FACT_OWNER}: {priority.owner_name} <{priority.owner_email}>   "
        f"{text.FACT_STATUS}: {text.STATUS_LABELS.get(priority.status, priority.status)}",
    ]
    if priority.rationale:
        lines.append(f"   {text.FACT_WHY}: {priority.rationale}")
    for milestone in priority.milestones:
        state = "done" if milestone.done else ("late" if milestone.late else "due")
        lines.append(f"   - milestone: {milestone.description} ({state} {milestone.due_date.isoformat()})")
    for action in priority.actions:
        status = text.ACTION_STATUS_LABELS.get(action.status, action.status)
        impact = ", impact evidenced" if action.impact_evidenced else ""
        lines.append(
            f"   - action #{action.id}: {action.description} ({action.owner_name}, "
            f"due {action.due_date.isoformat()}: {status}{impact})"
        )
    if priority.impact_evidence:
        lines.append(f"   {text.FACT_EVIDENCE}: {priority.impact_evidence}")
    return lines


@plan_cli.command("show")
def show() -> None:
    """Every priority with its owner, milestones, linked QIM actions and evidence of impact."""

    async def work(services: Services) -> None:
        plan = await services.improvement.plan(None)
        if not plan.priorities:
            console.print(text.PLAN_EMPTY)
        for number, priority in enumerate(plan.priorities, start=1):
            for line in priority_lines(number, priority):
                console.print(line, markup=False, highlight=False)

    with_services(work)


@plan_cli.command("history")
def history(priority_id: Annotated[int, typer.Argument(help="The priority's number (#N in 'plan show')")]) -> None:
    """Who changed a priority, when, and each field before and after."""

    async def work(services: Services) -> None:
        priority, changes = await services.improvement.history(None, priority_id)
        console.print(text.HISTORY_TITLE.format(title=priority.title), markup=False)
        for change in changes:
            when = f"{change.changed_at:%Y-%m-%d %H:%M} UTC"
            console.print(
                text.HISTORY_LINE.format(when=when, who=change.changed_by, change=change.change), markup=False
            )
            for field in change.fields:
                console.print(
                    "   " + text.HISTORY_FIELD.format(name=field.name, before=field.before, after=field.after),
                    markup=False,
                    highlight=False,
                )

    with_services(work)
