"""The demo: a staff survey in progress for the playground user, and a family link that works."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from qop.cli_org import DEMO_ORGANISATION
from services.container import Services
from services.demo_feedback import DEMO_SURVEY_TITLE, load_demo_feedback
from storage.models import Person, Survey


async def test_the_demo_survey_waits_for_the_playground_user_and_the_link_opens(
    services: Services, sessions: Any
) -> None:
    await services.organisation.import_file(DEMO_ORGANISATION)
    first = await load_demo_feedback(services)
    again = await load_demo_feedback(services)

    assert first.survey_created and not again.survey_created and first.survey_id == again.survey_id
    assert first.link_url == again.link_url, "an unused demo link is shown again, not replaced"
    async with sessions() as session, session.begin():
        assert (
            await session.scalar(select(func.count()).select_from(Survey).where(Survey.title == DEMO_SURVEY_TITLE)) == 1
        )
        alex = await session.scalar(select(Person).where(Person.email == "alexw@example.com"))
        isaiah = await session.scalar(select(Person).where(Person.email == "isaiahl@example.com"))
        alex.teams_user_id = "user-id-0"  # as when the playground's user first speaks
    waiting = await services.surveys.waiting_for("user-id-0")
    assert [v.title for v in waiting] == [DEMO_SURVEY_TITLE]
    results = await services.surveys.results(first.survey_id, actor_id=isaiah.id)
    assert results.responded == 2 and not results.overall.shown, "two answers: below the threshold of five"

    token = first.link_url.rsplit("/", 1)[1]
    opened = await services.feedback_links.open_link(token)
    assert opened.state == "open" and opened.template is not None
    await services.feedback_links.submit(
        token,
        {
            "understood_why": "agree",
            "worries_explained": "agree",
            "strengths_recognised": "agree",
            "listened_to": "agree",
            "helped_make_plan": "agree",
            "know_next_steps": "agree",
            "where_now": "7",
        },
    )
    after_use = await load_demo_feedback(services)
    assert after_use.link_url != first.link_url, "once used, the demo offers the next link"
