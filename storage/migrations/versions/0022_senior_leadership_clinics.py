"""Senior leadership performance clinic packs: one record per month with a snapshot of the figures shown.

Revision ID: 0022
Revises: 0021
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "senior_leadership_clinics",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("prepared_on", sa.Date(), nullable=False),
        sa.Column("prepared_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("prepared_by_id", sa.Integer(), nullable=True),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["prepared_by_id"], ["people.id"], name="fk_senior_leadership_clinics_prepared_by_id_people"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_senior_leadership_clinics"),
        sa.UniqueConstraint("month", name="uq_senior_leadership_clinics_month"),
    )


def downgrade() -> None:
    op.drop_table("senior_leadership_clinics")
