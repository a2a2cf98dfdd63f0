"""The demo's Meaningful Measures (``load_demo_measures``) on SQLite and PostgreSQL: the demo
measures file put in force, six months of made-up figures imported through the demo's
Liquidlogic-style mapping, the same figures on every backend, and nothing imported again."""

from __future__ import annotations

from qop.settings import DEMO_EXTRACT_MAPPING, DEMO_MEASURES
from services.container import Services
from services.demo_measures import load_demo_measures
from services.measures.triangulation import add_months
from views.measures import IndicatorStatus


async def _load(services: Services):  # type: ignore[no-untyped-def]
    return await load_demo_measures(
        services.sessions, services.measures, measures_file=DEMO_MEASURES, mapping_file=DEMO_EXTRACT_MAPPING
    )


def _indicators(services_overview) -> dict[str, IndicatorStatus]:  # type: ignore[no-untyped-def]
    return {status.key: status for measure in services_overview.measures for status in measure.indicators}


async def test_the_demo_puts_its_measures_in_force_with_six_months_of_figures(services: Services) -> None:
    assert (await services.demo.load()).rejections == []
    first = await _load(services)
    assert (first.measures_loaded, first.figures, first.teams) == (True, 84, 6)
    again = await _load(services)
    assert (again.measures_loaded, again.figures) == (False, 0), "loading again imports nothing"

    last_month = add_months(services.measures.this_month(), -1)
    riverside = _indicators(await services.measures.overview(team="Riverside Locality Team", month=last_month))
    seen_alone = riverside["seen_alone_last_visit"]
    assert seen_alone.value_month == last_month and seen_alone.value is not None
    assert seen_alone.history and seen_alone.history[-1][0] == last_month
    assert all(value is not None for _, value in seen_alone.history), "a figure for every month shown"
    service = await services.measures.overview(month=last_month)
    worries = [worry.indicator.key for measure in service.measures for worry in measure.worries]
    assert worries, "some demo figures drift the wrong way, so a clinic has something to discuss"
    assert len(worries) < len(_indicators(service)), "most demo figures sit near their targets"
