"""delivered message ids

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 12:41:19.590585
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sent_chat_id", sa.String(), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("sent_message_id", sa.String(), nullable=False, server_default="")
        )
        batch_op.create_index(
            batch_op.f("ix_outbox_sent_message_id"), ["sent_message_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_sent_message_id"))
        batch_op.drop_column("sent_message_id")
        batch_op.drop_column("sent_chat_id")
