"""The QIM report's multi-agency section: the framework shares "key findings about multi-agency
practice" with the QIM, through its links with the partnership structures.

For the multi-agency audits submitted in the quarter (in the report's scope): how many, each
partner agency's parts invited and returned, and the key findings (questions with role
``key_finding``) from the council's auditor and each agency, quoted only when ``safe_quote``
finds nothing personal, no case reference and no word that might be a name.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cards import text_partner_audits as text
from cards import text_report as report_text
from services.digest.builder import safe_quote
from services.templates import TemplateLibrary
from storage.repositories import partner_audits as partner_rows
from storage.repositories.digest import TeamIds
from views.digest import MIN_GROUP, AgencyParts, MultiAgencySection, suppressed
from views.templates import Agency, QuestionRole, Template

FINDINGS_SHOWN = 10


def key_finding_ids(template: Template, agency: Agency) -> list[str]:
    """The key-finding questions of one agency's part (the council's: sections without a partner)."""
    sections = template.auditor_part().sections if agency == Agency.COUNCIL else template.partner_sections(agency)
    return [q.id for s in sections for q in s.questions if q.role == QuestionRole.KEY_FINDING]


async def multi_agency_section(
    session: AsyncSession,
    templates: TemplateLibrary,
    *,
    team_ids: TeamIds,
    start: datetime,
    end: datetime,
    case_pattern: re.Pattern[str] | None,
) -> MultiAgencySection:
    """The section for audits submitted in [start, end) by ``team_ids`` (None: the whole service);
    ``templates`` is the template library."""
    multi = [t for t in templates.latest() if t.partner_agencies]
    submissions = [s for t in multi for s in await partner_rows.submissions_in(session, t.id, start, end, team_ids)]
    links, parts = await partner_rows.links_and_parts_for(session, [s.assignment_id for s in submissions])
    invited = Counter(link.agency for link in links)
    returned = Counter(part.agency for part in parts)
    agencies = list(dict.fromkeys(a.value for t in multi for a in t.partner_agencies))
    findings: list[tuple[str, str]] = []
    for submission in submissions:
        template = templates.get(submission.template_id, submission.template_version)
        findings += _quotes(Agency.COUNCIL, template, submission.answers, case_pattern)
    for part in parts:
        template = templates.get(part.template_id, part.template_version)
        findings += _quotes(Agency(part.agency), template, part.answers, case_pattern)
    return MultiAgencySection(
        audits=len(submissions),
        agencies=[AgencyParts(a, invited[a], returned[a]) for a in agencies],
        findings=findings[:FINDINGS_SHOWN],
    )


def _quotes(
    agency: Agency, template: Template, answers: dict[str, Any], case_pattern: re.Pattern[str] | None
) -> list[tuple[str, str]]:
    quotes = [
        # A key finding is written to be shared, so its first word may be anything; a capitalised
        # word later in it may still be a name, and then the finding stays in the audit.
        safe_quote(str(answers.get(key) or ""), allowed_case_pattern=case_pattern, strict_start=False)
        for key in key_finding_ids(template, agency)
    ]
    return [(agency.value, quote) for quote in quotes if quote]


def multi_agency_rows(section: MultiAgencySection | None) -> list[list[Any]]:
    """The report's multi-agency sheet: audits and parts per agency (small numbers hidden), then
    the key findings about multi-agency practice, each with the agency it came from."""
    if section is None or section.audits == 0:
        return [[report_text.MEASURE, report_text.VALUE], [], [text.NO_FINDINGS]]
    rows: list[list[Any]] = [[report_text.MEASURE, report_text.VALUE], [text.AUDITS_COMPLETED, _shown(section.audits)]]
    rows += [[], [text.AGENCY, text.INVITED, text.RETURNED]]
    rows += [[text.AGENCY_LABELS[p.agency], _shown(p.invited), _shown(p.returned)] for p in section.agencies]
    rows += [[], [text.KEY_FINDINGS]]
    rows += [[text.FINDING_FROM.format(agency=text.AGENCY_LABELS[a], finding=quote)] for a, quote in section.findings]
    return [*rows, [], [text.FINDINGS_NOTE]]


def _shown(count: int) -> int | str:
    """A count, or the words saying it is too small to show (as every count in the report)."""
    return report_text.FEWER_THAN.format(count=MIN_GROUP) if suppressed(count) else count
