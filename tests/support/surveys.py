"""Test data shared by the survey tests (services and scenarios)."""

from __future__ import annotations

# One complete answer to the staff pulse survey, as a card submit carries it (every question
# answered, no comment: tests add "one_thing" where they need one).
PULSE = {
    "workload": "agree",
    "supervision_hours": "at_least_1_5h",
    "supervision_quality": "strongly_agree",
    "wellbeing": "neither",
    "cpd": "agree",
    "consulted": "disagree",
    "manager_access": "agree",
    "improves_safety": "strongly_agree",
    "overall": "7",
}
