"""Multi-agency audits against real databases: the template's parts, partner auditors' private
links (single use, expiring, unforgeable), their parts stored against the audit, and the council
auditor seeing every part together."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, func, select

from cards import verbs
from cards.qim import pack_card
from services.audits.late import LateArrivals
from services.clock import FrozenClock
from services.container import Services
from services.digest.report import render_html, write_workbook
from services.errors import InvalidInput, NotAllowed
from services.feedback.links import LinkState, LinkUnusable
from services.templates import TemplateLibrary
from storage.models import AccessLogEntry, AuditAssignment, AuditSubmission, PartnerAuditLink, PartnerAuditPart
from tests.support.audits import late_arrival_cards, make_audit_org, send_reflection, valid_answers
from views.audits import AuditPage, SubmittedAudit
from views.templates import Agency, QuestionRole, Section

LIBRARY = TemplateLibrary.from_folder()
MULTI = LIBRARY.get("multi-agency-audit")
HEADER = "case_ref,team,practitioner,auditor\n"
PRIYA, OMAR = "priya@council.example.gov.uk", "omar@council.example.gov.uk"
AUDITOR, PRACTITIONER = "29:user-4", "29:user-1"


def partner_answers(sections: tuple[Section, ...] | list[Section]) -> dict[str, Any]:
    """What a careful partner auditor sends for their agency's part."""
    answers: dict[str, Any] = {}
    for section in sections:
        for question in section.questions:
            answers[question.id] = {
                "yes_partly_no_na": "partly",
                "single_choice": "good",
                "scale": "7",
                "free_text": "Health visiting and school shared worries at every review, which worked well.",
            }[question.type.value]
    return answers


def test_the_template_has_a_part_for_the_council_and_each_partner_agency() -> None:
    agencies = [s.agency for s in MULTI.sections]
    assert set(agencies) == set(Agency), "council, health, police and education each have a part"
    assert MULTI.partner_agencies == [Agency.HEALTH, Agency.POLICE, Agency.EDUCATION]
    own = MULTI.auditor_part()
    assert (own.id, own.version) == (MULTI.id, MULTI.version)
    assert {s.agency for s in own.sections} == {Agency.COUNCIL}
    for agency in MULTI.partner_agencies:
        part = MULTI.partner_sections(agency)
        assert part and all(q.fits_a_partner_page for s in part for q in s.questions)
        assert [q.role for s in part for q in s.questions].count(QuestionRole.KEY_FINDING) == 1
    assert MULTI.overall_grade_question is not None and MULTI.overall_grade_question in own.questions()


def test_a_partner_part_that_asks_for_a_date_or_evidence_is_refused_when_loaded() -> None:
    with pytest.raises(ValueError, match="partner"):
        Section.model_validate(
            {
                "id": "health_part",
                "title": "Health",
                "agency": "health",
                "questions": [{"id": "seen_on", "type": "date", "text": "When?"}],
            }
        )


async def _multi_agency_audit(services: Services) -> int:
    report = await services.audits.rounds.start_round_from_csv(
        template_id=MULTI.id,
        due_date=date(2026, 3, 13),
        csv_text=HEADER + f"LCS400001,Riverside Locality Team,{PRIYA},{OMAR}\n",
        actor_id=None,
    )
    [assignment_id] = report.created
    return assignment_id


def _token(url: str) -> str:
    return url.rsplit("/partner/", 1)[1]


