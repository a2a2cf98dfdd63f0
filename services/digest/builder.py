"""Turn SQL aggregates into a ``Digest`` for one scope and one period.

Each measure is a GROUP BY query over all the periods the digest needs (this one, the one
before, and the trend), and measures over the same rows share a query, so a digest costs the
same nine queries whatever the data volume (``storage/repositories/digest.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from services import personal_data
from services.templates import TemplateLibrary
from storage.repositories import digest as repo
from storage.repositories.digest import AuditSelection, AuditTypes, Bucket, GradeRows, TypedCounts
from views.digest import (
    AGREE_VALUES,
    AuditTypeFigures,
    Digest,
    GradeCounts,
    GradeKey,
    GradeTargets,
    Moderation,
    OverdueAction,
    PeriodFigures,
    StageFigures,
    ThemeFigures,
)
from views.periods import Period
from views.templates import AuditType, QuestionRole, QuestionType, TemplateKind

TREND_LENGTH = 6
QUOTE_CANDIDATES = 40
QUOTES_SHOWN = 2
OVERDUE_SHOWN = 5
QUOTE_LENGTH = 160
AUDIT_TEMPLATE = "standard-collaborative-audit"
THEMES_SECTION = "across_the_record"
WORKING_WELL = "working_well"
WORRY_WORDS = ("worr", "needs")
"""Free-text questions about worries are not quoted under "what did we do well"."""
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
COMMON_CAPITALS = frozenset(
    [
        "I",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Signs",
        "Safety",
        "English",
        "School",
        "GP",
        "CAMHS",
        "Police",
        "Health",
        "Early",
        "Help",
        "Child",
        "Protection",
        "Conference",
        "Plan",
        "Team",
        "Manager",
    ]
)

SENTENCE_STARTERS = frozenset(
    [
        "The",
        "A",
        "An",
        "We",
        "I",
        "He",
        "She",
        "They",
        "It",
        "This",
        "That",
        "These",
        "Those",
        "Their",
        "Our",
        "My",
        "His",
        "Her",
        "Your",
        "There",
        "Here",
        "Good",
        "Very",
        "Clear",
        "Mum",
        "Dad",
        "Both",
        "All",
        "Each",
        "Every",
        "Some",
        "Most",
        "Many",
        "Much",
        "More",
        "Less",
        "Things",
        "Everyone",
        "Nobody",
        "Nothing",
        "Having",
        "Being",
        "When",
        "While",
        "After",
        "Before",
        "Because",
        "Although",
        "Since",
        "If",
        "As",
        "In",
        "On",
        "At",
        "By",
        "For",
        "From",
        "With",
        "Without",
        "Through",
        "Over",
        "Records",
        "Recording",
        "Planning",
        "Assessment",
        "Review",
        "Visits",
        "Work",
        "Working",
        "Worker",
        "Workers",
        "Practitioner",
        "Manager",
        "Family",
        "Families",
        "Parents",
        "Parent",
        "Carers",
        "Carer",
        "Child",
        "Children",
        "Young",
        "Feedback",
        "Thank",
        "Thanks",
        "Yes",
        "No",
        "Not",
        "Really",
        "Always",
        "Never",
        "Sometimes",
        "Often",
        "Now",
        "Then",
        "Also",
        "Still",
        "Overall",
        "Well",
        "Better",
        "Safety",
        "Plans",
        "Plan",
        "Direct",
    ]
)
"""First words of a sentence we accept in a quote; any other capitalised first word may be a name."""


def _might_name_someone(text: str, *, strict_start: bool = True) -> bool:
    """A capitalised word that does not start a sentence may be a name: we cannot tell, so we say yes."""
    for sentence in SENTENCE_END.split(text):
        words = sentence.split()
        if strict_start and words and words[0].strip("\"'(\u201c").capitalize() not in SENTENCE_STARTERS:
            return True
        for word in words[1:]:
            bare = word.strip(".,;:!?\"'()\u2019\u201c\u201d")
            if bare[:1].isupper() and bare not in COMMON_CAPITALS:
                return True
    return False


@dataclass(frozen=True)
class Scope:
    kind: str
    """team | area | service"""
    label: str
    team_ids: list[int] | None
    """None = the whole service."""


@dataclass(frozen=True)
class Vocabulary:
    """What the templates tell the digest: stage titles, themes, scale and free-text questions, and
    which audit templates are themed audits, dip samples or multi-agency audits."""

    stage_titles: dict[str, str]
    theme_titles: dict[str, str]
    scale_questions: dict[str, str]
    text_questions: list[str]
    audit_types: AuditTypes = ()
    family_voice_templates: tuple[str, ...] = ()
    """Audit templates that ask for the family's view (the share of audits with it)."""
    grades: GradeKey = field(default_factory=GradeKey)
    """The templates' grade scales: which grades count as good or better and as inadequate."""

    @classmethod
    def from_library(cls, library: TemplateLibrary) -> Vocabulary:
        stage_titles: dict[str, str] = {}
        theme_titles: dict[str, str] = {}
        scale_questions: dict[str, str] = {}
        text_questions: list[str] = []
        for template in library.latest():
            if template.kind == TemplateKind.SURVEY:
                scales = [q for q in template.questions() if q.type == QuestionType.SCALE]
                if scales:
                    scale_questions[template.id] = scales[0].id
                text_questions += [
                    q.id
                    for q in template.questions()
                    if q.type == QuestionType.FREE_TEXT and not any(w in q.id for w in WORRY_WORDS)
                ]
                continue
            for section in template.sections:
                if any(q.role == QuestionRole.SECTION_GRADE for q in section.questions):
                    stage_titles.setdefault(section.id, section.title)
                if template.id == AUDIT_TEMPLATE and section.id == THEMES_SECTION:
                    theme_titles.update({q.id: q.text or q.id for q in section.questions})
        family_voice = tuple(sorted({t.id for t in library.latest() if t.family_voice}))
        texts = sorted(set(text_questions))
        grades = GradeKey.of(library.grade_scales())
        return cls(stage_titles, theme_titles, scale_questions, texts, audit_types_of(library), family_voice, grades)


