"""QA calendar per unit: occurrences per (activity, unit, due date), findings, attendees.

Every occurrence recorded before this revision was organisation-wide, so it becomes the
service-wide unit's record (``unit = 'service'``): nobody can tell now which team it was for.
Activities that are now held per team, manager or service area start their per-unit record
from here; their older service-wide records stay readable but count for no single unit.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("qa_calendar_occurrences", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unit", sa.String(length=64), nullable=False, server_default="service"))
        batch_op.add_column(sa.Column("ad_hoc", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("findings", sa.Text(), nullable=True))
        batch_op.drop_constraint("uq_qa_calendar_occurrences_activity_due_on", type_="unique")
        batch_op.create_unique_constraint(
            "uq_qa_calendar_occurrences_activity_unit_due_on", ["activity", "unit", "due_on"]
        )
    with op.batch_alter_table("qa_calendar_occurrences", schema=None) as batch_op:
        batch_op.alter_column("unit", server_default=None)
        batch_op.alter_column("ad_hoc", server_default=None)
    op.create_table(
        "qa_calendar_attendees",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("occurrence_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["occurrence_id"],
            ["qa_calendar_occurrences.id"],
            name="fk_qa_calendar_attendees_occurrence_id_qa_calendar_occurrences",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name="fk_qa_calendar_attendees_person_id_people"),
        sa.PrimaryKeyConstraint("id", name="pk_qa_calendar_attendees"),
        sa.UniqueConstraint("occurrence_id", "person_id", name="uq_qa_calendar_attendees_occurrence_person"),
    )


def downgrade() -> None:
    """Back to one record per (activity, due date): per-unit records beyond the first are dropped."""
    op.drop_table("qa_calendar_attendees")
    op.execute(
        "DELETE FROM qa_calendar_occurrences WHERE id NOT IN "
        "(SELECT MIN(id) FROM qa_calendar_occurrences GROUP BY activity, due_on)"
    )
    with op.batch_alter_table("qa_calendar_occurrences", schema=None) as batch_op:
        batch_op.drop_constraint("uq_qa_calendar_occurrences_activity_unit_due_on", type_="unique")
        batch_op.create_unique_constraint("uq_qa_calendar_occurrences_activity_due_on", ["activity", "due_on"])
        batch_op.drop_column("findings")
        batch_op.drop_column("ad_hoc")
        batch_op.drop_column("unit")
