"""Sections the QIM report gains beyond its standard ones: the comparison with the previous
half-year (the bi-annual service-wide report) and the QIM's assurance of its service-level
actions (``services.qim.trail``). Kept apart from ``report.py`` so the standard sections and
these can change independently."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cards import text_report as text
from services.digest.report import cell
from services.qim import trail
from views.digest import Digest, PeriodFigures

Section = tuple[str, str, list[list[Any]]]


def _pct(value: float | None) -> float | str:
    return text.NOT_SHOWN if value is None else round(value, 1)


def _measures(figures: PeriodFigures) -> list[tuple[str, Any]]:
    return [
        (text.AUDITS_COMPLETED, cell(figures.audits_completed)),
        (text.GOOD_OR_BETTER_PCT, _pct(figures.grades.pct_good)),
        (text.INADEQUATE_PCT, _pct(figures.grades.pct_inadequate)),
        (text.AUDITS_GRADED, cell(figures.grades.total)),
        (text.FEEDBACK_RESPONSES, cell(figures.feedback_responses)),
        (text.FEEDBACK_SCORE, _pct(figures.shown_feedback_score)),
        (text.ACTIONS_RAISED, cell(figures.actions_new)),
        (text.ACTIONS_CLOSED, cell(figures.actions_done)),
        (text.ACTIONS_WITH_IMPACT, cell(figures.actions_impact)),
    ]


def _change(now: Any, before: Any) -> float | str:
    if isinstance(now, int | float) and isinstance(before, int | float):
        return round(now - before, 1)
    return ""


def half_year_comparison(digest: Digest) -> Section:
    """This half-year against the previous one, measure by measure (hidden numbers stay hidden)."""
    now, before = digest.current, digest.previous
    rows: list[list[Any]] = [[text.MEASURE, now.period.key, before.period.key, text.CHANGE]]
    for (name, value), (_, previous) in zip(_measures(now), _measures(before), strict=True):
        rows.append([name, value, previous, _change(value, previous)])
    rows += [[], [text.HALF_YEAR_NOTE.format(period=digest.period.label, previous=before.period.label)]]
    return (text.SHEET_HALF_YEAR, text.Q_KNOW, rows)


async def report_extras(session: AsyncSession, digest: Digest, *, today: date, time_zone: str) -> list[Section]:
    """The half-year comparison (for a half-year) and the QIM's assurance sections."""
    extra = [half_year_comparison(digest)] if digest.period.kind == "half" else []
    extra += await trail.report_sections(session, since=digest.period.start_utc, today=today, time_zone=time_zone)
    return extra
