"""Meaningful Measures: load the council's file, import extracts, compute audit-based figures and
triangulate them into the four questions for a team, a service area or the whole service."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cards import text_measures as text
from services import access_log
from services.access_log import ActorRef
from services.clock import Clock
from services.errors import DomainError
from services.measures.declarations import (
    IndicatorKind,
    LoadedFile,
    MeasuresFile,
    MeasuresFileError,
    load_measures,
    problem_at,
)
from services.measures.extract import Cell, ColumnMapping, UnreadableExtract, load_mapping, read_extract
from services.measures.importer import ExtractReport, check_cells
from services.measures.triangulation import (
    MonthSums,
    ScopedIndicator,
    add_months,
    answer_counter,
    answer_four_questions,
    count_answers,
    indicators_in_scope,
    judge_all,
    source_key,
    sums_of,
    trend_months,
)
from services.organisation.source import name_key
from services.templates import TemplateLibrary
from storage.models import IndicatorImportBatch
from storage.repositories import measures as repository
from storage.repositories.measures import TeamRow
from views.measures import AnswerEvidence, IndicatorStatus, MeasuresOverview, MonthlyValue

EXTRACT_SOURCE = "extract"
ANSWERS_SOURCE = "audit answers"
IMPORT_RECORD_TYPE = "indicator figures"
"""The access log's record type for an import of an extract (its id: the import batch)."""
VIA_COMMAND_LINE = "command line"
VIA_TEAMS = "Teams"
LOOKBACK_MONTHS = 12
"""How far back "the latest figure" looks when the month asked about has none."""


class NoMeasures(DomainError):
    """No measures file has been loaded yet."""


@dataclass(frozen=True)
class LoadReport:
    file_name: str
    measures: int
    indicators: int
    dry_run: bool
    changed: bool
    """False when the file is the one already in force (loading it again stores nothing)."""