async def _count(sessions: Any, model: type) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_partners_complete_their_parts_and_the_auditor_sees_every_part_together(
    services: Services, sessions: Any
) -> None:
    org = await make_audit_org(sessions)
    assignment_id = await _multi_agency_audit(services)
    audits = services.audits
    health = await audits.partners.invite(AUDITOR, assignment_id, agency="health", partner_label="hv@nhs.example.net")
    police = await audits.partners.invite(AUDITOR, assignment_id, agency="Police", partner_label="MASH sergeant")
    assert health.url.startswith(services.base_url + "/partner/") and health.case_ref == "LCS400001"
    assert (police.agency, police.partner_label) == ("police", "MASH sergeant")

    state, form, _ = await audits.partners.open_link(_token(health.url))
    assert state is LinkState.OPEN and form is not None and form.agency == "health"
    assert [s.id for s in form.sections] == ["health_part"]
    await audits.partners.submit(_token(health.url), partner_answers(form.sections))

    first = await audits.answering.open_audit(AUDITOR, assignment_id)
    assert isinstance(first, AuditPage) and first.partners is not None
    assert [s.agency for s in first.template.sections] == [Agency.COUNCIL] * 3, "the auditor answers the council's part"
    parts = first.partners
    assert parts.can_invite and parts.not_returned == ("police", "education")
    [returned] = parts.returned
    assert (returned.agency, returned.partner_label) == ("health", "hv@nhs.example.net")
    assert returned.answers["health_scale"] == 7 and returned.answers["health_role_clear"] == "partly"
    assert returned.submitted_at == services.clock.now()
    assert [i.state(parts.now) for i in parts.invitations] == ["returned", "waiting"]

    today = services.clock.now().date()
    for page, section in enumerate(first.template.sections):
        await audits.answering.save_page(
            AUDITOR, assignment_id, page=page, data=valid_answers(section, today), move="next"
        )
    actions_page = len(first.template.sections)
    review = await audits.answering.save_page(AUDITOR, assignment_id, page=actions_page, data={}, move="next")
    assert isinstance(review, AuditPage) and review.is_review_page and review.partners is not None
    assert len(review.partners.returned) == 1
    await send_reflection(audits, assignment_id)
    submitted = await audits.submission.submit(AUDITOR, assignment_id, data={}, idempotency_key=review.submission_key)
    assert isinstance(submitted, SubmittedAudit), submitted
    assert submitted.partners is not None and submitted.partners.not_returned == ("police", "education")
    assert not submitted.partners.can_invite
    async with sessions() as session:
        stored = await session.scalar(select(AuditSubmission))
        logged = set(await session.scalars(select(AccessLogEntry.record_type)))
    assert stored is not None and "health_scale" not in stored.answers and stored.answers["overall_grade"] == "good"
    assert {"partner audit link", "partner audit part"} <= logged

    # A partner who answers after the audit was submitted is not lost: the part is kept and marked.
    services.clock.advance(timedelta(hours=2))  # type: ignore[attr-defined]
    _, police_form, _ = await audits.partners.open_link(_token(police.url))
    assert police_form is not None
    await audits.partners.submit(_token(police.url), partner_answers(police_form.sections))
    reread = await audits.answering.open_audit(AUDITOR, assignment_id)
    assert isinstance(reread, SubmittedAudit) and reread.partners is not None
    assert [(p.agency, p.after_submission) for p in reread.partners.returned] == [("health", False), ("police", True)]
    assert reread.partners.not_returned == ("education",)

    # Only the late part tells the auditor, once: a card naming the agency, opening the read-only audit.
    [(person, key, shown)] = await late_arrival_cards(sessions)
    assert person == org.auditor and key.startswith(f"audit-{assignment_id}-late-partner-")
    assert "LCS400001" in shown and "Police's part arrived after the audit was submitted" in shown
    assert verbs.AUDIT_VIEW in shown and "MASH sergeant" not in shown
    [part_id] = [p.id for p in await _parts(sessions) if p.agency == "police"]
    await LateArrivals(audits.context).partner_part_arrived(assignment_id, part_id, "police")
    assert len(await late_arrival_cards(sessions)) == 1, "once per arrival"


