"""Realistic examples of the performance clinic pack card: a first pack, one with what changed and
actions agreed, one with a refused action form, and one with its workbook link."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from cards.base import Json
from cards.clinic import clinic_pack_card
from views.actions import PersonChoice
from views.clinic import ClinicAction, ClinicPack, FigureChange, SinceLastClinic, ThemeLine
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
