"""The practitioner's reflection before grading, and audits done together: each assignment's
reflection deadline, whether a submission went without the reflection, and the practitioner's
confirmation of the findings and actions.

Grades need no change: they are stored as the grade scale's values (strings), so a scale of any
size fits, and existing rows (Ofsted's four) stay valid under the default scale.

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("audit_assignments", sa.Column("reflection_due", sa.Date(), nullable=True))
    # Audits assigned before there was a separate deadline: the reflection was due with the audit.
    op.execute("UPDATE audit_assignments SET reflection_due = due_date")
    # Plain ADD COLUMN (no table rebuild): SQLite would otherwise drop audit_submissions, which
    # audit_grades and audit_moderations reference, and refuse with its foreign keys on.
    op.add_column(
        "audit_submissions",
        sa.Column("without_reflection", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "audit_submissions",
        sa.Column("confirmation_asked", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("audit_submissions", sa.Column("practitioner_confirmation", sa.String(length=16), nullable=True))
    op.add_column("audit_submissions", sa.Column("practitioner_disagreement", sa.Text(), nullable=True))
    op.add_column(
        "audit_submissions", sa.Column("practitioner_confirmed_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    for column in (
        "practitioner_confirmed_at",
        "practitioner_disagreement",
        "practitioner_confirmation",
        "confirmation_asked",
        "without_reflection",
    ):
        op.drop_column("audit_submissions", column)
    op.drop_column("audit_assignments", "reflection_due")
