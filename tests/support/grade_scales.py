"""A council's own grade scale for tests: three grades (strong, developing, weak) on a short audit
template, as data and as the YAML files a council would write."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from views.templates import Template

THREE_GRADE_SCALE: dict[str, Any] = {
    "id": "three-point",
    "title": "Strong, developing, weak",
    "grades": [
        {
            "value": "strong",
            "label": "Strong",
            "descriptor": "The child's needs are understood and met; the record shows the difference made.",
            "counts_as": "good_or_better",
        },
        {
            "value": "developing",
            "label": "Developing",
            "descriptor": "Sound in parts; gaps limit the difference the work makes.",
        },
        {
            "value": "weak",
            "label": "Weak",
            "descriptor": "The child is left at risk or with needs unmet.",
            "rationale_required": True,
            "counts_as": "inadequate",
        },
    ],
}

THREE_GRADE_AUDIT: dict[str, Any] = {
    "id": "three-point-audit",
    "version": 1,
    "title": "Three-point practice audit",
    "kind": "audit",
    "moderated": True,
    "grade_scale": "three-point",
    "sections": [
        {
            "id": "practice",
            "title": "Practice with the child",
            "questions": [
                {
                    "id": "child_seen",
                    "type": "yes_partly_no_na",
                    "text": "Has the child been seen and spoken to?",
                    "required": True,
                },
                {
                    "id": "practice_grade",
                    "type": "grade",
                    "role": "section_grade",
                    "text": "How good is the practice with the child?",
                    "required": True,
                },
            ],
        },
        {
            "id": "overall",
            "title": "Overall judgement",
            "questions": [
                {
                    "id": "overall_grade",
                    "type": "grade",
                    "role": "overall_grade",
                    "text": "Overall, how good is the practice on this case?",
                    "required": True,
                }
            ],
        },
    ],
}


def three_grade_template() -> Template:
    """The three-point audit with its scale written out (what the loader makes of the files)."""
    return Template.model_validate({**THREE_GRADE_AUDIT, "grade_scale": THREE_GRADE_SCALE})


def write_three_grade_files(folder: Path) -> Path:
    """The council's files: the scale in ``grade-scales/``, the template naming it. Returns the template file."""
    (folder / "grade-scales").mkdir(parents=True, exist_ok=True)
    (folder / "grade-scales" / "three-point.yaml").write_text(yaml.safe_dump(THREE_GRADE_SCALE), encoding="utf-8")
    template = folder / "three-point-audit.v1.yaml"
    template.write_text(yaml.safe_dump(THREE_GRADE_AUDIT, sort_keys=False), encoding="utf-8")
    return template
