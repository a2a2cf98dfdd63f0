"""What a team's clinic pack and the senior leadership clinic's service pack are both made of:
the audit theme lines, an action as a pack shows it, agreeing an action at the clinic, a refusal
written to the access log, the scheduled card sent once per person, and the signed workbook links.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cards import text_clinic as text
from services import working_time
from services.actions import NewAction, add_action, parse_date
from services.actors import Actor
from services.clock import Clock
from services.digest import report_links
from services.digest.builder import Vocabulary
from services.errors import InvalidInput
from services.feedback.tokens import Signer
from services.measures import MeasuresService
from services.measures.triangulation import add_months
from services.outbox import Outbox
from services.qa_calendar import QaCalendarService
from services.reminders import anyone_at_work, claim, keys_already_claimed, mark_handed_over
from services.templates import TemplateLibrary
from storage.models import Action, ActionSource
from storage.repositories.digest import Bucket, audit_answer_counts
from views.clinic import ClinicAction, ThemeLine

THEME_MONTHS = 3
LINK_PURPOSE = "clinic-workbook"
Card = dict[str, Any]


@dataclass(frozen=True)
class WorkbookLink:
    url: str
    expires_at: datetime


@dataclass(frozen=True)
class WorkbookLinks:
    """Short-lived links to a clinic pack's workbook, bound to one person and one pack, signed as
    the QIM report's are (same key, another purpose); ``scope`` keeps one kind of pack's links from
    opening another's."""

    signer: Signer
    base_url: str
    minutes: int

    def link(
        self, *, path: str, scope: str, person_id: int, clinic_id: int, month: date, now: datetime
    ) -> WorkbookLink:
        grant = report_links.ReportGrant(
            person_id, scope, str(clinic_id), month.isoformat(), now + timedelta(minutes=self.minutes)
        )
        token = report_links.make_token(self.signer, grant, purpose=LINK_PURPOSE)
        return WorkbookLink(f"{self.base_url.rstrip('/')}/reports/{path}?t={token}", grant.expires_at)

    def read(self, token: str, *, scope: str, now: datetime) -> tuple[int, int]:
        """(the person, the pack) a link was made for. Raises ``LinkRefused`` for a malformed,
        forged or expired link, or one of another scope."""
        grant = report_links.read_token(self.signer, token, now=now, purpose=LINK_PURPOSE)
        if grant.scope != scope or not grant.name.isdigit():
            raise report_links.LinkRefused("malformed")
        return grant.person_id, int(grant.name)


async def theme_lines(
    session: AsyncSession, themes: dict[str, str], team_ids: Sequence[int], month: date, zone: ZoneInfo
) -> tuple[tuple[ThemeLine, ...], date]:
    """The audit themes (question id -> title) over the three months ending with ``month`` in
    these teams' audits, least often seen in full first; and the first day counted."""
    first = add_months(month, 1 - THEME_MONTHS)
    after = add_months(month, 1)

    def utc(day: date) -> datetime:
        return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)

    bucket = Bucket(utc(first), utc(after), first, after - timedelta(days=1))
    counts = await audit_answer_counts(session, list(team_ids), bucket, list(themes))
    lines = []
    for question_id, title in themes.items():
        answers = counts.get(question_id, {})
        answered = sum(n for value, n in answers.items() if value != "not_applicable")
        if answered:
            lines.append(ThemeLine(title, answers.get("yes", 0), answered))
    lines.sort(key=lambda line: (line.share or 0, line.title))
    return tuple(lines), first


def clinic_action(action: Action, owner_name: str, today: date) -> ClinicAction:
    """An action as a clinic pack lists it."""
    return ClinicAction(action.description, owner_name, action.due_date, action.due_date < today, action.source)


async def raise_agreed_action(
    session: AsyncSession,
    *,
    source: ActionSource,
    source_ref: str,
    data: dict[str, Any],
    owner_id: int,
    actor: Actor,
    now: datetime,
    today: date,
) -> Action:
    """The action agreed on a clinic card's form (description, due date; the owner already checked).
    Raises ``InvalidInput`` with the fields to look at; nothing is stored then."""
    due = parse_date(str(data.get("due_date") or ""))
    new = NewAction(source, str(data.get("description") or ""), owner_id, due, source_ref=source_ref)
    return await add_action(session, new, created_by_id=actor.person_id, now=now, today=today)


