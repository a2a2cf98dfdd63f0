"""Questionnaire templates as versioned data files: audits, reflections and surveys.

A template is a YAML file in ``services/templates/data`` named ``<id>.v<version>.yaml``. It is
validated when loaded; every problem names the file, the line and the field. Responses keep the
template id and version they answered, so a new version never changes the meaning of old answers.
What a template may contain (``Template``, ``Question``...) is in ``views.templates``.
"""

from services.templates.loader import TemplateError, TemplateLibrary, load_template

__all__ = ["TemplateError", "TemplateLibrary", "load_template"]
