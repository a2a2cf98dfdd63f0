"""``qop teams package``: build the Teams app package for the Teams admin centre."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from qop.settings import PROJECT_ROOT, Settings
from qop.teams_package import MAX_COMMANDS_PER_LIST, InvalidPackage, build_package

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
        titles = ", ".join(c["title"] for c in command_list["commands"])
        console.print(f"  {command_list['scopes'][0]}: {titles}", markup=False)
        if len(command_list["commands"]) == MAX_COMMANDS_PER_LIST:
            console.print("  (Teams shows at most 12 commands per scope; the rest still work when typed.)")
    console.print("Upload it in the Teams admin centre: Teams apps > Manage apps > Upload new app.")
