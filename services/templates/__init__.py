"""Questionnaire templates as versioned data files: audits, reflections and surveys.

A template is a YAML file in ``services/templates/data`` named ``<id>.v<version>.yaml``. It is
validated when loaded; every problem names the file, the line and the field. Responses keep the
template id and version they answered, so a new version never changes the meaning of old answers.
"""

from services.templates.loader import TemplateError, TemplateLibrary, load_template
from services.templates.model import (
    GRADE_LABELS,
    Question,
    QuestionRole,
    QuestionType,
    Section,
    Template,
    TemplateKind,
)

__all__ = [
    "GRADE_LABELS",
    "Question",
    "QuestionRole",
    "QuestionType",
    "Section",
    "Template",
    "TemplateError",
    "TemplateKind",
    "TemplateLibrary",
    "load_template",
]