async def test_a_reused_forged_or_expired_link_changes_nothing(services: Services, sessions: Any) -> None:
    await make_audit_org(sessions)
    assignment_id = await _multi_agency_audit(services)
    partners = services.audits.partners
    used = await partners.invite(AUDITOR, assignment_id, agency="education", partner_label="School DSL")
    answers = partner_answers(MULTI.partner_sections(Agency.EDUCATION))
    await partners.submit(_token(used.url), answers)

    with pytest.raises(LinkUnusable) as again:
        await partners.submit(_token(used.url), answers)
    assert again.value.state is LinkState.USED
    assert (await partners.open_link(_token(used.url)))[0] is LinkState.USED

    forged = _token(used.url)[:-2] + ("AB" if not used.url.endswith("AB") else "CD")
    for token in (forged, "not-a-token", "x" * 43):
        with pytest.raises(LinkUnusable) as unknown:
            await partners.submit(token, answers)
        assert unknown.value.state is LinkState.UNKNOWN
        assert (await partners.open_link(token))[0] is LinkState.UNKNOWN

    late = await partners.invite(AUDITOR, assignment_id, agency="police", partner_label="DS on the MASH desk")
    services.clock.advance(timedelta(days=14, seconds=1))  # type: ignore[attr-defined]
    assert (await partners.open_link(_token(late.url)))[0] is LinkState.EXPIRED
    with pytest.raises(LinkUnusable) as expired:
        await partners.submit(_token(late.url), partner_answers(MULTI.partner_sections(Agency.POLICE)))
    assert expired.value.state is LinkState.EXPIRED
    assert await _count(sessions, PartnerAuditPart) == 1


async def test_answers_that_need_another_look_keep_the_link_usable(services: Services, sessions: Any) -> None:
    await make_audit_org(sessions)
    assignment_id = await _multi_agency_audit(services)
    partners = services.audits.partners
    link = await partners.invite(AUDITOR, assignment_id, agency="health", partner_label="GP safeguarding lead")
    answers = partner_answers(MULTI.partner_sections(Agency.HEALTH))
    answers["health_scale"] = "11"
    answers["health_key_finding"] = "Call the school on 01632 960 123 before the review."
    with pytest.raises(InvalidInput) as invalid:
        await partners.submit(_token(link.url), answers)
    problems = invalid.value.field_errors
    assert any("0" in message and "10" in message for message in problems.values()), problems
    assert any("phone" in message for message in problems.values()), problems
    assert await _count(sessions, PartnerAuditPart) == 0
    assert (await partners.open_link(_token(link.url)))[0] is LinkState.OPEN


async def test_only_the_auditor_invites_and_only_for_an_open_multi_agency_audit(
    services: Services, sessions: Any
) -> None:
    await make_audit_org(sessions)
    assignment_id = await _multi_agency_audit(services)
    partners = services.audits.partners
    with pytest.raises(NotAllowed):
        await partners.invite(PRACTITIONER, assignment_id, agency="health", partner_label="hv@nhs.example.net")
    with pytest.raises(InvalidInput) as council:
        await partners.invite(AUDITOR, assignment_id, agency="council", partner_label="hv@nhs.example.net")
    assert "Health, Police, Education" in str(council.value.field_errors)
    with pytest.raises(InvalidInput) as personal:
        await partners.invite(AUDITOR, assignment_id, agency="health", partner_label="born 03/04/2015")
    assert "date of birth" in str(personal.value.field_errors)
    with pytest.raises(InvalidInput):
        await partners.invite(AUDITOR, assignment_id, agency="health", partner_label="   ")

    standard = await services.audits.rounds.start_round_from_csv(
        template_id="standard-collaborative-audit",
        due_date=date(2026, 3, 13),
        csv_text=HEADER + f"LCS400002,Riverside Locality Team,{PRIYA},{OMAR}\n",
        actor_id=None,
    )
    with pytest.raises(InvalidInput) as not_multi:
        await partners.invite(AUDITOR, standard.created[0], agency="health", partner_label="GP")
    assert "multi-agency" in not_multi.value.user_message
    assert await _count(sessions, PartnerAuditLink) == 0


