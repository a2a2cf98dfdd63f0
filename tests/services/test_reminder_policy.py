"""The pure reminder planner: a simulated month across the BST change and Easter bank holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from services import working_time
from services.reminder_policy import ActionState, ReminderKind, ReminderPolicy, reminders_due

POLICY = ReminderPolicy(
    nudge_working_days_before=3, overdue_every_working_days=2, escalate_after_working_days_overdue=5
)
OWNER, MANAGER = 1, 2


def simulate(state_on, start: datetime, end: datetime, *, zone: str = "Europe/London") -> list[tuple[str, datetime]]:  # type: ignore[no-untyped-def]
    """Run the planner every 30 minutes like the job does; keep each key once; return (key, when)."""
    sent: dict[str, datetime] = {}
    moment = start
    while moment < end:
        state = state_on(moment)
        today = working_time.local_date(moment, zone)
        for reminder in reminders_due(state, POLICY, today):
            if POLICY.hours.contains(moment, zone) and reminder.key not in sent:
                sent[reminder.key] = moment
        moment += timedelta(minutes=30)
    return sorted(sent.items(), key=lambda item: item[1])


def open_action(due: date, created: date = date(2026, 3, 2)) -> ActionState:
    return ActionState(action_id=7, status="open", due_date=due, created_on=created, owner_id=OWNER, manager_id=MANAGER)


def test_a_month_of_reminders_across_the_clock_change_and_easter() -> None:
    # Due Thursday 2 April 2026: BST starts Sunday 29 March, Good Friday 3 and Easter Monday 6 April.
    state = open_action(date(2026, 4, 2))
    sent = simulate(lambda _m: state, datetime(2026, 3, 20, tzinfo=UTC), datetime(2026, 4, 21, tzinfo=UTC))
    assert [key for key, _ in sent] == [
        "action:7:due_soon:2026-03-30",
        "action:7:due_today:2026-04-02",
        "action:7:overdue:2026-04-08",
        "action:7:overdue:2026-04-10",
        "action:7:escalation:2026-04-13",
        "action:7:overdue:2026-04-14",
        "action:7:overdue:2026-04-16",
        "action:7:overdue:2026-04-20",
    ]
    # 09:00 on the London wall clock: 08:00 UTC once BST has started.
    assert {when for _, when in sent} == {
        datetime(2026, 3, 30, 8, 0, tzinfo=UTC),
        datetime(2026, 4, 2, 8, 0, tzinfo=UTC),
        datetime(2026, 4, 8, 8, 0, tzinfo=UTC),
        datetime(2026, 4, 10, 8, 0, tzinfo=UTC),
        datetime(2026, 4, 13, 8, 0, tzinfo=UTC),
        datetime(2026, 4, 14, 8, 0, tzinfo=UTC),
        datetime(2026, 4, 16, 8, 0, tzinfo=UTC),
        datetime(2026, 4, 20, 8, 0, tzinfo=UTC),
    }
    for _, when in sent:
        assert working_time.is_working_day(when.date())


def test_before_the_clock_change_nine_oclock_is_nine_utc() -> None:
    state = open_action(date(2026, 3, 25))
    sent = simulate(lambda _m: state, datetime(2026, 3, 16, tzinfo=UTC), datetime(2026, 3, 26, tzinfo=UTC))
    assert sent == [
        ("action:7:due_soon:2026-03-20", datetime(2026, 3, 20, 9, 0, tzinfo=UTC)),
        ("action:7:due_today:2026-03-25", datetime(2026, 3, 25, 9, 0, tzinfo=UTC)),
    ]


def test_a_due_date_on_a_bank_holiday_is_reminded_the_working_day_before() -> None:
    state = open_action(date(2026, 5, 25))  # Spring bank holiday
    days = [r.day for r in reminders_due(state, POLICY, date(2026, 5, 25))]
    assert days == [date(2026, 5, 22)]
    assert reminders_due(state, POLICY, date(2026, 5, 22))[0].kind is ReminderKind.DUE_TODAY


def test_changing_the_due_date_replans_and_finishing_stops_everything() -> None:
    due = {"date": date(2026, 4, 2), "status": "open"}

    def state_on(moment: datetime) -> ActionState:
        if moment >= datetime(2026, 4, 3, tzinfo=UTC):
            due["date"] = date(2026, 4, 20)  # approved new date
        if moment >= datetime(2026, 4, 20, 12, tzinfo=UTC):
            due["status"] = "done"
        return ActionState(
            action_id=7, status=due["status"], due_date=due["date"], created_on=date(2026, 3, 2),
            owner_id=OWNER, manager_id=MANAGER, completed_on=date(2026, 4, 20),
        )  # fmt: skip

    sent = [key for key, _ in simulate(state_on, datetime(2026, 3, 27, tzinfo=UTC), datetime(2026, 5, 20, tzinfo=UTC))]
    assert sent == [
        "action:7:due_soon:2026-03-30",
        "action:7:due_today:2026-04-02",
        "action:7:due_soon:2026-04-15",
        "action:7:due_today:2026-04-20",
    ]


def test_downtime_is_caught_up_with_one_card_the_next_working_morning() -> None:
    state = open_action(date(2026, 4, 2))
    # Nothing ran from 27 March to Tuesday 7 April (Easter Monday is a holiday): one catch-up card, the latest.
    sent = simulate(lambda _m: state, datetime(2026, 4, 6, 23, tzinfo=UTC), datetime(2026, 4, 8, tzinfo=UTC))
    assert sent == [("action:7:due_today:2026-04-02", datetime(2026, 4, 7, 8, 0, tzinfo=UTC))]


def test_no_escalation_without_a_manager_and_none_for_cancelled_actions() -> None:
    orphan = ActionState(7, "open", date(2026, 4, 2), date(2026, 3, 2), OWNER, None)
    assert {r.kind for r in reminders_due(orphan, POLICY, date(2026, 4, 30))} == {ReminderKind.OVERDUE}
    cancelled = ActionState(7, "cancelled", date(2026, 4, 2), date(2026, 3, 2), OWNER, MANAGER)
    assert reminders_due(cancelled, POLICY, date(2026, 4, 30)) == []


def test_with_no_line_manager_each_senior_is_escalated_to_once_under_their_own_key() -> None:
    team_managers = ActionState(7, "open", date(2026, 4, 2), date(2026, 3, 2), OWNER, None, seniors=(8, 9))
    escalations = [r for r in reminders_due(team_managers, POLICY, date(2026, 4, 30)) if r.kind != "overdue"]
    assert [(r.kind, r.recipient_id, r.key) for r in escalations] == [
        (ReminderKind.SENIOR_ESCALATION, 8, "action:7:senior_escalation:2026-04-13:8"),
        (ReminderKind.SENIOR_ESCALATION, 9, "action:7:senior_escalation:2026-04-13:9"),
    ]
    early = reminders_due(team_managers, POLICY, date(2026, 4, 10))
    assert ReminderKind.SENIOR_ESCALATION not in {r.kind for r in early}, "not before K working days"
    # A line manager takes precedence, and keeps the key escalations were already stored under.
    managed = ActionState(7, "open", date(2026, 4, 2), date(2026, 3, 2), OWNER, MANAGER, seniors=(8,))
    [escalation] = [r for r in reminders_due(managed, POLICY, date(2026, 4, 30)) if r.kind == "escalation"]
    assert (escalation.recipient_id, escalation.key) == (MANAGER, "action:7:escalation:2026-04-13")


def test_an_action_created_after_its_nudge_day_is_not_nudged_for_the_past() -> None:
    state = open_action(date(2026, 4, 2), created=date(2026, 4, 1))
    assert reminders_due(state, POLICY, date(2026, 4, 1)) == []
    assert [r.kind for r in reminders_due(state, POLICY, date(2026, 4, 2))] == [ReminderKind.DUE_TODAY]


def test_impact_is_asked_six_weeks_after_done_and_again_when_more_is_asked() -> None:
    done = ActionState(7, "done", date(2026, 4, 2), date(2026, 3, 2), OWNER, MANAGER, completed_on=date(2026, 4, 1))
    assert reminders_due(done, POLICY, date(2026, 5, 12)) == []
    [impact] = reminders_due(done, POLICY, date(2026, 5, 13))
    assert (impact.kind, impact.day, impact.recipient_id) == (ReminderKind.IMPACT, date(2026, 5, 13), OWNER)

    answered = ActionState(**{**done.__dict__, "impact_answered": True})
    assert reminders_due(answered, POLICY, date(2026, 6, 1)) == []
    more = ActionState(**{**answered.__dict__, "more_asked_on": date(2026, 5, 16)})  # a Saturday
    [again] = reminders_due(more, POLICY, date(2026, 5, 18))
    assert (again.kind, again.day) == (ReminderKind.IMPACT_MORE, date(2026, 5, 18))
