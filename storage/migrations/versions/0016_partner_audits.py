"""Multi-agency audits: partner auditors' single-use links and the parts they return.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "partner_audit_links",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(length=16), nullable=False),
        sa.Column("partner_label", sa.String(length=120), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["audit_assignments.id"],
            name="fk_partner_audit_links_assignment_id_audit_assignments",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["created_by_id"], ["people.id"], name="fk_partner_audit_links_created_by_id_people"),
        sa.PrimaryKeyConstraint("id", name="pk_partner_audit_links"),
        sa.UniqueConstraint("token_hash", name="uq_partner_audit_links_token_hash"),
    )
    op.create_index("ix_partner_audit_links_assignment_id", "partner_audit_links", ["assignment_id"])
    op.create_table(
        "partner_audit_parts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(length=16), nullable=False),
        sa.Column("template_id", sa.String(length=64), nullable=False),
        sa.Column("template_version", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["audit_assignments.id"],
            name="fk_partner_audit_parts_assignment_id_audit_assignments",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["partner_audit_links.id"],
            name="fk_partner_audit_parts_link_id_partner_audit_links",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_partner_audit_parts"),
        sa.UniqueConstraint("link_id", name="uq_partner_audit_parts_link_id"),
    )
    op.create_index("ix_partner_audit_parts_assignment_id", "partner_audit_parts", ["assignment_id"])


def downgrade() -> None:
    op.drop_index("ix_partner_audit_parts_assignment_id", table_name="partner_audit_parts")
    op.drop_table("partner_audit_parts")
    op.drop_index("ix_partner_audit_links_assignment_id", table_name="partner_audit_links")
    op.drop_table("partner_audit_links")
