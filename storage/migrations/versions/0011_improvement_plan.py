"""The continuous improvement plan: priorities, milestones, linked QIM actions and their history.

The framework's roles (issue 16) needed no migration: roles are plain strings. This revision
follows the current head; the lead renumbers it at merge if others landed first.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "improvement_priorities",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("impact_evidence", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["people.id"], name="fk_improvement_priorities_owner_id_people"),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["people.id"], name="fk_improvement_priorities_created_by_id_people"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_improvement_priorities"),
    )
    op.create_table(
        "improvement_milestones",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("priority_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["priority_id"],
            ["improvement_priorities.id"],
            name="fk_improvement_milestones_priority_id_improvement_priorities",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_improvement_milestones"),
    )
    op.create_index("ix_improvement_milestones_priority", "improvement_milestones", ["priority_id", "due_date"])
    op.create_table(
        "improvement_priority_actions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("priority_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["priority_id"],
            ["improvement_priorities.id"],
            name="fk_improvement_priority_actions_priority",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["action_id"], ["actions.id"], name="fk_improvement_priority_actions_action_id_actions", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_improvement_priority_actions"),
        sa.UniqueConstraint("priority_id", "action_id", name="uq_improvement_priority_actions_pair"),
    )
    op.create_table(
        "improvement_plan_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("priority_id", sa.Integer(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("change", sa.String(length=32), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["priority_id"],
            ["improvement_priorities.id"],
            name="fk_improvement_plan_changes_priority_id_improvement_priorities",
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["people.id"], name="fk_improvement_plan_changes_changed_by_id_people"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_improvement_plan_changes"),
    )
    op.create_index("ix_improvement_plan_changes_priority", "improvement_plan_changes", ["priority_id", "changed_at"])


def downgrade() -> None:
    op.drop_index("ix_improvement_plan_changes_priority", table_name="improvement_plan_changes")
    op.drop_table("improvement_plan_changes")
    op.drop_table("improvement_priority_actions")
    op.drop_index("ix_improvement_milestones_priority", table_name="improvement_milestones")
    op.drop_table("improvement_milestones")
    op.drop_table("improvement_priorities")
