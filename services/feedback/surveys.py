"""Staff and partner surveys in Teams: send to teams, service areas or a list, with a close
date; reminders only to people who have not answered; results for the sender and the QA lead.

Anonymity: an anonymous survey's answers carry no person, only the group (team) and the day.
That someone has answered is kept as an HMAC of (survey, person) under a secret from the
settings: enough to refuse a second response and to remind only the others, never enough to
say whose answers are whose. Managers only ever see counts. A group's results stay hidden
until it has at least ``min_group_size`` responses; so do its written comments, which are then
shown without names, in alphabetical order (never in the order they arrived), screened again for
personal data and capped.

Non-responders get one automatic reminder a configurable number of working days before the
close date (``run_closing_reminders``, called by the periodic reminder job): the survey is
claimed once in ``sent_reminders`` and each reminder has its own delivery dedupe key, so
restarts and second instances never send it twice.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cards import text_feedback as text
from cards.surveys import survey_invitation
from services import access_log, actors, personal_data, policy, working_time
from services.actors import Actor, ActorId
from services.clock import Clock
from services.errors import AlreadySubmitted, InvalidInput, NotAllowed, NotFound
from services.feedback.forms import checked_answers, find_survey, survey_settings, surveys_for
from services.feedback.responses import store_response
from services.feedback.tokens import Signer
from services.outbox import Outbox
from services.reminders import claim, keys_already_claimed, mark_handed_over, stale_claims
from services.templates import TemplateLibrary
from storage.db import transaction
from storage.models import FeedbackChannel, Role, Survey, SurveyAnswerMark, SurveyRecipient
from storage.repositories import surveys as survey_repo
from views.surveys import (
    AudienceChoices,
    Comments,
    GroupResult,
    QuestionSummary,
    StartedSurvey,
    SurveyResults,
    SurveyView,
)
from views.templates import AGREE_LABELS, Question, QuestionType, SurveyAudience, Template

SURVEY_AUDIENCES = (SurveyAudience.STAFF, SurveyAudience.PARTNER)
MAX_OPEN_DAYS = 90
AGREEING = ("strongly_agree", "agree")
CLOSING_REMINDER_KIND = "survey-closing"
DEFAULT_COMMENTS_SHOWN = 20


@dataclass(frozen=True)
class Audience:
    """Whom to send to: any mix of teams, service areas and people (by e-mail)."""

    team_ids: tuple[int, ...] = ()
    service_area_ids: tuple[int, ...] = ()
    emails: tuple[str, ...] = ()


class SurveyService:
    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        library: TemplateLibrary,
        signer: Signer,
        min_group_size: int,
        time_zone: str,
        outbox: Outbox | None = None,
        closing_reminder_working_days: int | None = 2,
        hours: working_time.WorkingHours | None = None,
        comments_shown: int = DEFAULT_COMMENTS_SHOWN,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._library = library
        self._signer = signer
        self._min_group_size = min_group_size
        self._zone_name = time_zone
        self._zone = ZoneInfo(time_zone)
        self._outbox = outbox
        self._closing_days = closing_reminder_working_days
        self._hours = hours or working_time.WorkingHours()
        self._comments_shown = comments_shown

    def today(self) -> date:
        return self._clock.now().astimezone(self._zone).date()

    # -- sending ----------------------------------------------------------------------------------

    async def choices_for(self, actor_id: ActorId) -> AudienceChoices:
        """The templates, teams and service areas this person may send a survey to."""
        async with self._sessions() as session:
            actor = await _sender_actor(session, actor_id)
            teams = await survey_repo.active_teams(session)
            areas = await survey_repo.active_service_areas(session)
        everything = actor.has(Role.QA_LEAD)
        return AudienceChoices(
            templates=surveys_for(self._library, *SURVEY_AUDIENCES),
            teams=[(t.id, t.name) for t in teams if everything or _may_send_to_team(actor, t.id, t.service_area_id)],
            service_areas=[(a.id, a.name) for a in areas if everything or actor.leads_area(a.id)],
        )

    async def start(
        self,
        *,
        template_id: str,
        audience: Audience,
        closes_on: date,
        actor_id: ActorId,
        title: str | None = None,
        send: bool = True,
    ) -> StartedSurvey:
        """Create the survey and broadcast it through the delivery engine.

        ``actor_id`` is the sender: their Teams user id from the bot, or their qop person id from the
        command line and the demo. ``send=False`` records the survey without messaging anyone (the
        demo: its fictional staff have no Teams); recipients still find it under 'my surveys'.

        Raises:
            NotAllowed: only the QA lead, or a manager for their own teams, may send surveys.
            InvalidInput: an unknown template, a close date in the past, or nobody to send to.
        """
        template = find_survey(self._library, template_id)
        if template is None or survey_settings(template).audience not in SURVEY_AUDIENCES:
            names = ", ".join(t.id for t in surveys_for(self._library, *SURVEY_AUDIENCES))
            raise InvalidInput(text.UNKNOWN_SURVEY, {text.FIELD_SURVEY: text.CHOOSE_ONE_OF.format(choices=names)})
        self._check_close_date(closes_on)
        now = self._clock.now()
        async with transaction(self._sessions) as session:
            actor = await _sender_actor(session, actor_id)
            people, unknown = await self._audience_people(session, actor, audience)
            survey = Survey(
                template_key=template.id,
                template_version=template.version,
                title=(title or template.title)[:200],
                anonymous=survey_settings(template).anonymous,
                min_group_size=self._min_group_size,
                sender_id=actor.person_id,
                audience={"teams": list(audience.team_ids), "service_areas": list(audience.service_area_ids)},
                closes_at=self._end_of(closes_on),
                created_at=now,  # the service clock: the closing reminder never goes the day it was sent
            )
            session.add(survey)
            await session.flush()
            session.add_all(
                SurveyRecipient(survey_id=survey.id, person_id=person_id, group_team_id=team_id, invited_at=now)
                for person_id, team_id in people.items()
            )
            await access_log.record(
                session, actor, access_log.CHANGE, "survey", survey.id, {"invited": len(people)}, summary="Survey sent"
            )
            view = _view(survey, template)
        if send and self._outbox is not None:
            await self._outbox.start_broadcast(
                actor.person_id, list(people), survey_invitation(view), title=view.title, purpose="survey"
            )
        return StartedSurvey(view, len(people), tuple(unknown))

    async def _audience_people(
        self, session: AsyncSession, actor: Actor, audience: Audience
    ) -> tuple[dict[int, int | None], list[str]]:
        everything = actor.has(Role.QA_LEAD)
        for area_id in audience.service_area_ids:
            if not everything and not actor.leads_area(area_id):
                raise NotAllowed(text.SURVEY_NOT_YOUR_TEAMS)
        team_ids = set(audience.team_ids) | await survey_repo.team_ids_in_areas(session, audience.service_area_ids)
        people = await survey_repo.members_of_teams(session, team_ids) if team_ids else []
        listed = await survey_repo.people_by_email(session, audience.emails)
        found = {p.email for p in listed}
        unknown = [e for e in audience.emails if e.strip().lower() not in found]
        chosen = {p.id: p.team_id for p in [*people, *listed]}
        for team_id in {t for t in chosen.values()} | set(audience.team_ids):
            if not everything and not _may_send_to_team(actor, team_id, None):
                raise NotAllowed(text.SURVEY_NOT_YOUR_TEAMS)
        if not chosen:
            raise InvalidInput(text.SURVEY_NOBODY, {text.FIELD_AUDIENCE: text.SURVEY_CHOOSE_AUDIENCE})
        return chosen, unknown

    def _check_close_date(self, closes_on: date) -> None:
        today = self.today()
        if closes_on < today:
            raise InvalidInput(text.CLOSE_DATE_PAST, {text.FIELD_CLOSE_DATE: text.CLOSE_DATE_CHOOSE_LATER})
        if closes_on > today + timedelta(days=MAX_OPEN_DAYS):
            raise InvalidInput(
                text.CLOSE_DATE_TOO_FAR, {text.FIELD_CLOSE_DATE: text.CLOSE_DATE_MAX_DAYS.format(days=MAX_OPEN_DAYS)}
            )

    def _end_of(self, day: date) -> datetime:
        return datetime.combine(day, time(23, 59), tzinfo=self._zone)

    # -- answering --------------------------------------------------------------------------------

    async def form_for(self, *, actor_id: ActorId, survey_id: int) -> SurveyView:
        async with self._sessions() as session:
            person_id, survey, _recipient = await self._open_for(session, actor_id, survey_id)
            if self._mark(survey.id, person_id) in await survey_repo.marks(session, survey.id):
                raise AlreadySubmitted(text.SURVEY_ALREADY_ANSWERED)
            return _view(survey, self._template(survey))

    async def answer(
        self,
        *,
        survey_id: int,
        submitted: dict[str, Any],
        actor_id: ActorId,
    ) -> SurveyView:
        """Store one person's answers, once.

        Raises:
            AlreadySubmitted: this person has answered before (the first answers stand).
            InvalidInput: answers that need another look.
            NotAllowed / NotFound: not sent to this person, or closed.
        """
        now = self._clock.now()
        try:
            async with transaction(self._sessions) as session:
                person_id, survey, recipient = await self._open_for(session, actor_id, survey_id)
                template = self._template(survey)
                mark = self._mark(survey.id, person_id)
                if mark in await survey_repo.marks(session, survey.id):
                    raise AlreadySubmitted(text.SURVEY_ALREADY_ANSWERED)
                answers = checked_answers(template, submitted, today=now.date())
                session.add(SurveyAnswerMark(survey_id=survey.id, mark=mark))
                await store_response(
                    session,
                    template=template,
                    answers=answers,
                    channel=FeedbackChannel.TEAMS,
                    now=now,
                    respondent_id=person_id,
                    survey_id=survey.id,
                    group_team_id=recipient.group_team_id,
                    anonymous=survey.anonymous,
                )
                return _view(survey, template)
        except IntegrityError:  # two submits raced: the mark's key let only one in
            raise AlreadySubmitted(text.SURVEY_ALREADY_ANSWERED) from None

    async def waiting_for(self, actor_id: ActorId) -> list[SurveyView]:
        """Open surveys this person has been sent and not yet answered ('my surveys')."""
        async with self._sessions() as session:
            actor = await actors.load(session, actor_id)
            if actor.person_id is None:
                return []
            waiting = []
            for survey in await survey_repo.open_surveys_for(session, actor.person_id, now=self._clock.now()):
                if self._mark(survey.id, actor.person_id) not in await survey_repo.marks(session, survey.id):
                    waiting.append(_view(survey, self._template(survey)))
            return waiting

    # -- reminders and results ----------------------------------------------------------------------

    async def remind(self, survey_id: int, *, actor_id: ActorId | None = None) -> int:
        """Remind everyone who has not answered (and only them); returns how many were reminded.

        ``actor_id`` is the sender or QA lead asking; None is the command line (trusted)."""
        return await self._remind(survey_id, actor_id=actor_id, closing=False)

    async def run_closing_reminders(self, now: datetime | None = None) -> list[str]:
        """The automatic reminder: on the working day ``closing_reminder_working_days`` before a
        survey's close date (in working hours, never on the day it was sent), everyone who has not
        answered is reminded once. Returns the claim keys handed over by this run.

        Safe to run often and from several instances: the survey is claimed by a unique key
        first; each reminder's delivery dedupe key covers a crash between claim and hand-over
        (the next run re-hands stale claims)."""
        now = now or self._clock.now()
        if self._outbox is None or self._closing_days is None or self._closing_days < 0:
            return []
        if not self._hours.contains(now, self._zone_name):
            return []
        sent = [await self._hand_over_closing(stale.key, now) for stale in await self._stale_closing_claims(now)]
        today = working_time.local_date(now, self._zone_name)
        async with self._sessions() as session:
            due = [
                (survey, day)
                for survey in await survey_repo.open_surveys(session, now=now)
                if (day := self._closing_reminder_day(survey)) <= today
                and working_time.local_date(survey.created_at, self._zone_name) < today
            ]
            claimed = await keys_already_claimed(session, [_closing_key(s.id) for s, _ in due])
        for survey, day in due:
            key = _closing_key(survey.id)
            if key in claimed:
                continue
            if await claim(
                self._sessions,
                key=key,
                kind=CLOSING_REMINDER_KIND,
                day=day,
                recipient_id=survey.sender_id,  # on whose behalf; the reminded people are in deliveries
                action_id=None,
                now=now,
            ):
                sent.append(await self._hand_over_closing(key, now))
        return [key for key in sent if key]

    def _closing_reminder_day(self, survey: Survey) -> date:
        close_day = working_time.local_date(survey.closes_at, self._zone_name)
        return working_time.add_working_days(close_day, -(self._closing_days or 0))

    async def _stale_closing_claims(self, now: datetime) -> list[Any]:
        return await stale_claims(self._sessions, now, for_actions=False, kind=CLOSING_REMINDER_KIND)

    async def _hand_over_closing(self, key: str, now: datetime) -> str:
        survey_id = int(key.split(":")[1])
        with contextlib.suppress(InvalidInput, NotFound):  # closed (or removed) since: nobody to remind
            await self._remind(survey_id, actor_id=None, closing=True)
        await mark_handed_over(self._sessions, key, now)
        return key

    async def _remind(self, survey_id: int, *, actor_id: ActorId | None, closing: bool) -> int:
        now = self._clock.now()
        async with transaction(self._sessions) as session:
            survey = await self._survey(session, survey_id)
            if actor_id is not None:
                self._owner_or_qa_lead(await actors.load(session, actor_id), survey)
            if survey.closed_at is not None or survey.closes_at <= now:
                raise InvalidInput(text.SURVEY_CLOSED_NO_REMINDER)
            answered = await survey_repo.marks(session, survey.id)
            pending = [
                r
                for r in await survey_repo.recipients(session, survey.id)
                if self._mark(survey.id, r.person_id) not in answered
            ]
            for recipient in pending:
                recipient.last_reminded_at = now
                recipient.reminders_sent += 1
            view = _view(survey, self._template(survey))
            rounds = {r.person_id: r.reminders_sent for r in pending}
        if self._outbox is not None and pending:
            card = survey_invitation(view, reminder=True)
            for person_id, round_number in rounds.items():
                # The automatic reminder is one per person whatever happens (a re-hand after a
                # crash reuses the key); a reminder asked for by the sender is one per round.
                round_key = "closing" if closing else str(round_number)
                await self._outbox.send_card_to_person(
                    person_id,
                    card,
                    purpose="survey-reminder",
                    dedupe_key=f"survey:{survey_id}:reminder:{round_key}:{person_id}",
                )
        return len(pending)

    async def results(self, survey_id: int, *, actor_id: ActorId) -> SurveyResults:
        """Counts for everyone; answers only for groups with at least ``min_group_size`` responses."""
        async with transaction(self._sessions) as session:
            survey = await self._survey(session, survey_id)
            actor = self._owner_or_qa_lead(await actors.load(session, actor_id), survey)
            template = self._template(survey)
            responses = await survey_repo.responses(session, survey.id)
            invited = await survey_repo.invited_per_group(session, survey.id)
            names = await survey_repo.team_names(session, [g for g in invited if g is not None])
            await access_log.record(session, actor, access_log.VIEW, "survey results", survey.id)
        threshold = survey.min_group_size
        groups = []
        for group_id, invited_count in sorted(invited.items(), key=lambda item: names.get(item[0] or 0, "")):
            answers = [r.answers for r in responses if r.group_team_id == group_id]
            name = names.get(group_id, text.NO_TEAM) if group_id is not None else text.NO_TEAM
            groups.append(_group(name, invited_count, answers, template, threshold, self._comments_shown))
        everyone = [r.answers for r in responses]
        # Comments are listed under each group that met the threshold, never under "Everyone":
        # that would show the comments of a group too small to be shown.
        overall = _group(text.EVERYONE, sum(invited.values()), everyone, template, threshold, 0)
        return SurveyResults(_view(survey, template), overall.invited, overall.responded, overall, tuple(groups))

    # -- helpers -----------------------------------------------------------------------------------

    def _mark(self, survey_id: int, person_id: int) -> str:
        return self._signer.sign("survey-answer", survey_id, person_id)

    def _template(self, survey: Survey) -> Template:
        template = find_survey(self._library, survey.template_key, survey.template_version)
        if template is None:
            raise NotFound(text.SURVEY_QUESTIONS_GONE)
        return template

    async def _survey(self, session: AsyncSession, survey_id: int) -> Survey:
        survey = await session.get(Survey, survey_id)
        if survey is None:
            raise NotFound(text.NO_SUCH_SURVEY.format(survey_id=survey_id))
        return survey

    async def _open_for(
        self, session: AsyncSession, actor_id: ActorId, survey_id: int
    ) -> tuple[int, Survey, SurveyRecipient]:
        actor = await actors.load(session, actor_id)
        survey = await self._survey(session, survey_id)
        recipient = await survey_repo.recipient(session, survey.id, actor.person_id) if actor.person_id else None
        if recipient is None or actor.person_id is None:
            raise NotAllowed(text.SURVEY_NOT_SENT_TO_YOU)
        if survey.closed_at is not None or survey.closes_at <= self._clock.now():
            raise InvalidInput(text.SURVEY_CLOSED)
        return actor.person_id, survey, recipient

    def _owner_or_qa_lead(self, actor: Actor, survey: Survey) -> Actor:
        if actor.is_member and (actor.person_id == survey.sender_id or actor.has(Role.QA_LEAD)):
            return actor
        raise NotAllowed(text.SURVEY_RESULTS_NOT_YOURS)


async def _sender_actor(session: AsyncSession, actor_id: ActorId) -> Actor:
    actor = await actors.load(session, actor_id)
    if not actor.is_member:
        raise NotAllowed(policy.NOT_MATCHED)
    if not (actor.has(Role.QA_LEAD) or actor.managed_team_ids or actor.senior_area_ids):
        raise NotAllowed(text.SURVEY_SENDERS_ONLY)
    return actor


def _may_send_to_team(actor: Actor, team_id: int | None, service_area_id: int | None) -> bool:
    if actor.has(Role.QA_LEAD):
        return True
    return actor.manages(team_id) or actor.leads_team_area(team_id) or actor.leads_area(service_area_id)


def _view(survey: Survey, template: Template) -> SurveyView:
    return SurveyView(survey.id, survey.title, template, survey.anonymous, survey.closes_at, survey.min_group_size)


def _closing_key(survey_id: int) -> str:
    return f"survey:{survey_id}:closing"


def _group(
    name: str, invited: int, answers: list[dict[str, Any]], template: Template, threshold: int, comments_shown: int
) -> GroupResult:
    shown = len(answers) >= threshold
    if not shown:
        return GroupResult(name, invited, len(answers), False)
    questions = tuple(_summary(q, answers) for q in template.questions())
    comments = (
        tuple(_comments(q, answers, comments_shown) for q in template.questions() if q.type == QuestionType.FREE_TEXT)
        if comments_shown > 0
        else ()
    )
    return GroupResult(
        name, invited, len(answers), True, questions, tuple(c for c in comments if c.shown or c.withheld)
    )


def _comments(question: Question, answers: list[dict[str, Any]], cap: int) -> Comments:
    """Written answers, sorted so their order says nothing about who answered when."""
    written = [str(a[question.id]).strip() for a in answers if str(a.get(question.id) or "").strip()]
    clean = sorted((c for c in written if not personal_data.screen(c)), key=str.casefold)
    withheld = len(written) - len(clean)
    return Comments(question.text, tuple(clean[:cap]), max(0, len(clean) - cap), withheld)


def _summary(question: Question, answers: list[dict[str, Any]]) -> QuestionSummary:
    given = [a[question.id] for a in answers if question.id in a]
    if not given:
        return QuestionSummary(question.text, text.SUMMARY_NO_ANSWERS)
    if question.type == QuestionType.FREE_TEXT:
        return QuestionSummary(question.text, text.SUMMARY_COMMENTS.format(count=len(given)))
    if question.type == QuestionType.SCALE:
        low, high = question.scale_bounds
        average = sum(int(v) for v in given) / len(given)
        summary = text.SUMMARY_SCALE.format(average=average, low=low, high=high, count=len(given))
        return QuestionSummary(question.text, summary)
    if question.type == QuestionType.AGREE5:
        with_view = [v for v in given if v in AGREE_LABELS and v != "dont_know"]
        agreeing = sum(1 for v in with_view if v in AGREEING)
        share = round(100 * agreeing / len(with_view)) if with_view else 0
        summary = text.SUMMARY_AGREE.format(share=share, agreeing=agreeing, with_view=len(with_view))
        return QuestionSummary(question.text, summary)
    counts = Counter(str(v) for v in given)
    parts = [text.SUMMARY_CHOICE.format(label=question.label_of(value), count=n) for value, n in counts.most_common()]
    return QuestionSummary(question.text, text.SUMMARY_CHOICES_SEPARATOR.join(parts))
