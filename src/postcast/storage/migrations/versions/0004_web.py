"""The web app: search index, episode moderation log, URL requests, lexicon entries.

The search index is per database: on SQLite an FTS5 table over `episode_search` (external
content, kept in step by triggers); on PostgreSQL a stored `tsvector` of everything with a
GIN index to match, and a small one of title, authors and tags to rank by. An
`episode_search` row is deleted with its episode (ON DELETE CASCADE).

Revision ID: 0004
Revises: 0003

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQLITE_INDEX = [
    """CREATE VIRTUAL TABLE episode_search_fts USING fts5(
        title, authors, tags, transcript,
        content='episode_search', content_rowid='episode_ref',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER episode_search_ai AFTER INSERT ON episode_search BEGIN
        INSERT INTO episode_search_fts(rowid, title, authors, tags, transcript)
        VALUES (new.episode_ref, new.title, new.authors, new.tags, new.transcript);
    END""",
    """CREATE TRIGGER episode_search_ad AFTER DELETE ON episode_search BEGIN
        INSERT INTO episode_search_fts(episode_search_fts, rowid, title, authors, tags,
            transcript)
        VALUES ('delete', old.episode_ref, old.title, old.authors, old.tags, old.transcript);
    END""",
    """CREATE TRIGGER episode_search_au AFTER UPDATE ON episode_search BEGIN
        INSERT INTO episode_search_fts(episode_search_fts, rowid, title, authors, tags,
            transcript)
        VALUES ('delete', old.episode_ref, old.title, old.authors, old.tags, old.transcript);
        INSERT INTO episode_search_fts(rowid, title, authors, tags, transcript)
        VALUES (new.episode_ref, new.title, new.authors, new.tags, new.transcript);
    END""",
]
_POSTGRES_INDEX = [
    """ALTER TABLE episode_search ADD COLUMN document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', title), 'A')
        || setweight(to_tsvector('english', authors), 'B')
        || setweight(to_tsvector('english', tags), 'C')
        || setweight(to_tsvector('english', transcript), 'D')) STORED""",
    "CREATE INDEX ix_episode_search_document ON episode_search USING gin (document)",
    # Ranked by this small vector (never TOASTed, unlike a transcript's): ranking every
    # match of a common word by the whole document took seconds on 10,000 episodes.
    """ALTER TABLE episode_search ADD COLUMN heading tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', title), 'A')
        || setweight(to_tsvector('english', authors), 'B')
        || setweight(to_tsvector('english', tags), 'C')) STORED""",
]


def upgrade() -> None:
    op.create_table(
        "episode_search",
        sa.Column("episode_ref", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("authors", sa.Text(), nullable=False),
        sa.Column("tags", sa.Text(), nullable=False),
        sa.Column("transcript", sa.Text(), nullable=False),
        sa.Column("indexed_key", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(
            ["episode_ref"],
            ["episodes.id"],
            name="episode_search_episode_ref_fkey",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("episode_ref", name="episode_search_pkey"),
    )
    statements = _SQLITE_INDEX if op.get_bind().dialect.name == "sqlite" else _POSTGRES_INDEX
    for statement in statements:
        op.execute(statement)
    op.create_table(
        "episode_moderation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_ref", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["episode_ref"],
            ["episodes.id"],
            name=op.f("fk_episode_moderation_episode_ref_episodes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_episode_moderation")),
    )
    op.create_index(
        op.f("ix_episode_moderation_episode_ref"), "episode_moderation", ["episode_ref"]
    )
    op.create_table(
        "url_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_url_requests")),
        sa.UniqueConstraint("url", name=op.f("uq_url_requests_url")),
    )
    op.create_table(
        "lexicon_entries",
        sa.Column("word", sa.String(length=200), nullable=False),
        sa.Column("ipa", sa.Text(), nullable=False),
        sa.Column("respelling", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("word", name=op.f("pk_lexicon_entries")),
    )


def downgrade() -> None:
    op.drop_table("lexicon_entries")
    op.drop_table("url_requests")
    op.drop_index(op.f("ix_episode_moderation_episode_ref"), table_name="episode_moderation")
    op.drop_table("episode_moderation")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE episode_search_fts")  # its triggers go with episode_search
    op.drop_table("episode_search")
