"""Episode locks: a pass takes one before rendering, so two passes never render twice.

Revision ID: 0003
Revises: 0002

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "episode_locks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guid", sa.String(length=2048), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_episode_locks")),
        sa.UniqueConstraint("guid", name=op.f("uq_episode_locks_guid")),
    )


def downgrade() -> None:
    op.drop_table("episode_locks")