async def hand_over(
    sessions: async_sessionmaker[AsyncSession],
    outbox: Outbox,
    *,
    key: str,
    card: Card,
    person_id: int,
    purpose: str,
    now: datetime,
) -> None:
    """Give one claimed card to the delivery engine (the claim key is its dedupe key) and mark it so."""
    await outbox.send_card_to_person(person_id, card, purpose=purpose, dedupe_key=key)
    await mark_handed_over(sessions, key, now)


async def send_once_each(
    sessions: async_sessionmaker[AsyncSession],
    outbox: Outbox,
    *,
    recipients: Sequence[tuple[str, int]],
    card: Callable[[], Awaitable[Card | None]],
    kind: str,
    purpose: str,
    now: datetime,
) -> list[str]:
    """Send one card to each (claim key, person) not yet claimed, each key claimed once (the same
    claimed keys as every reminder). The card is prepared only when someone still needs it; None
    sends nothing. Returns the keys handed over."""
    async with sessions() as session:
        already = await keys_already_claimed(session, [key for key, _ in recipients])
    wanted = [(key, person_id) for key, person_id in recipients if key not in already]
    if not wanted:
        return []
    prepared = await card()
    if prepared is None:
        return []
    sent = []
    for key, person_id in wanted:
        if await claim(sessions, key=key, kind=kind, day=now.date(), recipient_id=person_id, action_id=None, now=now):
            await hand_over(sessions, outbox, key=key, card=prepared, person_id=person_id, purpose=purpose, now=now)
            sent.append(key)
    return sent


class ClinicServiceBase:
    """What both kinds of clinic pack work with: the database, the clock, the measures, the audit
    themes, the QA calendar whose dates they follow, the Outbox they send through, the council's
    time zone, and (once attached) the signer of their workbook links."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        measures: MeasuresService,
        library: TemplateLibrary,
        calendar: QaCalendarService,
        outbox: Outbox | None,
        time_zone: str,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._measures = measures
        self._themes = Vocabulary.from_library(library).theme_titles
        self._calendar = calendar
        self._outbox = outbox
        self._zone = ZoneInfo(time_zone)
        self._time_zone = time_zone
        self._links: WorkbookLinks | None = None

    def attach_workbook_links(self, signer: Signer, *, base_url: str, minutes: int) -> None:
        """Sign workbook links as the QIM report's are signed (same key, another purpose)."""
        self._links = WorkbookLinks(signer, base_url, minutes)

    def today(self) -> date:
        return working_time.local_date(self._clock.now(), self._time_zone)

    def _workbook_links(self) -> WorkbookLinks:
        """The signer of workbook links; ``InvalidInput`` saying so when links are off."""
        if self._links is None:
            raise InvalidInput(text.LINKS_OFF)
        return self._links

    def _link_for(self, actor: Actor, *, path: str, scope: str, clinic_id: int, month: date) -> WorkbookLink:
        """A short-lived link to one pack's workbook for ``actor`` (``InvalidInput`` when links are off)."""
        links = self._workbook_links()
        return links.link(
            path=path,
            scope=scope,
            person_id=actor.person_id or 0,
            clinic_id=clinic_id,
            month=month,
            now=self._clock.now(),
        )

    async def _ready_to_send(self, now: datetime) -> bool:
        """Whether scheduled packs may go now (an Outbox, and someone in working hours); if so, the
        packs claimed earlier whose card never reached the delivery engine are handed over first."""
        if self._outbox is None or not await anyone_at_work(
            self._sessions, working_time.WorkingHours(), now, self._time_zone
        ):
            return False
        await self._rehand_stale(now)
        return True

    async def _rehand_stale(self, now: datetime) -> None:
        """Hand over this kind of pack's stale claims (each kind knows its own claim keys)."""
        raise NotImplementedError
