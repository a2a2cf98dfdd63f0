"""Migration 0017 (up, down and up again with rows in place) keeps the audits already there valid: their grades (Ofsted's four, stored as
strings) untouched, their reflection due with the audit, their submissions neither without a
reflection nor waiting for a confirmation."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy import text

from storage import migrate
from tests.support.databases import scratch_postgres_database

NOW = "2026-01-12 09:30:00+00:00"
EXISTING_AUDIT = [
    "INSERT INTO people (id, email, display_name, in_organisation, active, created_at, updated_at) VALUES "
    f"(1, 'priya@council.example.gov.uk', 'Priya', true, true, '{NOW}', '{NOW}'), "
    f"(2, 'omar@council.example.gov.uk', 'Omar', true, true, '{NOW}', '{NOW}')",
    "INSERT INTO audit_rounds (id, template_id, template_version, title, due_date, source, created_at) "
    f"VALUES (1, 'standard-collaborative-audit', 2, 'Round', '2026-02-13', 'csv', '{NOW}')",
    "INSERT INTO audit_assignments (id, round_id, case_ref, practitioner_id, auditor_id, status, due_date, draft, "
    "draft_page, reflection_draft, created_at, updated_at) VALUES "
    f"(1, 1, 'LCS100001', 1, 2, 'completed', '2026-02-13', '{{}}', 0, '{{}}', '{NOW}', '{NOW}')",
    "INSERT INTO audit_submissions (id, assignment_id, idempotency_key, template_id, template_version, answers, "
    "overall_grade, submitted_by_id, submitted_at, moderation_selected) VALUES "
    f"(1, 1, 'k', 'standard-collaborative-audit', 2, '{{}}', 'requires_improvement', 2, '{NOW}', false)",
    "INSERT INTO audit_grades (id, submission_id, section_id, question_id, is_overall, grade) VALUES "
    "(1, 1, 'overall', 'overall_grade', true, 'requires_improvement')",
]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_audits_from_before_keep_their_grades_and_had_their_reflection_due_with_the_audit(
    backend: str, tmp_path: Path
) -> None:
    def exercise(url: str) -> None:
        migrate.upgrade(url, "0013")
        engine = create_sync_engine(url.replace("+aiosqlite", ""))
        try:
            with engine.begin() as connection:
                for statement in EXISTING_AUDIT:
                    connection.execute(text(statement))
            migrate.upgrade(url)
            with engine.connect() as connection:
                due = connection.execute(text("SELECT due_date, reflection_due FROM audit_assignments")).one()
                submission = connection.execute(
                    text(
                        "SELECT without_reflection, confirmation_asked, practitioner_confirmation "
                        "FROM audit_submissions"
                    )
                ).one()
                grade = connection.execute(text("SELECT grade FROM audit_grades")).scalar_one()
        finally:
            engine.dispose()
        assert str(due[1]) == str(due[0]) == "2026-02-13"
        assert tuple(submission) == (False, False, None)
        assert grade == "requires_improvement"
        migrate.downgrade(url, "0013")  # a rollback with these rows in place, then the deploy again
        migrate.upgrade(url)

    if backend == "sqlite":
        exercise(f"sqlite+aiosqlite:///{tmp_path / 'm.db'}")
    else:
        with scratch_postgres_database("qop_migration_0017") as url:
            exercise(url)
