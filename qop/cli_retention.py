"""``qop retention ...`` and ``qop person ...``: the retention policy, a subject access export, erasure."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cards import text_person_rights as wording
from qop.app import build_retention
from qop.cli_org import with_services
from qop.settings import Settings
from services.container import Services
from services.person_rights import Erasure, PersonExport, PersonRightsService, write_files
from services.retention import DueRecords, PurgeResult, RetentionFileError, RetentionService

retention_cli = typer.Typer(help="Retention: what is due for deletion, and the purge.", no_args_is_help=True)
person_cli = typer.Typer(help="A member of staff's data: subject access export, erasure.", no_args_is_help=True)
console = Console()


def _retention_service(services: Services) -> RetentionService:
    try:
        return build_retention(services, Settings().retention_file)
    except RetentionFileError as problem:
        console.print("[red]The retention file cannot be used:[/red]")
        console.print(str(problem), markup=False, highlight=False)
        raise typer.Exit(2) from None


@retention_cli.command("report")
def retention_report() -> None:
    """Show, per kind of record, how long it is kept and how many records are due now (oldest first)."""

    async def work(services: Services) -> tuple[str, list[DueRecords]]:
        retention = _retention_service(services)
        return retention.policy.source, await retention.report()

    source, due = with_services(work)
    _print_due(source, due)


@retention_cli.command("purge")
def retention_purge(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be removed; remove nothing")] = False,
) -> None:
    """Delete or anonymise every record past its retention period now (what the nightly schedule does)."""
    if dry_run:
        retention_report()
        return

    async def work(services: Services) -> PurgeResult:
        return await _retention_service(services).purge()

    result = with_services(work)
    if not result.removed:
        console.print("Nothing was due.")
    for what, count in sorted(result.removed.items()):
        console.print(f"  {what}: {count} removed")
    console.print(f"Purge {result.run_id} removed {result.total} record(s); the counts are in the access log.")


def _print_due(source: str, due: list[DueRecords]) -> None:
    table = Table(title=f"Retention ({source})")
    for column in ("kind", "records", "kept for", "due before", "due now", "oldest"):
        table.add_column(column)
    for row in due:
        cutoff = row.cutoff.date().isoformat() if row.cutoff else "-"
        oldest = row.oldest.isoformat() if row.oldest else "-"
        table.add_row(row.kind.value, row.records, str(row.keep), cutoff, str(row.count), oldest)
    console.print(table)


@person_cli.command("export")
def person_export(
    email: str,
    out: Annotated[Path, typer.Option("--out", file_okay=False, help="Folder for the JSON and XLSX files")],
) -> None:
    """Write everything qop holds about the member of staff with EMAIL (a subject access request)."""

    async def work(services: Services) -> PersonExport:
        return await PersonRightsService(sessions=services.sessions, clock=services.clock).export(email)

    export = with_services(work)
    json_path, xlsx_path = write_files(export, out)
    for name, count in export.counts().items():
        console.print(f"  {name}: {count}")
    for note in export.notes:
        console.print(f"Note: {note}", highlight=False)
    console.print(f"Written {json_path} and {xlsx_path}.")


@person_cli.command("erase")
def person_erase(
    email: str,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would happen; change nothing")] = False,
) -> None:
    """Remove or anonymise what qop holds about EMAIL where the law allows; say what is kept and why."""

    async def work(services: Services) -> Erasure:
        rights = PersonRightsService(sessions=services.sessions, clock=services.clock)
        return await rights.erase(email, dry_run=dry_run)

    _print_erasure(with_services(work))


def _print_erasure(erasure: Erasure) -> None:
    """Counts per table and the reasons for what stays; never any content, name or e-mail."""
    verb = wording.ERASE_WOULD if erasure.dry_run else wording.ERASE_DID
    console.print(wording.ERASE_CHANGED.format(verb=verb, person_id=erasure.person_id), highlight=False)
    for what, count in erasure.changed.items():
        console.print(f"  {what}: {count}", highlight=False)
    console.print(wording.ERASE_KEPT)
    for what, why in erasure.kept.items():
        console.print(f"  {what}: {why}", highlight=False)
    console.print(wording.ERASE_KEPT_ROWS)
    for table, count in erasure.kept_rows.items():
        console.print(f"  {table}: {count}", highlight=False)
    for flag in erasure.flagged:
        console.print(f"[yellow]{wording.ERASE_TO_DO}[/yellow] {flag}", highlight=False)
    console.print(wording.ERASE_DRY_RUN if erasure.dry_run else wording.ERASE_LOGGED)
