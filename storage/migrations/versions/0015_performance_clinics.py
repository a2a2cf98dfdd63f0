"""Performance clinic packs: one record per team and month with a snapshot of the figures shown.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "performance_clinics",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("prepared_on", sa.Date(), nullable=False),
        sa.Column("prepared_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("prepared_by_id", sa.Integer(), nullable=True),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["prepared_by_id"], ["people.id"], name="fk_performance_clinics_prepared_by_id_people"),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name="fk_performance_clinics_team_id_teams"),
        sa.PrimaryKeyConstraint("id", name="pk_performance_clinics"),
        sa.UniqueConstraint("team_id", "month", name="uq_performance_clinics_team_month"),
    )


def downgrade() -> None:
    op.drop_table("performance_clinics")
