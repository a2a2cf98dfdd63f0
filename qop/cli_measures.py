"""``qop measures ...``: load the measures file, import monthly extracts, show the four questions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from qop.cli_org import with_services
from services.container import Services
from services.measures import ExtractReport, MeasuresFileError, MeasuresService, UnreadableExtract
from services.templates import TemplateLibrary
from views.measures import AnswerEvidence, IndicatorStatus, MeasuresOverview, MeasureStatus, Worry

measures_cli = typer.Typer(
    help="Meaningful Measures: load the measures file, import extracts, see the four questions.", no_args_is_help=True
)
console = Console()
T = TypeVar("T")


def with_measures(work: Callable[[MeasuresService], Awaitable[T]]) -> T:
    """Run ``work`` with the measures service; a bad file is reported with its lines, exit code 1."""

    def build(services: Services) -> MeasuresService:
        return MeasuresService(
            sessions=services.sessions,
            clock=services.clock,
            library=TemplateLibrary.from_folder(),
            time_zone=services.time_zone,
        )

    try:
        return with_services(lambda services: work(build(services)))
    except MeasuresFileError as error:
        console.print(f"[red]{error.file_name} cannot be used ({len(error.problems)} problem(s)):[/red]")
        for problem in error.problems:
            console.print(f"  line {problem.line}: {problem.field or '(top)'}: {problem.message}", markup=False)
        raise typer.Exit(1) from None
    except UnreadableExtract as error:
        console.print(f"[red]{error}[/red]", markup=False)
        raise typer.Exit(1) from None


@measures_cli.command("load")
def load(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="The measures file (.yaml)")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check the file; store nothing")] = False,
) -> None:
    """Check FILE and make it the measures in force (exit code 1 and every problem's line if not)."""
    report = with_measures(lambda m: m.load_file(file, dry_run=dry_run))
    if report.dry_run:
        verb = "is valid (dry run: nothing stored)"
    else:
        verb = "loaded" if report.changed else "is already the measures in force (nothing changed)"
    console.print(f"{report.file_name} {verb}: {report.measures} measure(s), {report.indicators} indicator(s).")


@measures_cli.command("import")
def import_extract(
    extract: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="The extract (.csv or .xlsx)")],
    mapping: Annotated[
        Path, typer.Option("--mapping", exists=True, dir_okay=False, help="The column mapping for this extract (.yaml)")
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check every row; write nothing")] = False,
) -> None:
    """Import a monthly extract of indicator figures per team and month.

    All or nothing: when any row is bad, every bad row is listed with its line and nothing is
    written (exit code 1). Importing the same (indicator, team, month) again replaces the figure.
    """
    report = with_measures(lambda m: m.import_extract(extract, mapping, dry_run=dry_run))
    print_extract_report(report)
    if report.rejected:
        raise typer.Exit(1)


def print_extract_report(report: ExtractReport) -> None:
    if report.problems:
        table = Table(title=f"{len(report.problems)} bad row(s) in {report.file_name}: nothing was imported")
        table.add_column("line", justify="right")
        table.add_column("reason")
        for problem in report.problems:
            table.add_row(str(problem.line), problem.reason)
        console.print(table)
        return
    if report.dry_run:
        console.print(
            f"Dry run: {len(report.values)} figure(s) in {report.file_name} are good "
            f"(mapping '{report.mapping_name}'); nothing was written."
        )
        return
    console.print(
        f"Imported {report.written} figure(s) from {report.file_name} (mapping '{report.mapping_name}'): "
        f"{report.written - report.replaced} new, {report.replaced} replaced."
    )


@measures_cli.command("show")
def show(
    team: Annotated[str | None, typer.Option("--team", help="A team's name")] = None,
    area: Annotated[str | None, typer.Option("--area", help="A service area's name")] = None,
    month: Annotated[str | None, typer.Option("--month", help="YYYY-MM (default: this month)")] = None,
) -> None:
    """Each measure's indicators against target, their trend and the audits' evidence, with the four questions."""
    chosen = _month(month) if month else None
    overview = with_measures(lambda m: m.overview(team=team, area=area, month=chosen))
    print_overview(overview)


def _month(text: str) -> date:
    try:
        return datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a month; write it as 2026-03") from None


