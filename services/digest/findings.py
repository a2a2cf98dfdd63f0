"""Which of a digest's figures answer the framework's four questions, and which overdue actions it lists.

The rules live here, once: the weekly card, its plain-text version and the quarterly report all word
the same ``Findings`` (``cards.digest.four_answers``), so they cannot pick different things.
"""

from __future__ import annotations

from dataclasses import replace

from views.digest import Digest, Findings, StageFigures, ThemeFigures

WORRYING_STAGES = 3
STRONG_STAGES = 2
WEAK_THEMES = 3
INADEQUATE_WORTH_NAMING = 5
"""From this many audits graded Inadequate in a period, the digest names them as a worry."""
MODERATED_WORTH_NAMING = 5
"""From this many moderated grades, the digest celebrates what moderation changed."""
OVERDUE_LISTED_FOR = "team"
"""Only a team's digest lists overdue actions by name: an area or the service sees the count."""


def digest_findings(digest: Digest) -> Findings:
    """What ``digest`` says about worries, strengths, impact and celebrations, and which overdue
    actions it lists (without case references unless the digest may show them)."""
    now, before = digest.current, digest.previous
    good_now, good_before = now.grades.pct_good, before.grades.pct_good
    rise = (
        (good_before, good_now) if good_now is not None and good_before is not None and good_now > good_before else None
    )
    moderation = digest.moderation if digest.moderation.moderated >= MODERATED_WORTH_NAMING else None
    listed = digest.scope_kind == OVERDUE_LISTED_FOR
    overdue = tuple(digest.overdue) if listed else ()
    if not digest.show_case_references:
        overdue = tuple(replace(action, case_reference=None) for action in overdue)
    return Findings(
        worrying_stages=worrying_stages(digest.stages),
        weak_themes=weak_themes(digest.themes),
        inadequate=now.grades.inadequate if now.grades.inadequate >= INADEQUATE_WORTH_NAMING else 0,
        strong_stages=strong_stages(digest.stages),
        audit_quotes=tuple(digest.audit_quotes),
        feedback_quotes=tuple(digest.feedback_quotes),
        impact_reviewed=now.actions_impact,
        impact_quotes=tuple(digest.impact_quotes),
        outstanding=now.grades.best[1],
        best_grade=now.grades.best[0],
        good_or_better_rise=rise,
        actions_done=now.actions_done,
        moderation=moderation,
        overdue=overdue,
        overdue_not_listed=max(0, digest.overdue_total - len(overdue)) if listed else 0,
    )


def worrying_stages(stages: list[StageFigures], limit: int = WORRYING_STAGES) -> tuple[StageFigures, ...]:
    """Stages with enough audits to show any graded below Good, most often below Good first."""
    ranked = [s for s in stages if s.grades.pct_below_good]
    return tuple(sorted(ranked, key=lambda s: (-(s.grades.pct_below_good or 0), s.title))[:limit])


def strong_stages(stages: list[StageFigures], limit: int = STRONG_STAGES) -> tuple[StageFigures, ...]:
    """Stages with enough audits to show, most often Good or better first."""
    ranked = [s for s in stages if s.grades.pct_good is not None]
    return tuple(sorted(ranked, key=lambda s: (-(s.grades.pct_good or 0), s.title))[:limit])


def weak_themes(themes: list[ThemeFigures], limit: int = WEAK_THEMES) -> tuple[ThemeFigures, ...]:
    """Themes with enough answers to show that were not always seen in full, least often first."""
    ranked = [t for t in themes if t.pct_yes is not None and t.pct_yes < 100]
    return tuple(sorted(ranked, key=lambda t: (t.pct_yes or 0, t.title))[:limit])
