"""``qop org ...`` and ``qop demo ...``: the organisation from the command line."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from qop.app import build_services
from qop.production import refuse_incomplete_production
from qop.settings import DEMO_EXTRACT_MAPPING, DEMO_MEASURES, DEMO_ORGANISATION, PROJECT_ROOT, Settings
from services.container import Services
from services.demo_actions import load_demo_actions
from services.demo_audits import load_demo_audits
from services.demo_feedback import DEMO_CASE, load_demo_feedback
from services.demo_measures import MONTHS as DEMO_MONTHS
from services.demo_measures import load_demo_measures
from services.demo_practice_days import load_demo_practice_days
from services.digest.demo import DEMO_CHANNEL_TEAM, PLAYGROUND_CHANNEL_NAME, load_demo_digest_data
from services.errors import DomainError
from services.organisation import Change, Entity, ImportReport, UnreadableFile
from storage.db import create_engine
from views.organisation import RoleChange

org_cli = typer.Typer(help="The organisation: service areas, teams, people and roles.", no_args_is_help=True)
role_cli = typer.Typer(help="Add or remove someone's role (written to the access log).", no_args_is_help=True)
demo_cli = typer.Typer(help="The fictional demo organisation used by 'make run'.", no_args_is_help=True)
org_cli.add_typer(role_cli, name="role")
console = Console()
T = TypeVar("T")


def with_services(work: Callable[[Services], Awaitable[T]]) -> T:
    """Run ``work`` against the configured database; a refusal is printed, not a traceback."""

    settings = Settings()
    refuse_incomplete_production(settings)

    async def main() -> T:
        engine = create_engine(settings.database_url)
        try:
            return await work(build_services(settings, engine))
        finally:
            await engine.dispose()

    try:
        return asyncio.run(main())
    except (DomainError, UnreadableFile) as refusal:
        console.print(f"[red]{getattr(refusal, 'user_message', refusal)}[/red]")
        for name, reason in sorted(getattr(refusal, "field_errors", {}).items()):
            console.print(f"  {name}: {reason}")
        raise typer.Exit(2) from None


@org_cli.command("import")
def import_organisation(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A .yaml or .csv organisation file")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would change; write nothing")] = False,
    partial: Annotated[
        bool, typer.Option("--partial", help="Only add and update: nobody absent from the file is deactivated")
    ] = False,
) -> None:
    """Create or update service areas, teams, people and roles from FILE (one transaction).

    People, teams and areas missing from a full import are deactivated, never deleted.
    Exit code 1 when some entries were rejected (the good ones are still applied).
    """
    report = with_services(lambda s: s.organisation.import_file(file, dry_run=dry_run, full=not partial))
    print_report(report, file.name)
    if report.rejections:
        raise typer.Exit(1)


@org_cli.command("unmatched")
def unmatched() -> None:
    """People who talked to qop in Teams but are not in the organisation file."""
    people = with_services(lambda s: s.organisation.unmatched())
    if not people:
        console.print("Everyone qop has met in Teams is matched to the organisation.")
        return
    table = Table(title=f"{len(people)} Teams user(s) not matched to the organisation")
    for column in ("name", "e-mail", "AAD object id", "Teams id", "last seen (UTC)"):
        table.add_column(column)
    for person in people:
        seen = person.last_seen_at.strftime("%Y-%m-%d %H:%M") if person.last_seen_at else "-"
        table.add_row(
            person.display_name or "-",
            person.email or "-",
            person.aad_object_id or "-",
            person.teams_user_id or "-",
            seen,
        )
    console.print(table)
    console.print("Add them to the organisation file (with their e-mail or aad_object_id) and import it again.")


def _change_role(email: str, role: str, *, add: bool, area: str | None, team: str | None) -> None:
    async def work(services: Services) -> tuple[RoleChange, list[int]]:
        change = await services.organisation.change_role(
            actor=None, email=email, role=role, add=add, area=area, team=team
        )
        # A new moderator may be the first who can take an audit waiting with nobody assigned.
        assigned = await services.audits.moderation.assign_waiting_moderation() if add and change.changed else []
        return change, assigned

    result, assigned = with_services(work)
    console.print(result.message)
    if assigned:
        console.print(f"{len(assigned)} audit(s) waiting for a moderator now assigned; their moderators are told.")
    roles = ", ".join(r.role + (f" ({r.scope})" if r.scope else "") for r in result.person.roles) or "none"
    console.print(f"Roles of {result.person.email}: {roles}")


AreaOption = Annotated[str | None, typer.Option("--area", help="Service area (senior manager)")]
TeamOption = Annotated[str | None, typer.Option("--team", help="Team (team manager)")]


@role_cli.command("add")
def role_add(email: str, role: str, area: AreaOption = None, team: TeamOption = None) -> None:
    """Give EMAIL the ROLE (practitioner, team manager, senior manager, QA lead, moderator, administrator)."""
    _change_role(email, role, add=True, area=area, team=team)


@role_cli.command("remove")
def role_remove(email: str, role: str, area: AreaOption = None, team: TeamOption = None) -> None:
    """Take ROLE away from EMAIL."""
    _change_role(email, role, add=False, area=area, team=team)


@demo_cli.command("load")
def demo_load() -> None:
    """Import the fictional Northshire organisation (idempotent; maps the playground's users)."""
    report = with_services(lambda s: s.demo.load())
    people = report.counts()[Entity.PERSON]
    console.print(
        f"Demo organisation loaded from {DEMO_ORGANISATION.relative_to(PROJECT_ROOT)}: "
        f"{sum(people.values())} people, {len(report.changed)} change(s)."
    )
    if report.rejections:
        print_report(report, DEMO_ORGANISATION.name)
        raise typer.Exit(1)
    actions = with_services(lambda s: load_demo_actions(s.sessions, s.clock))
    console.print(f"Demo actions: {actions} created (open, due soon, due today, overdue, one awaiting impact).")
    audits = with_services(lambda s: load_demo_digest_data(s.sessions, s.clock, time_zone=s.time_zone))
    console.print(f"Demo digest data: {audits} audits with feedback over the last seven weeks.")
    if with_services(lambda s: s.digests.subscribe_demo_channel()) is not None:
        console.print(
            f"Demo digest: the playground's {PLAYGROUND_CHANNEL_NAME} channel is subscribed to the "
            f"{DEMO_CHANNEL_TEAM}'s weekly digest; open the channel to see it arrive."
        )
    feedback = with_services(load_demo_feedback)
    state = "sent" if feedback.survey_created else "already in progress"
    console.print(f"Demo survey S{feedback.survey_id} {state}: type 'my surveys' in the playground to answer it.")
    console.print(
        f"[bold]Demo family feedback link[/bold] (case {DEMO_CASE}, works once): {feedback.link_url}", soft_wrap=True
    )
    audits = with_services(lambda s: load_demo_audits(s.audits))
    console.print(f"Demo audits: {audits} created (one for Alex Wilber to carry out, one for Alex to reflect on).")
    figures = with_services(
        lambda s: load_demo_measures(
            s.sessions, s.measures, measures_file=DEMO_MEASURES, mapping_file=DEMO_EXTRACT_MAPPING
        )
    )
    if figures.measures_loaded:
        console.print(
            f"Demo measures: {DEMO_MEASURES.relative_to(PROJECT_ROOT)} in force, {figures.figures} figures for "
            f"{figures.teams} teams over the last {DEMO_MONTHS} months: type 'demo role manager', then 'clinic'."
        )
    else:
        console.print("Demo measures: already in force (no figures imported again).")
    days = with_services(lambda s: load_demo_practice_days(s.audits))
    console.print(
        f"Demo practice days: {days} added (one held last month with its summary, one planned next month): "
        "type 'demo role senior manager', then 'practice days'."
    )


CHANGE_STYLES = {Change.CREATED: "green", Change.UPDATED: "yellow", Change.DEACTIVATED: "red", Change.UNCHANGED: "dim"}


def print_report(report: ImportReport, source: str) -> None:
    heading = "Dry run: nothing was written" if report.dry_run else "Imported"
    mode = "full import" if report.full else "partial import (nobody deactivated)"
    console.print(f"[bold]{heading}[/bold] — {source}, {mode}")
    summary = Table(title="Changes")
    summary.add_column("")
    for change in Change:
        summary.add_column(change.value, justify="right", style=CHANGE_STYLES[change])
    for entity, counts in report.counts().items():
        summary.add_row(entity.value, *(str(counts.get(change, 0)) for change in Change))
    console.print(summary)
    if report.changed:
        rows = Table(title="What changes" if report.dry_run else "What changed")
        for column in ("where", "kind", "who / what", "change", "fields"):
            rows.add_column(column, overflow="fold")
        for row in report.changed:
            style = CHANGE_STYLES[row.change]
            rows.add_row(
                row.where,
                row.entity.value,
                row.subject,
                f"[{style}]{row.change.value}[/{style}]",
                ", ".join(row.fields),
            )
        console.print(rows)
    else:
        console.print("0 changes: the database already matches the file.")
    if report.rejections:
        rejected = Table(title=f"{len(report.rejections)} rejected (fix these and import again)", style="red")
        for column in ("where", "who / what", "reason"):
            rejected.add_column(column)
        for rejection in report.rejections:
            rejected.add_row(rejection.where, rejection.subject or "-", rejection.reason)
        console.print(rejected)


@org_cli.command("show")
def show() -> None:
    """The organisation at a glance: teams with their manager and size, people per role."""
    summary = with_services(lambda s: s.organisation.summary())
    table = Table(title=f"{len(summary.teams)} active team(s)")
    for column in ("service area", "team", "manager", "people"):
        table.add_column(column, justify="right" if column == "people" else "left")
    for team in summary.teams:
        table.add_row(team.service_area, team.name, team.manager or "[red]none[/red]", str(team.people))
    console.print(table)
    roles = ", ".join(f"{role} {count}" for role, count in summary.people_by_role.items()) or "none"
    console.print(f"People: {summary.active_people} active, {summary.deactivated_people} deactivated.")
    console.print(f"Roles: {roles}")
    if summary.unmatched_people:
        console.print(f"{summary.unmatched_people} Teams user(s) not matched yet: see 'qop org unmatched'.")
