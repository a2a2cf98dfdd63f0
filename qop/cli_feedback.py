"""``qop survey ...``: send a staff or partner survey, remind non-responders, read results."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated, TypeVar

import typer
from rich.console import Console

from qop.cli_org import with_services as with_org_services
from services.container import Services
from services.feedback.surveys import Audience
from storage.repositories import people as people_repo
from storage.repositories import surveys as survey_repo

T = TypeVar("T")
survey_cli = typer.Typer(help="Staff and partner surveys.", no_args_is_help=True)
console = Console()

AsOption = Annotated[str, typer.Option("--as", help="E-mail of the QA lead or manager acting")]


def with_services(work: Callable[[Services], Awaitable[T]]) -> T:
    """As for the organisation commands, and close the delivery queue's client afterwards."""

    async def run(services: Services) -> T:
        try:
            return await work(services)
        finally:
            services.delivery.queue.close()

    return with_org_services(run)


async def _person_id(services: Services, email: str) -> int:
    async with services.sessions() as session:
        person = await people_repo.find_in_organisation(session, aad_object_id=None, email=email)
    if person is None:
        raise typer.BadParameter(f"{email} is not in the organisation list", param_hint="--as")
    return person.id


async def _team_ids(services: Services, names: list[str]) -> tuple[int, ...]:
    async with services.sessions() as session:
        teams = {t.name.lower(): t.id for t in await survey_repo.active_teams(session)}
    unknown = [n for n in names if n.lower() not in teams]
    if unknown:
        raise typer.BadParameter(f"unknown team(s): {', '.join(unknown)}", param_hint="--team")
    return tuple(teams[n.lower()] for n in names)


@survey_cli.command("send")
def send(
    template: Annotated[str, typer.Option(help="Survey template id, e.g. staff-pulse or partner-agency")],
    closes: Annotated[str, typer.Option(help="Close date, YYYY-MM-DD")],
    sender: AsOption,
    team: Annotated[list[str] | None, typer.Option(help="Team name (repeat for more)")] = None,
    email: Annotated[list[str] | None, typer.Option(help="A person's e-mail (repeat for more)")] = None,
) -> None:
    """Send a survey through Teams (the same as the 'send survey' card)."""

    async def work(services: Services):  # type: ignore[no-untyped-def]
        return await services.surveys.start(
            actor_id=await _person_id(services, sender),
            template_id=template,
            audience=Audience(team_ids=await _team_ids(services, team or []), emails=tuple(email or [])),
            closes_on=date.fromisoformat(closes),
        )

    started = with_services(work)
    console.print(f"Survey S{started.view.survey_id} sent to {started.invited} people; closes {closes}.")
    for unknown in started.unknown_emails:
        console.print(f"[yellow]Not in the organisation list, not sent: {unknown}[/yellow]")


@survey_cli.command("remind")
def remind(survey_id: int) -> None:
    """Remind everyone who has not answered SURVEY_ID (and nobody else)."""
    reminded = with_services(lambda services: services.surveys.remind(survey_id))
    console.print(f"Reminded {reminded} people who have not answered S{survey_id}.")


@survey_cli.command("results")
def results(survey_id: int, viewer: AsOption) -> None:
    """Counts per team; answers and written comments for teams with enough responses."""

    async def work(services: Services):  # type: ignore[no-untyped-def]
        return await services.surveys.results(survey_id, actor_id=await _person_id(services, viewer))

    shown = with_services(work)
    console.print(f"[bold]{shown.view.title}[/bold]: {shown.responded} of {shown.invited} answered")
    for group in (shown.overall, *shown.groups):
        console.print(f"\n[bold]{group.name}[/bold]: {group.responded} of {group.invited}")
        if not group.shown:
            console.print(f"  hidden until {shown.view.min_group_size} people in this group have answered")
        for question in group.questions:
            console.print(f"  {question.text}: {question.summary}")
        for comments in group.comments:
            console.print(f"  Comments (no names, alphabetical): {comments.question}", markup=False)
            for comment in comments.shown:
                console.print(f"    - {comment}", markup=False, highlight=False)
            if comments.not_shown:
                console.print(f"    ({comments.not_shown} more not shown)")
            if comments.withheld:
                console.print(f"    ({comments.withheld} not shown: they seem to contain personal details)")
