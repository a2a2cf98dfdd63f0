"""Demo feedback for the fictional organisation (``python -m qop demo load``): a staff pulse
survey in progress (sent by the QA lead to the playground user's team, a few answers in, so
the results show counts but keep the small group hidden) and a family feedback link to open
in a browser.

Loading again adds no second survey. The demo link's token is derived from the feedback
secret, so every load prints a working link: the same one until it is used or expires, then
the next.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from services.container import Services
from services.feedback.surveys import Audience
from services.feedback.tokens import hash_token
from storage.db import transaction
from storage.models import FeedbackLink, Person, Survey, Team

DEMO_SURVEY_TITLE = "Staff pulse survey (demo)"
QA_LEAD_EMAIL = "isaiahl@example.com"
PRACTITIONER_EMAIL = "alexw@example.com"
TEAM = "Riverside Locality Team"
DEMO_CASE = "LCS204117"
DEMO_ANSWERS = (
    {"workload": "disagree", "supervision_hours": "under_1h", "supervision_quality": "agree", "overall": "6"},
    {
        "workload": "agree",
        "supervision_hours": "at_least_1_5h",
        "supervision_quality": "strongly_agree",
        "overall": "8",
    },
)
EVERY_OTHER_ANSWER = {
    "wellbeing": "agree",
    "cpd": "neither",
    "consulted": "disagree",
    "manager_access": "agree",
    "improves_safety": "strongly_agree",
}


@dataclass(frozen=True)
class DemoFeedback:
    survey_id: int
    survey_created: bool
    link_url: str


async def load_demo_feedback(services: Services) -> DemoFeedback:
    survey_id, created = await _demo_survey(services)
    return DemoFeedback(survey_id, created, await _demo_link(services))


async def _person_id(services: Services, email: str) -> int:
    async with services.sessions() as session:
        person_id = await session.scalar(select(Person.id).where(Person.email == email))
    if person_id is None:
        raise RuntimeError(f"{email} is not in the demo organisation: load it first")
    return person_id


async def _demo_survey(services: Services) -> tuple[int, bool]:
    async with services.sessions() as session:
        existing = await session.scalar(select(Survey.id).where(Survey.title == DEMO_SURVEY_TITLE))
        team_id = await session.scalar(select(Team.id).where(Team.name == TEAM))
        colleagues = list(
            await session.scalars(
                select(Person.id)
                .where(Person.team_id == team_id, Person.email != PRACTITIONER_EMAIL)
                .order_by(Person.id)
            )
        )
    if existing is not None:
        return existing, False
    assert team_id is not None, f"{TEAM} is not in the demo organisation"
    started = await services.surveys.start(
        actor_id=await _person_id(services, QA_LEAD_EMAIL),
        template_id="staff-pulse",
        audience=Audience(team_ids=(team_id,)),
        closes_on=services.surveys.today() + timedelta(days=10),
        title=DEMO_SURVEY_TITLE,
        send=False,
    )
    # Two colleagues have answered; the playground user has not (type 'my surveys').
    for person_id, answers in zip(colleagues, DEMO_ANSWERS, strict=False):
        await services.surveys.answer(
            actor_id=person_id, survey_id=started.view.survey_id, submitted={**answers, **EVERY_OTHER_ANSWER}
        )
    return started.view.survey_id, True


async def _demo_link(services: Services) -> str:
    """The first demo link (by number) that is still unused and in date; made if missing."""
    creator = await _person_id(services, PRACTITIONER_EMAIL)
    signer = services.feedback_signer
    now = services.clock.now()
    for number in range(1, 1000):
        token = signer.sign("demo-family-link", number)
        async with transaction(services.sessions) as session:
            link = await session.scalar(select(FeedbackLink).where(FeedbackLink.token_hash == hash_token(token)))
            if link is None:
                session.add(
                    FeedbackLink(
                        token_hash=hash_token(token),
                        template_key="family-parent-carer",
                        template_version=1,
                        case_reference=DEMO_CASE,
                        created_by_id=creator,
                        audit_reference="demo",
                        expires_at=now + timedelta(days=services.feedback_link_days),
                    )
                )
            elif link.used_at is not None or link.expires_at <= now:
                continue
        return f"{services.base_url}/feedback/{token}"
    raise RuntimeError("no demo link number left")
