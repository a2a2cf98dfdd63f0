"""The figures a clinic pack showed, kept as JSON with its record, and what changed between two packs.

Only figures and indicator names are kept (never a case or a person), so the record can live as
long as the clinic's minutes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from storage.models import Action, ActionStatus
from views.clinic import FigureChange, SinceLastClinic, ThemeLine
from views.measures import MeasuresOverview

Snapshot = dict[str, Any]


def snapshot_of(overview: MeasuresOverview | None, themes: Sequence[ThemeLine], open_actions: int) -> Snapshot:
    """What a pack shows, reduced to what the next pack compares: each indicator's figure and
    whether it was a worry, the themes' shares and the number of open actions."""
    indicators: dict[str, dict[str, Any]] = {}
    if overview is not None:
        worrying = {w.indicator.key for m in overview.measures for w in m.worries}
        for measure in overview.measures:
            for status in measure.indicators:
                indicators[status.key] = {
                    "name": status.name,
                    "unit": status.unit,
                    "value": status.value,
                    "worry": status.key in worrying,
                }
    return {
        "indicators": indicators,
        "themes": {line.title: line.share for line in themes},
        "open_actions": open_actions,
    }


def since_last(month: date, before: Snapshot, now: Snapshot, agreed_then: Sequence[Action]) -> SinceLastClinic:
    """Each indicator now beside its figure at the last clinic, the worries that came and went,
    and how many of the actions agreed then are done."""
    then, current = before.get("indicators", {}), now.get("indicators", {})
    figures = tuple(
        FigureChange(
            key=key,
            name=item["name"],
            unit=item["unit"],
            before=then.get(key, {}).get("value"),
            now=item["value"],
            was_worry=bool(then.get(key, {}).get("worry")),
            is_worry=bool(item["worry"]),
        )
        for key, item in current.items()
    )
    return SinceLastClinic(
        month=month,
        figures=figures,
        new_worries=tuple(f.name for f in figures if f.is_worry and not f.was_worry),
        worries_resolved=tuple(
            item["name"] for key, item in then.items() if item.get("worry") and not current.get(key, {}).get("worry")
        ),
        open_actions_before=int(before.get("open_actions", 0)),
        agreed=len(agreed_then),
        agreed_done=sum(1 for action in agreed_then if action.status == ActionStatus.DONE.value),
    )
