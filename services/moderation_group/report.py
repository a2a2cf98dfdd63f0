"""The moderation group in the QIM report: the quarter's meetings, outcomes and learning themes as
one compact sheet, kept apart from the report's own figures so each can change on its own."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cards import text_moderation_group as text
from services.moderation_group.themes import count_themes
from storage.repositories import moderation_group as rows
from views.moderation_group import ModerationGroupThemes

SHEET = text.REPORT_SHEET


async def themes_between(session: AsyncSession, since: date, until: date) -> ModerationGroupThemes:
    """What the meetings held from ``since`` to ``until`` (inclusive) agreed, as counts only."""
    return count_themes(await rows.closed_between(session, since, until))


def report_rows(themes: ModerationGroupThemes, cell: Callable[[int], int | str]) -> list[list[Any]]:
    """The sheet's rows (header first): meetings, audits moderated and their outcomes, then each
    learning theme named; every count passes through ``cell``, the report's small-number rule."""
    found: list[list[Any]] = [
        [text.REPORT_MEASURE, text.REPORT_NUMBER],
        [text.REPORT_MEETINGS, themes.meetings],
        [text.REPORT_AUDITS, cell(themes.audits_moderated)],
        [text.REPORT_AGREED, cell(themes.agreed)],
        [text.REPORT_RAISED, cell(themes.raised)],
        [text.REPORT_LOWERED, cell(themes.lowered)],
    ]
    if themes.themes:
        found += [[], [text.REPORT_THEME, text.REPORT_TIMES_NAMED]]
        found += [[text.THEME_LABELS[code], cell(count)] for code, count in themes.top_themes(len(themes.themes))]
    found += [[], [text.REPORT_NOTE]]
    return found
