"""Realistic examples of the performance clinic pack card: a first pack, one with what changed and
actions agreed, one with a refused action form, and one with its workbook link; and of the senior
leadership clinic's service pack: a first one, one with what changed and a service-level action
agreed, one with a refused form, and one before any measures are loaded (as the schedule sends it
to a performance analyst, say)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from cards.base import Json
from cards.clinic import clinic_pack_card, service_clinic_pack_card
from views.actions import PersonChoice
from views.clinic import (
    AreaRollUp,
    ClinicAction,
    ClinicPack,
    FigureChange,
    ServiceClinicPack,
    SinceLastClinic,
    TeamConcern,
    ThemeLine,
)
from views.measures import IndicatorStatus, MeasuresOverview, MeasureStatus, Worry, WorryReason

JANUARY = date(2026, 1, 1)
TODAY = date(2026, 1, 12)


def _status(
    key: str, name: str, value: float | None, history: tuple[float | None, ...], **flags: bool
) -> IndicatorStatus:
    months = (date(2025, 11, 1), date(2025, 12, 1), JANUARY)
    first, last = history[0], history[-1]
    return IndicatorStatus(
        key=key,
        measure_id="safe",
        name=name,
        kind="quantitative",
        unit="percent",
        direction="higher_is_better",
        target=90.0,
        tolerance=0.0,
        owner="team manager",
        value=value,
        value_month=JANUARY if value is not None else None,
        numerator=None,
        denominator=None,
        teams_reporting=1 if value is not None else 0,
        teams_in_scope=1,
        history=tuple(zip(months, history, strict=True)),
        change=last - first if first is not None and last is not None else None,
        off_target=flags.get("off_target", False),
        on_target=flags.get("on_target", False),
        wrong_way=flags.get("wrong_way", False),
        improving=flags.get("improving", False),
        evidence=(),
        disagreeing_evidence=(),
    )


def _overview() -> MeasuresOverview:
    assessments = _status(
        "assessments_in_timescale",
        "Assessments completed within the agreed timescale",
        86.0,
        (92.0, 89.0, 86.0),
        off_target=True,
        wrong_way=True,
    )
    visits = _status(
        "cp_visits_in_time",
        "Child protection visits within 10 working days",
        94.0,
        (90.0, 92.0, 94.0),
        on_target=True,
        improving=True,
    )
    plans = _status("plans_reviewed", "Plans reviewed on time", None, (None, None, None))
    measure = MeasureStatus(
        measure_id="safe",
        name="Children are safe",
        indicators=(assessments, visits, plans),
        worries=(Worry(assessments, (WorryReason.OFF_TARGET, WorryReason.WRONG_WAY)),),
        did_well=(visits,),
        impact=(visits,),
        celebrate=(visits,),
        learn=(),
    )
    return MeasuresOverview("team", "Riverside Locality Team", JANUARY, (measure,), open_actions=3)


def _pack(*, since_last: bool, agreed: bool) -> ClinicPack:
    actions = (
        ClinicAction("Update the plan with the family", "Alex Wilber", date(2026, 1, 2), True, "audit"),
        ClinicAction("Book the family network meeting", "Sam Okafor", date(2026, 2, 2), False, "manual"),
    )
    agreed_here = (
        ClinicAction(
            "Review every assessment past day 35", "Alex Wilber", date(2026, 2, 13), False, "performance_clinic"
        ),
    )
    change = SinceLastClinic(
        month=date(2025, 12, 1),
        figures=(
            FigureChange(
                "assessments_in_timescale",
                "Assessments completed within the agreed timescale",
                "percent",
                89.0,
                86.0,
                True,
                True,
            ),
            FigureChange(
                "cp_visits_in_time",
                "Child protection visits within 10 working days",
                "percent",
                88.0,
                94.0,
                True,
                False,
            ),
        ),
        new_worries=(),
        worries_resolved=("Child protection visits within 10 working days",),
        open_actions_before=4,
        agreed=2,
        agreed_done=1,
    )
    return ClinicPack(
        clinic_id=17,
        team_id=4,
        team_name="Riverside Locality Team",
        area_name="Locality social work",
        month=JANUARY,
        prepared_on=date(2026, 1, 8),
        measures=_overview(),
        themes=(
            ThemeLine("The child's voice is clear throughout the record", 5, 9),
            ThemeLine("Decisions are risk sensible, balanced and proportionate", 8, 9),
        ),
        themes_since=date(2025, 11, 1),
        open_actions=actions,
        open_actions_total=14,
        agreed_here=agreed_here if agreed else (),
        since_last=change if since_last else None,
        owners=(PersonChoice(11, "Alex Wilber"), PersonChoice(12, "Megan Bowen"), PersonChoice(13, "Sam Okafor")),
    )


def clinic_examples() -> Iterator[tuple[str, Json]]:
    yield "clinic_pack_first", clinic_pack_card(_pack(since_last=False, agreed=False), today=TODAY)
    yield (
        "clinic_pack_changed_and_agreed",
        clinic_pack_card(_pack(since_last=True, agreed=True), today=TODAY, saved=True),
    )
    yield (
        "clinic_pack_action_refused",
        clinic_pack_card(
            _pack(since_last=True, agreed=False),
            today=TODAY,
            errors={"owner_id": "Choose someone in the team (or its manager) to own the action."},
            values={"description": "Audit three assessments a week", "due_date": "2026-02-13"},
        ),
    )
    yield (
        "clinic_pack_workbook_link",
        clinic_pack_card(
            _pack(since_last=True, agreed=False),
            today=TODAY,
            workbook=("https://qop.example/reports/clinic.xlsx?t=5.clinic.MTc.2026-01-01.1768213800.abc", "10:30"),
        ),
    )
    no_measures = _pack(since_last=False, agreed=False)
    yield (
        "clinic_pack_no_measures",
        clinic_pack_card(
            ClinicPack(
                **{
                    **no_measures.__dict__,
                    "measures": None,
                    "themes": (),
                    "open_actions": (),
                    "open_actions_total": 0,
                    "owners": (),
                }
            ),
            today=TODAY,
        ),
    )


def _service_pack(*, since_last: bool, agreed: bool) -> ServiceClinicPack:
    team = _pack(since_last=since_last, agreed=False)
    areas = (
        AreaRollUp(
            area_name="Locality social work",
            teams=5,
            concerns=(
                TeamConcern(
                    "Riverside Locality Team",
                    ("Assessments completed within the agreed timescale", "Plans reviewed on time"),
                    ("Assessments completed within the agreed timescale",),
                ),
                TeamConcern("Moorside Locality Team", ("Plans reviewed on time",), ()),
                TeamConcern("Hillside Locality Team", (), ("Child protection visits within 10 working days",)),
                TeamConcern("Valley Locality Team", (), ("Plans reviewed on time",)),
            ),
            packs=4,
            agreed=6,
            open_actions=9,
            overdue_actions=2,
        ),
        AreaRollUp(
            area_name="Children in Care",
            teams=2,
            concerns=(),
            packs=0,
            agreed=0,
            open_actions=0,
            overdue_actions=0,
        ),
    )
    agreed_here = (
        ClinicAction(
            "Head of Service to review assessment capacity in Locality social work",
            "Rachel Dunmore",
            date(2026, 2, 20),
            False,
            "senior_leadership_clinic",
        ),
    )
    return ServiceClinicPack(
        clinic_id=3,
        month=JANUARY,
        prepared_on=date(2026, 1, 15),
        measures=MeasuresOverview("service", "Whole service", JANUARY, team.measures.measures, open_actions=41)
        if team.measures
        else None,
        areas=areas,
        themes=team.themes,
        themes_since=team.themes_since,
        open_clinic_actions=11,
        agreed_here=agreed_here if agreed else (),
        since_last=team.since_last,
        owners=(
            PersonChoice(21, "David Ainsworth"),
            PersonChoice(22, "Margaret Ellison"),
            PersonChoice(23, "Rachel Dunmore"),
            PersonChoice(24, "Tariq Mendes"),
        ),
    )


def service_clinic_examples() -> Iterator[tuple[str, Json]]:
    yield (
        "service_clinic_pack_first",
        service_clinic_pack_card(_service_pack(since_last=False, agreed=False), today=TODAY),
    )
    yield (
        "service_clinic_pack_changed_and_agreed",
        service_clinic_pack_card(_service_pack(since_last=True, agreed=True), today=TODAY, saved=True),
    )
    yield (
        "service_clinic_pack_action_refused",
        service_clinic_pack_card(
            _service_pack(since_last=True, agreed=False),
            today=TODAY,
            errors={"due_date": "Choose a due date, today or later."},
            values={"description": "Review assessment capacity", "owner_id": "23", "due_date": "2026-01-02"},
        ),
    )
    yield (
        "service_clinic_pack_workbook_link",
        service_clinic_pack_card(
            _service_pack(since_last=True, agreed=True),
            today=TODAY,
            workbook=(
                "https://qop.example/reports/service-clinic.xlsx?t=5.service-clinic.Mw.2026-01-01.1768213800.abc",
                "10:30",
            ),
        ),
    )
    first = _service_pack(since_last=False, agreed=False)
    yield (
        "service_clinic_pack_no_measures",
        service_clinic_pack_card(
            ServiceClinicPack(**{**first.__dict__, "measures": None, "themes": (), "areas": (), "owners": ()}),
            today=TODAY,
        ),
    )
