"""Surveys as their cards see them: what was sent, to how many, and the results a reader may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from views.templates import Template


@dataclass(frozen=True)
class SurveyView:
    survey_id: int
    title: str
    template: Template
    anonymous: bool
    closes_at: datetime
    min_group_size: int


@dataclass(frozen=True)
class StartedSurvey:
    view: SurveyView
    invited: int
    unknown_emails: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuestionSummary:
    text: str
    summary: str


@dataclass(frozen=True)
class Comments:
    """The written answers to one free-text question, for a group that met the threshold."""

    question: str
    shown: tuple[str, ...]
    not_shown: int = 0
    """Left out because of the cap."""
    withheld: int = 0
    """Left out because they seem to hold personal data (the screen at submit time missed it
    or predates it)."""


@dataclass(frozen=True)
class GroupResult:
    name: str
    invited: int
    responded: int
    shown: bool
    questions: tuple[QuestionSummary, ...] = ()
    comments: tuple[Comments, ...] = ()


@dataclass(frozen=True)
class SurveyResults:
    view: SurveyView
    invited: int
    responded: int
    overall: GroupResult
    groups: tuple[GroupResult, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class AudienceChoices:
    """What a sender may pick on the 'send a survey' card."""

    templates: list[Template]
    teams: list[tuple[int, str]]
    service_areas: list[tuple[int, str]]
