"""The ``qop`` command line: run the bot, migrate the database, load the demo and more."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated

import typer
from aiohttp import web
from rich.console import Console

from qop.app import build_services, create_app
from qop.cli_audits import audit_cli
from qop.cli_digest import digest_cli, report_cli
from qop.cli_feedback import survey_cli
from qop.cli_measures import measures_cli
from qop.cli_org import demo_cli, org_cli
from qop.cli_plan import plan_cli
from qop.cli_retention import person_cli, retention_cli
from qop.cli_teams import teams_cli
from qop.production import refuse_incomplete_production
from qop.settings import Settings
from qop.telemetry import console_log_handler
from services.actions import ImportReport
from services.container import Services
from services.delivery import BroadcastProgress
from services.errors import DomainError
from storage import migrate
from storage.db import create_engine

cli = typer.Typer(help="qop: the Quality of Practice Framework in Microsoft Teams.", no_args_is_help=True)
db_cli = typer.Typer(help="Database migrations.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
cli.add_typer(teams_cli, name="teams")
actions_cli = typer.Typer(help="Actions: import from a spreadsheet.", no_args_is_help=True)
cli.add_typer(actions_cli, name="actions")
cli.add_typer(org_cli, name="org")
cli.add_typer(demo_cli, name="demo")
cli.add_typer(audit_cli, name="audit")
delivery_cli = typer.Typer(
    help="Outbound messages: broadcast progress, cancel, resend, recovery.", no_args_is_help=True
)
cli.add_typer(delivery_cli, name="delivery")
cli.add_typer(digest_cli, name="digest")
cli.add_typer(report_cli, name="report")
cli.add_typer(survey_cli, name="survey")
cli.add_typer(retention_cli, name="retention")
cli.add_typer(person_cli, name="person")
cli.add_typer(plan_cli, name="plan")
cli.add_typer(measures_cli, name="measures")
console = Console()


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(level=settings.log_level, handlers=[console_log_handler(settings)])
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    if settings.local_mode:
        # Warns on every turn that there is no app id, which is what local mode means.
        logging.getLogger("microsoft_agents.hosting.core.connector.client.user_token_client").setLevel(logging.ERROR)


@cli.command()
def serve() -> None:
    """Start only the bot (production: behind a reverse proxy, with MICROSOFT_APP_ID set)."""
    settings = Settings()
    configure_logging(settings)
    refuse_incomplete_production(settings)
    app = create_app(settings)
    # Everything built so far (modules, the app, its templates and caches) lives as long as the
    # process; frozen, the collector's full passes no longer walk it, which trimmed the slowest
    # turns (bench.inbound, PostgreSQL, 50 saves in flight: p99 496/577 ms -> 431/464 ms).
    gc.freeze()
    web.run_app(app, host=settings.host, port=settings.port, print=None)


@cli.command()
def run() -> None:
    """Start the bot and, when Node is present, the Teams playground to chat with it."""
    settings = Settings()
    configure_logging(settings)
    refuse_incomplete_production(settings)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_run_with_playground(settings))
    console.print("Stopped.")


async def _run_with_playground(settings: Settings) -> None:
    from qop.playground import PlaygroundUnavailable, start_playground

    runner = web.AppRunner(create_app(settings))
    await runner.setup()
    await web.TCPSite(runner, settings.host, settings.port).start()
    bot_url = f"http://{settings.host}:{settings.port}/api/messages"
    mode = "local no-auth mode" if settings.local_mode else "production mode"
    console.print(f"[bold]qop bot[/bold] listening on {bot_url} ({mode})")
    playground = None
    try:
        playground = await start_playground(bot_url, settings.playground_port)
        console.print(f"[bold green]Open the Teams playground:[/bold green] {playground.url}")
    except PlaygroundUnavailable as missing:
        console.print(f"[yellow]{missing}[/yellow]\nThe bot is still running on {bot_url}.")
    console.print("Press Ctrl-C to stop.")
    stop = asyncio.Event()
    # Both signals handled here, not left to Python's KeyboardInterrupt: a shell that starts
    # `make run` in the background hands it SIGINT ignored, and Ctrl-C must still stop it.
    for stopping_signal in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(stopping_signal, stop.set)
    try:
        await stop.wait()
    finally:
        if playground is not None:
            await playground.stop()
        await runner.cleanup()


@db_cli.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply migrations (to the newest by default)."""
    migrate.upgrade(Settings().database_url, revision)


