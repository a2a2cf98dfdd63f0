"""Grade counts on the shipped templates' scales (Ofsted's four grades), for tests of figures and
cards built without a database."""

from __future__ import annotations

from services.templates import TemplateLibrary
from views.digest import GradeCounts, GradeKey

SHIPPED_GRADES = GradeKey.of(TemplateLibrary.from_folder().grade_scales())
"""What the shipped templates grade on: Ofsted's four grades, the default scale."""


def shipped_counts(counts: dict[str, int]) -> GradeCounts:
    """``counts`` (grade value -> number) read against the shipped scales."""
    return GradeCounts(counts, SHIPPED_GRADES)
