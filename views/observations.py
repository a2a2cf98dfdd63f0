"""Read models for practice observations and group supervision / mapping, shared by cards and services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from views.templates import Template

CONSENT_INPUT = "consent"
"""The multi-select on the observation card: who consented (values below)."""
CONSENT_PRACTITIONER = "practitioner"
CONSENT_FAMILY = "family"
CASE_INPUT = "case_ref"
SUBMISSION_KEY = "submission_key"
PRACTITIONER_INPUT = "practitioner"

MAPPING_KINDS: dict[str, str] = {
    "mapping": "Signs of Safety mapping",
    "group_supervision": "Group supervision",
}
"""Meeting kind -> label; keys are what is stored."""
MAPPING_QUESTIONS = ("worried_about", "working_well", "needs_to_happen")
"""The three Signs of Safety questions, as input ids and stored column names."""
MAX_MAPPING_ACTIONS = 3


def scale_id(person_id: int) -> str:
    """Input id of an attendee's scale on the mapping card."""
    return f"scale_{person_id}"


def rationale_input_id(person_id: int) -> str:
    """Input id of an attendee's rationale for their scale."""
    return f"rationale_{person_id}"


def mapping_action_ids(row: int) -> tuple[str, str, str]:
    """Input ids (description, owner, due date) of one action row on the mapping card."""
    return (f"action_{row}_description", f"action_{row}_owner", f"action_{row}_due")


@dataclass(frozen=True)
class Choice:
    """A person (or option) to pick on a card: stored value and the label shown."""

    value: str
    label: str


@dataclass(frozen=True)
class ObservationForm:
    """The observer's card: consent, the practitioner, the case reference and the template's questions."""

    template: Template
    practitioners: tuple[Choice, ...]
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    submission_key: str = ""
    """Travels with the card so a second click on Save finds the first observation."""


@dataclass(frozen=True)
class ObservationView:
    """A saved observation as its practitioner, their manager or its observer reads it."""

    id: int
    case_ref: str
    practitioner_name: str
    observer_name: str
    team_name: str
    observed_on: date
    template: Template
    answers: dict[str, Any]
    recorded_at: datetime
    reflection_template: Template | None = None
    reflection: dict[str, Any] | None = None
    reflected_at: datetime | None = None
    viewer_is_practitioner: bool = False

    @property
    def awaiting_reflection(self) -> bool:
        return self.reflection is None


@dataclass(frozen=True)
class ObservationReflectionForm:
    """The practitioner's reflection card on an observation of their practice."""

    observation: ObservationView
    template: Template
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ObservationThemes:
    """Counts for one team and month, for digests and reports: no names, no free text."""

    team_id: int | None
    month: date
    """The month's first day."""
    observations: int
    expectations_met: int
    """Expectations answered "yes" (seen in practice)."""
    expectations_partly: int
    expectations_not_met: int
    strengths: int
    development_points: int
    met_by_expectation: dict[str, int] = field(default_factory=dict)
    """Expectation question id -> how many observations saw it met."""


@dataclass(frozen=True)
class MappingForm:
    """The mapping card: first the meeting and its attendees, then (``scaling``) each attendee's scale and actions."""

    team_id: int
    team_name: str
    members: tuple[Choice, ...]
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    attendees: tuple[Choice, ...] = ()
    """Chosen attendees; when present the card asks for their scales."""
    today: date | None = None
    submission_key: str = ""
    """Travels with the card so a second click on Save finds the first meeting."""

    @property
    def scaling(self) -> bool:
        return bool(self.attendees)


@dataclass(frozen=True)
class AttendeeScale:
    name: str
    scale: int
    rationale: str


@dataclass(frozen=True)
class MappingActionLine:
    description: str
    owner_name: str
    due_date: date


@dataclass(frozen=True)
class MappingSummary:
    """A recorded meeting: the three questions, everyone's scale and the actions raised."""

    id: int
    kind: str
    case_ref: str
    team_name: str
    held_on: date
    worried_about: str
    working_well: str
    needs_to_happen: str
    scales: tuple[AttendeeScale, ...]
    actions: tuple[MappingActionLine, ...]
