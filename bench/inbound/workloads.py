"""The activities the bench posts: as Teams sends them, from the demo's Alex Wilber in a 1:1 chat.

Alex (the playground's user in ``deploy/demo/organisation.yaml``) is the auditor of the demo audit
on case LCS204117 (``services/demo_audits.py``). "Save draft" is ``audit.save`` with the first
page's answers (``bot/handlers/audits.py``, ``cards/verbs.py``); Teams merges the card's inputs
into the action's data, so the answers sit beside ``assignment_id`` and ``page``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cards import verbs
from tests.support import activities

ALEX = {"id": "29:bench-alex", "name": "Alex Wilber", "aadObjectId": "00000000-0000-0000-0000-0000000000020"}
ALEX_CHAT = {"id": "a:bench-alex", "conversationType": "personal", "tenantId": activities.TENANT_ID}
DEMO_AUDIT_CASE = "LCS204117"
FIRST_PAGE_ANSWERS = {
    "referral_decided_in_time": "yes",
    "referral_consent_recorded": "partly",
    "referral_manager_rationale": "yes",
    "referral_grade": "good",
}


@dataclass(frozen=True)
class Workload:
    key: str
    """The short name ``--workload`` takes."""
    name: str
    build: Callable[[str, int], dict[str, Any]]
    """(service URL, demo assignment id) -> a fresh activity."""
    writes: bool
    """Every turn of it leaves one audit change in the access log (checked after the run)."""
    replies: bool
    """Every turn of it sends one reply through the Bot Connector (checked after the run)."""


def help_message(service_url: str, _assignment_id: int) -> dict[str, Any]:
    return activities.message(service_url, "help", conversation=ALEX_CHAT, sender=ALEX)


def save_draft(service_url: str, assignment_id: int) -> dict[str, Any]:
    """Action.Execute "Save draft": an invoke, answered with the page card in the HTTP response."""
    data = {"assignment_id": assignment_id, "page": 0, **FIRST_PAGE_ANSWERS}
    return activities.card_action(service_url, verbs.AUDIT_SAVE, data, conversation=ALEX_CHAT, sender=ALEX)


def submit_save_draft(service_url: str, assignment_id: int) -> dict[str, Any]:
    """The same save as an Action.Submit (what older clients send): a message carrying the card's
    values and no text, answered with a new card through the Bot Connector."""
    activity = activities.message(service_url, "", conversation=ALEX_CHAT, sender=ALEX)
    del activity["text"]
    activity["value"] = {"verb": verbs.AUDIT_SAVE, "assignment_id": assignment_id, "page": 0, **FIRST_PAGE_ANSWERS}
    return activity


WORKLOADS = (
    Workload("help", "help", help_message, writes=False, replies=True),
    Workload("execute", "save draft (Action.Execute)", save_draft, writes=True, replies=False),
    Workload("submit", "save draft (Action.Submit)", submit_save_draft, writes=True, replies=True),
)


def chosen(keys: list[str] | None) -> tuple[Workload, ...]:
    """The workloads named by ``keys`` (in the usual order), or all of them for None."""
    return tuple(workload for workload in WORKLOADS if not keys or workload.key in keys)
