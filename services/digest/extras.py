"""What other features record that the digest shows, each in its own function: practice nominated
to celebrate (issue 16), the moderation group's themes (issue 13) and the practice observations'
themes (issue 15). Three queries in all, read in the digest's own transaction.

Only counts and screened quotes leave this module: a celebrated example was screened for names and
case references when it was nominated, and passes ``safe_quote`` again here; observations give
counts, never the practitioner or the family.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cards import text_digest as text
from cards import text_report as report_text
from services.digest.builder import Scope, bucket_of, pick_quotes
from services.moderation_group.report import themes_between
from services.observations.themes import count_themes
from services.templates import TemplateLibrary
from storage.repositories import digest as digest_repo
from views.digest import Digest, ObservationFigures
from views.periods import Period

CELEBRATED_SHOWN = 3
CELEBRATED_CANDIDATES = 20


async def celebrated_practice(
    session: AsyncSession, scope: Scope, period: Period, case_pattern: re.Pattern[str] | None
) -> list[str]:
    """The newest practice examples nominated in ``period`` by the scope's teams, fit for a channel.
    A nomination is written to be shared, so its first word may be anything (as a key finding's)."""
    texts = await digest_repo.practice_example_texts(
        session, scope.team_ids, bucket_of(period), limit=CELEBRATED_CANDIDATES
    )
    return pick_quotes(texts, case_pattern, limit=CELEBRATED_SHOWN, strict_start=False)


async def observation_figures(
    session: AsyncSession, templates: TemplateLibrary, scope: Scope, period: Period
) -> ObservationFigures:
    """The period's practice observations in the scope, counted over all its teams and months."""
    months = count_themes(await digest_repo.observations_in(session, scope.team_ids, bucket_of(period)), templates)
    return ObservationFigures(
        observations=sum(m.observations for m in months),
        expectations_met=sum(m.expectations_met for m in months),
        expectations_partly=sum(m.expectations_partly for m in months),
        expectations_not_met=sum(m.expectations_not_met for m in months),
        strengths=sum(m.strengths for m in months),
        development_points=sum(m.development_points for m in months),
    )


async def with_extras(
    session: AsyncSession,
    digest: Digest,
    scope: Scope,
    templates: TemplateLibrary,
    case_pattern: re.Pattern[str] | None,
) -> Digest:
    """``digest`` with the celebrated practice, the moderation group's themes and the observations'."""
    period = digest.period
    return replace(
        digest,
        celebrated=await celebrated_practice(session, scope, period, case_pattern),
        moderation_group=await themes_between(session, period.first_day, period.last_day),
        observations=await observation_figures(session, templates, scope, period),
    )


def observation_rows(figures: ObservationFigures, cell: Callable[[int], int | str]) -> list[list[Any]]:
    """The QIM report's observations sheet: what the quarter's observations found, counts only; every
    count passes through ``cell``, the report's small-number rule."""
    if figures.observations == 0:
        return [[report_text.MEASURE, report_text.VALUE], [], [text.OBSERVATIONS_NONE]]
    return [
        [report_text.MEASURE, report_text.VALUE],
        [text.OBSERVATIONS_HELD, cell(figures.observations)],
        [text.OBSERVATIONS_MET, cell(figures.expectations_met)],
        [text.OBSERVATIONS_PARTLY, cell(figures.expectations_partly)],
        [text.OBSERVATIONS_NOT_MET, cell(figures.expectations_not_met)],
        [text.OBSERVATIONS_STRENGTHS, cell(figures.strengths)],
        [text.OBSERVATIONS_DEVELOPMENT, cell(figures.development_points)],
        [],
        [text.OBSERVATIONS_NOTE],
    ]
