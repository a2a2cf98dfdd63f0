"""What saving an audit page costs the database: the statements are counted, so a change that
adds a query to the busiest card action (Save draft) fails here and has to say why."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from services.clock import FrozenClock
from services.container import Services
from services.templates import TemplateLibrary
from tests.support.audits import make_audit_org, send_reflection, valid_answers
from views.audits import AuditPage

STANDARD = TemplateLibrary.from_folder().get("standard-collaborative-audit")
AUDITOR = "29:user-4"
"""Omar, the auditor in ``make_audit_org``."""
ROUND = "case_ref,team,practitioner,auditor\nLCS100001,Riverside Locality Team,priya@council.example.gov.uk,omar@council.example.gov.uk"

SAVE_DRAFT_STATEMENTS = [
    "SELECT",  # the assignment with its round, team, practitioner, auditor and reflection
    "SELECT",  # the auditor's roles, teams and areas (the person comes with the assignment)
    "SELECT",  # the family's answers, links still open and any reason for going without their view
    "INSERT",  # the access log entry
    "UPDATE",  # the draft (here only its saved-at time: the answers are those already saved)
]


@contextmanager
def statements_on(engine: AsyncEngine) -> Iterator[list[str]]:
    """The first word of every statement sent to the database meanwhile."""
    sent: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        sent.append(statement.split(None, 1)[0].upper())

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def test_saving_a_draft_page_takes_five_statements(
    recorded_services: Services, sessions, engine: AsyncEngine, clock: FrozenClock
) -> None:  # type: ignore[no-untyped-def]
    await make_audit_org(sessions)
    audits = recorded_services.audits
    report = await audits.rounds.start_round_from_csv(
        template_id=STANDARD.id, due_date=date(2026, 2, 13), csv_text=ROUND, actor_id=None
    )
    [assignment_id] = report.created
    await send_reflection(audits, assignment_id)
    answers = {"assignment_id": assignment_id, "page": 0, **valid_answers(STANDARD.sections[0], date(2026, 1, 12))}
    await audits.answering.save_page(AUDITOR, assignment_id, page=0, data=answers, move="save")
    clock.advance(timedelta(minutes=5))  # saved again later: the saved-at time changes

    with statements_on(engine) as sent:
        page = await audits.answering.save_page(AUDITOR, assignment_id, page=0, data=answers, move="save")

    assert isinstance(page, AuditPage) and page.notice is not None and page.reflection is not None
    assert page.family is not None, "the standard audit asks for the family's view: its reads are counted"
    assert sent == SAVE_DRAFT_STATEMENTS
