"""``qop audit round start``: start an audit round from a CSV, or by the sampling rule."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from qop.cli_org import console, with_services
from views.audits import RoundReport

audit_cli = typer.Typer(help="Collaborative audits.", no_args_is_help=True)
round_cli = typer.Typer(help="Audit rounds.", no_args_is_help=True)
audit_cli.add_typer(round_cli, name="round")


def _due(value: str) -> date:
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise typer.BadParameter("use YYYY-MM-DD, e.g. 2026-03-13") from None


@round_cli.command("start")
def start(
    template: Annotated[str, typer.Option(help="Template id, e.g. standard-collaborative-audit")],
    due: Annotated[str, typer.Option(help="Due date, YYYY-MM-DD")],
    csv_file: Annotated[
        Path | None,
        typer.Option(
            "--csv", exists=True, dir_okay=False, help="Cases: case_ref, team, practitioner, auditor (e-mails)"
        ),
    ] = None,
    open_cases: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="Sampling: open cases (case_ref, team, practitioner)"),
    ] = None,
    per_manager: Annotated[int, typer.Option(help="Sampling: cases per team manager")] = 2,
) -> None:
    """Start a round. Bad rows are listed with their row number; the good rows go ahead.

    With --csv the rows name the auditor. With --open-cases, qop picks PER_MANAGER cases for each
    team manager at random, skipping cases audited in the last 12 months; the manager audits.
    Exit code 1 when some rows were rejected."""
    due_date = _due(due)
    if (csv_file is None) == (open_cases is None):
        raise typer.BadParameter("give either --csv or --open-cases")
    if csv_file is not None:
        text = csv_file.read_text(encoding="utf-8-sig")
        report = with_services(
            lambda s: s.audits.start_round_from_csv(
                template_id=template, due_date=due_date, csv_text=text, starter=None
            )
        )
    else:
        assert open_cases is not None
        text = open_cases.read_text(encoding="utf-8-sig")
        report = with_services(
            lambda s: s.audits.start_sampled_round(
                template_id=template, due_date=due_date, open_cases_csv=text, per_manager=per_manager, starter=None
            )
        )
    print_round_report(report)
    if report.problems:
        raise typer.Exit(1)


def print_round_report(report: RoundReport) -> None:
    if report.created:
        console.print(
            f"[green]Round {report.round_id} started:[/green] {len(report.created)} {report.template_title} "
            f"audit(s), due {report.due_date:%d %B %Y}. Auditors are told in Teams; 'my tasks' lists them."
        )
    else:
        console.print("[red]No audits were started.[/red]")
    if report.problems:
        table = Table(title=f"{len(report.problems)} row(s) not started")
        table.add_column("row", justify="right")
        table.add_column("reason")
        for problem in report.problems:
            table.add_row(str(problem.row), problem.reason)
        console.print(table)
