"""The performance clinic pack cards.

A team's pack: its indicators against target and trend, the worries and why, audit themes, open
actions, what changed since the last clinic, the "Agree an action" form and the "Download XLSX"
button (which answers with a short-lived signed link). The senior leadership clinic's service
pack: the whole service's measures and the four questions, each service area's teams of concern
and team clinics, the service's audit themes, what changed, and its own "Agree an action" form."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from microsoft_teams.cards import OpenUrlAction

from cards import text_clinic as text
from cards import verbs
from cards.actions import date_input, form_button, format_date, person_input, problems_block, text_input
from cards.base import Json, card, execute, heading, long_date, paragraph, title
from cards.measures_wording import figure, four_questions, number, target_text, trend_text
from cards.text_actions import SOURCE_LABELS
from views.actions import PersonChoice
from views.clinic import (
    AreaRollUp,
    ClinicAction,
    ClinicPack,
    ServiceClinicPack,
    SinceLastClinic,
    TeamConcern,
    ThemeLine,
)
from views.measures import IndicatorStatus, MeasuresOverview

MAX_ACTIONS_ON_CARD = 10
MAX_CONCERNS_ON_CARD = 3
"""Teams of concern listed per service area on the service pack (the worst; the workbook has them all)."""


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


def _measures_part(measures: MeasuresOverview | None) -> list[Any]:
    if measures is None:
        return [paragraph(text.NO_MEASURES, subtle=True)]
    body: list[Any] = [heading(text.HEADING_INDICATORS)]
    for measure in measures.measures:
        if measure.indicators:
            body.append(paragraph(f"**{measure.name}**", spacing="Small"))
            body += [paragraph(_indicator_line(status), spacing="None") for status in measure.indicators]
    worries = [w for m in measures.measures for w in m.worries]
    body.append(heading(text.HEADING_WORRIES))
    body += [
        paragraph(
            text.WORRY_LINE.format(name=w.indicator.name, reasons=", ".join(r.value for r in w.reasons)),
            spacing="None",
        )
        for w in worries
    ] or [paragraph(text.NO_WORRIES, subtle=True)]
    return body


def _themes_part(themes: tuple[ThemeLine, ...], since: date, *, none: str = text.NO_THEMES) -> list[Any]:
    body: list[Any] = [heading(text.HEADING_THEMES.format(since=long_date(since)))]
    lines = [
        paragraph(text.THEME_LINE.format(title=t.title.rstrip("."), seen=t.seen, answered=t.answered), spacing="None")
        for t in themes
    ]
    return body + (lines or [paragraph(none, subtle=True)])


def _actions_part(pack: ClinicPack) -> list[Any]:
    body: list[Any] = [heading(text.HEADING_ACTIONS.format(count=pack.open_actions_total))]
    shown = pack.open_actions[:MAX_ACTIONS_ON_CARD]
    body += [paragraph(_action_line(a), spacing="None") for a in shown] or [paragraph(text.NO_ACTIONS, subtle=True)]
    if pack.open_actions_total > len(shown):
        more = pack.open_actions_total - len(shown)
        body.append(paragraph(text.MORE_ACTIONS.format(count=more, shown=len(pack.open_actions)), subtle=True))
    return body + _agreed_part(pack.agreed_here)


def _value(value: float | None, unit: str) -> str:
    return text.NO_DATA if value is None else number(value, unit)


def change_lines(since: SinceLastClinic, open_now: int, *, open_line: str = text.OPEN_BEFORE) -> list[str]:
    """What changed since the last clinic, in sentences (the card and the workbook say the same);
    ``open_line`` words the open actions then and now."""
    lines = [
        text.CHANGE_LINE.format(name=f.name, before=_value(f.before, f.unit), now=_value(f.now, f.unit))
        for f in since.figures
        if f.before != f.now
    ]
    if since.new_worries:
        lines.append(text.NEW_WORRIES.format(names="; ".join(since.new_worries)))
    if since.worries_resolved:
        lines.append(text.WORRIES_RESOLVED.format(names="; ".join(since.worries_resolved)))
    lines.append(open_line.format(before=since.open_actions_before, now=open_now))
    if since.agreed:
        lines.append(text.AGREED_DONE.format(done=since.agreed_done, agreed=since.agreed))
    return lines


def _changes_part(
    since: SinceLastClinic | None, open_now: int, *, first: str = text.FIRST_PACK, open_line: str = text.OPEN_BEFORE
) -> list[Any]:
    if since is None:
        return [paragraph(first, subtle=True, spacing="Medium")]
    body: list[Any] = [heading(text.HEADING_CHANGED.format(month=f"{since.month:%B %Y}"))]
    return body + [paragraph(line, spacing="None") for line in change_lines(since, open_now, open_line=open_line)]


def _agree_form(
    verb: str, clinic_id: int, owners: Sequence[PersonChoice], today: date, values: dict[str, str], *, intro: str
) -> Any:
    inputs = [
        paragraph(intro, subtle=True),
        text_input("description", text.LABEL_DESCRIPTION, text.ERROR_DESCRIPTION, values=values),
        person_input("owner_id", text.LABEL_OWNER, text.ERROR_OWNER, owners, values=values),
        date_input("due_date", text.LABEL_DUE, text.ERROR_DUE, today=today, values=values),
    ]
    return form_button(text.AGREE_BUTTON, inputs, verb, {"clinic_id": clinic_id})


def _workbook_action(workbook: tuple[str, str] | None, verb: str, clinic_id: int) -> Any:
    """ "Download XLSX", or once pressed the signed link to open (valid until the time shown)."""
    if workbook is None:
        return execute(text.WORKBOOK_BUTTON, verb, {"clinic_id": clinic_id})
    url, until = workbook
    return OpenUrlAction(title=text.WORKBOOK_OPEN.format(expires=until), url=url)


def _agreed_part(agreed: tuple[ClinicAction, ...]) -> list[Any]:
    if not agreed:
        return []
    return [heading(text.HEADING_AGREED)] + [paragraph(_action_line(a), spacing="None") for a in agreed]


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
    body += _changes_part(pack.since_last, pack.open_actions_total)
    body += _measures_part(pack.measures) + _themes_part(pack.themes, pack.themes_since) + _actions_part(pack)
    actions: list[Any] = []
    if pack.owners:
        actions.append(
            _agree_form(verbs.CLINIC_AGREE, pack.clinic_id, pack.owners, today, values or {}, intro=text.AGREE_INTRO)
        )
    actions.append(_workbook_action(workbook, verbs.CLINIC_WORKBOOK, pack.clinic_id))
    return card(body, actions, fallback_text=text.PACK_TITLE.format(team=pack.team_name))


# -- the senior leadership performance clinic (the whole service) ------------------------------


def _four_questions_part(measures: MeasuresOverview | None) -> list[Any]:
    """The four questions per measure, in the words the dashboard and the QIM report use."""
    if measures is None:
        return [paragraph(text.NO_MEASURES, subtle=True)]
    body: list[Any] = [heading(text.HEADING_FOUR_QUESTIONS)]
    for measure in measures.measures:
        body.append(paragraph(f"**{measure.name}**", spacing="Medium"))
        for line in four_questions(measure):
            item = line.strip()
            if item.startswith("- "):
                body.append(paragraph(item, spacing="None"))
            else:
                body.append(paragraph(f"_{item}_", spacing="Small"))
    return body


def _concern_line(concern: TeamConcern) -> str:
    reasons = [text.CONCERN_OFF_TARGET.format(names="; ".join(concern.off_target))] if concern.off_target else []
    if concern.wrong_way:
        reasons.append(text.CONCERN_WRONG_WAY.format(names="; ".join(concern.wrong_way)))
    return text.CONCERN_LINE.format(team=concern.team_name, reasons=text.CONCERN_SEPARATOR.join(reasons))


def _area_part(area: AreaRollUp, *, measures_loaded: bool) -> list[Any]:
    body: list[Any] = [
        paragraph(f"**{area.area_name}**", spacing="Medium"),
        paragraph(
            text.AREA_CLINICS.format(
                packs=area.packs,
                teams=area.teams,
                agreed=area.agreed,
                open=area.open_actions,
                overdue=area.overdue_actions,
            ),
            spacing="None",
        ),
    ]
    if not measures_loaded:
        return body
    shown = area.concerns[:MAX_CONCERNS_ON_CARD]
    body += [paragraph(_concern_line(c), spacing="None") for c in shown] or [
        paragraph(text.NO_CONCERNS, subtle=True, spacing="None")
    ]
    if len(area.concerns) > len(shown):
        body.append(paragraph(text.MORE_CONCERNS.format(count=len(area.concerns) - len(shown)), subtle=True))
    return body


def _areas_part(pack: ServiceClinicPack) -> list[Any]:
    body: list[Any] = [heading(text.HEADING_AREAS)]
    for area in pack.areas:
        body += _area_part(area, measures_loaded=pack.measures is not None)
    return body if pack.areas else [*body, paragraph(text.NO_AREAS, subtle=True)]


def service_clinic_pack_card(
    pack: ServiceClinicPack,
    *,
    today: date,
    workbook: tuple[str, str] | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    saved: bool = False,
) -> Json:
    """The senior leadership clinic's service pack, with its "Agree an action" form for those who
    may; ``workbook`` is (signed link, "until" time) once "Download XLSX" was pressed."""
    body: list[Any] = [
        title(text.SERVICE_PACK_TITLE),
        paragraph(
            text.SERVICE_PACK_INTRO.format(month=f"{pack.month:%B %Y}", prepared=long_date(pack.prepared_on)),
            subtle=True,
        ),
    ]
    if saved:
        body.append(paragraph(text.SERVICE_AGREED_SAVED, spacing="Small"))
    body += problems_block(errors)
    body += _changes_part(
        pack.since_last, pack.open_clinic_actions, first=text.FIRST_SERVICE_PACK, open_line=text.OPEN_CLINIC_BEFORE
    )
    body += _four_questions_part(pack.measures) + _areas_part(pack)
    body += _themes_part(pack.themes, pack.themes_since, none=text.NO_SERVICE_THEMES)
    body += _agreed_part(pack.agreed_here)
    actions: list[Any] = []
    if pack.owners:
        actions.append(
            _agree_form(
                verbs.CLINIC_SERVICE_AGREE,
                pack.clinic_id,
                pack.owners,
                today,
                values or {},
                intro=text.SERVICE_AGREE_INTRO,
            )
        )
    actions.append(_workbook_action(workbook, verbs.CLINIC_SERVICE_WORKBOOK, pack.clinic_id))
    return card(body, actions, fallback_text=text.SERVICE_PACK_TITLE)
