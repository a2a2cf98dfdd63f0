"""Realistic examples of the QIM's cards for the card catalogue: a full pack (for the chair and
for a member; as posted in the QIM channel, with the refresh for the chair's view, and as the
refresh answers it; with and without multi-agency audits), an empty one, the decision and action forms (with problems), the decisions with a
change made after the meeting, and the owners' monthly update cards."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

from cards import qim
from cards.base import Json
from services.digest.findings import digest_findings
from tests.support.card_catalogue.digest import _area_digest
from views.digest import AgencyParts, Digest, MultiAgencySection
from views.improvement import ThemeCount
from views.measures import IndicatorStatus, MeasureStatus, Worry, WorryReason
from views.qim import (
    AssuredKind,
    DecisionChangeView,
    DecisionView,
    MeetingView,
    PackView,
    PriorityProgress,
    Progress,
    ServiceActionView,
    TrailEntry,
    UpdateRequest,
)

TODAY = date(2026, 4, 21)
MEETING = MeetingView(7, date(2026, 4, 28), "2026Q1", "QIM", pack_posted=True)
ACTIONS = (
    ServiceActionView(
        41,
        "Refresh the direct work training for every locality team",
        "Grace Okonjo",
        date(2026, 6, 30),
        Progress.ON_TRACK,
        False,
        "green",
    ),
    ServiceActionView(
        42, "Add the child's views to the plan template", "Tariq Mendes", date(2026, 3, 31), Progress.DONE, True
    ),
    ServiceActionView(
        43,
        "Agree a management oversight standard with Heads of Service",
        "Imran Qadir",
        date(2026, 4, 10),
        Progress.LATE,
        False,
        "red",
    ),
)
TRAIL = (
    TrailEntry(
        AssuredKind.ACTION,
        41,
        "Refresh the direct work training",
        "2026-03",
        "green",
        "Two of five teams trained; dates booked for the rest.",
        "Grace Okonjo",
        date(2026, 3, 4),
    ),
    TrailEntry(
        AssuredKind.ACTION,
        42,
        "Add the child's views to the plan template",
        "2026-03",
        "done",
        "The template went live on 30 March.",
        "Tariq Mendes",
        date(2026, 3, 30),
    ),
    TrailEntry(
        AssuredKind.PRIORITY,
        3,
        "The child's voice is heard in every plan",
        "2026-04",
        "amber",
        "Audits show progress in two areas; the themed audit is set for July.",
        "Rachel Dunmore",
        date(2026, 4, 2),
    ),
)
DECISION = DecisionView(
    5,
    MEETING.meeting_on,
    "Themed audit of management oversight in Q3, led by the Principal Social Worker.",
    "Themed audit of management oversight in Q3.",
    "Dr Helen Marsh",
    datetime(2026, 4, 28, 10, 5, tzinfo=UTC),
    (
        DecisionChangeView(
            "Dr Helen Marsh",
            datetime(2026, 4, 30, 9, 12, tzinfo=UTC),
            "Themed audit of management oversight in Q3.",
            "Themed audit of management oversight in Q3, led by the Principal Social Worker.",
            True,
        ),
    ),
)


def _indicator(key: str, name: str, value: float, *, good: bool) -> IndicatorStatus:
    return IndicatorStatus(
        key=key,
        measure_id="safe",
        name=name,
        kind="percent",
        unit="%",
        direction="up",
        target=90.0,
        tolerance=2.0,
        owner="Head of Service, First Contact",
        value=value,
        value_month=date(2026, 3, 1),
        numerator=None,
        denominator=None,
        teams_reporting=3,
        teams_in_scope=3,
        history=((date(2026, 1, 1), value - 3), (date(2026, 2, 1), value - 1), (date(2026, 3, 1), value)),
        change=3.0,
        off_target=not good,
        on_target=good,
        wrong_way=False,
        improving=True,
        evidence=(),
        disagreeing_evidence=(),
    )


REFERRALS = _indicator("referral_decisions_24h", "Referral decisions within one working day", 86.0, good=False)
VISITS = _indicator("cp_visits", "Child protection visits on time", 93.0, good=True)
MEASURES = (
    MeasureStatus(
        "safe",
        "Children are safe",
        (REFERRALS, VISITS),
        (Worry(REFERRALS, (WorryReason.OFF_TARGET,)),),
        (VISITS,),
        (VISITS, REFERRALS),
        (VISITS,),
        (),
    ),
)


MULTI_AGENCY = MultiAgencySection(
    audits=6,
    agencies=[AgencyParts("health", 6, 5), AgencyParts("police", 6, 3), AgencyParts("education", 2, 2)],
    findings=[
        ("council", "Strategy discussions were held quickly but health was not always invited."),
        ("health", "Health chronologies were shared late in half of the audits."),
        ("police", "Joint visits were well planned where the strategy meeting set them."),
        ("education", "Schools' views were recorded in every plan."),
        ("council", "Information sharing at the front door was timely."),
        ("health", "GP information arrived after the strategy discussion in three cases."),
    ],
)
CHAIR_TEAMS_IDS = ("29:1bSnHZ7Js2STWrgk6ScEErLk1Lp2zQuD5H2qQ960rtvstKp8tKLl", "29:1qaHeadOfServiceMri")


def _pack(
    digest: Digest,
    *,
    can_record: bool,
    multi_agency: MultiAgencySection | None = MULTI_AGENCY,
    refresh_user_ids: tuple[str, ...] = (),
) -> PackView:
    return PackView(
        meeting=MEETING,
        digest=digest,
        findings=digest_findings(digest),
        priorities=(
            PriorityProgress(
                3, "The child's voice is heard in every plan", "Rachel Dunmore", "active", 1, 3, 1, "amber"
            ),
            PriorityProgress(
                4, "Management oversight is recorded at every key decision", "Imran Qadir", "active", 0, 0, 0
            ),
        ),
        actions=ACTIONS,
        themes=(ThemeCount("communication", 4, 7), ThemeCount("timeliness", 1, 5), ThemeCount("kindness", 6, 0)),
        decisions=(DECISION,),
        trail=TRAIL,
        measures=MEASURES,
        multi_agency=multi_agency,
        can_record=can_record,
        refresh_user_ids=refresh_user_ids,
    )


def qim_examples() -> Iterator[tuple[str, Json]]:
    digest = _area_digest()
    yield "qim_pack_chair", qim.pack_card(_pack(digest, can_record=True))
    yield "qim_pack_member", qim.pack_card(_pack(digest, can_record=False))
    channel = _pack(digest, can_record=False, refresh_user_ids=CHAIR_TEAMS_IDS)
    yield "qim_pack_channel_members_view", qim.pack_card(channel)
    chair = _pack(digest, can_record=True, refresh_user_ids=CHAIR_TEAMS_IDS)
    yield "qim_pack_channel_chairs_view", qim.pack_card(chair)
    quiet = MultiAgencySection(audits=2, agencies=[AgencyParts("health", 2, 1)], findings=[])
    yield "qim_pack_multi_agency_small", qim.pack_card(_pack(digest, can_record=False, multi_agency=quiet))
    yield "qim_pack_no_multi_agency", qim.pack_card(_pack(digest, can_record=False, multi_agency=MultiAgencySection()))
    yield "qim_pack_empty", qim.pack_card(PackView(MEETING, digest, digest_findings(digest)))
    yield "qim_pack_posted", qim.pack_posted_card(MEETING)
    yield "qim_decision_form", qim.decision_form_card(MEETING, today=MEETING.meeting_on)
    yield (
        "qim_decision_form_after_meeting",
        qim.decision_form_card(
            MEETING,
            today=date(2026, 5, 2),
            decision=DECISION,
            errors={"decision": "This looks like a phone number: remove it."},
            value="Call 07700 900123 about the audit",
        ),
    )
    yield "qim_decisions_chair", qim.decisions_card(MEETING, [DECISION], can_change=True, message="Decision changed.")
    yield "qim_decisions_member", qim.decisions_card(MEETING, [DECISION], can_change=False)
    yield "qim_decisions_none", qim.decisions_card(MEETING, [], can_change=True)
    priorities = [(3, "The child's voice is heard in every plan"), (4, "Management oversight at every decision")]
    yield "qim_action_form", qim.action_form_card(MEETING, today=TODAY, priorities=priorities)
    yield (
        "qim_action_form_problems",
        qim.action_form_card(
            MEETING,
            today=TODAY,
            priorities=priorities,
            errors={
                "owner_email": "Every service-level action needs an owner: give their e-mail.",
                "due_date": "Every service-level action needs a due date.",
            },
            values={"description": "Audit the oversight of every child protection plan"},
        ),
    )
    yield "qim_action_raised", qim.action_raised_card(MEETING, ACTIONS[0])
    previous = TRAIL[0]
    yield (
        "assurance_update_action",
        qim.update_card(
            UpdateRequest(AssuredKind.ACTION, 41, ACTIONS[0].description, "2026-05", date(2026, 6, 30), previous)
        ),
    )
    yield (
        "assurance_update_priority_problems",
        qim.update_card(
            UpdateRequest(AssuredKind.PRIORITY, 3, "The child's voice is heard in every plan", "2026-05"),
            errors={"rag": "Choose green, amber or red."},
            values={"progress": "Themed audit planned"},
        ),
    )
    yield "assurance_update_saved", qim.update_saved_card(TRAIL[2])
