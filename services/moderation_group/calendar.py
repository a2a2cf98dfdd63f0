"""The moderation group in the QA calendar (the framework's Appendix 2: bi-monthly): which
scheduled occurrence a meeting holds, and recording it held when the meeting closes, so the
calendar, its reminders and the QIM report's compliance see it without a second record."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.qa_calendar import CalendarActivity, occurrences_between
from storage.models import CalendarAttendee, CalendarOccurrence, ModerationGroupMeeting
from views.calendar import SERVICE

ACTIVITY_KEY = "moderation_group"
NEAR_DAYS = 62
"""A meeting holds the calendar's occurrence within about two months of it (its cadence)."""


class CalendarLink:
    """The QA calendar's moderation group activity, if the calendar has one."""

    def __init__(self, activities: Sequence[CalendarActivity]) -> None:
        self.activity = next((a for a in activities if a.key == ACTIVITY_KEY), None)

    def next_due(self, today: date) -> date | None:
        """The calendar's next moderation group on or after ``today``."""
        if self.activity is None:
            return None
        upcoming = occurrences_between(self.activity, today, today + timedelta(days=366))
        return upcoming[0] if upcoming else None

    def due_for(self, meets_on: date) -> date | None:
        """The scheduled occurrence nearest ``meets_on`` (the earlier on a tie), within ``NEAR_DAYS``."""
        if self.activity is None:
            return None
        near = occurrences_between(
            self.activity, meets_on - timedelta(days=NEAR_DAYS), meets_on + timedelta(days=NEAR_DAYS)
        )
        return min(near, key=lambda due: (abs((due - meets_on).days), due)) if near else None

    async def record_held(self, session: AsyncSession, meeting: ModerationGroupMeeting, member_ids: list[int]) -> bool:
        """Record the meeting's occurrence held, with its members as attendees; False when the
        occurrence was recorded already (by hand in the calendar, or by another meeting)."""
        if self.activity is None or meeting.calendar_due_on is None:
            return False
        try:
            async with session.begin_nested():
                occurrence = CalendarOccurrence(
                    activity=self.activity.key,
                    unit=SERVICE.key,
                    due_on=meeting.calendar_due_on,
                    held_on=meeting.meets_on,
                    ad_hoc=False,
                    findings=meeting.notes,
                    recorded_by_id=meeting.closed_by_id,
                    recorded_at=meeting.closed_at,
                )
                session.add(occurrence)
                await session.flush()
                session.add_all(CalendarAttendee(occurrence_id=occurrence.id, person_id=p) for p in member_ids)
                await session.flush()
        except IntegrityError:
            return False
        return True
