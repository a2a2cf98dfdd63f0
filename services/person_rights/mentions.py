"""Where a member of staff's name or e-mail may have been typed, and how to find and take it out.

Erasure replaces what ``NameMatcher`` recognises with the anonymised label in every column of
``FREE_TEXT`` and keeps the rest of the words; the subject access export lists the stored words
that name the person. What is recognised, and why no more:

- the e-mail address, whole;
- the full name as held ("Priya Shah"), in "Surname, Forename" order ("Shah, Priya"), and forename
  and surname without middle names; the last word is taken as the surname (a display name held as
  "Surname, Forename" is read that way round); any capitals, any spacing between the words;
- the e-mail's local part ("p.shah") when it is not just one of their names.

A first name (or a surname) on its own is never taken out: it would take out everyone else with
that name. For the same reason a display name of a single word is not used, nor a local part that
is only a name ("priya@...").
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, ColumnElement, String, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    AccessLogEntry,
    Action,
    ActionDateChange,
    ActionEvent,
    AssuranceUpdate,
    AuditAssignment,
    AuditEscalation,
    AuditGrade,
    AuditModeration,
    AuditReflection,
    AuditRound,
    AuditSubmission,
    Broadcast,
    CalendarOccurrence,
    ClientFeedbackEntry,
    FeedbackResponse,
    ImprovementMilestone,
    ImprovementPlanChange,
    ImprovementPriority,
    MappingAttendee,
    MappingMeeting,
    ModerationGroupAudit,
    ModerationGroupMeeting,
    PartnerAuditPart,
    Person,
    PracticeDay,
    PracticeExample,
    PracticeObservation,
    QimDecision,
    QimDecisionChange,
    Survey,
)

MIN_NEEDLE = 3
"""Shorter names or local parts would match inside too many other words."""


@dataclass(frozen=True)
class NameMatcher:
    """The ways one person's name and e-mail are recognised inside stored words."""

    patterns: tuple[re.Pattern[str], ...]
    """Most specific first: the e-mail, then the name's forms, then the local part."""
    hints: tuple[str, ...]
    """Lower-case texts every match contains (for a database search before the exact check)."""

    @classmethod
    def of(cls, person: Person) -> NameMatcher:
        email = (person.email or "").strip()
        forms, surnames, name_words = _name_forms(person.display_name or "")
        patterns: list[re.Pattern[str]] = []
        hints: set[str] = set(surnames)
        if len(email) >= MIN_NEEDLE:
            patterns.append(_bounded(re.escape(email), before=r"[\w.+-]", after=r"[\w-]"))
            hints.add(email.lower())
        for form in forms:
            patterns.append(_bounded(form, before=r"\w", after=r"\w"))
        local = email.partition("@")[0].lower() if "@" in email else ""
        if len(local) >= MIN_NEEDLE and local not in name_words:
            patterns.append(_bounded(re.escape(local), before=r"[\w.+-]", after=r"[\w+-]|\.\w"))
            hints.add(local)
        return cls(tuple(patterns), tuple(sorted(hints)))

    def __bool__(self) -> bool:
        return bool(self.patterns)

    def names(self, value: object) -> bool:
        """Whether ``value`` (text, or JSON made of texts) holds the name or e-mail."""
        return self.without(value, "") != value

    def without(self, value: object, replacement: str) -> object:
        """``value`` with each recognised name or e-mail replaced by ``replacement``."""
        if isinstance(value, str):
            for pattern in self.patterns:
                value = pattern.sub(lambda _: replacement, value)
            return value
        if isinstance(value, dict):
            return {key: self.without(item, replacement) for key, item in value.items()}
        if isinstance(value, list):
            return [self.without(item, replacement) for item in value]
        return value


def _bounded(body: str, *, before: str, after: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!{before})(?:{body})(?!{after})", re.IGNORECASE)


def _name_forms(display_name: str) -> tuple[list[str], set[str], set[str]]:
    """The regular expressions for the full name's forms, the surname's longest word (lower case,
    for the database search) and every single word of the name (lower case, never matched alone)."""
    surname_part, comma, forename_part = display_name.partition(",")
    if comma:
        surname, forenames = surname_part.split(), forename_part.split()
    else:
        words = display_name.split()
        surname, forenames = words[-1:], words[:-1]
    if not surname or not forenames or len(" ".join(forenames + surname)) < MIN_NEEDLE:
        return [], set(), {word.lower() for word in display_name.replace(",", " ").split()}
    spaced = r"\s+"

    def words(names: list[str]) -> str:
        return spaced.join(re.escape(name) for name in names)

    forms = [words(forenames + surname), words(surname) + r"\s*,\s*" + words(forenames)]
    if len(forenames) > 1:  # "Maya J Patel" is also "Maya Patel" and "Patel, Maya"
        forms += [words(forenames[:1] + surname), words(surname) + r"\s*,\s*" + words(forenames[:1])]
    name_words = {word.lower() for word in forenames + surname}
    return forms, {max(surname, key=len).lower()}, name_words  # one word: any spacing still matches


@dataclass(frozen=True)
class FreeText:
    """Columns of one table where a person's name or e-mail may have been written."""

    changed: str
    """How the erasure reports the rows it changed."""
    model: Any
    columns: tuple[str, ...]
    only: ColumnElement[bool] | None = None
    """Which of the table's rows (all when None)."""
    exported: bool = True
    """Whether the subject access export lists its words that name them."""


NAMED_SURVEYS = select(Survey.id).where(Survey.anonymous.is_(False))
ANONYMOUS_SURVEYS = select(Survey.id).where(Survey.anonymous.is_(True))

