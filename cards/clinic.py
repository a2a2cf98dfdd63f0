"""The performance clinic pack card: a team's indicators against target and trend, the worries and
why, audit themes, open actions, what changed since the last clinic, the "Agree an action" form
and the "Download XLSX" button (which answers with a short-lived signed link)."""

from __future__ import annotations

from datetime import date
from typing import Any

from microsoft_teams.cards import OpenUrlAction

from cards import text_clinic as text
from cards import verbs
from cards.actions import date_input, form_button, format_date, person_input, problems_block, text_input
from cards.base import Json, card, execute, heading, long_date, paragraph, title
from cards.measures_wording import figure, number, target_text, trend_text
from cards.text_actions import SOURCE_LABELS
from views.clinic import ClinicAction, ClinicPack, SinceLastClinic
from views.measures import IndicatorStatus

MAX_ACTIONS_ON_CARD = 10


def _indicator_line(status: IndicatorStatus) -> str:
    trend = trend_text(status)
    return text.INDICATOR_LINE.format(
        name=status.name, figure=figure(status), target=target_text(status), trend=f"; {trend}" if trend else ""
    )


def _action_line(action: ClinicAction) -> str:
    return text.ACTION_LINE.format(
        description=action.description,
        owner=action.owner_name,
        due=format_date(action.due_date),
        overdue=text.OVERDUE if action.overdue else "",
        source=SOURCE_LABELS.get(action.source, action.source),
    )


def _measures_part(pack: ClinicPack) -> list[Any]:
    if pack.measures is None:
        return [paragraph(text.NO_MEASURES, subtle=True)]
    body: list[Any] = [heading(text.HEADING_INDICATORS)]
    for measure in pack.measures.measures:
        if measure.indicators:
            body.append(paragraph(f"**{measure.name}**", spacing="Small"))
            body += [paragraph(_indicator_line(status), spacing="None") for status in measure.indicators]
    worries = [w for m in pack.measures.measures for w in m.worries]
    body.append(heading(text.HEADING_WORRIES))
    body += [
        paragraph(
            text.WORRY_LINE.format(name=w.indicator.name, reasons=", ".join(r.value for r in w.reasons)),
            spacing="None",
        )
        for w in worries
    ] or [paragraph(text.NO_WORRIES, subtle=True)]
    return body


def _themes_part(pack: ClinicPack) -> list[Any]:
    body: list[Any] = [heading(text.HEADING_THEMES.format(since=long_date(pack.themes_since)))]
    lines = [
        paragraph(text.THEME_LINE.format(title=t.title, seen=t.seen, answered=t.answered), spacing="None")
        for t in pack.themes
    ]
    return body + (lines or [paragraph(text.NO_THEMES, subtle=True)])


def _actions_part(pack: ClinicPack) -> list[Any]:
    body: list[Any] = [heading(text.HEADING_ACTIONS.format(count=pack.open_actions_total))]
    shown = pack.open_actions[:MAX_ACTIONS_ON_CARD]
    body += [paragraph(_action_line(a), spacing="None") for a in shown] or [paragraph(text.NO_ACTIONS, subtle=True)]
    if pack.open_actions_total > len(shown):
        more = pack.open_actions_total - len(shown)
        body.append(paragraph(text.MORE_ACTIONS.format(count=more, shown=len(pack.open_actions)), subtle=True))
    if pack.agreed_here:
        body.append(heading(text.HEADING_AGREED))
        body += [paragraph(_action_line(a), spacing="None") for a in pack.agreed_here]
    return body


def _value(value: float | None, unit: str) -> str:
    return text.NO_DATA if value is None else number(value, unit)


def change_lines(since: SinceLastClinic, open_now: int) -> list[str]:
    """What changed since the last clinic, in sentences (the card and the workbook say the same)."""
    lines = [
        text.CHANGE_LINE.format(name=f.name, before=_value(f.before, f.unit), now=_value(f.now, f.unit))
        for f in since.figures
        if f.before != f.now
    ]
    if since.new_worries:
        lines.append(text.NEW_WORRIES.format(names="; ".join(since.new_worries)))
    if since.worries_resolved:
        lines.append(text.WORRIES_RESOLVED.format(names="; ".join(since.worries_resolved)))
    lines.append(text.OPEN_BEFORE.format(before=since.open_actions_before, now=open_now))
    if since.agreed:
        lines.append(text.AGREED_DONE.format(done=since.agreed_done, agreed=since.agreed))
    return lines


def _changes_part(pack: ClinicPack) -> list[Any]:
    if pack.since_last is None:
        return [paragraph(text.FIRST_PACK, subtle=True, spacing="Medium")]
    body: list[Any] = [heading(text.HEADING_CHANGED.format(month=f"{pack.since_last.month:%B %Y}"))]
    return body + [paragraph(line, spacing="None") for line in change_lines(pack.since_last, pack.open_actions_total)]


def _agree_form(pack: ClinicPack, today: date, values: dict[str, str]) -> Any:
    inputs = [
        paragraph(text.AGREE_INTRO, subtle=True),
        text_input("description", text.LABEL_DESCRIPTION, text.ERROR_DESCRIPTION, values=values),
        person_input("owner_id", text.LABEL_OWNER, text.ERROR_OWNER, pack.owners, values=values),
        date_input("due_date", text.LABEL_DUE, text.ERROR_DUE, today=today, values=values),
    ]
    return form_button(text.AGREE_BUTTON, inputs, verbs.CLINIC_AGREE, {"clinic_id": pack.clinic_id})


def clinic_pack_card(
    pack: ClinicPack,
    *,
    today: date,
    workbook: tuple[str, str] | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    saved: bool = False,
) -> Json:
    """The pack; ``workbook`` is (signed link, "until" time) once "Download XLSX" was pressed."""
    body: list[Any] = [
        title(text.PACK_TITLE.format(team=pack.team_name)),
        paragraph(
            text.PACK_INTRO.format(
                area=pack.area_name, month=f"{pack.month:%B %Y}", prepared=long_date(pack.prepared_on)
            ),
            subtle=True,
        ),
    ]
    if saved:
        body.append(paragraph(text.AGREED_SAVED, spacing="Small"))
    body += problems_block(errors)
    body += _changes_part(pack) + _measures_part(pack) + _themes_part(pack) + _actions_part(pack)
    actions: list[Any] = []
    if pack.owners:
        actions.append(_agree_form(pack, today, values or {}))
    if workbook is not None:
        url, until = workbook
        actions.append(OpenUrlAction(title=text.WORKBOOK_OPEN.format(expires=until), url=url))
    else:
        actions.append(execute(text.WORKBOOK_BUTTON, verbs.CLINIC_WORKBOOK, {"clinic_id": pack.clinic_id}))
    return card(body, actions, fallback_text=text.PACK_TITLE.format(team=pack.team_name))
