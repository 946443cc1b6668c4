"""ticket cards edited in place, pinned announcements

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 06:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain columns with defaults: ALTER TABLE ADD COLUMN everywhere, no table rebuild
    op.add_column(
        "outbox", sa.Column("card", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.add_column("outbox", sa.Column("edit_of", sa.Integer(), nullable=True))
    op.add_column(
        "outbox", sa.Column("pin", sa.Boolean(), nullable=False, server_default=sa.false())
    )


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("pin")
        batch_op.drop_column("edit_of")
        batch_op.drop_column("card")
