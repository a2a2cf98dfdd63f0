"""Plain data for multi-agency audits: partner auditors' invitations and the parts they return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from views.templates import Section


@dataclass(frozen=True)
class PartnerInvitation:
    """One private link sent to a partner agency's auditor."""

    agency: str
    partner_label: str
    """Who it was sent to: a work email or a description, never a child."""
    sent_at: datetime
    expires_at: datetime
    returned_at: datetime | None

    def state(self, now: datetime) -> str:
        """returned / waiting / expired"""
        if self.returned_at is not None:
            return "returned"
        return "waiting" if self.expires_at > now else "expired"


@dataclass(frozen=True)
class ReturnedPart:
    """One partner agency's answers, with the questions they answered."""

    agency: str
    partner_label: str
    submitted_at: datetime
    sections: tuple[Section, ...]
    answers: dict[str, Any]
    after_submission: bool = False
    """The council's auditor had already submitted the audit when it came back."""


@dataclass(frozen=True)
class PartnerParts:
    """Every agency's part of one multi-agency audit, as the council's auditor sees it."""

    agencies: tuple[str, ...]
    """The partner agencies the template has a part for, in its order."""
    invitations: tuple[PartnerInvitation, ...]
    returned: tuple[ReturnedPart, ...]
    now: datetime
    can_invite: bool = False
    """Whether the person looking may send more invitations (the auditor, while the audit is open)."""

    @property
    def not_returned(self) -> tuple[str, ...]:
        """Agencies whose part nobody has sent back yet (invited or not)."""
        answered = {part.agency for part in self.returned}
        return tuple(agency for agency in self.agencies if agency not in answered)

    def invitations_for(self, agency: str) -> tuple[PartnerInvitation, ...]:
        return tuple(i for i in self.invitations if i.agency == agency)


@dataclass(frozen=True)
class PartnerLinkCreated:
    """A new link, shown once to the council's auditor to send through secure email."""

    assignment_id: int
    url: str
    case_ref: str
    agency: str
    partner_label: str
    expires_at: datetime


@dataclass(frozen=True)
class PartnerForm:
    """What a partner's page asks: their agency's part of the audit's template."""

    title: str
    agency: str
    sections: tuple[Section, ...]
