"""A scope's figure summed by the database (per indicator, service area and month) on SQLite and
PostgreSQL: pooled from counts only when every team has them, else the mean, and never a figure
of a team whose service area does not declare the indicator."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import update

from services.container import Services
from services.measures.declarations import AnswerSource
from services.measures.triangulation import count_answers
from storage.models import IndicatorValue
from tests.support.dashboard import MOORSIDE_FIGURE, RIVERSIDE_FIGURE, dashboard_measures, seed
from views.measures import IndicatorStatus, MeasuresOverview

JANUARY = date(2026, 1, 1)
KEY = "assessments_in_timescale"


def status(overview: MeasuresOverview) -> IndicatorStatus:
    return next(i for m in overview.measures for i in m.indicators if i.key == KEY)


async def set_counts(services: Services, team_id: int, numerator: int | None, denominator: int | None) -> None:
    async with services.sessions() as session, session.begin():
        await session.execute(
            update(IndicatorValue)
            .where(IndicatorValue.team_id == team_id, IndicatorValue.month == JANUARY)
            .values(numerator=numerator, denominator=denominator)
        )


async def test_an_area_pools_counts_only_when_every_team_has_them_and_ignores_undeclaring_areas(
    services: Services,
) -> None:
    org = await seed(services)
    measures = dashboard_measures(services)
    riverside, moorside = org.teams["Riverside Locality Team"], org.teams["Moorside Locality Team"]
    async with services.sessions() as session, session.begin():
        # First Contact does not declare the indicator: its figure belongs to no scope's judgement.
        session.add(
            IndicatorValue(
                indicator_key=KEY, team_id=org.teams["Front Door"], month=JANUARY, value=10.0, source="extract"
            )
        )

    area = status(await measures.overview(area="Locality social work", month=JANUARY))
    assert area.value == pytest.approx((RIVERSIDE_FIGURE + MOORSIDE_FIGURE) / 2) and area.numerator is None
    assert area.teams_reporting == 2
    service = status(await measures.overview(month=JANUARY))
    assert service.value == area.value and service.teams_reporting == 2

    await set_counts(services, riverside, 43, 50)
    mixed = status(await measures.overview(area="Locality social work", month=JANUARY))
    assert mixed.value == area.value and mixed.numerator is None, "one team without counts: the mean"

    await set_counts(services, moorside, 93, 100)
    pooled = status(await measures.overview(month=JANUARY))
    assert (pooled.numerator, pooled.denominator) == (136, 150) and pooled.value == pytest.approx(100 * 136 / 150)

    await set_counts(services, moorside, 0, 0)
    zero = status(await measures.overview(area="Locality social work", month=JANUARY))
    assert zero.value == area.value and zero.numerator is None, "a zero denominator cannot be pooled"

    team = status(await measures.overview(team="Riverside Locality Team", month=JANUARY))
    assert (team.value, team.numerator, team.denominator, team.teams_reporting) == (RIVERSIDE_FIGURE, 43, 50, 1)


def test_answers_read_as_text_count_like_the_stored_answers() -> None:
    source = AnswerSource(template="t", question="q", counts=["yes"], excludes=["not_applicable"])
    as_text = ["yes", "no", '["no", "yes"]', '["not_applicable"]', "not_applicable", None, ""]
    as_stored = ["yes", "no", ["no", "yes"], ["not_applicable"], "not_applicable", None, ""]
    assert count_answers(source, as_text) == count_answers(source, as_stored) == (2, 3)
