"""Compliments and complaints logged by client relations; quality practice examples to celebrate.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "client_feedback",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("case_reference", sa.String(length=32), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("logged_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name="fk_client_feedback_team_id_teams"),
        sa.ForeignKeyConstraint(["logged_by_id"], ["people.id"], name="fk_client_feedback_logged_by_id_people"),
        sa.PrimaryKeyConstraint("id", name="pk_client_feedback"),
    )
    op.create_index("ix_client_feedback_received", "client_feedback", ["received_on", "team_id"])
    op.create_table(
        "practice_examples",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("source_ref", sa.String(length=64), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("nominated_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name="fk_practice_examples_team_id_teams"),
        sa.ForeignKeyConstraint(["nominated_by_id"], ["people.id"], name="fk_practice_examples_nominated_by_id_people"),
        sa.PrimaryKeyConstraint("id", name="pk_practice_examples"),
    )


def downgrade() -> None:
    op.drop_table("practice_examples")
    op.drop_index("ix_client_feedback_received", table_name="client_feedback")
    op.drop_table("client_feedback")
