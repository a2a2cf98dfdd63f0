"""The family's view inside an audit: links and answers tied to the audit, and the recorded reason
when an audit goes without it.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("feedback_links", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assignment_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_feedback_links_assignment_id_audit_assignments", "audit_assignments", ["assignment_id"], ["id"]
        )
        batch_op.create_index("ix_feedback_links_assignment_id", ["assignment_id"], unique=False)
    with op.batch_alter_table("feedback_responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assignment_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("late", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_foreign_key(
            "fk_feedback_responses_assignment_id_audit_assignments", "audit_assignments", ["assignment_id"], ["id"]
        )
        batch_op.create_index("ix_feedback_responses_assignment_id", ["assignment_id"], unique=False)
    op.create_table(
        "audit_family_reasons",
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"], ["audit_assignments.id"], name="fk_audit_family_reasons_assignment_id_audit_assignments"
        ),
        sa.PrimaryKeyConstraint("assignment_id", name="pk_audit_family_reasons"),
    )


def downgrade() -> None:
    op.drop_table("audit_family_reasons")
    with op.batch_alter_table("feedback_responses", schema=None) as batch_op:
        batch_op.drop_index("ix_feedback_responses_assignment_id")
        batch_op.drop_constraint("fk_feedback_responses_assignment_id_audit_assignments", type_="foreignkey")
        batch_op.drop_column("late")
        batch_op.drop_column("assignment_id")
    with op.batch_alter_table("feedback_links", schema=None) as batch_op:
        batch_op.drop_index("ix_feedback_links_assignment_id")
        batch_op.drop_constraint("fk_feedback_links_assignment_id_audit_assignments", type_="foreignkey")
        batch_op.drop_column("assignment_id")
