"""``qop measures ...``: load the measures file, import monthly extracts, show the four questions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from cards.measures_wording import evidence_text, figure, four_questions, target_text, trend_text
from qop.cli_org import with_services
from services.container import Services
from services.measures import ExtractReport, MeasuresFileError, MeasuresService, UnreadableExtract
from services.measures.uploads import MappingFolder
from views.measures import MeasuresOverview

measures_cli = typer.Typer(
    help="Meaningful Measures: load the measures file, import extracts, see the four questions.", no_args_is_help=True
)
console = Console()
T = TypeVar("T")


def with_measures(work: Callable[[MeasuresService], Awaitable[T]]) -> T:
    """Run ``work`` with the measures service; a bad file is reported with its lines, exit code 1."""

    try:
        return with_services(lambda services: work(services.measures))
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


@measures_cli.command("mappings")
def mappings() -> None:
    """List the column mappings an extract sent in Teams is read with (MEASURES_MAPPING_FOLDER);
    exit code 1 if a mapping file is broken or there is no folder."""
    found = with_services(_mapping_folder)
    if found.folder is None or not found.folder.is_dir():
        where = found.folder or "not set (MEASURES_MAPPING_FOLDER)"
        console.print(f"Mapping folder {where}: extracts sent in Teams are refused.", style="red", markup=False)
        raise typer.Exit(1)
    console.print(f"Mapping folder {found.folder}: {len(found.usable)} usable, {len(found.broken)} broken.")
    for stem, mapping in found.usable:
        console.print(f"  {stem}: {mapping.name} ({mapping.layout.value} layout)", markup=False)
    for reason in found.broken:
        console.print(f"  cannot be used: {reason}", style="red", markup=False)
    if found.broken:
        raise typer.Exit(1)


async def _mapping_folder(services: Services) -> MappingFolder:
    return services.measure_uploads.mapping_folder()


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