async def test_the_qim_report_shares_the_key_multi_agency_findings(
    services: Services, sessions: Any, tmp_path: Path, clock: FrozenClock
) -> None:
    await make_audit_org(sessions)
    assignment_id = await _multi_agency_audit(services)
    audits = services.audits
    link = await audits.partners.invite(AUDITOR, assignment_id, agency="health", partner_label="GP safeguarding lead")
    health = partner_answers(MULTI.partner_sections(Agency.HEALTH))
    health["health_key_finding"] = "Invitations to reviews should go to the named health visitor, not a team inbox."
    await audits.partners.submit(_token(link.url), health)
    await audits.partners.invite(AUDITOR, assignment_id, agency="police", partner_label="MASH sergeant")
    own = MULTI.auditor_part()
    today = services.clock.now().date()
    for page, section in enumerate(own.sections):
        data = valid_answers(section, today)
        if section.id == "partnership_overall":
            data["multi_agency_key_finding"] = "The plan worked because every agency gave a scale at each review."
        await audits.answering.save_page(AUDITOR, assignment_id, page=page, data=data, move="next")
    review = await audits.answering.save_page(AUDITOR, assignment_id, page=len(own.sections), data={}, move="next")
    assert isinstance(review, AuditPage)
    await send_reflection(audits, assignment_id)
    await audits.submission.submit(AUDITOR, assignment_id, data={}, idempotency_key=review.submission_key)

    report = await services.digests.quarterly("service", None, "2026Q1", actor=None)
    section = report.multi_agency
    assert report.digest.current.audits_completed == 0, "its grades stay out of the standard audits' figures"
    [multi_figures] = [f for f in report.digest.other_audit_types if f.audit_type == "multi_agency"]
    assert multi_figures.now.audits_completed == 1
    assert section is not None and section.audits == 1
    assert {(p.agency, p.invited, p.returned) for p in section.agencies} == {
        ("health", 1, 1),
        ("police", 1, 0),
        ("education", 0, 0),
    }
    assert section.findings == [
        ("council", "The plan worked because every agency gave a scale at each review."),
        ("health", "Invitations to reviews should go to the named health visitor, not a team inbox."),
    ]
    path = tmp_path / "qim.xlsx"
    write_workbook(report, path)
    rows = [row[0] for row in load_workbook(path)["Multi-agency"].iter_rows(min_row=4, values_only=True)]
    assert "Health: Invitations to reviews should go to the named health visitor, not a team inbox." in rows
    assert "Multi-agency audits submitted this quarter" in rows
    page = render_html(report)
    assert "Key findings about multi-agency practice" in page and "named health visitor" in page
    assert "LCS400001" not in page

    # The QIM pack reviewing the quarter shows the same section, in a few lines, small numbers hidden.
    clock.set(datetime(2026, 4, 23, 8, 30, tzinfo=UTC))  # five days before the QIM of 28 April
    pack = await services.qim.pack(None)
    assert pack.meeting.report_period == "2026Q1" and pack.multi_agency == section
    card = json.dumps(pack_card(pack), ensure_ascii=False)
    assert "Multi-agency audits: key findings" in card and "named health visitor" in card
    assert "Audits submitted this quarter: fewer than 5." in card and "Health fewer than 5 of fewer than 5" in card
    assert "LCS400001" not in card

    later = await services.digests.quarterly("service", None, "2026Q2", actor=None)
    assert later.multi_agency is not None and later.multi_agency.audits == 0


async def test_removing_an_audit_removes_its_partner_links_and_parts(services: Services, sessions: Any) -> None:
    """Retention removes a whole audit at once: its partners' links and parts go with it."""
    await make_audit_org(sessions)
    assignment_id = await _multi_agency_audit(services)
    partners = services.audits.partners
    link = await partners.invite(AUDITOR, assignment_id, agency="police", partner_label="MASH sergeant")
    await partners.submit(_token(link.url), partner_answers(MULTI.partner_sections(Agency.POLICE)))
    await partners.invite(AUDITOR, assignment_id, agency="health", partner_label="GP lead")
    async with sessions() as session, session.begin():
        await session.execute(delete(AuditAssignment).where(AuditAssignment.id == assignment_id))
    assert await _count(sessions, PartnerAuditLink) == 0 and await _count(sessions, PartnerAuditPart) == 0


async def _parts(sessions: Any) -> list[PartnerAuditPart]:
    async with sessions() as session:
        return list(await session.scalars(select(PartnerAuditPart)))
