"""``qop digest ...`` and ``qop report qim``: digests and quarterly reports from the command line."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cards.digest import digest_card, digest_text
from cards.text_digest import AUDIT_TYPES
from qop.cli_org import with_services
from services.container import Services
from services.digest.findings import digest_findings
from services.digest.subscriptions import SubscriptionRequest, parse_subscription
from views import periods
from views.templates import AuditType

digest_cli = typer.Typer(help="Weekly channel digests: subscribe, stop, list, preview.", no_args_is_help=True)
report_cli = typer.Typer(help="Quarterly reports for the Quality Improvement Meeting.", no_args_is_help=True)
console = Console()

ChannelOption = Annotated[str, typer.Option("--channel", help="The channel's Teams conversation id or its name")]
ScopeOption = Annotated[
    str, typer.Option("--scope", help="'team <name>', 'area <name>' or 'service' (default: the channel's team)")
]
AuditTypeOption = Annotated[
    AuditType | None,
    typer.Option(
        "--audit-type",
        help="Count this type of audit only (default: standard audits, each other type in its own rows)",
    ),
]


async def _channel_id(services: Services, channel: str) -> str:
    from sqlalchemy import or_, select

    from storage.db import transaction
    from storage.models import Conversation, ConversationKind

    async with transaction(services.sessions) as session:
        found = list(
            await session.scalars(
                select(Conversation.conversation_id).where(
                    Conversation.kind == ConversationKind.CHANNEL.value,
                    or_(Conversation.conversation_id == channel, Conversation.name == channel),
                )
            )
        )
    if len(found) != 1:
        from services.errors import NotFound

        raise NotFound(f"{len(found)} channels match \u201c{channel}\u201d; give its conversation id instead.")
    return found[0]


@digest_cli.command("subscribe")
def subscribe(
    channel: ChannelOption,
    scope: ScopeOption = "",
    day: Annotated[str, typer.Option("--day", help="Day of the week")] = "monday",
    at: Annotated[str, typer.Option("--at", help="Local time HH:MM (Europe/London)")] = "08:00",
    case_references: Annotated[
        bool,
        typer.Option(
            "--show-case-references/--hide-case-references",
            help="Show case references beside overdue actions in this channel (hidden by default)",
        ),
    ] = False,
    audit_type: AuditTypeOption = None,
) -> None:
    """Subscribe CHANNEL to a weekly digest (as an operator: written to the access log)."""
    request = replace(parse_subscription(f"weekly {scope} on {day} at {at}"), audit_type=audit_type)

    async def work(services: Services) -> None:
        view = await services.digests.subscribe(
            await _channel_id(services, channel), request, actor_id=None, show_case_references=case_references
        )
        only = f" Counts {AUDIT_TYPES[view.audit_type.value].lower()} only." if view.audit_type else ""
        console.print(f"Subscribed: {view.scope_label}, every {view.weekday} at {view.send_at}.{only}")

    with_services(work)


@digest_cli.command("stop")
def stop(channel: ChannelOption) -> None:
    """Stop CHANNEL's weekly digest."""

    async def work(services: Services) -> None:
        stopped = await services.digests.stop(await _channel_id(services, channel), actor_id=None)
        console.print("Stopped." if stopped else "That channel had no active digest.")

    with_services(work)


@digest_cli.command("list")
def list_subscriptions() -> None:
    """Every channel subscription, active or stopped."""
    listings = with_services(lambda services: services.digests.list_subscriptions())
    table = Table(title=f"{len(listings)} digest subscription(s)")
    for column in ("id", "channel", "covers", "when", "active"):
        table.add_column(column)
    for item in listings:
        when = f"{item.view.weekday} {item.view.send_at}"
        table.add_row(
            str(item.subscription_id), item.channel, item.view.scope_label, when, "yes" if item.active else "no"
        )
    console.print(table)


@digest_cli.command("preview")
def preview(
    scope: ScopeOption = "service",
    period: Annotated[str, typer.Option("--period", help="'last', a date, 2026-W13 or 2026Q3")] = "last",
    json_only: Annotated[bool, typer.Option("--json", help="Print only the card JSON")] = False,
    audit_type: AuditTypeOption = None,
) -> None:
    """Print the digest card JSON and a readable text version for any scope and period."""
    request = parse_subscription(scope)

    async def work(services: Services) -> tuple[dict, str]:
        digests = services.digests
        try:
            chosen = periods.parse_period(period, digests.time_zone, now=services.clock.now())
        except ValueError as problem:
            from services.errors import InvalidInput

            raise InvalidInput(str(problem)) from None
        resolved = await digests.resolve_scope(request.scope or "service", request.name)
        digest = await digests.build(resolved, chosen, audit_type=audit_type)
        findings = digest_findings(digest)
        return digest_card(digest, findings), digest_text(digest, findings)

    card, readable = with_services(work)
    print(json.dumps(card, indent=2))
    if not json_only:
        print()
        print(readable)


@report_cli.command("qim")
def qim(
    quarter: Annotated[
        str | None, typer.Option("--quarter", help="e.g. 2026Q3 (calendar quarters: Q3 = July to September)")
    ] = None,
    half: Annotated[
        str | None,
        typer.Option("--half", help="e.g. 2026H1: the bi-annual report (January to June) against the half before"),
    ] = None,
    scope: ScopeOption = "service",
    out: Annotated[Path, typer.Option("--out", help="Where to write the .xlsx (or .html) report")] = Path(
        "qim-report.xlsx"
    ),
    audit_type: AuditTypeOption = None,
) -> None:
    """Write the quarterly QIM report (--quarter) or the bi-annual service-wide report (--half) for a
    scope as an Excel workbook or HTML page."""
    from services.digest.report import render_html, write_workbook

    if (quarter is None) == (half is None):
        raise typer.BadParameter("give either --quarter (e.g. 2026Q3) or --half (e.g. 2026H1)")
    request: SubscriptionRequest = parse_subscription(scope)

    async def work(services: Services):  # type: ignore[no-untyped-def]
        kind = request.scope or "service"
        if half is not None:
            return await services.digests.half_yearly(kind, request.name, half, actor=None, audit_type=audit_type)
        return await services.digests.quarterly(kind, request.name, quarter or "", actor=None, audit_type=audit_type)

    report = with_services(work)
    if out.suffix.lower() in (".html", ".htm"):
        out.write_text(render_html(report), encoding="utf-8")
    else:
        write_workbook(report, out)
    console.print(f"Wrote {out} ({report.digest.scope_label}, {report.digest.period.label}).")
