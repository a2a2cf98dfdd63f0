"""The quarterly QIM report: the workbook read back with openpyxl, and the signed page link."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.clock import FrozenClock
from services.container import Services
from services.digest.report import render_html, write_workbook
from services.digest.report_links import LinkRefused
from services.errors import NotAllowed
from storage.models import AccessLogEntry, Person
from tests.services.test_digest_figures import seed
from tests.support.action_org import make_org


async def test_the_workbook_holds_the_quarter_s_numbers(
    services: Services, sessions: async_sessionmaker[AsyncSession], clock: FrozenClock, tmp_path: Path
) -> None:
    clock.set(datetime(2026, 4, 8, 9, tzinfo=UTC))
    org = await make_org(sessions)
    await seed(sessions, org)
    report = await services.digests.quarterly("team", "Riverside Locality Team", "2026Q1", actor=None)
    path = tmp_path / "qim.xlsx"
    write_workbook(report, path)

    book = load_workbook(path)
    assert book.sheetnames == [
        "What we know",
        "Audits",
        "Grades",
        "Trend",
        "Moderation",
        "Moderation group",
        "Signs of Safety",
        "Feedback",
        "Multi-agency",
        "Practice observations",
        "Actions",
        "QA calendar",
        "Audit types",
        "Meaningful Measures",
        "How we know",
        "Our plans",
        "Service-level actions",
        "Assurance trail",
    ]
    assert book["What we know"]["A2"].value == "What do we know about the quality and impact of practice?"
    audits = {row[0]: row[1:] for row in book["Audits"].iter_rows(min_row=5, values_only=True)}
    # Planned (by due date): 14 due 27 March + 11 due 20 March (the one due 2 April is Q2's).
    # Completed: 12 + 11 + the Monday 30 March 00:30 BST one, still Q1 in local time.
    assert audits["Riverside Locality Team"][:2] == (25, 24)
    grades = {row[0]: row[1:] for row in book["Grades"].iter_rows(min_row=5, values_only=True)}
    # Overall this quarter: outstanding 2, good 5 + 6, RI 4 + 5, inadequate 1 + 1 (after moderation)
    assert grades["Overall"][:4] == ("fewer than 5", 11, 9, "fewer than 5")
    assert grades["Overall"][4] == round(100 * 13 / 24, 1)
    trend = list(book["Trend"].iter_rows(min_row=5, values_only=True))
    assert [row[0] for row in trend] == ["2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1"]
    assert trend[-1][1] == 24 and trend[0][1] == 0
    calendar = {row[:2]: row[2:] for row in book["QA calendar"].iter_rows(min_row=5, values_only=True)}
    # Riverside's report: its manager's supervision and its area's clinics, nothing recorded (nor service-wide rows).
    assert calendar[("Maya Patel's supervision", "Supervision")] == (0, 0, 3, 0, 0)
    assert calendar[("Children in Care (service area)", "Performance clinic")] == (0, 0, 3, 0, 0)
    assert not any(unit == "Service-wide" for unit, _ in calendar)
    feedback = {row[0]: row[1:] for row in book["Feedback"].iter_rows(min_row=5, values_only=True)}
    assert feedback["family-parent-carer"] == (6, 7.0)
    async with sessions() as session:
        exports = list(await session.scalars(select(AccessLogEntry).where(AccessLogEntry.record_type == "qim_report")))
    assert [(e.action, e.record_id) for e in exports] == [("export", "2026Q1")]

    page = render_html(report)
    assert "<svg" in page and "http" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "What are our plans?" in page


async def test_the_signed_link_is_for_the_qa_lead_only_and_expires(
    services: Services, sessions: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    clock.set(datetime(2026, 4, 8, 9, tzinfo=UTC))
    org = await make_org(sessions, teams_ids=True)
    await seed(sessions, org)
    url, expires, quarter = await services.digests.report_link(
        actor_id="29:user-6", quarter=None, scope=None, name=None
    )
    assert quarter == "2026Q1" and expires == clock.now() + timedelta(minutes=30)
    token = url.split("t=", 1)[1]
    report = await services.digests.open_report(token)
    assert report.digest.current.audits_completed == 27  # every team, the whole quarter
    with pytest.raises(LinkRefused):
        await services.digests.open_report(token[:-1] + ("0" if token[-1] != "0" else "1"))
    with pytest.raises(NotAllowed):
        await services.digests.report_link(actor_id="29:user-2", quarter="2026Q1", scope=None, name=None)
    async with sessions() as session, session.begin():
        from storage.models import RoleAssignment

        qa = await session.scalar(select(Person).where(Person.teams_user_id == "29:user-6"))
        for assignment in await session.scalars(select(RoleAssignment).where(RoleAssignment.person_id == qa.id)):  # type: ignore[union-attr]
            await session.delete(assignment)
    with pytest.raises(NotAllowed):
        await services.digests.open_report(token)  # no longer the QA lead: the link dies with the role
    clock.advance(timedelta(minutes=31))
    with pytest.raises(LinkRefused):
        await services.digests.open_report(token)
    async with sessions() as session:
        views = list(await session.scalars(select(AccessLogEntry).where(AccessLogEntry.action == "view")))
    assert len(views) == 1 and views[0].actor_id == qa.id  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("role", "opens"),
    [
        ("service_director", True),
        ("head_of_service", True),
        ("qa_head_of_service", True),
        ("principal_social_worker", True),
        ("performance_analyst", True),
        ("client_relations", True),
        ("iro_manager", False),
        ("practice_champion", False),
        ("moderator", False),
    ],
)
async def test_the_qim_s_members_open_the_report_by_role_and_others_are_refused_on_record(
    services: Services, sessions: async_sessionmaker[AsyncSession], clock: FrozenClock, role: str, opens: bool
) -> None:
    from storage.models import RoleAssignment, ServiceArea

    clock.set(datetime(2026, 4, 8, 9, tzinfo=UTC))
    org = await make_org(sessions, teams_ids=True)
    async with sessions() as session, session.begin():
        area = await session.scalar(select(ServiceArea))
        area_id = area.id if role == "head_of_service" else None  # type: ignore[union-attr]
        session.add(RoleAssignment(person_id=org.outsider, role=role, service_area_id=area_id))
    if not opens:
        with pytest.raises(NotAllowed, match="members of the Quality Improvement Meeting"):
            await services.digests.report_link(actor_id="29:user-5", quarter="2026Q1", scope=None, name=None)
        async with sessions() as session:
            [entry] = list(await session.scalars(select(AccessLogEntry).where(AccessLogEntry.action == "refused")))
        assert (entry.actor_id, entry.record_type, entry.detail) == (org.outsider, "qim_report", {"via": "teams"})
        return
    url, _, _ = await services.digests.report_link(actor_id="29:user-5", quarter="2026Q1", scope=None, name=None)
    report = await services.digests.open_report(url.split("t=", 1)[1])
    assert report.digest.period.key == "2026Q1"
    async with sessions() as session:
        entries = list(await session.scalars(select(AccessLogEntry).where(AccessLogEntry.record_type == "qim_report")))
    assert [(e.action, e.actor_id) for e in entries] == [("view", org.outsider)]


async def test_a_link_whose_holder_left_the_qim_is_refused_and_the_refusal_logged(
    services: Services, sessions: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    from storage.models import RoleAssignment

    clock.set(datetime(2026, 4, 8, 9, tzinfo=UTC))
    org = await make_org(sessions, teams_ids=True)
    async with sessions() as session, session.begin():
        session.add(RoleAssignment(person_id=org.outsider, role="performance_analyst"))
    url, _, _ = await services.digests.report_link(actor_id="29:user-5", quarter="2026Q1", scope=None, name=None)
    async with sessions() as session, session.begin():
        for assignment in await session.scalars(select(RoleAssignment).where(RoleAssignment.person_id == org.outsider)):
            await session.delete(assignment)
    with pytest.raises(NotAllowed):
        await services.digests.open_report(url.split("t=", 1)[1])
    async with sessions() as session:
        entries = list(await session.scalars(select(AccessLogEntry).where(AccessLogEntry.record_type == "qim_report")))
    assert [(e.action, e.actor_id, e.detail.get("via")) for e in entries] == [("refused", org.outsider, "link")]
