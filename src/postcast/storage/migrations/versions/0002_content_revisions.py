"""Revisions carry a digest of the narrated content (`TIME#DIGEST`).

An edit that keeps the post's date must still re-render. Existing posts get the digest
of their stored content, and their latest render the same revision, so upgrading does
not re-render a library that has not changed.

Revision ID: 0002
Revises: 0001

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from postcast.models import narrated_digest

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

posts = sa.table(
    "posts",
    sa.column("id", sa.Integer),
    sa.column("revision", sa.String),
    sa.column("title", sa.Text),
    sa.column("authors", sa.JSON),
    sa.column("forum_name", sa.String),
    sa.column("html", sa.Text),
    sa.column("markdown", sa.Text),
)
episodes = sa.table("episodes", sa.column("id", sa.Integer), sa.column("post_ref", sa.Integer))
renders = sa.table(
    "renders",
    sa.column("id", sa.Integer),
    sa.column("episode_ref", sa.Integer),
    sa.column("revision", sa.String),
)


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(
            posts.c.id, posts.c.revision, posts.c.title, posts.c.authors,
            posts.c.forum_name, posts.c.html, posts.c.markdown,
        ).where(~posts.c.revision.contains("#"))
    )  # fmt: skip
    for post_id, old, title, authors, forum, html, markdown in rows.all():
        new = f"{old}#{narrated_digest(title, authors or [], forum, html, markdown)}"
        bind.execute(sa.update(posts).where(posts.c.id == post_id).values(revision=new))
        of_post = sa.select(episodes.c.id).where(episodes.c.post_ref == post_id)
        bind.execute(
            sa.update(renders)
            .where(renders.c.episode_ref.in_(of_post), renders.c.revision == old)
            .values(revision=new)
        )


def downgrade() -> None:
    bind = op.get_bind()
    for table in (posts, renders):
        rows = bind.execute(sa.select(table.c.id, table.c.revision).order_by(table.c.id.desc()))
        kept: set[tuple[object, str]] = set()
        for row_id, value in rows.all():
            old = value.partition("#")[0]
            if table is renders:  # two renders of one time, two contents: keep the newest
                episode = bind.scalar(
                    sa.select(renders.c.episode_ref).where(renders.c.id == row_id)
                )
                if (episode, old) in kept:
                    bind.execute(sa.delete(renders).where(renders.c.id == row_id))
                    continue
                kept.add((episode, old))
            bind.execute(sa.update(table).where(table.c.id == row_id).values(revision=old))
