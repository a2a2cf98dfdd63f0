"""The weekly digest card and the subscription cards (pure: ``Digest`` and its ``Findings`` in, card JSON out).

Numbers pass through ``views.digest`` suppression: a count from 1 to 4 reads
"fewer than 5" and no share or chart is drawn from it. Every chart carries a plain fallback
(Teams mobile and older clients do not draw charts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import microsoft_teams.cards as ac

from cards import text_digest as text
from cards import text_moderation_group as moderation_text
from cards import verbs
from cards.base import Json, card, execute, facts, heading, paragraph, title
from cards.measures_wording import why
from views.digest import Digest, Findings, GradeKey, GradeTargets, PeriodFigures, SubscriptionView, shown, suppressed
from views.measures import MeasuresOverview, MeasureStatus
from views.templates import AuditType

MEASURE_LINES = 6
"""The weekly card lists this many measure lines (worries first); the QIM report lists all."""

BEST_COLOUR, GOOD_COLOUR, MIDDLE_COLOUR, INADEQUATE_COLOUR = (
    "categoricalTeal",
    "categoricalGreen",
    "categoricalMarigold",
    "categoricalRed",
)


def grade_colour(key: GradeKey, value: str) -> str:
    """A grade's colour by what it counts as: the best grade teal, the rest of good or better green,
    inadequate red, everything between marigold (Ofsted's four keep their familiar colours)."""
    if value in key.inadequate:
        return INADEQUATE_COLOUR
    if value in key.good_or_better:
        return BEST_COLOUR if value == next(iter(key.labels), None) else GOOD_COLOUR
    return MIDDLE_COLOUR


def _change(change: str, kind: str) -> str:
    return text.CHANGE.format(change=change, before=text.BEFORE[kind])


def _count_change(now: int, before: int, kind: str) -> str:
    if suppressed(now) or suppressed(before):
        return ""
    return _change(text.NO_CHANGE if now == before else f"{now - before:+,}", kind)


def _pct(value: float | None) -> str:
    return text.NOT_SHOWN if value is None else f"{value:.0f}%"


def _pct_change(now: float | None, before: float | None, kind: str) -> str:
    if now is None or before is None:
        return ""
    if round(now, 1) == round(before, 1):
        return _change(text.NO_CHANGE, kind)
    delta = now - before
    return _change(text.POINTS.format(sign="+" if delta > 0 else "-", value=abs(delta)), kind)


def headline_pairs(
    now: PeriodFigures, before: PeriodFigures, targets: GradeTargets | None = None
) -> list[tuple[str, str]]:
    """(measure, value with change) rows shared by the card and the plain-text version; the grade
    shares name the council's targets where it has set them."""
    kind = now.period.kind
    score_now, score_before = now.shown_feedback_score, before.shown_feedback_score
    score_change = ""
    if score_now is not None and score_before is not None:
        score_change = _change(f"{score_now - score_before:+.1f}", kind)
    return [
        (
            text.AUDITS_COMPLETED,
            text.AUDITS_OF_PLANNED.format(completed=shown(now.audits_completed), planned=shown(now.audits_planned))
            + _count_change(now.audits_completed, before.audits_completed, kind),
        ),
        (
            text.GOOD_OR_BETTER,
            _pct(now.grades.pct_good)
            + _pct_change(now.grades.pct_good, before.grades.pct_good, kind)
            + _target(text.TARGET_AT_LEAST, targets.good_or_better if targets else None),
        ),
        (
            text.INADEQUATE,
            _pct(now.grades.pct_inadequate)
            + _pct_change(now.grades.pct_inadequate, before.grades.pct_inadequate, kind)
            + _target(text.TARGET_AT_MOST, targets.inadequate if targets else None),
        ),
        (
            text.FEEDBACK,
            shown(now.feedback_responses) + _count_change(now.feedback_responses, before.feedback_responses, kind),
        ),
        (text.FEEDBACK_SCORE, (text.NOT_SHOWN if score_now is None else f"{score_now:.1f}") + score_change),
        (text.FEEDBACK_AGREE, _pct(now.pct_agree) + _pct_change(now.pct_agree, before.pct_agree, kind)),
        (
            text.FAMILY_VOICE,
            _pct(now.pct_family_voice) + _pct_change(now.pct_family_voice, before.pct_family_voice, kind),
        ),
        (text.ACTIONS_NEW, shown(now.actions_new) + _count_change(now.actions_new, before.actions_new, kind)),
        (text.ACTIONS_DONE, shown(now.actions_done) + _count_change(now.actions_done, before.actions_done, kind)),
        (
            text.ACTIONS_OVERDUE,
            shown(now.actions_overdue) + _count_change(now.actions_overdue, before.actions_overdue, kind),
        ),
        (
            text.ACTIONS_IMPACT,
            shown(now.actions_impact) + _count_change(now.actions_impact, before.actions_impact, kind),
        ),
    ]


def _target(wording: str, target: float | None) -> str:
    return "" if target is None else wording.format(target=target)


def audit_type_pairs(digest: Digest) -> list[tuple[str, str]]:
    """(audit type, its own completed, planned and Good or better) for every type other than the
    digest's: themed audits and dip samples are counted here, never in the headline shares."""
    pairs = []
    for figures in digest.other_audit_types:
        now = figures.now
        counts = {"completed": shown(now.audits_completed), "planned": shown(now.audits_planned)}
        line = (
            text.AUDIT_TYPE_LINE.format(**counts, good=_pct(now.grades.pct_good))
            if figures.graded
            else text.AUDIT_TYPE_NOT_GRADED.format(**counts)
        )
        change = _count_change(now.audits_completed, figures.before.audits_completed, now.period.kind)
        pairs.append((text.AUDIT_TYPES[figures.audit_type], line + change))
    return pairs


def only_audit_type_note(digest: Digest) -> str | None:
    """Says which audits the figures count when someone asked for one type only."""
    if not digest.filtered:
        return None
    return text.ONLY_AUDIT_TYPE.format(audit_type=text.AUDIT_TYPES[digest.audit_type].lower())


def _measure_summary(measure: MeasureStatus) -> str:
    if not measure.indicators:
        return text.MEASURES_NO_INDICATORS.format(measure=measure.name)
    no_data = sum(1 for s in measure.indicators if not s.has_data)
    values = {
        "measure": measure.name,
        "on_target": sum(1 for s in measure.indicators if s.on_target),
        "indicators": len(measure.indicators),
        "no_data": no_data,
    }
    return (text.MEASURES_FINE_NO_DATA if no_data else text.MEASURES_FINE).format(**values)


def measure_lines(overview: MeasuresOverview, *, limit: int | None = MEASURE_LINES) -> list[str]:
    """The measures in a few lines: every worry with its why (measures with worries first), then
    one line per measure without worries, then the open actions; cut to ``limit`` lines."""
    worries = [
        text.MEASURES_WORRIES.format(measure=m.name, why=why(worry)) for m in overview.measures for worry in m.worries
    ]
    lines = worries + [_measure_summary(m) for m in overview.measures if not m.worries]
    if limit is not None and len(lines) > limit:
        lines = [*lines[:limit], text.MEASURES_MORE.format(count=len(lines) - limit)]
    return [*lines, text.MEASURES_OPEN_ACTIONS.format(count=overview.open_actions)]


def measures_title(overview: MeasuresOverview) -> str:
    return text.MEASURES_TITLE.format(month=overview.month)


def grade_pairs(digest: Digest) -> list[tuple[str, str]]:
    return [(label, shown(count)) for _, label, count in digest.current.grades.in_order()]


def stage_pairs(digest: Digest) -> list[tuple[str, str]]:
    return [
        (
            stage.title,
            text.STAGE_LINE.format(
                good=shown(stage.grades.good_or_better), below=shown(stage.grades.total - stage.grades.good_or_better)
            ),
        )
        for stage in digest.stages
    ]


def trend_points(digest: Digest) -> list[tuple[str, float]]:
    return [(p.period.short_label, p.grades.pct_good) for p in digest.trend if p.grades.pct_good is not None]


@dataclass(frozen=True)
class FourAnswers:
    worried: list[str]
    well: list[str]
    impact: list[str]
    celebrate: list[str]

    def sections(self) -> list[tuple[str, list[str]]]:
        return [
            (text.Q_WORRIED, self.worried),
            (text.Q_WELL, self.well),
            (text.Q_IMPACT, self.impact),
            (text.Q_CELEBRATE, self.celebrate),
        ]


def four_answers(findings: Findings) -> FourAnswers:
    """The framework's four questions answered in words from what the digest found (shared with the reports)."""
    worried = [
        text.WORRY_STAGE.format(stage=s.title, share=f"{s.grades.pct_below_good:.0f}", count=shown(s.grades.total))
        for s in findings.worrying_stages
    ]
    worried += [text.WORRY_THEME.format(theme=t.title, share=f"{t.pct_yes:.0f}") for t in findings.weak_themes]
    if findings.inadequate:
        worried.append(text.WORRY_INADEQUATE.format(count=shown(findings.inadequate)))
    well = [text.WELL_STAGE.format(stage=s.title, share=f"{s.grades.pct_good:.0f}") for s in findings.strong_stages]
    well += [text.WELL_QUOTE_AUDIT.format(quote=q) for q in findings.audit_quotes]
    well += [text.WELL_QUOTE_FEEDBACK.format(quote=q) for q in findings.feedback_quotes]
    impact = [text.IMPACT_COUNT.format(count=shown(findings.impact_reviewed))] if findings.impact_reviewed else []
    impact += [text.IMPACT_QUOTE.format(quote=q) for q in findings.impact_quotes]
    celebrate = []
    if findings.outstanding:
        celebrate.append(
            text.CELEBRATE_OUTSTANDING.format(grade=findings.best_grade, count=shown(findings.outstanding))
        )
    if findings.good_or_better_rise is not None:
        before, now = findings.good_or_better_rise
        celebrate.append(text.CELEBRATE_IMPROVED.format(before=f"{before:.0f}", now=f"{now:.0f}"))
    if findings.actions_done:
        celebrate.append(text.CELEBRATE_DONE.format(count=shown(findings.actions_done)))
    moderation = findings.moderation
    if moderation is not None:
        celebrate.append(
            text.CELEBRATE_MODERATION.format(
                count=shown(moderation.moderated), raised=shown(moderation.raised), lowered=shown(moderation.lowered)
            )
        )
    return FourAnswers(
        worried=worried or [text.WORRY_NONE],
        well=well or [text.WELL_NONE],
        impact=impact or [text.IMPACT_NONE],
        celebrate=celebrate or [text.CELEBRATE_NONE],
    )


def overdue_lines(findings: Findings) -> list[str]:
    lines = []
    for action in findings.overdue:
        description = action.description
        if action.case_reference:
            description = f"{action.case_reference}: {description}"
        lines.append(text.OVERDUE_LINE.format(description=description, owner=action.owner, due=action.due))
    if findings.overdue_not_listed > 0:
        lines.append(text.OVERDUE_MORE.format(count=findings.overdue_not_listed))
    return lines


def _title_of(digest: Digest) -> str:
    template = text.DIGEST_QUARTER_TITLE if digest.period.kind == "quarter" else text.DIGEST_TITLE
    return template.format(scope=digest.scope_label)


def _charts(digest: Digest) -> list[Any]:
    elements: list[Any] = []
    grades = digest.current.grades
    if grades.chartable():
        elements.append(
            ac.DonutChart(
                title=text.CHART_GRADES,
                data=[
                    ac.DonutChartData(legend=label, value=count, color=grade_colour(grades.key, value))
                    for value, label, count in grades.in_order()
                    if count
                ],
                fallback=facts(grade_pairs(digest)),
            )
        )
    stage_values = [(s.title, s.grades.pct_good) for s in digest.stages if s.grades.pct_good is not None]
    if stage_values:
        elements.append(
            ac.HorizontalBarChart(
                title=text.CHART_STAGES,
                data=[ac.HorizontalBarChartDataValue(x=name, y=value) for name, value in stage_values],
                fallback=facts([(name, f"{value:.0f}%") for name, value in stage_values]),
            )
        )
    points = trend_points(digest)
    if len(points) >= 2:
        trend_title = text.CHART_TREND_QUARTERS if digest.period.kind == "quarter" else text.CHART_TREND
        elements.append(
            ac.LineChart(
                title=trend_title,
                y_min=0,
                y_max=100,
                data=[
                    ac.LineChartData(
                        legend=text.GOOD_OR_BETTER, values=[ac.LineChartValue(x=x, y=y) for x, y in points]
                    )
                ],
                fallback=facts([(x, f"{y:.0f}%") for x, y in points]),
            )
        )
    return elements


def moderation_group_line(digest: Digest) -> str | None:
    """The moderation group's meetings in the period in one line (counts from 1 to 4 hidden), or None."""
    group = digest.moderation_group
    if group.meetings == 0:
        return None
    line = text.MODERATION_GROUP_LINE.format(
        meetings=group.meetings,
        audits=shown(group.audits_moderated),
        agreed=shown(group.agreed),
        raised=shown(group.raised),
        lowered=shown(group.lowered),
    )
    themes = [moderation_text.THEME_LABELS[code] for code, _ in group.top_themes()]
    return line + (text.MODERATION_GROUP_THEMES.format(themes=", ".join(themes)) if themes else "")


def observations_line(digest: Digest) -> str | None:
    """The period's practice observations in one line, counts only (1 to 4 hidden), or None."""
    seen = digest.observations
    if seen.observations == 0:
        return None
    return text.OBSERVATIONS_LINE.format(
        held=shown(seen.observations),
        met=shown(seen.expectations_met),
        partly=shown(seen.expectations_partly),
        not_met=shown(seen.expectations_not_met),
        strengths=shown(seen.strengths),
        development=shown(seen.development_points),
    )


def seen_elsewhere_lines(digest: Digest) -> list[str]:
    """The compact lines of what the moderation group and practice observations found."""
    return [line for line in (moderation_group_line(digest), observations_line(digest)) if line]


def _bullets(lines: Sequence[str]) -> ac.TextBlock:
    return paragraph("\n".join(f"- {line}" for line in lines))


def _audit_types_part(digest: Digest) -> list[Any]:
    """The note saying which audits the figures count, and the other audit types' own rows."""
    note = only_audit_type_note(digest)
    part: list[Any] = [paragraph(note, subtle=True)] if note else []
    if digest.other_audit_types:
        part += [heading(text.OTHER_AUDIT_TYPES), facts(audit_type_pairs(digest))]
    return part


def digest_card(
    digest: Digest,
    findings: Findings,
    *,
    preview_post: Json | None = None,
    due_label: str | None = None,
    demo: bool = False,
) -> Json:
    """The digest, with what ``services.digest.findings`` picked out of it. ``preview_post`` (the data for the post button) makes it a private preview;
    ``demo`` says it is the local demo's first digest, posted when qop was added to the channel."""
    body: list[Any] = [
        title(_title_of(digest)),
        paragraph(
            text.DIGEST_PERIOD.format(period=digest.period.label, before=text.BEFORE[digest.period.kind]), subtle=True
        ),
    ]
    if preview_post is not None:
        body.append(paragraph(text.DIGEST_PREVIEW, subtle=False))
    if demo:
        body.append(paragraph(text.DIGEST_DEMO.format(due=due_label or "last"), subtle=True))
    if digest.late:
        body.append(ac.TextBlock(text=text.DIGEST_LATE.format(due=due_label or "earlier"), wrap=True, color="Warning"))
    body += [heading(text.HEADLINES), facts(headline_pairs(digest.current, digest.previous, digest.targets))]
    body += _audit_types_part(digest)
    body += _charts(digest)
    if digest.stages:
        body += [heading(text.GRADES_BY_STAGE), facts(stage_pairs(digest))]
    for question, lines in four_answers(findings).sections():
        body += [heading(question), _bullets(lines)]
    if digest.celebrated:
        body += [heading(text.CELEBRATED_TITLE), _bullets(digest.celebrated)]
    if seen_elsewhere_lines(digest):
        body += [heading(text.SEEN_ELSEWHERE_TITLE), _bullets(seen_elsewhere_lines(digest))]
    if digest.measures is not None:
        body += [heading(measures_title(digest.measures)), _bullets(measure_lines(digest.measures))]
    overdue = overdue_lines(findings)
    if overdue:
        body += [heading(text.OVERDUE_TITLE), _bullets(overdue)]
    body.append(paragraph(text.SMALL_NUMBERS, subtle=True, spacing="Medium"))
    actions = [execute(text.POST_TO_CHANNEL, verbs.DIGEST_POST, preview_post)] if preview_post is not None else None
    return card(body, actions)


def digest_text(digest: Digest, findings: Findings) -> str:
    """The same digest as plain text (CLI preview, logs, the card's alternative)."""
    lines = [_title_of(digest), digest.period.label, ""]
    if digest.late:
        lines += [text.DIGEST_LATE.format(due="earlier"), ""]
    note = only_audit_type_note(digest)
    lines += [note] if note else []
    lines += [f"{name}: {value}" for name, value in headline_pairs(digest.current, digest.previous, digest.targets)]
    if digest.other_audit_types:
        lines += ["", text.OTHER_AUDIT_TYPES] + [f"  {name}: {value}" for name, value in audit_type_pairs(digest)]
    if digest.stages:
        lines += ["", text.GRADES_BY_STAGE] + [f"  {name}: {value}" for name, value in stage_pairs(digest)]
    points = trend_points(digest)
    if points:
        trend = text.CHART_TREND_QUARTERS if digest.period.kind == "quarter" else text.CHART_TREND
        lines += ["", trend + ": " + ", ".join(f"{x} {y:.0f}%" for x, y in points)]
    for question, answers in four_answers(findings).sections():
        lines += ["", question] + [f"  - {a}" for a in answers]
    if digest.celebrated:
        lines += ["", text.CELEBRATED_TITLE] + [f"  - {quote}" for quote in digest.celebrated]
    if seen_elsewhere_lines(digest):
        lines += ["", text.SEEN_ELSEWHERE_TITLE] + [f"  - {line}" for line in seen_elsewhere_lines(digest)]
    if digest.measures is not None:
        lines += ["", measures_title(digest.measures)] + [f"  - {line}" for line in measure_lines(digest.measures)]
    overdue = overdue_lines(findings)
    if overdue:
        lines += ["", text.OVERDUE_TITLE] + [f"  - {line}" for line in overdue]
    return "\n".join(lines)


# -- subscription cards ----------------------------------------------------------------------


def subscription_card(view: SubscriptionView | None) -> Json:
    if view is None:
        return card([title(text.NOT_SUBSCRIBED_TITLE), paragraph(text.NOT_SUBSCRIBED_HINT)])
    values = {"scope": view.scope_label, "day": view.weekday.capitalize(), "time": view.send_at, "since": view.since}
    pairs = [(name, value.format(**values)) for name, value in text.SUBSCRIPTION_FACTS]
    if view.audit_type is not None:
        name, value = text.SUBSCRIPTION_AUDIT_TYPE
        pairs.append((name, value.format(audit_type=text.AUDIT_TYPES[view.audit_type.value])))
    return card([title(text.SUBSCRIBED_TITLE), facts(pairs), paragraph(text.SUBSCRIBED_HINT, subtle=True)])


def stopped_card() -> Json:
    return card([paragraph(text.STOPPED)])


def report_link_card(
    *,
    scope_label: str,
    quarter: str,
    url: str,
    expires: str,
    audit_type: AuditType | None = None,
    half_year: bool = False,
) -> Json:
    """The signed link to the QIM report (or, ``half_year``, the bi-annual report) for whoever asked;
    ``audit_type`` says the report counts that type of audit only."""
    heading_text = text.REPORT_LINK_TITLE_HALF if half_year else text.REPORT_LINK_TITLE
    if audit_type is not None:
        scope_label = text.REPORT_LINK_ONE_TYPE.format(
            scope=scope_label, audit_type=text.AUDIT_TYPES[audit_type].lower()
        )
    return card(
        [
            title(heading_text.format(scope=scope_label, quarter=quarter)),
            paragraph(text.REPORT_LINK_BODY.format(expires=expires)),
        ],
        [ac.OpenUrlAction(title=text.REPORT_OPEN, url=url)],
    )