class MeasuresService:
    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        library: TemplateLibrary,
        time_zone: str,
        min_cases_to_compare: int = 5,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._library = library
        self._zone = ZoneInfo(time_zone)
        self._min_cases = min_cases_to_compare

    def this_month(self) -> date:
        return self._clock.now().astimezone(self._zone).date().replace(day=1)

    # -- the measures file ------------------------------------------------------------------

    async def load_file(self, file: Path, *, dry_run: bool = False) -> LoadReport:
        """Check ``file`` (shape, templates, service areas of the organisation) and store it as the
        measures in force. Raises ``MeasuresFileError`` with every problem's line."""
        loaded = load_measures(file, self._library)
        checksum = hashlib.sha256(loaded.text.encode()).hexdigest()
        async with self._sessions() as session, session.begin():
            self._check_areas(file.name, loaded, await repository.active_area_names(session))
            latest = await repository.latest_declaration(session)
            changed = latest is None or latest.sha256 != checksum
            if changed and not dry_run:
                await repository.add_declaration(
                    session,
                    file_name=file.name[:200],
                    sha256=checksum,
                    document=loaded.measures.model_dump(mode="json"),
                    now=self._clock.now(),
                )
        indicators = sum(len(items) for items in loaded.measures.service_areas.values())
        return LoadReport(file.name, len(loaded.measures.measures), indicators, dry_run, changed)

    @staticmethod
    def _check_areas(file_name: str, loaded: LoadedFile, area_names: list[str]) -> None:
        known = {name_key(name) for name in area_names}
        problems = [
            problem_at(
                loaded.lines, ("service_areas", area), f"no active service area called {area!r} in the organisation"
            )
            for area in loaded.measures.service_areas
            if name_key(area) not in known
        ]
        if problems:
            raise MeasuresFileError(file_name, problems)

    async def measures_in_force(self, session: AsyncSession) -> MeasuresFile:
        declaration = await repository.latest_declaration(session)
        if declaration is None:
            raise NoMeasures(text.NO_MEASURES_LOADED)
        return MeasuresFile.model_validate(declaration.document)

    # -- importing extracts -----------------------------------------------------------------

    async def import_extract(self, file: Path, mapping_file: Path, *, dry_run: bool = False) -> ExtractReport:
        """Import a monthly extract from the command line: all of it, or nothing when any figure is bad.

        Raises ``MeasuresFileError`` for a bad mapping and ``UnreadableExtract`` for a file that
        cannot be read at all."""
        mapping = load_mapping(mapping_file)
        content = _file_content(file)
        return await self.import_cells(
            read_extract(file.name, content, mapping),
            file_name=file.name,
            content=content,
            mapping=mapping,
            dry_run=dry_run,
        )

    async def import_cells(
        self,
        cells: list[Cell],
        *,
        file_name: str,
        content: bytes,
        mapping: ColumnMapping,
        dry_run: bool = False,
        actor: ActorRef = None,
        via: str = VIA_COMMAND_LINE,
    ) -> ExtractReport:
        """Check an extract's cells (read from ``content`` through ``mapping``) and, when every one
        is good and it is not a dry run, store them as one batch, logged as an import by ``actor``
        (None: the command line) ``via`` the command line or Teams. Nothing is written otherwise."""
        report = ExtractReport(file_name, mapping.name, dry_run=dry_run)
        async with self._sessions() as session, session.begin():
            measures = await self.measures_in_force(session)
            teams = await repository.active_teams(session)
            report.values, report.problems = check_cells(
                cells, mapping=mapping, measures=measures, teams=teams, this_month=self.this_month()
            )
            team_names = {team.id: team.name for team in teams}
            report.teams = sorted({team_names[value.team_id] for value in report.values})
            report.months = sorted({value.month for value in report.values})
            if report.problems or dry_run or not report.values:
                return report
            batch = IndicatorImportBatch(
                file_name=file_name[:200],
                sha256=hashlib.sha256(content).hexdigest(),
                mapping_name=mapping.name,
                value_count=len(report.values),
                imported_at=self._clock.now(),
            )
            report.replaced = await repository.replace_values(
                session, report.values, batch=batch, source=EXTRACT_SOURCE
            )
            report.written, report.batch_id = len(report.values), batch.id
            await access_log.record(
                session,
                actor,
                access_log.IMPORT,
                IMPORT_RECORD_TYPE,
                batch.id,
                {"file": file_name[:200], "mapping": mapping.name, "figures": report.written, "via": via},
                summary=f"indicator figures imported from {file_name[:200]}",
            )
        return report

    # -- figures computed from audit answers ------------------------------------------------

    async def computed_values(self, *, team_ids: list[int], since: date, until: date) -> list[MonthlyValue]:
        """Qualitative indicators (dip samples and other audit questions) per team and month in
        [since, until], shaped like imported values. Months with no answers have no value."""
        async with self._sessions() as session:
            measures = await self.measures_in_force(session)
            teams = [t for t in await repository.active_teams(session) if t.id in set(team_ids)]
            return await self._computed_values(session, measures, teams, since, until)

    async def _computed_values(
        self, session: AsyncSession, measures: MeasuresFile, teams: list[TeamRow], since: date, until: date
    ) -> list[MonthlyValue]:
        scoped = [s for s in indicators_in_scope(measures, teams) if s.indicator.kind == IndicatorKind.QUALITATIVE]
        if not scoped:
            return []
        months = [add_months(since, n) for n in range(_months_between(since, until) + 1)]
        answers = await repository.audit_answers(
            session,
            template_ids={s.indicator.source.template for s in scoped if s.indicator.source},
            question_ids={s.indicator.source.question for s in scoped if s.indicator.source},
            team_ids=[t.id for t in teams],
            boundaries=[self._month_start_utc(m) for m in [*months, add_months(until, 1)]],
        )
        values = []
        for item in scoped:
            source = item.indicator.source
            assert source is not None  # a qualitative indicator always has one (validated)
            team_ids, count = set(item.team_ids), answer_counter(source)
            grouped: dict[tuple[int, date], list[object]] = defaultdict(list)
            for team_id, period, answer in answers.answers(source.template, source.question):
                if team_id in team_ids:
                    grouped[(team_id, months[period])].append(answer)
            for (team_id, month), given in sorted(grouped.items()):
                found, of = count(given)
                if of:
                    values.append(
                        MonthlyValue(item.indicator.id, team_id, month, 100.0 * found / of, found, of, ANSWERS_SOURCE)
                    )
        return values

    def _month_start_utc(self, month: date) -> datetime:
        return datetime.combine(month, time(), tzinfo=self._zone).astimezone(UTC)

    # -- triangulation ----------------------------------------------------------------------

    async def overview(
        self, *, team: str | None = None, area: str | None = None, month: date | None = None
    ) -> MeasuresOverview:
        """Every measure for a team, a service area or (neither given) the whole service, in
        ``month`` (default: this month): each indicator judged, its evidence, the four questions."""
        month = (month or self.this_month()).replace(day=1)
        async with self._sessions() as session:
            measures = await self.measures_in_force(session)
            scope, scope_name, teams = self._scope(await repository.active_teams(session), team=team, area=area)
            scoped = indicators_in_scope(measures, teams)
            sums = await self._monthly_sums(session, measures, teams, scoped, month)
            evidence = await self._evidence(session, scoped, month)
            open_actions = await repository.open_actions_count(session, [t.id for t in teams])
        area_of = {t.id: t.area_id for t in teams}
        statuses = judge_all(scoped, sums, area_of, evidence, month=month, min_cases=self._min_cases)
        return MeasuresOverview(
            scope=scope,
            scope_name=scope_name,
            month=month,
            measures=tuple(
                answer_four_questions(m.id, m.name, [s for s in statuses if s.measure_id == m.id])
                for m in measures.measures
            ),
            open_actions=open_actions,
        )

    async def team_statuses(self, *, month: date | None = None) -> dict[int, list[IndicatorStatus]]:
        """Every active team's indicators, each team judged on its own figures in ``month`` as its
        own overview judges them (target and trend), in a few reads for all teams rather than a
        few per team; without the audit evidence, which only a team's overview gathers."""
        month = (month or self.this_month()).replace(day=1)
        async with self._sessions() as session:
            measures = await self.measures_in_force(session)
            teams = await repository.active_teams(session)
            sums = await self._monthly_sums(
                session, measures, teams, indicators_in_scope(measures, teams), month, per_team=True
            )
        each_team_apart = {t.id: t.id for t in teams}
        return {
            t.id: judge_all(
                indicators_in_scope(measures, [t]), sums, each_team_apart, {}, month=month, min_cases=self._min_cases
            )
            for t in teams
        }

    async def _monthly_sums(
        self,
        session: AsyncSession,
        measures: MeasuresFile,
        teams: list[TeamRow],
        scoped: list[ScopedIndicator],
        month: date,
        *,
        per_team: bool = False,
    ) -> dict[tuple[str, int, date], MonthSums]:
        """Imported and computed figures of the scope's teams, from the look-back to ``month``,
        summed per (indicator, service area, month), or per team (``per_team``): the imported ones
        by the database."""
        since = add_months(month, -LOOKBACK_MONTHS)
        sums: dict[tuple[str, int, date], MonthSums] = {}
        for row in await repository.value_sums(
            session,
            team_ids=[t.id for t in teams],
            indicator_keys=[s.indicator.id for s in scoped],
            since=since,
            until=month,
            per_team=per_team,
        ):
            sums[(row.indicator_key, row.area_id, row.month)] = MonthSums(
                row.teams, row.pooled, row.numerator, row.denominator, row.value_sum
            )
        group_of = {t.id: t.id if per_team else t.area_id for t in teams}
        for value in await self._computed_values(session, measures, teams, since, month):
            sums.setdefault((value.indicator_key, group_of[value.team_id], value.month), MonthSums()).add(
                sums_of(value)
            )
        return sums

    @staticmethod
    def _scope(teams: list[TeamRow], *, team: str | None, area: str | None) -> tuple[str, str, list[TeamRow]]:
        if team is not None:
            chosen = [t for t in teams if name_key(t.name) == name_key(team)]
            if not chosen:
                raise DomainError(text.NO_SUCH_TEAM.format(team=team))
            return "team", chosen[0].name, chosen
        if area is not None:
            chosen = [t for t in teams if name_key(t.area_name) == name_key(area)]
            if not chosen:
                raise DomainError(text.NO_SUCH_AREA.format(area=area))
            return "area", chosen[0].area_name, chosen
        return "service", text.WHOLE_SERVICE, teams

    async def _evidence(
        self, session: AsyncSession, scoped: list[ScopedIndicator], month: date
    ) -> dict[str, list[AnswerEvidence]]:
        """Each indicator's evidence links counted over the three months ending with ``month``."""
        links = {s.indicator.id: s for s in scoped if s.indicator.evidence}
        result: dict[str, list[AnswerEvidence]] = defaultdict(list)
        if not links:
            return result
        first = trend_months(month)[0]
        answers = await repository.audit_answers(
            session,
            template_ids={link.template for s in links.values() for link in s.indicator.evidence},
            question_ids={link.question for s in links.values() for link in s.indicator.evidence},
            team_ids={team_id for s in links.values() for team_id in s.team_ids},
            boundaries=[self._month_start_utc(first), self._month_start_utc(add_months(month, 1))],
        )
        counted: dict[tuple[object, ...], tuple[int, int]] = {}
        for key, item in links.items():
            for link in item.indicator.evidence:
                cache_key = (source_key(link), item.team_ids)
                if cache_key not in counted:
                    team_ids = set(item.team_ids)
                    given = [a for team, _, a in answers.answers(link.template, link.question) if team in team_ids]
                    counted[cache_key] = count_answers(link, given)
                found, of = counted[cache_key]
                template = self._library.get(link.template)
                result[key].append(AnswerEvidence(template.title, template.question(link.question).text, found, of))
        return result


def _months_between(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month


def _file_content(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as error:
        raise UnreadableExtract(f"cannot read {file.name}: {error}") from error