FREE_TEXT: tuple[FreeText, ...] = (
    FreeText("access log entries with the name or e-mail taken out", AccessLogEntry, ("summary", "detail")),
    FreeText(
        "actions with the name or e-mail taken out",
        Action,
        ("description", "completion_evidence", "cancelled_reason", "impact_answer", "impact_more_asked_note"),
    ),
    FreeText("action notes with the name or e-mail taken out", ActionEvent, ("note", "detail")),
    FreeText("action date changes with the name or e-mail taken out", ActionDateChange, ("reason", "decision_note")),
    FreeText("audit rounds with the name or e-mail taken out", AuditRound, ("title",)),
    FreeText("audit drafts with the name or e-mail taken out", AuditAssignment, ("draft", "reflection_draft")),
    FreeText(
        "audit answers and comments with the name or e-mail taken out",
        AuditSubmission,
        ("answers", "practitioner_comment", "practitioner_disagreement"),
    ),
    FreeText("audit grade rationales with the name or e-mail taken out", AuditGrade, ("rationale",)),
    FreeText("moderation rationales with the name or e-mail taken out", AuditModeration, ("rationale",)),
    FreeText("audit reflections with the name or e-mail taken out", AuditReflection, ("answers",)),
    FreeText("audit escalation notes with the name or e-mail taken out", AuditEscalation, ("note",)),
    FreeText("partner agencies' audit answers with the name or e-mail taken out", PartnerAuditPart, ("answers",)),
    FreeText("practice days' start problems with the name or e-mail taken out", PracticeDay, ("start_problems",)),
    FreeText(
        "improvement priorities with the name or e-mail taken out",
        ImprovementPriority,
        ("title", "rationale", "impact_evidence"),
    ),
    FreeText("improvement milestones with the name or e-mail taken out", ImprovementMilestone, ("description",)),
    FreeText("improvement plan changes with the name or e-mail replaced", ImprovementPlanChange, ("fields",)),
    FreeText("compliments and complaints with the name or e-mail taken out", ClientFeedbackEntry, ("summary",)),
    FreeText("practice examples with the name or e-mail taken out", PracticeExample, ("description",)),
    FreeText("surveys with the name or e-mail taken out", Survey, ("title", "audience")),
    FreeText(
        "named staff survey answers with the name or e-mail taken out",
        FeedbackResponse,
        ("answers",),
        only=FeedbackResponse.survey_id.in_(NAMED_SURVEYS),
    ),
    FreeText(
        "anonymous staff survey answers with the name or e-mail taken out",
        FeedbackResponse,
        ("answers",),
        only=FeedbackResponse.survey_id.in_(ANONYMOUS_SURVEYS),
        exported=False,  # the words could point to who wrote them; see ANONYMOUS_SURVEYS_NOTE
    ),
    FreeText("broadcasts with the name or e-mail taken out", Broadcast, ("title",)),
    FreeText("QA calendar records with the name or e-mail taken out", CalendarOccurrence, ("findings", "note")),
    FreeText(
        "practice observations with the name or e-mail taken out",
        PracticeObservation,
        ("answers", "reflection", "reflection_draft"),
    ),
    FreeText(
        "mapping meetings with the name or e-mail taken out",
        MappingMeeting,
        ("worried_about", "working_well", "needs_to_happen"),
    ),
    FreeText("mapping rationales with the name or e-mail taken out", MappingAttendee, ("rationale",)),
    FreeText("QIM decisions with the name or e-mail taken out", QimDecision, ("text", "original_text")),
    FreeText("QIM decision changes with the name or e-mail taken out", QimDecisionChange, ("before", "after")),
    FreeText("assurance updates with the name or e-mail taken out", AssuranceUpdate, ("progress",)),
    FreeText("moderation group notes with the name or e-mail taken out", ModerationGroupMeeting, ("notes",)),
    FreeText("moderation group learning with the name or e-mail taken out", ModerationGroupAudit, ("learning",)),
)
"""Every column where staff (or a partner agency) write words. Erasure replaces the name and
e-mail with the anonymised label and keeps the rest of the words, and the grades (the records stay
as the council's record of its practice). Not here, on purpose: the words of children and families
(family feedback and the safety alerts it raised), and the content of messages qop sent (deleted
with the delivery records after 90 days); see ``KEPT``."""


async def rows_naming(session: AsyncSession, matcher: NameMatcher, place: FreeText) -> AsyncIterator[Any]:
    """The rows of ``place`` whose words name the person (searched in the database, then checked exactly)."""
    if not matcher:
        return
    conditions = [
        _stored_text(getattr(place.model, column)).contains(found, autoescape=True)
        for column in place.columns
        for hint in matcher.hints
        for found in {hint, json.dumps(hint)[1:-1]}  # JSON may store non-ASCII escaped
    ]
    statement = select(place.model).where(or_(*conditions))
    if place.only is not None:
        statement = statement.where(place.only)
    for row in await session.scalars(statement.order_by(*place.model.__mapper__.primary_key)):
        if any(matcher.names(getattr(row, column)) for column in place.columns):
            yield row


def _stored_text(column: Any) -> ColumnElement[str]:
    """The column as lower-case text, JSON included, so a search finds the name however it was typed."""
    as_text = cast(column, String) if isinstance(column.type, JSON) else column
    return func.lower(as_text)


def column_limit(model: Any, column: str) -> int | None:
    """The most characters ``column`` holds (a replacement may be longer than the name it replaces)."""
    kind = getattr(model, column).type
    return getattr(kind, "length", None) if isinstance(kind, String) else None
