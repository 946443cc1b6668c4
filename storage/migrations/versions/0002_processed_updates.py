"""processed updates

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 12:36:39.799258
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "processedupdate",
        sa.Column("platform", sa.String(), nullable=False),
        sa.Column("update_id", sa.String(), nullable=False),
        sa.Column("seen_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("platform", "update_id"),
    )
    with op.batch_alter_table("processedupdate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_processedupdate_seen_at"), ["seen_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("processedupdate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_processedupdate_seen_at"))

    op.drop_table("processedupdate")
