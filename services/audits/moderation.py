"""Which submitted audits a moderator looks at: a configurable rule with an injectable RNG."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field

from storage.models import ModerationOutcome

GRADE_ORDER = ("inadequate", "requires_improvement", "good", "outstanding")


@dataclass(frozen=True)
class ModerationRule:
    """Default: every audit with an Inadequate or Outstanding grade, and ``sample_percent`` of
    the rest at random (``rng`` is injected by tests and by anyone who needs a reproducible draw)."""

    always: frozenset[str] = frozenset({"inadequate", "outstanding"})
    sample_percent: float = 10.0
    rng: random.Random = field(default_factory=random.Random, compare=False)

    def reason_to_moderate(self, grades: Iterable[str]) -> str | None:
        """Why an audit with these grades (each stage's and the overall) goes to a moderator:
        'grade' when any of them is always moderated, 'sample' when drawn at random, else None."""
        if any(grade in self.always for grade in grades):
            return "grade"
        if self.rng.random() * 100 < self.sample_percent:
            return "sample"
        return None


def outcome_of(original: str, moderated: str) -> ModerationOutcome:
    if original == moderated:
        return ModerationOutcome.AGREED
    if GRADE_ORDER.index(moderated) > GRADE_ORDER.index(original):
        return ModerationOutcome.RAISED
    return ModerationOutcome.LOWERED


def rule_from_settings(
    always: Iterable[str], sample_percent: float, rng: random.Random | None = None
) -> ModerationRule:
    return ModerationRule(frozenset(always), sample_percent, rng or random.Random())
