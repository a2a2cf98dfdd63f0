"""Learning from compliments and complaints, and celebrating quality practice (issue 16, item 6).

Client relations log each compliment or complaint against a team with its themes (a case
reference at most, never a name); the QIM sees the themes. Managers nominate a quality practice
example seen in an audit or an observation, anonymised, to celebrate. Free text is screened for
personal data and for case references (a celebrated example must not point at a child), and
every entry is written to the access log.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cards import text_learning as text
from services import access_log, actors, personal_data, policy, working_time
from services.clock import Clock
from services.errors import InvalidInput
from services.policy import Permission
from services.teams_data import TeamsUser
from storage.db import transaction
from storage.models import ClientFeedbackEntry, ClientFeedbackKind, PracticeExample, Team
from views.improvement import (
    ClientFeedbackInput,
    ClientFeedbackView,
    PracticeExampleInput,
    PracticeExampleView,
    ThemeCount,
)

SOURCES = ("audit", "observation")
MAX_THEMES = 8
MAX_THEME = 80
MAX_TEXT = 2000


class LearningService:
    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        case_reference_pattern: str,
        time_zone: str = working_time.DEFAULT_TIME_ZONE,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._case_pattern = re.compile(case_reference_pattern)
        self._time_zone = time_zone

    def today(self) -> date:
        return working_time.local_date(self._clock.now(), self._time_zone)

    def _mentions_a_case(self, words: str) -> bool:
        """A word shaped like a case reference (a year such as 2026 does not count)."""
        for word in re.findall(r"\w+", words.upper()):
            if self._case_pattern.fullmatch(word) and not (word.isdigit() and len(word) == 4):
                return True
        return False

    async def team_names(self) -> list[str]:
        async with self._sessions() as session:
            return list(await session.scalars(select(Team.name).where(Team.active.is_(True)).order_by(Team.name)))

    # -- compliments and complaints ----------------------------------------------------------

    async def log_client_feedback(self, actor: TeamsUser, entry: ClientFeedbackInput) -> ClientFeedbackView:
        """Record one compliment or complaint; ``InvalidInput`` names each field that needs a look."""
        async with transaction(self._sessions) as session:
            acting = await actors.load_for_teams_user(session, actor.teams_user_id)
            team = await _team(session, entry.team)
            record = policy.compliments_complaints(
                team_id=team.id if team else None, service_area_id=team.service_area_id if team else None
            )
            policy.require(acting, Permission.SUBMIT, record)
            errors = personal_data.screen_fields({"summary": entry.summary}, ["summary"])
            if entry.kind not in set(ClientFeedbackKind):
                errors["kind"] = text.ERROR_KIND
            if team is None:
                errors["team"] = text.ERROR_TEAM
            if entry.received_on is None or entry.received_on > self.today():
                errors["received_on"] = text.ERROR_RECEIVED
            themes = tuple(dict.fromkeys(t.strip().lower()[:MAX_THEME] for t in entry.themes if t.strip()))
            if not themes or len(themes) > MAX_THEMES:
                errors["themes"] = text.ERROR_THEMES
            errors |= personal_data.screen_fields({"themes": ", ".join(themes)}, ["themes"])
            reference = entry.case_reference.strip().upper()
            if reference and not self._case_pattern.fullmatch(reference):
                errors["case_reference"] = text.ERROR_CASE_REFERENCE
            if len(entry.summary) > MAX_TEXT:
                errors["summary"] = text.ERROR_TOO_LONG.format(limit=MAX_TEXT)
            if errors or team is None or entry.received_on is None:
                raise InvalidInput(text.PROBLEMS, errors)
            row = ClientFeedbackEntry(
                kind=entry.kind,
                team_id=team.id,
                received_on=entry.received_on,
                themes=list(themes),
                case_reference=reference or None,
                summary=entry.summary.strip(),
                logged_by_id=acting.person_id,
            )
            session.add(row)
            await session.flush()
            await access_log.record(
                session,
                acting,
                access_log.SUBMIT,
                "client_feedback",
                row.id,
                {"kind": entry.kind, "team_id": team.id},
                summary=f"{entry.kind} logged",
            )
            return ClientFeedbackView(
                row.id, row.kind, team.name, row.received_on, themes, row.case_reference, row.summary
            )

    async def client_feedback_themes(self, actor: TeamsUser | None, *, since: date) -> list[ThemeCount]:
        """Compliments and complaints per theme since ``since``, most frequent first (the QIM's view)."""
        async with transaction(self._sessions) as session:
            acting = None
            if actor is not None:
                acting = await actors.load_for_teams_user(session, actor.teams_user_id)
                policy.require(acting, Permission.VIEW, policy.compliments_complaints())
            rows = await session.execute(
                select(ClientFeedbackEntry.kind, ClientFeedbackEntry.themes).where(
                    ClientFeedbackEntry.received_on >= since
                )
            )
            counts: Counter[tuple[str, str]] = Counter()
            for kind, themes in rows:
                for theme in themes:
                    counts[(theme, kind)] += 1
            await access_log.record(
                session, acting, access_log.VIEW, "client_feedback", None, {"since": since.isoformat()}
            )
        themes = {theme for theme, _ in counts}
        result = [
            ThemeCount(
                theme, counts[(theme, ClientFeedbackKind.COMPLIMENT)], counts[(theme, ClientFeedbackKind.COMPLAINT)]
            )
            for theme in themes
        ]
        return sorted(result, key=lambda t: (-(t.compliments + t.complaints), t.theme))

    # -- celebrating quality practice --------------------------------------------------------

    async def nominate(self, actor: TeamsUser, example: PracticeExampleInput) -> PracticeExampleView:
        """Record a quality practice example to celebrate; refused if it could identify a child."""
        async with transaction(self._sessions) as session:
            acting = await actors.load_for_teams_user(session, actor.teams_user_id)
            team = await _team(session, example.team)
            record = policy.practice_example(
                team_id=team.id if team else None, service_area_id=team.service_area_id if team else None
            )
            policy.require(acting, Permission.SUBMIT, record)
            errors = personal_data.screen_fields({"description": example.description}, ["description"])
            if not example.description.strip():
                errors["description"] = text.ERROR_DESCRIPTION
            elif self._mentions_a_case(example.description):
                errors["description"] = text.ERROR_NOT_ANONYMOUS
            elif len(example.description) > MAX_TEXT:
                errors["description"] = text.ERROR_TOO_LONG.format(limit=MAX_TEXT)
            if example.source not in SOURCES:
                errors["source"] = text.ERROR_SOURCE
            if team is None:
                errors["team"] = text.ERROR_TEAM
            if errors or team is None:
                raise InvalidInput(text.PROBLEMS, errors)
            row = PracticeExample(
                team_id=team.id,
                source=example.source,
                source_ref=example.source_ref.strip()[:64] or None,
                description=example.description.strip(),
                nominated_by_id=acting.person_id,
            )
            session.add(row)
            await session.flush()
            await access_log.record(
                session, acting, access_log.SUBMIT, "practice_example", row.id, {"team_id": team.id}
            )
            return PracticeExampleView(row.id, team.name, row.source, row.description, self.today())

    async def celebrated(self, actor: TeamsUser, *, since: date) -> list[PracticeExampleView]:
        """Practice nominated since ``since``, newest first: anyone in the organisation may see it."""
        async with self._sessions() as session:
            acting = await actors.load_for_teams_user(session, actor.teams_user_id)
            policy.require(acting, Permission.VIEW, policy.practice_example())
            rows = await session.execute(
                select(PracticeExample, Team.name)
                .outerjoin(Team, Team.id == PracticeExample.team_id)
                .where(PracticeExample.created_at >= datetime.combine(since, time(), tzinfo=UTC))
                .order_by(PracticeExample.created_at.desc(), PracticeExample.id.desc())
            )
            return [
                PracticeExampleView(
                    row.id,
                    team or "",
                    row.source,
                    row.description,
                    working_time.local_date(row.created_at, self._time_zone),
                )
                for row, team in rows
            ]


async def _team(session: AsyncSession, name: str) -> Team | None:
    if not name.strip():
        return None
    return await session.scalar(
        select(Team).where(func.lower(Team.name) == name.strip().lower(), Team.active.is_(True))
    )
