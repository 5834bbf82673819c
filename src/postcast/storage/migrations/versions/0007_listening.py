"""Listening figures: daily listener salts, listens (downloads once counted), imported
access logs, and an index to find a render by its media file.

Revision ID: 0007
Revises: 0006

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f("ix_renders_audio_file"), "renders", ["audio_file"])
    op.create_table(
        "listener_salts",
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("salt", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_listener_salts")),
    )
    op.create_table(
        "listens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_ref", sa.Integer(), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("listener", sa.String(length=64), nullable=False),
        sa.Column("listener_before", sa.String(length=64), nullable=False),
        sa.Column("bytes_sent", sa.BigInteger(), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("counted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["episode_ref"],
            ["episodes.id"],
            name=op.f("fk_listens_episode_ref_episodes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listens")),
        sa.UniqueConstraint("episode_ref", "day", "listener", name="uq_listens_episode_ref_day"),
    )
    op.create_index(op.f("ix_listens_counted_at"), "listens", ["counted_at"])
    op.create_table(
        "imported_access_logs",
        sa.Column("name", sa.String(length=2048), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_imported_access_logs")),
    )


def downgrade() -> None:
    op.drop_table("imported_access_logs")
    op.drop_index(op.f("ix_listens_counted_at"), table_name="listens")
    op.drop_table("listens")
    op.drop_table("listener_salts")
    op.drop_index(op.f("ix_renders_audio_file"), table_name="renders")
