"""``qop teams package``: build the Teams app package for the Teams admin centre."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from bot.commands import listed
from qop.settings import PROJECT_ROOT, Settings
from qop.teams_package import InvalidPackage, build_package

teams_cli = typer.Typer(help="The Teams app package.", no_args_is_help=True)
console = Console()


@teams_cli.command("package")
def package(
    out: Annotated[Path, typer.Option("--out", help="Where to write the zip.")] = PROJECT_ROOT
    / "dist"
    / "qop-teams.zip",
) -> None:
    """Build manifest.json + icons into a zip, refusing a manifest Teams would reject."""
    try:
        manifest = build_package(Settings(), out)
    except InvalidPackage as invalid:
        console.print("[bold red]The Teams app package was not built:[/bold red]")
        for problem in invalid.problems:
            console.print(f"  - {problem}", markup=False)
        raise typer.Exit(code=1) from None
    bot = manifest["bots"][0]
    console.print(
        f"[bold green]Built {out}[/bold green] (manifest v{manifest['manifestVersion']}, app {manifest['id']})"
    )
    for command_list in bot["commandLists"]:
        scope = command_list["scopes"][0]
        titles = [c["title"] for c in command_list["commands"]]
        console.print(f"  {scope}: {', '.join(titles)}", markup=False)
        left_out = [c.name for c in listed(scope, local_mode=False) if c.name not in titles]
        if left_out:
            console.print(
                f"    Not in Teams' menu (at most 12 per scope; they still work when typed): {', '.join(left_out)}",
                markup=False,
            )
    console.print("Upload it in the Teams admin centre: Teams apps > Manage apps > Upload new app.")
