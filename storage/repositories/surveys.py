"""Queries for staff and partner surveys: audiences, recipients, answer marks and results."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import FeedbackResponse, Person, ServiceArea, Survey, SurveyAnswerMark, SurveyRecipient, Team


async def active_teams(session: AsyncSession) -> list[Team]:
    return list(await session.scalars(select(Team).where(Team.active.is_(True)).order_by(Team.name)))


async def active_service_areas(session: AsyncSession) -> list[ServiceArea]:
    return list(
        await session.scalars(select(ServiceArea).where(ServiceArea.active.is_(True)).order_by(ServiceArea.name))
    )


async def team_ids_in_areas(session: AsyncSession, area_ids: Iterable[int]) -> set[int]:
    return set(await session.scalars(select(Team.id).where(Team.service_area_id.in_(list(area_ids)))))


async def members_of_teams(session: AsyncSession, team_ids: Iterable[int]) -> list[Person]:
    return list(
        await session.scalars(
            select(Person).where(
                Person.team_id.in_(list(team_ids)), Person.active.is_(True), Person.in_organisation.is_(True)
            )
        )
    )


async def people_by_email(session: AsyncSession, emails: Iterable[str]) -> list[Person]:
    wanted = [e.strip().lower() for e in emails if e.strip()]
    if not wanted:
        return []
    return list(
        await session.scalars(
            select(Person).where(Person.email.in_(wanted), Person.active.is_(True), Person.in_organisation.is_(True))
        )
    )


async def recipient(session: AsyncSession, survey_id: int, person_id: int) -> SurveyRecipient | None:
    return await session.scalar(
        select(SurveyRecipient).where(SurveyRecipient.survey_id == survey_id, SurveyRecipient.person_id == person_id)
    )


async def recipients(session: AsyncSession, survey_id: int) -> list[SurveyRecipient]:
    return list(await session.scalars(select(SurveyRecipient).where(SurveyRecipient.survey_id == survey_id)))


async def marks(session: AsyncSession, survey_id: int) -> set[str]:
    return set(await session.scalars(select(SurveyAnswerMark.mark).where(SurveyAnswerMark.survey_id == survey_id)))


async def open_surveys_for(session: AsyncSession, person_id: int, *, now: datetime) -> list[Survey]:
    return list(
        await session.scalars(
            select(Survey)
            .join(SurveyRecipient, SurveyRecipient.survey_id == Survey.id)
            .where(SurveyRecipient.person_id == person_id, Survey.closed_at.is_(None), Survey.closes_at > now)
            .order_by(Survey.closes_at)
        )
    )


async def responses(session: AsyncSession, survey_id: int) -> list[FeedbackResponse]:
    return list(await session.scalars(select(FeedbackResponse).where(FeedbackResponse.survey_id == survey_id)))


async def team_names(session: AsyncSession, team_ids: Iterable[int]) -> dict[int, str]:
    rows = await session.execute(select(Team.id, Team.name).where(Team.id.in_(list(team_ids))))
    return {team_id: name for team_id, name in rows}


async def invited_per_group(session: AsyncSession, survey_id: int) -> dict[int | None, int]:
    rows = await session.execute(
        select(SurveyRecipient.group_team_id, func.count())
        .where(SurveyRecipient.survey_id == survey_id)
        .group_by(SurveyRecipient.group_team_id)
    )
    return {group: count for group, count in rows}


async def open_surveys(session: AsyncSession, *, now: datetime) -> list[Survey]:
    """Every survey still taking answers (for the automatic reminder)."""
    return list(
        await session.scalars(
            select(Survey).where(Survey.closed_at.is_(None), Survey.closes_at > now).order_by(Survey.id)
        )
    )
