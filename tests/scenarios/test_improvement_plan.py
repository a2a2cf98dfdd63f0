"""The improvement plan through the whole app: the command, the form, the refusals, the CLI."""

from __future__ import annotations

import asyncio
import json
from datetime import date

from sqlalchemy import select
from typer.testing import CliRunner

from cards import verbs
from qop.cli import cli
from storage.models import AccessLogEntry, Action, ImprovementPlanChange, RoleAssignment, ServiceArea
from tests.scenarios.conftest import BotHarness
from tests.support import activities as a
from tests.support.action_org import make_org
from tests.support.cards import button_data

QA_HEAD = a.user(6, name="Quinn Adams")
HEAD = a.user(4, name="Omar Hassan")
PRACTITIONER = a.user(1, name="Priya Shah")


def _text(card: dict) -> str:  # type: ignore[type-arg]
    return json.dumps(card, ensure_ascii=False)


async def _invoke(harness: BotHarness, sender: dict, verb: str, data: dict, chat: int) -> dict:  # type: ignore[type-arg]
    body = await harness.send(
        a.card_action(harness.service_url, verb, data, sender=sender, conversation=a.personal_chat(chat))
    )
    assert body["statusCode"] == 200
    return body["value"]


async def _command(harness: BotHarness, sender: dict, text: str, chat: int) -> dict:  # type: ignore[type-arg]
    await harness.send(a.message(harness.service_url, text, sender=sender, conversation=a.personal_chat(chat)))
    return harness.connector.in_conversation(f"a:personal-{chat}")[-1].cards[0]


async def test_the_qa_head_of_service_builds_the_plan_from_cards_and_a_head_of_service_updates_it(
    harness: BotHarness, sessions, database_url: str, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    org = await make_org(sessions, teams_ids=True)
    async with sessions() as session, session.begin():
        area = await session.scalar(select(ServiceArea))
        session.add(RoleAssignment(person_id=org.qa_lead, role="qa_head_of_service"))
        session.add(RoleAssignment(person_id=org.other_manager, role="head_of_service", service_area_id=area.id))
        session.add(
            Action(
                source="qim",
                description="Refresh the direct work training",
                owner_id=org.manager,
                due_date=date(2026, 3, 31),
            )
        )
    async with sessions() as session:
        action_id = await session.scalar(select(Action.id))

    refused = await _command(harness, PRACTITIONER, "improvement plan", chat=1)
    assert "improvement plan is for the QIM's members" in _text(refused)

    plan = await _command(harness, QA_HEAD, "improvement plan", chat=6)
    assert "There are no priorities in the plan yet." in _text(plan)
    form = await _invoke(harness, QA_HEAD, verbs.IMPROVEMENT_NEW, button_data(plan, verbs.IMPROVEMENT_NEW), chat=6)
    assert "New priority" in _text(form)

    # No owner: the form comes back with the problem, and nothing is saved.
    entered = {"title": "The child's voice is heard in every plan", "rationale": "Audits and practice days."}
    again = await _invoke(
        harness, QA_HEAD, verbs.IMPROVEMENT_SAVE, {**button_data(form, verbs.IMPROVEMENT_SAVE), **entered}, chat=6
    )
    assert "A priority needs an owner" in _text(again) and "Audits and practice days." in _text(again)

    saved = await _invoke(
        harness,
        QA_HEAD,
        verbs.IMPROVEMENT_SAVE,
        {
            **button_data(again, verbs.IMPROVEMENT_SAVE),
            **entered,
            "owner_email": "Maya@council.example.gov.uk",
            "milestone": "Direct work toolkit launched",
            "milestone_due": "2026-02-27",
            "action_ids": f"#{action_id}",
        },
        chat=6,
    )
    assert "Added to the plan" in _text(saved) and "Maya Patel" in _text(saved)
    assert "Refresh the direct work training" in _text(saved)

    plan = await _command(harness, HEAD, "improvement plan", chat=4)
    edit = await _invoke(harness, HEAD, verbs.IMPROVEMENT_EDIT, button_data(plan, verbs.IMPROVEMENT_EDIT), chat=4)
    assert "Update: The child's voice is heard in every plan" in _text(edit)
    updated = await _invoke(
        harness,
        HEAD,
        verbs.IMPROVEMENT_SAVE,
        {
            **button_data(edit, verbs.IMPROVEMENT_SAVE),
            **entered,
            "owner_email": "maya@council.example.gov.uk",
            "impact_evidence": "Audits show the child's views in 80% of plans by Q4.",
            "status": "active",
        },
        chat=4,
    )
    assert "Saved:" in _text(updated)
    history = await _invoke(
        harness, HEAD, verbs.IMPROVEMENT_HISTORY, button_data(updated, verbs.IMPROVEMENT_HISTORY), chat=4
    )
    assert "Quinn Adams: created" in _text(history) and "Omar Hassan: updated" in _text(history)
    assert "evidence of impact" in _text(history)

    async with sessions() as session:
        changes = list(await session.scalars(select(ImprovementPlanChange).order_by(ImprovementPlanChange.id)))
        refusals = list(
            await session.scalars(select(AccessLogEntry).where(AccessLogEntry.actor_id == org.practitioner))
        )
    assert [(c.change, c.changed_by_id) for c in changes] == [("created", org.qa_lead), ("updated", org.other_manager)]
    assert refusals == [], "reading the plan is refused without a record of anything shown"

    monkeypatch.setenv("DATABASE_URL", database_url)
    # The CLI runs its own event loop, so it runs in a thread of its own here.
    shown = await asyncio.to_thread(CliRunner().invoke, cli, ["plan", "show"], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert "1. The child's voice is heard in every plan" in shown.output
    assert "Maya Patel <maya@council.example.gov.uk>" in shown.output
    assert "milestone: Direct work toolkit launched (late 2026-02-27)" in shown.output  # the CLI runs on the real clock
    assert f"action #{action_id}: Refresh the direct work training" in shown.output
    trail = await asyncio.to_thread(CliRunner().invoke, cli, ["plan", "history", str(changes[0].priority_id)])
    assert trail.exit_code == 0 and "Omar Hassan: updated" in trail.output
    unknown = await asyncio.to_thread(CliRunner().invoke, cli, ["plan", "history", "4242"])
    assert unknown.exit_code == 2 and "no priority number 4242" in unknown.output
