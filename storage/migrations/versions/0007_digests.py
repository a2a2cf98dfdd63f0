"""Digest subscriptions and the claimed (subscription, week) runs that post each digest once.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "digest_subscriptions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("service_area_id", sa.Integer(), nullable=True),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("send_at", sa.String(length=5), nullable=False),
        sa.Column("show_case_references", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["conversation_id"], ["conversations.id"], name="fk_digest_subscriptions_conversation_id_conversations"
        ),
        sa.ForeignKeyConstraint(["created_by_id"], ["people.id"], name="fk_digest_subscriptions_created_by_id_people"),
        sa.ForeignKeyConstraint(
            ["service_area_id"], ["service_areas.id"], name="fk_digest_subscriptions_service_area_id_service_areas"
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name="fk_digest_subscriptions_team_id_teams"),
        sa.PrimaryKeyConstraint("id", name="pk_digest_subscriptions"),
        sa.UniqueConstraint("conversation_id", name="uq_digest_subscriptions_conversation_id"),
    )
    op.create_table(
        "digest_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("period_key", sa.String(length=16), nullable=False),
        sa.Column("scheduled_for", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("handed_over_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivery_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["digest_subscriptions.id"],
            name="fk_digest_runs_subscription_id_digest_subscriptions",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_digest_runs"),
        sa.UniqueConstraint("subscription_id", "period_key", name="uq_digest_runs_subscription_period"),
    )
    # The digest's aggregates filter every table by time first (measured by bench/digest).
    op.create_index("ix_feedback_responses_submitted_at", "feedback_responses", ["submitted_at"])
    op.create_index("ix_audit_submissions_submitted_at", "audit_submissions", ["submitted_at"])
    op.create_index("ix_actions_created_at", "actions", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_actions_created_at", table_name="actions")
    op.drop_index("ix_audit_submissions_submitted_at", table_name="audit_submissions")
    op.drop_index("ix_feedback_responses_submitted_at", table_name="feedback_responses")
    op.drop_table("digest_runs")
    op.drop_table("digest_subscriptions")
