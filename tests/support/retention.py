"""Records made through the services for the retention and person's rights tests: a moderated
audit, an audit left as a draft, actions open and done, personal chats."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from services.actions import NewAction
from services.audits.views import ModerationForm, SubmittedAudit
from services.container import Services
from services.templates import TemplateLibrary
from tests.support.action_org import give_personal_chats
from tests.support.audits import AuditOrg, RecordingNotifier, make_audit_org, valid_answers

STANDARD = TemplateLibrary.from_folder().get("standard-collaborative-audit")
HEADER = "case_ref,team,practitioner,auditor\n"
PRIYA, OMAR = "priya@council.example.gov.uk", "omar@council.example.gov.uk"
AUDITOR, MODERATOR = "29:user-4", "29:user-7"
MODERATED_CASE, DRAFT_CASE = "LCS100001", "LCS100002"


@dataclass(frozen=True)
class Records:
    audit_org: AuditOrg
    moderated_audit: int
    draft_audit: int
    open_action: int
    done_action: int


async def make_records(services: Services) -> Records:
    """Priya's practice audited by Omar (LCS100001, submitted and moderated), a second audit of
    hers with one page saved as a draft (LCS100002), one open and one done action she owns, and
    a 1:1 chat with qop for everyone."""
    audit_org = await make_audit_org(services.sessions)
    org = audit_org.org
    services.audits.notifier = RecordingNotifier()
    today = services.clock.now().date()
    report = await services.audits.start_round_from_csv(
        template_id=STANDARD.id,
        due_date=today + timedelta(days=30),
        csv_text=HEADER + f"{MODERATED_CASE},Riverside Locality Team,{PRIYA},{OMAR}\n"
        f"{DRAFT_CASE},Riverside Locality Team,{PRIYA},{OMAR}\n",
        starter=None,
    )
    moderated, draft = report.created
    for page, section in enumerate(STANDARD.sections):
        grade = "outstanding" if page == 2 else "good"  # an Outstanding stage is always moderated
        await services.audits.save_page(
            AUDITOR, moderated, page=page, data=valid_answers(section, today, grade=grade), move="next"
        )
    submitted = await services.audits.submit(AUDITOR, moderated, data={}, idempotency_key="retention-1")
    assert isinstance(submitted, SubmittedAudit)
    form = await services.audits.open_moderation(MODERATOR, moderated)
    assert isinstance(form, ModerationForm)
    agreed = {f"moderated_{line.question_id}": line.grade for line in form.audit.grades}
    assert isinstance(await services.audits.moderate(MODERATOR, moderated, agreed), SubmittedAudit)
    await services.audits.save_page(
        AUDITOR, draft, page=0, data=valid_answers(STANDARD.sections[0], today), move="save"
    )

    def action(description: str) -> NewAction:
        return NewAction(
            "manual", description, org.practitioner, today + timedelta(days=14), case_reference=MODERATED_CASE
        )

    open_action = await services.actions.create(action("Update the chronology"), actor_id=org.manager)
    done_action = await services.actions.create(action("Book the family meeting"), actor_id=org.manager)
    await services.actions.mark_done(done_action.id, actor_id=org.practitioner, evidence="Held on Friday.")
    await give_personal_chats(services.sessions, "https://smba.example.invalid/")
    return Records(audit_org, moderated, draft, open_action.id, done_action.id)


def years(count: int) -> timedelta:
    return timedelta(days=366 * count)