def audit_types_of(library: TemplateLibrary) -> AuditTypes:
    """Each audit type other than standard with its templates' ids, from the templates' own data."""
    ids: dict[AuditType, set[str]] = {}
    for template in library.latest():
        kind = template.type_of_audit
        if kind is not None and kind != AuditType.STANDARD:
            ids.setdefault(kind, set()).add(template.id)
    return tuple((kind.value, tuple(sorted(ids[kind]))) for kind in AuditType if kind in ids)


def bucket_of(period: Period) -> Bucket:
    return Bucket(period.start_utc, period.end_utc, period.first_day, period.end_day)


def safe_quote(
    text: str | None, *, allowed_case_pattern: re.Pattern[str] | None = None, strict_start: bool = True
) -> str | None:
    """A short quote fit for a channel, or None: nothing personal_data finds, no case reference,
    and no capitalised word inside a sentence (it might be a name; we cannot tell, so we drop it)."""
    if not text:
        return None
    cleaned = " ".join(text.split())
    if not cleaned or personal_data.screen(cleaned):
        return None
    if allowed_case_pattern is not None and any(allowed_case_pattern.match(w.strip(".,;:")) for w in cleaned.split()):
        return None
    if _might_name_someone(cleaned, strict_start=strict_start):
        return None
    if len(cleaned) > QUOTE_LENGTH:
        cleaned = cleaned[:QUOTE_LENGTH].rsplit(" ", 1)[0].rstrip(",;:") + "\u2026"
    return cleaned


def pick_quotes(
    texts: list[str], case_pattern: re.Pattern[str] | None, *, limit: int = QUOTES_SHOWN, strict_start: bool = True
) -> list[str]:
    """Up to ``limit`` different quotes from ``texts``, in their order, that ``safe_quote`` lets through."""
    picked: list[str] = []
    for text in texts:
        quote = safe_quote(text, allowed_case_pattern=case_pattern, strict_start=strict_start)
        if quote and quote not in picked:
            picked.append(quote)
        if len(picked) == limit:
            break
    return picked


