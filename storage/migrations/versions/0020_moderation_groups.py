"""The moderation group: its meetings, members, and the audits each moderates with what was agreed.

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "moderation_group_meetings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("meets_on", sa.Date(), nullable=False),
        sa.Column("cadence_months", sa.Integer(), nullable=False),
        sa.Column("calendar_due_on", sa.Date(), nullable=True),
        sa.Column("scheduled_by_id", sa.Integer(), nullable=False),
        sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submission_key", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["scheduled_by_id"], ["people.id"], name="fk_moderation_group_meetings_scheduled_by_id_people"
        ),
        sa.ForeignKeyConstraint(
            ["closed_by_id"], ["people.id"], name="fk_moderation_group_meetings_closed_by_id_people"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_moderation_group_meetings"),
        sa.UniqueConstraint("submission_key", name="uq_moderation_group_meetings_submission_key"),
    )
    op.create_index("ix_moderation_group_meetings_meets_on", "moderation_group_meetings", ["meets_on"])
    op.create_table(
        "moderation_group_members",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["moderation_group_meetings.id"],
            name="fk_moderation_group_members_meeting",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name="fk_moderation_group_members_person_id_people"),
        sa.PrimaryKeyConstraint("id", name="pk_moderation_group_members"),
        sa.UniqueConstraint("meeting_id", "person_id", name="uq_moderation_group_members_meeting_person"),
    )
    op.create_table(
        "moderation_group_audits",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("original_grade", sa.String(length=32), nullable=True),
        sa.Column("agreed_grade", sa.String(length=32), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("learning", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["moderation_group_meetings.id"],
            name="fk_moderation_group_audits_meeting",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["audit_assignments.id"],
            name="fk_moderation_group_audits_assignment_id_audit_assignments",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["people.id"], name="fk_moderation_group_audits_recorded_by_id_people"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_moderation_group_audits"),
        sa.UniqueConstraint("meeting_id", "assignment_id", name="uq_moderation_group_audits_meeting_assignment"),
    )
    op.create_index("ix_moderation_group_audits_assignment_id", "moderation_group_audits", ["assignment_id"])


def downgrade() -> None:
    op.drop_index("ix_moderation_group_audits_assignment_id", table_name="moderation_group_audits")
    op.drop_table("moderation_group_audits")
    op.drop_table("moderation_group_members")
    op.drop_index("ix_moderation_group_meetings_meets_on", table_name="moderation_group_meetings")
    op.drop_table("moderation_group_meetings")