def print_overview(overview: MeasuresOverview) -> None:
    console.print(
        f"[bold]Meaningful Measures — {overview.scope_name}, {overview.month:%B %Y}[/bold] "
        f"({overview.open_actions} action(s) open)"
    )
    for measure in overview.measures:
        if not measure.indicators:
            console.print(f"{measure.name}: no indicators for this scope.")
            continue
        table = Table(title=measure.name, title_justify="left", show_lines=False)
        for column in ("indicator", "figure", "target", "three months", "audits found", "owner"):
            table.add_column(column, overflow="fold")
        for status in measure.indicators:
            style = "red" if status.off_target or status.wrong_way else ("green" if status.on_target else "")
            table.add_row(
                status.name,
                f"[{style}]{figure(status)}[/{style}]" if style else figure(status),
                target_text(status),
                trend_text(status) or "-",
                "; ".join(evidence_text(e) for e in status.evidence) or "-",
                status.owner,
            )
        console.print(table)
        for line in four_questions(measure):
            console.print(line, markup=False)


def number(value: float, unit: str) -> str:
    text = f"{value:.1f}".removesuffix(".0")
    return {"percent": f"{text} %", "days": f"{text} days"}.get(unit, text)


def figure(status: IndicatorStatus) -> str:
    """91 % (91 of 100), with the month when it is older than the month shown and the teams when
    not all of the scope's teams sent one."""
    if status.value is None:
        return "no data"
    details = _figure_details(status)
    return number(status.value, status.unit) + (f" ({'; '.join(details)})" if details else "")


def _figure_details(status: IndicatorStatus) -> list[str]:
    details = []
    if status.numerator is not None and status.denominator:
        details.append(f"{status.numerator} of {status.denominator}")
    if status.value_month is not None and status.history and status.value_month != status.history[-1][0]:
        details.append(f"in {status.value_month:%b %Y}")
    if status.teams_reporting < status.teams_in_scope:
        details.append(f"{status.teams_reporting} of {status.teams_in_scope} teams")
    return details


def target_text(status: IndicatorStatus) -> str:
    if status.target is None:
        return "-"
    return number(status.target, status.unit)


def trend_text(status: IndicatorStatus) -> str | None:
    """ "down 3 points in three months" (points for percentages, the unit otherwise)."""
    if status.change is None:
        return None
    if abs(status.change) < 0.05:
        return "no change in three months"
    amount = f"{abs(status.change):.1f}".removesuffix(".0")
    unit = {"percent": " points", "days": " days"}.get(status.unit, "")
    return f"{'up' if status.change > 0 else 'down'} {amount}{unit} in three months"


def evidence_text(evidence: AnswerEvidence) -> str:
    if not evidence.of:
        return f"{evidence.template_title}: no audits"
    return f"{evidence.template_title} found it in {evidence.found} of {evidence.of} cases"


def headline(status: IndicatorStatus) -> str:
    """Referral decisions within 24 hours: 91 % (91 of 100; target 95 %; down 3 points in three months)."""
    if status.value is None:
        details = []
        text = f"{status.name}: no data"
    else:
        details = _figure_details(status)
        text = f"{status.name}: {number(status.value, status.unit)}"
    if status.target is not None:
        details.append(f"target {number(status.target, status.unit)}")
    trend = trend_text(status)
    if trend:
        details.append(trend)
    return text + (f" ({'; '.join(details)})" if details else "")


def why(worry: Worry) -> str:
    parts = [headline(worry.indicator)]
    if worry.indicator.disagreeing_evidence:
        parts.append("but " + "; ".join(evidence_text(e) for e in worry.indicator.disagreeing_evidence))
    return f"{' — '.join(parts)} [{', '.join(reason.value for reason in worry.reasons)}]"


def four_questions(measure: MeasureStatus) -> list[str]:
    def listed(items: list[str]) -> list[str]:
        return [f"    - {item}" for item in items] or ["    - nothing to show yet"]

    return [
        "  What are we worried about and why?",
        *listed([why(w) for w in measure.worries]),
        "  What did we do well and how did we do it?",
        *listed(
            [headline(s) + "".join(f" — {evidence_text(e)}" for e in s.evidence if e.of) for s in measure.did_well]
        ),
        "  What is the impact of what we did and how do we know?",
        *listed([headline(s) for s in measure.impact]),
        "  What do we need to celebrate or learn from, and how?",
        *listed(
            [f"celebrate: {headline(s)}" for s in measure.celebrate] + [f"learn: {why_learn(s)}" for s in measure.learn]
        ),
    ]


def why_learn(status: IndicatorStatus) -> str:
    stories = "; ".join(evidence_text(e) for e in status.disagreeing_evidence)
    return f"{headline(status)} — the figures and the audits tell different stories: {stories}"
