"""Realistic digests for the card catalogue: a busy service area (with its themed audits and dip
samples in their own rows, its Meaningful Measures, the practice it celebrates, the moderation
group's themes and its practice observations), a small team (most numbers suppressed), a
late team digest with overdue actions, a digest of themed audits only, a preview and the
subscription cards."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import Any

from cards import digest as cards
from cards.base import Json
from services.digest.findings import digest_findings
from tests.support.grades import shipped_counts
from views.digest import (
    AuditTypeFigures,
    Digest,
    Moderation,
    ObservationFigures,
    OverdueAction,
    PeriodFigures,
    StageFigures,
    SubscriptionView,
    ThemeFigures,
)
from views.measures import AnswerEvidence, IndicatorStatus, MeasuresOverview, MeasureStatus, Worry, WorryReason
from views.moderation_group import ModerationGroupThemes
from views.periods import week_starting
from views.templates import AuditType

LONDON = "Europe/London"
WEEK = week_starting(date(2026, 3, 23), LONDON)
STAGES = (
    ("contact_referral", "Contact and referral"),
    ("basic_information", "Basic information"),
    ("assessment", "Assessment"),
    ("planning", "Planning"),
    ("review", "Review"),
    ("management_oversight", "Management oversight"),
)


def _trend(scale: int) -> list[PeriodFigures]:
    shape = [(10, 11, 5, 6), (12, 12, 6, 5), (11, 14, 7, 5), (15, 13, 8, 5), (14, 15, 10, 5), (18, 18, 12, 6)]
    return [
        PeriodFigures(
            period=WEEK.previous(5 - index),
            audits_completed=completed * scale,
            audits_planned=planned * scale,
            grades=shipped_counts(
                {
                    "outstanding": 5 * scale if index > 2 else 0,
                    "good": good * scale,
                    "requires_improvement": ri * scale,
                    "inadequate": 5 * scale,
                }
            ),
            feedback_responses=(30 + 4 * index) * scale,
            feedback_score=6.4 + index * 0.2,
            feedback_scored=(25 + 3 * index) * scale,
            agreement={
                "strongly_agree": 40 * scale,
                "agree": (50 + index) * scale,
                "disagree": 12 * scale,
                "dont_know": 6,
            },
            actions_new=(9 + index) * scale,
            actions_done=(7 + index) * scale,
            actions_overdue=(8 - index) * scale,
            actions_impact=5 * scale,
        )
        for index, (completed, planned, good, ri) in enumerate(shape)
    ]


def _other_types() -> list[AuditTypeFigures]:
    def figures(period_back: int, completed: int, planned: int, grades: dict[str, int]) -> PeriodFigures:
        return PeriodFigures(WEEK.previous(period_back), completed, planned, shipped_counts(grades))

    return [
        AuditTypeFigures(
            AuditType.THEMED,
            figures(0, 8, 10, {"good": 5, "requires_improvement": 3}),
            figures(1, 6, 6, {"good": 6}),
        ),
        AuditTypeFigures(AuditType.DIP_SAMPLE, figures(0, 24, 25, {}), figures(1, 20, 25, {})),
    ]


def _indicator(
    name: str, value: float | None, target: float, history: tuple[float | None, ...], **more: Any
) -> IndicatorStatus:
    months = (date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1))
    change = history[-1] - history[0] if history[0] is not None and history[-1] is not None else None
    return IndicatorStatus(
        key=name.lower().replace(" ", "_"),
        measure_id="safe",
        name=name,
        kind="quantitative",
        unit="percent",
        direction="higher_is_better",
        target=target,
        tolerance=2,
        owner="team manager",
        value=value,
        value_month=months[-1] if value is not None else None,
        numerator=None,
        denominator=None,
        teams_reporting=6 if value is not None else 0,
        teams_in_scope=6,
        history=tuple(zip(months, history, strict=True)),
        change=change,
        off_target=value is not None and value < target - 2,
        on_target=value is not None and value >= target,
        wrong_way=change is not None and change <= -2,
        improving=change is not None and change >= 2,
        evidence=more.get("evidence", ()),
        disagreeing_evidence=more.get("evidence", ()),
    )


def _measures() -> MeasuresOverview:
    audits = (AnswerEvidence("Standard collaborative audit", "Was the referral decided in time?", 19, 20),)
    referrals = _indicator("Referral decisions within 24 hours", 91.0, 95, (94.0, 92.5, 91.0), evidence=audits)
    seen = _indicator("Children seen alone at their last visit", 93.0, 90, (88.0, 90.0, 93.0))
    caseloads = _indicator("Supervision within the month", None, 90, (None, None, None))
    return MeasuresOverview(
        scope="area",
        scope_name="Locality social work",
        month=date(2026, 3, 1),
        measures=(
            MeasureStatus(
                "safe",
                "Children are safe",
                (referrals,),
                (Worry(referrals, (WorryReason.OFF_TARGET, WorryReason.WRONG_WAY)),),
                (),
                (),
                (),
                (),
            ),
            MeasureStatus("heard", "Children are heard", (seen,), (), (seen,), (seen,), (seen,), ()),
            MeasureStatus("workforce", "Our workforce is skilled and stable", (caseloads,), (), (), (), (), ()),
        ),
        open_actions=2,
    )


def _area_digest() -> Digest:
    grades = [(6, 9, 5, 0), (5, 10, 6, 5), (0, 7, 9, 8), (5, 11, 6, 5), (5, 12, 7, 0), (0, 8, 10, 6)]
    return Digest(
        scope_kind="area",
        scope_label="Locality social work",
        period=WEEK,
        trend=_trend(2),
        stages=[
            StageFigures(
                stage_id,
                stage_title,
                shipped_counts(
                    dict(zip(("outstanding", "good", "requires_improvement", "inadequate"), g, strict=True))
                ),
            )
            for (stage_id, stage_title), g in zip(STAGES, grades, strict=True)
        ],
        themes=[
            ThemeFigures(
                "child_voice_clear", "The child's voice is clear throughout.", {"yes": 21, "partly": 9, "no": 6}
            ),
            ThemeFigures(
                "recording_analytic",
                "Recording analyses the impact on the child rather than only describing events.",
                {"yes": 15, "partly": 14, "no": 7},
            ),
        ],
        audit_quotes=["The worker knew the family well and the safety plan was written with them, in their words."],
        feedback_quotes=["Thank you for listening to us and explaining what was going to happen."],
        impact_quotes=["The child now has a plan they helped write and says school feels safer."],
        moderation=Moderation(moderated=7, raised=0, lowered=5),
        other_audit_types=_other_types(),
        measures=_measures(),
        celebrated=[
            "Direct work with the child used drawings the child chose, and the plan kept their words.",
            "The chronology was analytic and shared with the family before the review.",
        ],
        moderation_group=ModerationGroupThemes(
            meetings=1,
            audits_moderated=8,
            agreed=5,
            raised=1,
            lowered=2,
            themes={"child_voice": 6, "analytic_recording": 4, "risk_sensible": 2},
        ),
        observations=ObservationFigures(
            observations=9,
            expectations_met=31,
            expectations_partly=12,
            expectations_not_met=3,
            strengths=15,
            development_points=11,
        ),
    )


def _small_team_digest(*, late: bool) -> Digest:
    return Digest(
        scope_kind="team",
        scope_label="Riverside Locality Team",
        period=WEEK,
        trend=[
            PeriodFigures(
                period=WEEK.previous(1),
                audits_completed=2,
                audits_planned=3,
                grades=shipped_counts({"good": 1, "requires_improvement": 1}),
            ),
            PeriodFigures(
                period=WEEK,
                audits_completed=3,
                audits_planned=3,
                grades=shipped_counts({"good": 2, "inadequate": 1}),
                feedback_responses=6,
                feedback_score=7.2,
                feedback_scored=6,
                actions_new=3,
                actions_done=5,
                actions_overdue=7,
            ),
        ],
        stages=[StageFigures("assessment", "Assessment", shipped_counts({"good": 2, "inadequate": 1}))],
        overdue_total=7,
        overdue=[
            OverdueAction(
                "Record the manager's rationale for the strategy decision", "Priya Shah", "20 Mar", "C1234567"
            ),
            OverdueAction("Update the safety plan with the family network", "Callum Reid", "24 Mar", None),
        ],
        late=late,
        observations=ObservationFigures(
            observations=2, expectations_met=7, expectations_partly=3, expectations_not_met=2, strengths=4
        ),
    )


def _card(digest: Digest, **options: Any) -> Json:
    return cards.digest_card(digest, digest_findings(digest), **options)


def digest_examples() -> Iterator[tuple[str, Json]]:
    yield "digest_area", _card(_area_digest())
    yield "digest_team_small_numbers", _card(_small_team_digest(late=False))
    yield "digest_team_late", _card(_small_team_digest(late=True), due_label="Monday 30 March at 08:00")
    yield (
        "digest_team_themed_only",
        _card(replace(_small_team_digest(late=False), audit_type=AuditType.THEMED, filtered=True)),
    )
    yield (
        "digest_team_demo",
        _card(_small_team_digest(late=False), due_label="Monday 30 March at 08:00", demo=True),
    )
    yield (
        "digest_preview",
        _card(_area_digest(), preview_post={"conversation_id": "19:abc@thread.tacv2", "period": "2026-W13"}),
    )
    yield (
        "digest_subscription",
        cards.subscription_card(SubscriptionView("Riverside Locality Team", "monday", "08:00", "6 April 2026")),
    )
    yield (
        "digest_subscription_one_audit_type",
        cards.subscription_card(
            SubscriptionView("Riverside Locality Team", "monday", "08:00", "6 April 2026", AuditType.THEMED)
        ),
    )
    yield "digest_no_subscription", cards.subscription_card(None)
    yield "digest_stopped", cards.stopped_card()
    yield (
        "report_link",
        cards.report_link_card(
            scope_label="the whole service",
            quarter="2026Q1",
            url="https://qop.example.gov.uk/reports/qim?t=abc",
            expires="10:45",
        ),
    )
    yield (
        "report_link_one_audit_type",
        cards.report_link_card(
            scope_label="Riverside Locality Team",
            quarter="2026Q1",
            url="https://qop.example.gov.uk/reports/qim?t=abc&type=themed",
            expires="10:45",
            audit_type=AuditType.THEMED,
        ),
    )
    yield (
        "report_link_half_year",
        cards.report_link_card(
            scope_label="the whole service",
            quarter="2026H1",
            url="https://qop.example.gov.uk/reports/qim?t=abc",
            expires="10:45",
            half_year=True,
        ),
    )
