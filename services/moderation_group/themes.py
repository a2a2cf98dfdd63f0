"""Counts of what moderation group meetings agreed, as plain data for digests and the QIM report.

Only counts leave this module: outcomes (agreed, raised, lowered) and how often each learning
theme was named, by the audits' outcomes and by the meetings themselves; never a case or a name.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from storage.models import ModerationGroupAudit, ModerationGroupMeeting
from views.moderation_group import THEMES, ModerationGroupThemes


def count_themes(
    meetings: Iterable[tuple[ModerationGroupMeeting, list[ModerationGroupAudit]]],
) -> ModerationGroupThemes:
    """The totals over ``meetings`` (each with the audits on its list)."""
    held = moderated = 0
    outcomes: Counter[str] = Counter()
    themes: Counter[str] = Counter()
    for meeting, audits in meetings:
        held += 1
        themes.update(t for t in meeting.themes or () if t in THEMES)
        for audit in audits:
            if audit.agreed_grade is None:
                continue
            moderated += 1
            outcomes[audit.outcome or ""] += 1
            themes.update(t for t in audit.themes or () if t in THEMES)
    return ModerationGroupThemes(
        meetings=held,
        audits_moderated=moderated,
        agreed=outcomes["agreed"],
        raised=outcomes["raised"],
        lowered=outcomes["lowered"],
        themes={theme: themes[theme] for theme in THEMES if themes[theme]},
    )
