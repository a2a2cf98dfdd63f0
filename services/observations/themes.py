"""Counts of what observations found, per team and month, as plain data for digests and reports.

Which questions count as what is read from the template: every yes/partly/no question is a
practice expectation; the questions of section ``strengths`` are strengths and those of section
``development`` development points. Only counts leave this module, never names or free text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from services.templates import TemplateLibrary
from storage.models import PracticeObservation
from views.observations import ObservationThemes
from views.templates import QuestionType, Template

STRENGTHS_SECTION = "strengths"
DEVELOPMENT_SECTION = "development"


def expectation_ids(template: Template) -> list[str]:
    return [q.id for q in template.questions() if q.type == QuestionType.YES_PARTLY_NO_NA]


def _answered(template: Template, section_id: str, answers: dict[str, Any]) -> int:
    try:
        section = template.section(section_id)
    except KeyError:
        return 0
    return sum(1 for q in section.questions if str(answers.get(q.id) or "").strip())


def count_themes(observations: Iterable[PracticeObservation], templates: TemplateLibrary) -> list[ObservationThemes]:
    """One ``ObservationThemes`` per (team, month) with at least one observation, in team and month order."""
    groups: dict[tuple[int | None, date], list[PracticeObservation]] = defaultdict(list)
    for observation in observations:
        groups[(observation.team_id, observation.observed_on.replace(day=1))].append(observation)
    themes = []
    for (team_id, month), items in sorted(groups.items(), key=lambda kv: (kv[0][0] or 0, kv[0][1])):
        met = partly = not_met = strengths = development = 0
        met_by: dict[str, int] = defaultdict(int)
        for item in items:
            template = templates.get(item.template_id, item.template_version)
            for question_id in expectation_ids(template):
                answer = item.answers.get(question_id)
                if answer == "yes":
                    met += 1
                    met_by[question_id] += 1
                elif answer == "partly":
                    partly += 1
                elif answer == "no":
                    not_met += 1
            strengths += _answered(template, STRENGTHS_SECTION, item.answers)
            development += _answered(template, DEVELOPMENT_SECTION, item.answers)
        themes.append(
            ObservationThemes(
                team_id=team_id,
                month=month,
                observations=len(items),
                expectations_met=met,
                expectations_partly=partly,
                expectations_not_met=not_met,
                strengths=strengths,
                development_points=development,
                met_by_expectation=dict(met_by),
            )
        )
    return themes
