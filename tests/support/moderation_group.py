"""Helpers for moderation group tests: the audit organisation with the group's members, and
audits carried out and submitted the ordinary way (every page answered, then submitted)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.container import Services
from services.templates import TemplateLibrary
from storage.models import Person, Role, RoleAssignment
from tests.support.audits import AuditOrg, family_declined, make_audit_org, send_reflection, valid_answers

STANDARD = TemplateLibrary.from_folder().get("standard-collaborative-audit")
AUDITOR, QA_LEAD = "29:user-4", "29:user-6"
HEAD_OF_SERVICE, PSW, IRO_MANAGER = "29:user-8", "29:user-9", "29:user-10"
PRIYA, OMAR = "priya@council.example.gov.uk", "omar@council.example.gov.uk"


@dataclass(frozen=True)
class GroupOrg:
    audit_org: AuditOrg
    head_of_service: int
    psw: int
    iro_manager: int

    @property
    def qa_lead(self) -> int:
        return self.audit_org.org.qa_lead

    @property
    def auditor(self) -> int:
        return self.audit_org.auditor

    @property
    def practitioner(self) -> int:
        return self.audit_org.org.practitioner


async def make_group_org(sessions: async_sessionmaker[AsyncSession]) -> GroupOrg:
    """The audit organisation (Teams users 1-7) plus the framework's group: Hana Reed, Head of
    Service (29:user-8); Pat Kemp, Principal Social Worker (9); Ira Cole, IRO manager (10)."""
    audit_org = await make_audit_org(sessions)
    async with sessions() as session, session.begin():
        ids = []
        for number, name, role in (
            (8, "Hana Reed", Role.HEAD_OF_SERVICE),
            (9, "Pat Kemp", Role.PRINCIPAL_SOCIAL_WORKER),
            (10, "Ira Cole", Role.IRO_MANAGER),
        ):
            person = Person(
                display_name=name,
                email=f"{name.split()[0].lower()}@council.example.gov.uk",
                in_organisation=True,
                teams_user_id=f"29:user-{number}",
            )
            session.add(person)
            await session.flush()
            session.add(RoleAssignment(person_id=person.id, role=role.value))
            ids.append(person.id)
    return GroupOrg(audit_org, *ids)


async def submitted_audits(services: Services, count: int, *, first: int = 1) -> list[int]:
    """``count`` audits of Priya's cases (LCS1000NN) by Omar, each answered page by page (the family
    declined to give their view), reflected on by Priya and submitted; the assessment stage is
    graded Outstanding, the rest (and overall) Good."""
    header = "case_ref,team,practitioner,auditor\n"
    rows = "".join(f"LCS1000{n:02d},Riverside Locality Team,{PRIYA},{OMAR}\n" for n in range(first, first + count))
    report = await services.audits.rounds.start_round_from_csv(
        template_id=STANDARD.id, due_date=services.audits.context.today(), csv_text=header + rows, actor_id=None
    )
    today = services.audits.context.today()
    for assignment_id in report.created:
        for page, section in enumerate(STANDARD.sections):
            data = valid_answers(section, today, grade="outstanding" if page == 2 else "good")
            await services.audits.answering.save_page(AUDITOR, assignment_id, page=page, data=data, move="next")
        await family_declined(services.audits, AUDITOR, assignment_id)
        await send_reflection(services.audits, assignment_id)
        await services.audits.submission.submit(
            AUDITOR, assignment_id, data={}, idempotency_key=f"audit-{assignment_id}"
        )
    return list(report.created)
