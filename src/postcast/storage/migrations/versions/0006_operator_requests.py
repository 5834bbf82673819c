"""Operators' requests the pipeline acts on: re-renders, lexicon changes, URL queue state,
source fetch triggers.

`episodes.render_generation` counts re-render requests (a lexicon change, "re-render
one"): a render is current when made from the post's revision at that generation, so a
request made while a render runs is not lost. `lexicon_changes` lists the words changed
since the last pass looked. A URL request keeps its error and the source name its post
was collected under. `sources.fetch_requested_at`: an operator asked for a fetch.
`renders.spoken_text`: the narration script a render spoke, to find the episodes that
say a changed word without narrating every post again (older renders have none).

Revision ID: 0006
Revises: 0005

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

url_requests = sa.table("url_requests", sa.column("state", sa.String))


def upgrade() -> None:
    with op.batch_alter_table("episodes") as batch:
        batch.add_column(
            sa.Column("render_generation", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("url_requests") as batch:
        batch.add_column(sa.Column("error", sa.Text(), nullable=True))
        batch.add_column(sa.Column("post_source", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        url_requests.update().where(url_requests.c.state == "queued").values(state="pending")
    )
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("fetch_requested_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("renders") as batch:
        batch.add_column(sa.Column("spoken_text", sa.Text(), nullable=True))
    op.create_table(
        "lexicon_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("word", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lexicon_changes")),
    )


def downgrade() -> None:
    op.drop_table("lexicon_changes")
    with op.batch_alter_table("renders") as batch:
        batch.drop_column("spoken_text")
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("fetch_requested_at")
    op.execute(
        url_requests.update().where(url_requests.c.state == "pending").values(state="queued")
    )
    with op.batch_alter_table("url_requests") as batch:
        batch.drop_column("updated_at")
        batch.drop_column("post_source")
        batch.drop_column("error")
    with op.batch_alter_table("episodes") as batch:
        batch.drop_column("render_generation")
