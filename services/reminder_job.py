"""The recurring jobs qop runs on the delivery engine's schedules (``services.scheduling``):

- ``reminders``: every ``REMINDER_INTERVAL_SECONDS`` (UTC cron), the reminder pass: action
  reminders, the QA calendar, surveys' closing reminders, audits waiting for a moderator
  with nobody assigned (given one as soon as someone independent holds the role), practice
  days (started on their morning, closed with their summary when over), the QIM's pack ahead of
  each meeting and the owners' monthly assurance update cards;
- ``digests``: every ``DIGEST_CHECK_SECONDS``, post the weekly digests that are due (each
  subscription has its own day and time; ``DigestService.run_due`` finds them).

Both look at "what is due now" and claim each reminder or (subscription, week) by a unique key
before sending, so a firing caught up after downtime needs only the latest one, and a run that
fails is simply followed by the next. 0 switches a job off (its schedule is deleted).
``python -m qop actions remind`` runs both once by hand (``run_once``).
"""

from __future__ import annotations

import logging

from services.container import Services
from services.scheduling import CatchUp, Firing, RecurringJob, every

logger = logging.getLogger(__name__)

REMINDERS = "reminders"
DIGESTS = "digests"


async def run_reminders(services: Services) -> int:
    """One pass over actions, the QA calendar (and the clinic packs, team and service, it brings due), surveys' closing
    reminders, audits waiting for a moderator with nobody assigned, and the QIM (its pack, owners'
    monthly updates); returns how many reminders, packs and cards were handed over."""
    actions = await services.reminders.run_due_reminders()
    calendar = await services.qa_calendar.run_due_reminders()
    surveys = await services.surveys.run_closing_reminders()  # each survey's closing reminder claimed once
    clinics = await services.clinics.run_due_packs()  # each clinic pack claimed once per person
    clinics += await services.senior_clinics.run_due_packs()  # and the service pack, once per person
    # Someone may have been given the moderator role since (an organisation import, say): each
    # waiting audit is claimed by one conditional update, so two instances never both assign it.
    moderation = await services.audits.moderation.assign_waiting_moderation()
    # Practice days start on their morning and close when every audit is in, or the next morning.
    started, closed = await services.audits.practice_days.run_due()
    if started or closed:
        logger.info("practice days: %d started, %d closed", len(started), len(closed))
    qim = await run_qim(services)
    if actions.sent or calendar or surveys or clinics or moderation:
        logger.info(
            "reminders sent: %d action, %d calendar, %d survey, %d clinic packs; %d audits given a moderator",
            len(actions.sent),
            len(calendar),
            len(surveys),
            len(clinics),
            len(moderation),
        )
    handed = len(actions.sent) + len(actions.rehanded) + len(calendar) + len(surveys) + len(clinics)
    return handed + len(moderation) + len(started) + len(closed) + qim


async def run_qim(services: Services) -> int:
    """The QIM's pack when its meeting is near (once), and owners' monthly assurance update cards."""
    packs = await services.qim.run_due()
    updates = await services.assurance.run_monthly()
    if packs or updates:
        logger.info("QIM packs posted: %d; monthly assurance update cards: %d", len(packs), len(updates))
    return len(packs) + len(updates)


async def run_digests(services: Services) -> int:
    """Weekly digests that are due: each (subscription, week) claimed once, late ones marked late."""
    digests = await services.digests.run_due()
    if digests.sent or digests.late:
        logger.info("digests posted: %d on time, %d late", len(digests.sent), len(digests.late))
    return len(digests.sent) + len(digests.late) + len(digests.rehanded)


async def run_once(services: Services) -> int:
    """Reminders and digests due now, once (the manual command); returns how many were handed over."""
    return await run_reminders(services) + await run_digests(services)


def scheduled_jobs(
    services: Services, *, reminder_interval_seconds: float, digest_check_seconds: float
) -> list[RecurringJob]:
    """The jobs the running app registers with the delivery engine; an interval of 0 leaves a job out."""
    jobs: list[RecurringJob] = []

    async def reminders(_firing: Firing) -> None:
        await run_reminders(services)

    async def digests(_firing: Firing) -> None:
        await run_digests(services)

    if reminder_interval_seconds > 0:
        jobs.append(RecurringJob(REMINDERS, every(reminder_interval_seconds), reminders, "UTC", CatchUp.LATEST))
    if digest_check_seconds > 0:
        jobs.append(RecurringJob(DIGESTS, every(digest_check_seconds), digests, "UTC", CatchUp.LATEST))
    return jobs
