"""The family's view inside an audit, as plain data: what the family said (through a private
link, or answered together on the card), why they could not give it, and the links still waiting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from views.templates import Template

WHO_TEMPLATES = {
    "parent_carer": "audit-family-feedback",
    "young_person": "family-young-person",
    "child_8_12": "family-child-8-12",
    "child_under_8": "family-child-under-8",
}
"""Who gives the family's view -> the age-appropriate form they answer."""
LINK_WHO = ("parent_carer", "young_person")
"""Who can be sent a private link (younger children answer with an adult beside them)."""
NO_VOICE_REASONS = ("declined", "not_safe", "not_reached")

FAMILY_VIEW_QUESTION = "family_view"
"""The one-choice "Did the child or family give their view?" of the standard audit's versions 1
and 2: on an audit with the family step it is never asked, but taken from the step
(``FamilyVoice.view_given``), so the two cannot disagree."""
"""Why an audit may be completed without the family's view."""


@dataclass(frozen=True)
class FamilyAnswer:
    """One set of the family's answers counted for the audit."""

    template: Template
    answers: dict[str, Any]
    channel: str
    """'link' (a private link or QR code) or 'with_worker' (answered together on the card)."""
    submitted_at: datetime
    late: bool = False
    """Arrived after the audit was submitted: kept and shown, marked late."""


@dataclass(frozen=True)
class WaitingLink:
    """A private link sent for the audit that nobody has answered yet."""

    template_title: str
    expires_at: datetime


@dataclass(frozen=True)
class NewLink:
    """A link made just now: its address exists only on this card (qop keeps only its hash)."""

    url: str
    template_title: str
    expires_at: datetime


@dataclass(frozen=True)
class FamilyVoice:
    """Everything an audit card shows about the family's view."""

    answers: tuple[FamilyAnswer, ...] = ()
    reason: str | None = None
    """declined / not_safe / not_reached, when the family's view could not be had."""
    tries: int | None = None
    """How many times the family was tried, for 'not_reached'."""
    waiting: tuple[WaitingLink, ...] = ()
    new_link: NewLink | None = None

    @property
    def heard(self) -> bool:
        """The family gave their view (late answers count too: they are the family's words)."""
        return bool(self.answers)

    @property
    def settled(self) -> bool:
        """The audit may be submitted: the family was heard, or why not is recorded."""
        return self.heard or self.reason is not None

    @property
    def view_given(self) -> str | None:
        """The family step as the old one-choice question's answer: heard together (yes, spoke with
        them) or by their own form (yes, written feedback); else declined, or not possible for any
        other recorded reason; None while neither is in."""
        if self.answers:
            together = any(answer.channel == "with_worker" for answer in self.answers)
            return "spoke_with_family" if together else "written_feedback"
        if self.reason is None:
            return None
        return "declined" if self.reason == "declined" else "not_possible"


@dataclass(frozen=True)
class TogetherForm:
    """The family's form opened on the audit card, to answer together now."""

    assignment_id: int
    case_ref: str
    who: str
    template: Template
    page: int
    for_practitioner: bool = False
    values: dict[str, Any] | None = None
    problems: dict[str, str] | None = None