async def build_digest(
    session: AsyncSession,
    scope: Scope,
    period: Period,
    *,
    vocabulary: Vocabulary,
    today: date,
    trend_length: int = TREND_LENGTH,
    case_pattern: re.Pattern[str] | None = None,
    late: bool = False,
    show_case_references: bool = False,
    audit_type: AuditType | None = None,
    targets: GradeTargets | None = None,
) -> Digest:
    """Every number of the digest of ``scope`` for ``period`` (``today`` dates the overdue list).

    Audit figures count one audit type: ``audit_type``, or standard audits when None, in which case
    every other type with audits gets its own row (``Digest.other_audit_types``)."""
    periods = period.history(trend_length)
    buckets = [bucket_of(p) for p in periods]
    current = buckets[-1]
    teams = scope.team_ids
    main = (audit_type or AuditType.STANDARD).value
    selected = AuditSelection(vocabulary.audit_types, main)
    completed, planned = await repo.audit_counts(session, teams, buckets, vocabulary.audit_types)
    grades = await repo.grade_rows(session, teams, buckets, selected)
    feedback = await repo.feedback_rows(session, teams, buckets, vocabulary.scale_questions, AGREE_VALUES)
    actions = await repo.action_counts(session, teams, buckets)
    family = await repo.family_voice_counts(session, teams, buckets, vocabulary.family_voice_templates, selected)
    trend = [
        PeriodFigures(
            period=p,
            audits_completed=completed.get((main, i), 0),
            audits_planned=planned.get((main, i), 0),
            grades=GradeCounts(grades.overall.get(main, {}).get(i, {}), vocabulary.grades),
            feedback_responses=feedback.volumes.get(i, (0, None, 0))[0],
            feedback_score=feedback.volumes.get(i, (0, None, 0))[1],
            feedback_scored=feedback.volumes.get(i, (0, None, 0))[2],
            agreement=feedback.agreement.get(i, {}),
            actions_new=actions[i]["new"],
            actions_done=actions[i]["done"],
            actions_overdue=actions[i]["overdue"],
            actions_impact=actions[i]["impact"],
            family_voice_asked=family.get(i, (0, 0))[0],
            family_voice_heard=family.get(i, (0, 0))[1],
        )
        for i, p in enumerate(periods)
    ]
    stages = [
        StageFigures(
            stage_id,
            vocabulary.stage_titles.get(stage_id, stage_id.replace("_", " ").capitalize()),
            GradeCounts(counts, vocabulary.grades),
        )
        for stage_id, counts in grades.stages.items()
    ]
    stage_order = list(vocabulary.stage_titles)
    stages.sort(key=lambda s: stage_order.index(s.stage_id) if s.stage_id in stage_order else len(stage_order))
    theme_rows = await repo.audit_answer_counts(session, teams, current, list(vocabulary.theme_titles), selected)
    themes = [
        ThemeFigures(q, vocabulary.theme_titles[q], theme_rows[q]) for q in vocabulary.theme_titles if q in theme_rows
    ]
    audit_texts = await repo.audit_texts(session, teams, current, WORKING_WELL, limit=QUOTE_CANDIDATES, audits=selected)
    feedback_texts = await repo.feedback_texts(
        session, teams, current, vocabulary.text_questions, limit=QUOTE_CANDIDATES
    )
    impact_texts = await repo.impact_texts(session, teams, current, limit=QUOTE_CANDIDATES)
    overdue_total, overdue_rows = await repo.overdue_actions(session, teams, today, limit=OVERDUE_SHOWN)
    moderated = grades.moderation
    return Digest(
        scope_kind=scope.kind,
        scope_label=scope.label,
        period=period,
        trend=trend,
        stages=stages,
        themes=themes,
        audit_quotes=pick_quotes(audit_texts, case_pattern),
        feedback_quotes=pick_quotes(feedback_texts, case_pattern),
        impact_quotes=pick_quotes(impact_texts, case_pattern),
        overdue_total=overdue_total,
        overdue=[
            OverdueAction(
                description=safe_quote(description, allowed_case_pattern=case_pattern, strict_start=False)
                or "(see the action in qop)",
                owner=owner,
                due=f"{due.day} {due:%b}",
                case_reference=case_ref if show_case_references else None,
            )
            for description, owner, due, case_ref in overdue_rows
        ],
        moderation=Moderation(
            moderated=sum(moderated.values()),
            raised=moderated.get("raised", 0),
            lowered=moderated.get("lowered", 0),
        ),
        late=late,
        show_case_references=show_case_references,
        audit_type=AuditType(main),
        filtered=audit_type is not None,
        other_audit_types=[]
        if audit_type is not None
        else other_audit_types(periods, completed, planned, grades, vocabulary.grades),
        grade_key=vocabulary.grades,
        targets=targets,
    )


def other_audit_types(
    periods: list[Period], completed: TypedCounts, planned: TypedCounts, grades: GradeRows, key: GradeKey
) -> list[AuditTypeFigures]:
    """Each audit type other than standard that has audits completed or planned in the last two
    periods, with its own counts and grades (read against the templates' grade scales, ``key``)."""
    rows = []
    for kind in AuditType:
        if kind == AuditType.STANDARD:
            continue
        now, before = (
            PeriodFigures(
                period=periods[i],
                audits_completed=completed.get((kind.value, i), 0),
                audits_planned=planned.get((kind.value, i), 0),
                grades=GradeCounts(grades.overall.get(kind.value, {}).get(i, {}), key),
            )
            for i in (len(periods) - 1, len(periods) - 2)
        )
        if now.audits_completed or now.audits_planned or before.audits_completed or before.audits_planned:
            rows.append(AuditTypeFigures(kind, now, before))
    return rows