@db_cli.command("downgrade")
def db_downgrade(revision: str) -> None:
    """Revert migrations down to REVISION ('base' empties the database)."""
    migrate.downgrade(Settings().database_url, revision)


@db_cli.command("check")
def db_check() -> None:
    """Fail if the models and the migrations disagree (applies migrations to a scratch SQLite file)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'check.db'}"
        migrate.upgrade(url)
        migrate.check(url)
    console.print("Models and migrations agree.")


@actions_cli.command("import")
def actions_import(file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)]) -> None:
    """Import actions from a CSV file (description, owner_email, due_date[, source, source_ref, case_reference])."""
    from qop.app import build_services
    from storage.db import create_engine

    content = file.read_text(encoding="utf-8-sig")

    async def run() -> ImportReport:
        engine = create_engine(Settings().database_url)
        try:
            services = build_services(Settings(), engine)
            return await services.actions.import_csv(content)
        finally:
            await engine.dispose()

    report = asyncio.run(run())
    console.print(f"Imported {len(report.created)} action(s); {len(report.duplicates)} already there.")
    for line, reason in report.errors:
        console.print(f"[red]line {line}[/red]: {reason}")
    if report.errors:
        raise typer.Exit(code=1)


def _delivery_command(work: Callable[[Services], Awaitable[None]]) -> None:
    """Run ``work(services)`` with the app's services (no bot, no DBOS launch: a DBOS client is enough)."""

    async def run() -> None:
        settings = Settings()
        engine = create_engine(settings.database_url)
        services = build_services(settings, engine)
        try:
            await work(services)
        except DomainError as refusal:
            console.print(f"[red]{refusal.user_message}[/red]")
            raise typer.Exit(1) from None
        finally:
            services.delivery.queue.close()
            await engine.dispose()

    asyncio.run(run())


def _print_progress(progress: BroadcastProgress) -> None:
    console.print(f"B{progress.broadcast_id} \u201c{progress.title}\u201d: {progress.status}")
    console.print(f"  {progress.summary}" + (f" \u00b7 {progress.queued} queued" if progress.queued else ""))


@delivery_cli.command("status")
def delivery_status(broadcast_id: int) -> None:
    """Show a broadcast's progress: sent, failed, blocked, cancelled, still queued."""

    async def work(services: Services) -> None:
        _print_progress(await services.delivery.progress(broadcast_id))

    _delivery_command(work)


@delivery_cli.command("cancel")
def delivery_cancel(broadcast_id: int) -> None:
    """Cancel a broadcast: nothing still queued is sent."""

    async def work(services: Services) -> None:
        _print_progress(await services.delivery.cancel_broadcast(broadcast_id))

    _delivery_command(work)


@delivery_cli.command("resend-failed")
def delivery_resend_failed(broadcast_id: int) -> None:
    """Queue the failed sends of a broadcast again (blocked and cancelled ones are left alone)."""

    async def work(services: Services) -> None:
        _print_progress(await services.delivery.resend_failed(broadcast_id))

    _delivery_command(work)


@delivery_cli.command("recover")
def delivery_recover(
    executor_id: str = typer.Option(..., "--executor-id", help="QOP_EXECUTOR_ID of the lost instance"),
) -> None:
    """Hand the unfinished sends of an instance that will never come back to the running ones."""

    async def work(services: Services) -> None:
        if executor_id == services.delivery.config.executor_id:
            console.print(
                "[yellow]That is this machine's own executor id; it recovers its work when it starts.[/yellow]"
            )
        moved = await asyncio.to_thread(services.delivery.queue.recover_executor, executor_id)
        orphans = await services.delivery.requeue_orphans()
        console.print(
            f"Re-queued {moved} unfinished workflow(s) of {executor_id}; {orphans} queued send(s) re-enqueued."
        )

    _delivery_command(work)


@actions_cli.command("remind")
def actions_remind() -> None:
    """Send the action and QA calendar reminders and the weekly digests due now, and give audits
    waiting with no moderator to one (what the reminder and digest schedules do), once."""
    from qop.app import build_services
    from services.reminder_job import run_once
    from storage.db import create_engine

    async def run() -> int:
        settings = Settings()
        engine = create_engine(settings.database_url)
        try:
            return await run_once(build_services(settings, engine))
        finally:
            await engine.dispose()

    console.print(f"Handed {asyncio.run(run())} reminder(s) and digest(s) to the delivery engine.")


def main() -> None:
    cli()
