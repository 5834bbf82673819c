"""Initial schema: sources, posts, episodes, renders, feeds.

Revision ID: 0001
Revises:

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("config_hash", sa.String(length=64), nullable=False),
        sa.Column("last_published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feeds")),
        sa.UniqueConstraint("name", name=op.f("uq_feeds_name")),
    )
    op.create_table(
        "posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("post_id", sa.String(length=2048), nullable=False),
        sa.Column("forum_code", sa.String(length=32), nullable=False),
        sa.Column("forum_name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("authors", sa.JSON(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revision", sa.String(length=64), nullable=False),
        sa.Column("karma", sa.Integer(), nullable=True),
        sa.Column("af", sa.Boolean(), nullable=False),
        sa.Column("af_karma", sa.Integer(), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("is_event", sa.Boolean(), nullable=False),
        sa.Column("is_question", sa.Boolean(), nullable=False),
        sa.Column("is_shortform", sa.Boolean(), nullable=False),
        sa.Column("is_draft", sa.Boolean(), nullable=False),
        sa.Column("crosspost_id", sa.String(length=2048), nullable=True),
        sa.Column("crosspost_hosted_here", sa.Boolean(), nullable=True),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("markdown", sa.Text(), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("qualified_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posts")),
        sa.UniqueConstraint("source", "post_id", name="uq_posts_source_post_id"),
    )
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
        sa.UniqueConstraint("name", name=op.f("uq_sources_name")),
    )
    op.create_table(
        "episodes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guid", sa.String(length=2048), nullable=False),
        sa.Column("post_ref", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("pub_date", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("excluded_reason", sa.Text(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["post_ref"], ["posts.id"], name=op.f("fk_episodes_post_ref_posts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_episodes")),
        sa.UniqueConstraint("guid", name=op.f("uq_episodes_guid")),
    )
    op.create_index(op.f("ix_episodes_post_ref"), "episodes", ["post_ref"], unique=False)
    op.create_index(op.f("ix_episodes_status"), "episodes", ["status"], unique=False)
    op.create_table(
        "renders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_ref", sa.Integer(), nullable=False),
        sa.Column("revision", sa.String(length=64), nullable=False),
        sa.Column("audio_file", sa.Text(), nullable=False),
        sa.Column("audio_size", sa.BigInteger(), nullable=False),
        sa.Column("duration", sa.Double(), nullable=False),
        sa.Column("chapters", sa.JSON(), nullable=False),
        sa.Column("transcript_files", sa.JSON(), nullable=False),
        sa.Column("chapters_file", sa.Text(), nullable=True),
        sa.Column("loudness_lufs", sa.Double(), nullable=True),
        sa.Column("true_peak_dbtp", sa.Double(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["episode_ref"],
            ["episodes.id"],
            name=op.f("fk_renders_episode_ref_episodes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_renders")),
        sa.UniqueConstraint("episode_ref", "revision", name="uq_renders_episode_ref_revision"),
    )
    op.create_index(op.f("ix_renders_episode_ref"), "renders", ["episode_ref"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f("ix_renders_episode_ref"), table_name="renders")
    op.drop_table("renders")
    op.drop_index(op.f("ix_episodes_status"), table_name="episodes")
    op.drop_index(op.f("ix_episodes_post_ref"), table_name="episodes")
    op.drop_table("episodes")
    op.drop_table("sources")
    op.drop_table("posts")
    op.drop_table("feeds")
