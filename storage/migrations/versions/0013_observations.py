"""Practice observations, and group supervision / Signs of Safety mapping meetings with their attendees.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mapping_meetings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("case_ref", sa.String(length=32), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("worried_about", sa.Text(), nullable=False),
        sa.Column("working_well", sa.Text(), nullable=False),
        sa.Column("needs_to_happen", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submission_key", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["people.id"], name="fk_mapping_meetings_recorded_by_id_people"),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name="fk_mapping_meetings_team_id_teams"),
        sa.PrimaryKeyConstraint("id", name="pk_mapping_meetings"),
        sa.UniqueConstraint("submission_key", name="uq_mapping_meetings_submission_key"),
    )
    op.create_index("ix_mapping_meetings_case_ref", "mapping_meetings", ["case_ref"])
    op.create_index("ix_mapping_meetings_team_held", "mapping_meetings", ["team_id", "held_on"])
    op.create_table(
        "practice_observations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("template_id", sa.String(length=64), nullable=False),
        sa.Column("template_version", sa.Integer(), nullable=False),
        sa.Column("case_ref", sa.String(length=32), nullable=False),
        sa.Column("practitioner_id", sa.Integer(), nullable=False),
        sa.Column("observer_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("observed_on", sa.Date(), nullable=False),
        sa.Column("practitioner_consented", sa.Boolean(), nullable=False),
        sa.Column("family_consented", sa.Boolean(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reflection_template_id", sa.String(length=64), nullable=True),
        sa.Column("reflection_template_version", sa.Integer(), nullable=True),
        sa.Column("reflection", sa.JSON(), nullable=True),
        sa.Column("reflection_draft", sa.JSON(), nullable=False),
        sa.Column("reflected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submission_key", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["observer_id"], ["people.id"], name="fk_practice_observations_observer_id_people"),
        sa.ForeignKeyConstraint(
            ["practitioner_id"], ["people.id"], name="fk_practice_observations_practitioner_id_people"
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name="fk_practice_observations_team_id_teams"),
        sa.PrimaryKeyConstraint("id", name="pk_practice_observations"),
        sa.UniqueConstraint("submission_key", name="uq_practice_observations_submission_key"),
    )
    op.create_index("ix_practice_observations_practitioner", "practice_observations", ["practitioner_id"])
    op.create_index("ix_practice_observations_team_observed", "practice_observations", ["team_id", "observed_on"])
    op.create_table(
        "mapping_attendees",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("scale", sa.Integer(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["mapping_meetings.id"],
            name="fk_mapping_attendees_meeting_id_mapping_meetings",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name="fk_mapping_attendees_person_id_people"),
        sa.PrimaryKeyConstraint("id", name="pk_mapping_attendees"),
        sa.UniqueConstraint("meeting_id", "person_id", name="uq_mapping_attendees_meeting_person"),
    )


def downgrade() -> None:
    op.drop_table("mapping_attendees")
    op.drop_index("ix_practice_observations_team_observed", table_name="practice_observations")
    op.drop_index("ix_practice_observations_practitioner", table_name="practice_observations")
    op.drop_table("practice_observations")
    op.drop_index("ix_mapping_meetings_team_held", table_name="mapping_meetings")
    op.drop_index("ix_mapping_meetings_case_ref", table_name="mapping_meetings")
    op.drop_table("mapping_meetings")
