"""building polls

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 06:05:28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "poll",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("rule", sa.String(), nullable=False),
        sa.Column("approve_option", sa.Integer(), nullable=True),
        sa.Column("oppose_option", sa.Integer(), nullable=True),
        sa.Column("scope_kind", sa.String(), nullable=False),
        sa.Column("scope_ids", sa.JSON(), nullable=False),
        sa.Column("native", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closes_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("remind_at", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("origin_platform", sa.String(), nullable=False),
        sa.Column("origin_chat_id", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["closed_by"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("poll", schema=None) as batch_op:
        batch_op.create_index("ix_poll_due", ["state", "closes_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_poll_remind_at"), ["remind_at"], unique=False)

    op.create_table(
        "pollevent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("option", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
        ),
        sa.ForeignKeyConstraint(
            ["poll_id"],
            ["poll.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("pollevent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pollevent_poll_id"), ["poll_id"], unique=False)

    op.create_table(
        "pollmessage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(), nullable=False),
        sa.Column("chat_id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("message_id", sa.String(), nullable=False),
        sa.Column("native_poll_id", sa.String(), nullable=False),
        sa.Column("shown", sa.String(), nullable=False),
        sa.Column("edited_at", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("stopped", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["outbox_id"],
            ["outbox.id"],
        ),
        sa.ForeignKeyConstraint(
            ["poll_id"],
            ["poll.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("pollmessage", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pollmessage_native_poll_id"), ["native_poll_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_pollmessage_poll_id"), ["poll_id"], unique=False)

    op.create_table(
        "pollvote",
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("option", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["poll_id"],
            ["poll.id"],
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("poll_id", "household_id"),
    )
    op.create_table(
        "pollvoter",
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("building_id", sa.String(), nullable=False),
        sa.Column("unit", sa.String(), nullable=False),
        sa.Column("room", sa.String(), nullable=False),
        sa.Column("area_m2", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
        ),
        sa.ForeignKeyConstraint(
            ["poll_id"],
            ["poll.id"],
        ),
        sa.PrimaryKeyConstraint("poll_id", "household_id"),
    )
    op.create_table(
        "polldraft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(), nullable=False),
        sa.Column("chat_id", sa.String(), nullable=False),
        sa.Column("step", sa.String(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("created_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("polldraft", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_polldraft_person_id"), ["person_id"], unique=False)

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("poll_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_outbox_poll_id"), ["poll_id"], unique=False)
        batch_op.create_foreign_key("fk_outbox_poll_id", "poll", ["poll_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint("fk_outbox_poll_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_outbox_poll_id"))
        batch_op.drop_column("poll_id")

    with op.batch_alter_table("polldraft", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_polldraft_person_id"))

    op.drop_table("polldraft")
    op.drop_table("pollvoter")
    op.drop_table("pollvote")
    with op.batch_alter_table("pollmessage", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pollmessage_poll_id"))
        batch_op.drop_index(batch_op.f("ix_pollmessage_native_poll_id"))

    op.drop_table("pollmessage")
    with op.batch_alter_table("pollevent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pollevent_poll_id"))

    op.drop_table("pollevent")
    with op.batch_alter_table("poll", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_poll_remind_at"))
        batch_op.drop_index("ix_poll_due")

    op.drop_table("poll")
