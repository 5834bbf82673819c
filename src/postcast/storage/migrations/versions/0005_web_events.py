"""Webhook events and deliveries, render progress, and (SQLite) a small search index of
titles, authors and tags to rank by.

Ranking by bm25 over the whole FTS5 table read every match's transcript positions (20 ms
of CPU for a common word on 10,000 episodes); `episode_search_heading_fts` ranks in a
quarter of that. It reads `episode_search` (external content), kept in step by triggers.

Revision ID: 0005
Revises: 0004

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_HEADING = "episode_search_heading_fts"
_OLD = "old.episode_ref, old.title, old.authors, old.tags"
_NEW = "new.episode_ref, new.title, new.authors, new.tags"
_SQLITE_HEADING_INDEX = [
    f"""CREATE VIRTUAL TABLE {_HEADING} USING fts5(
        title, authors, tags, content='episode_search', content_rowid='episode_ref',
        tokenize='porter unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER episode_search_heading_ai AFTER INSERT ON episode_search BEGIN
        INSERT INTO {_HEADING}(rowid, title, authors, tags) VALUES ({_NEW});
    END""",
    f"""CREATE TRIGGER episode_search_heading_ad AFTER DELETE ON episode_search BEGIN
        INSERT INTO {_HEADING}({_HEADING}, rowid, title, authors, tags)
        VALUES ('delete', {_OLD});
    END""",
    f"""CREATE TRIGGER episode_search_heading_au AFTER UPDATE ON episode_search BEGIN
        INSERT INTO {_HEADING}({_HEADING}, rowid, title, authors, tags)
        VALUES ('delete', {_OLD});
        INSERT INTO {_HEADING}(rowid, title, authors, tags) VALUES ({_NEW});
    END""",
    f"INSERT INTO {_HEADING}({_HEADING}) VALUES ('rebuild')",  # what 0004 indexed
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in _SQLITE_HEADING_INDEX:
            op.execute(statement)
    op.create_table(
        "episode_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("fanned_out", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_episode_events")),
        sa.UniqueConstraint("key", name=op.f("uq_episode_events_key")),
    )
    op.create_index(op.f("ix_episode_events_fanned_out"), "episode_events", ["fanned_out"])
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_ref", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_ref"],
            ["episode_events.id"],
            name=op.f("fk_webhook_deliveries_event_ref_episode_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
        sa.UniqueConstraint("event_ref", "url", name="uq_webhook_deliveries_event_ref_url"),
    )
    op.create_index(op.f("ix_webhook_deliveries_event_ref"), "webhook_deliveries", ["event_ref"])
    op.create_index(
        op.f("ix_webhook_deliveries_next_attempt_at"), "webhook_deliveries", ["next_attempt_at"]
    )
    op.create_table(
        "render_progress",
        sa.Column("guid", sa.String(length=2048), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("stage", sa.String(length=200), nullable=False),
        sa.Column("done", sa.Double(), nullable=False),
        sa.Column("total", sa.Double(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("guid", name=op.f("pk_render_progress")),
    )
    op.create_index(op.f("ix_render_progress_updated_at"), "render_progress", ["updated_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_render_progress_updated_at"), table_name="render_progress")
    op.drop_table("render_progress")
    op.drop_index(op.f("ix_webhook_deliveries_next_attempt_at"), table_name="webhook_deliveries")
    op.drop_index(op.f("ix_webhook_deliveries_event_ref"), table_name="webhook_deliveries")
    op.drop_table("webhook_deliveries")
    op.drop_index(op.f("ix_episode_events_fanned_out"), table_name="episode_events")
    op.drop_table("episode_events")
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP TABLE {_HEADING}")
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS episode_search_heading_{suffix}")
