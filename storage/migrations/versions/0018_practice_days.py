"""Practice days: a planned audit round for a service area on one date, with its cases and pairs.

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "practice_days",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("service_area_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("template_id", sa.String(length=64), nullable=False),
        sa.Column("template_version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("planned_by_id", sa.Integer(), nullable=True),
        sa.Column("planned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("start_problems", sa.JSON(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("calendar_occurrence_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["calendar_occurrence_id"],
            ["qa_calendar_occurrences.id"],
            name="fk_practice_days_calendar_occurrence_id_qa_calendar_occurrences",
        ),
        sa.ForeignKeyConstraint(["planned_by_id"], ["people.id"], name="fk_practice_days_planned_by_id_people"),
        sa.ForeignKeyConstraint(
            ["round_id"], ["audit_rounds.id"], name="fk_practice_days_round_id_audit_rounds", ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["service_area_id"], ["service_areas.id"], name="fk_practice_days_service_area_id_service_areas"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_practice_days"),
        sa.UniqueConstraint("round_id", name="uq_practice_days_round_id"),
        sa.UniqueConstraint("service_area_id", "held_on", name="uq_practice_days_service_area_id_held_on"),
    )
    op.create_table(
        "practice_day_cases",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("practice_day_id", sa.Integer(), nullable=False),
        sa.Column("case_ref", sa.String(length=32), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("practitioner_id", sa.Integer(), nullable=False),
        sa.Column("auditor_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["auditor_id"], ["people.id"], name="fk_practice_day_cases_auditor_id_people"),
        sa.ForeignKeyConstraint(
            ["practice_day_id"],
            ["practice_days.id"],
            name="fk_practice_day_cases_practice_day_id_practice_days",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["practitioner_id"], ["people.id"], name="fk_practice_day_cases_practitioner_id_people"
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name="fk_practice_day_cases_team_id_teams"),
        sa.PrimaryKeyConstraint("id", name="pk_practice_day_cases"),
        sa.UniqueConstraint("practice_day_id", "case_ref", name="uq_practice_day_cases_practice_day_id_case_ref"),
    )


def downgrade() -> None:
    op.drop_table("practice_day_cases")
    op.drop_table("practice_days")
