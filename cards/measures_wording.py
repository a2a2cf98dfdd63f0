"""The measures in words ("91 % (91 of 100)", "down 3 points in three months", the four questions),
shared by ``qop measures show``, the dashboard page, the weekly digest and the QIM report so all say
the same thing."""

from __future__ import annotations

from views.measures import AnswerEvidence, IndicatorStatus, MeasureStatus, Worry


def number(value: float, unit: str) -> str:
    text = f"{value:.1f}".removesuffix(".0")
    return {"percent": f"{text} %", "days": f"{text} days"}.get(unit, text)


def figure(status: IndicatorStatus) -> str:
    """91 % (91 of 100), with the month when it is older than the month shown and the teams when
    not all of the scope's teams sent one."""
    if status.value is None:
        return "no data"
    details = _figure_details(status)
    return number(status.value, status.unit) + (f" ({'; '.join(details)})" if details else "")


def _figure_details(status: IndicatorStatus) -> list[str]:
    details = []
    if status.numerator is not None and status.denominator:
        details.append(f"{status.numerator} of {status.denominator}")
    if status.value_month is not None and status.history and status.value_month != status.history[-1][0]:
        details.append(f"in {status.value_month:%b %Y}")
    if status.teams_reporting < status.teams_in_scope:
        details.append(f"{status.teams_reporting} of {status.teams_in_scope} teams")
    return details


def target_text(status: IndicatorStatus) -> str:
    if status.target is None:
        return "-"
    return number(status.target, status.unit)


def trend_text(status: IndicatorStatus) -> str | None:
    """ "down 3 points in three months" (points for percentages, the unit otherwise)."""
    if status.change is None:
        return None
    if abs(status.change) < 0.05:
        return "no change in three months"
    amount = f"{abs(status.change):.1f}".removesuffix(".0")
    unit = {"percent": " points", "days": " days"}.get(status.unit, "")
    return f"{'up' if status.change > 0 else 'down'} {amount}{unit} in three months"


def evidence_text(evidence: AnswerEvidence) -> str:
    if not evidence.of:
        return f"{evidence.template_title}: no audits"
    return f"{evidence.template_title} found it in {evidence.found} of {evidence.of} cases"


def headline(status: IndicatorStatus) -> str:
    """Referral decisions within 24 hours: 91 % (91 of 100; target 95 %; down 3 points in three months)."""
    if status.value is None:
        details = []
        text = f"{status.name}: no data"
    else:
        details = _figure_details(status)
        text = f"{status.name}: {number(status.value, status.unit)}"
    if status.target is not None:
        details.append(f"target {number(status.target, status.unit)}")
    trend = trend_text(status)
    if trend:
        details.append(trend)
    return text + (f" ({'; '.join(details)})" if details else "")


def why(worry: Worry) -> str:
    parts = [headline(worry.indicator)]
    if worry.indicator.disagreeing_evidence:
        parts.append("but " + "; ".join(evidence_text(e) for e in worry.indicator.disagreeing_evidence))
    return f"{' — '.join(parts)} [{', '.join(reason.value for reason in worry.reasons)}]"


def four_questions(measure: MeasureStatus) -> list[str]:
    def listed(items: list[str]) -> list[str]:
        return [f"    - {item}" for item in items] or ["    - nothing to show yet"]

    return [
        "  What are we worried about and why?",
        *listed([why(w) for w in measure.worries]),
        "  What did we do well and how did we do it?",
        *listed(
            [headline(s) + "".join(f" — {evidence_text(e)}" for e in s.evidence if e.of) for s in measure.did_well]
        ),
        "  What is the impact of what we did and how do we know?",
        *listed([headline(s) for s in measure.impact]),
        "  What do we need to celebrate or learn from, and how?",
        *listed(
            [f"celebrate: {headline(s)}" for s in measure.celebrate] + [f"learn: {why_learn(s)}" for s in measure.learn]
        ),
    ]


def why_learn(status: IndicatorStatus) -> str:
    stories = "; ".join(evidence_text(e) for e in status.disagreeing_evidence)
    return f"{headline(status)} — the figures and the audits tell different stories: {stories}"
