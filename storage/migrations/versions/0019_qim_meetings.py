"""The Quality Improvement Meeting (its pack, decisions and their changes) and owners' monthly
assurance updates on service-level actions and plan priorities.

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "qim_meetings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("meeting_on", sa.Date(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=True),
        sa.Column("pack_claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pack_posted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"], ["conversations.id"], name="fk_qim_meetings_conversation_id_conversations"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_qim_meetings"),
        sa.UniqueConstraint("meeting_on", name="uq_qim_meetings_meeting_on"),
    )
    op.create_table(
        "qim_decisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("original_text", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["qim_meetings.id"], name="fk_qim_decisions_meeting_id_qim_meetings"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["people.id"], name="fk_qim_decisions_recorded_by_id_people"),
        sa.PrimaryKeyConstraint("id", name="pk_qim_decisions"),
    )
    op.create_index("ix_qim_decisions_meeting", "qim_decisions", ["meeting_id"])
    op.create_table(
        "qim_decision_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("after", sa.Text(), nullable=False),
        sa.Column("after_meeting", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["qim_decisions.id"], name="fk_qim_decision_changes_decision_id_qim_decisions"
        ),
        sa.ForeignKeyConstraint(["changed_by_id"], ["people.id"], name="fk_qim_decision_changes_changed_by_id_people"),
        sa.PrimaryKeyConstraint("id", name="pk_qim_decision_changes"),
    )
    op.create_index("ix_qim_decision_changes_decision", "qim_decision_changes", ["decision_id", "changed_at"])
    op.create_table(
        "assurance_updates",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("priority_id", sa.Integer(), nullable=True),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("progress", sa.Text(), nullable=False),
        sa.Column("rag", sa.String(length=8), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"], ["actions.id"], name="fk_assurance_updates_action_id_actions", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["priority_id"],
            ["improvement_priorities.id"],
            name="fk_assurance_updates_priority_id_improvement_priorities",
        ),
        sa.ForeignKeyConstraint(["author_id"], ["people.id"], name="fk_assurance_updates_author_id_people"),
        sa.PrimaryKeyConstraint("id", name="pk_assurance_updates"),
    )
    op.create_index("ix_assurance_updates_action", "assurance_updates", ["action_id", "written_at"])
    op.create_index("ix_assurance_updates_priority", "assurance_updates", ["priority_id", "written_at"])


def downgrade() -> None:
    op.drop_index("ix_assurance_updates_priority", table_name="assurance_updates")
    op.drop_index("ix_assurance_updates_action", table_name="assurance_updates")
    op.drop_table("assurance_updates")
    op.drop_index("ix_qim_decision_changes_decision", table_name="qim_decision_changes")
    op.drop_table("qim_decision_changes")
    op.drop_index("ix_qim_decisions_meeting", table_name="qim_decisions")
    op.drop_table("qim_decisions")
    op.drop_table("qim_meetings")
