"""Full-text search over published episodes: titles, authors, tags and transcripts.

SQLite answers from an FTS5 table (bm25 ranking, `snippet()`), PostgreSQL from a weighted
`tsvector` with a GIN index (`ts_rank_cd`, `ts_headline`); migration 0004 makes both.
`refresh` keeps `episode_search` in step with the episodes table: a row is (re)written when
its episode or latest render changed, and goes with its episode (ON DELETE CASCADE).
Snippets come back as HTML: the text is escaped here and only `<mark>` is added.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

import webvtt
from markupsafe import Markup, escape
from sqlalchemy import Connection, Engine, bindparam, func, select, text
from webvtt.errors import MalformedFileError

from postcast.errors import PostcastError
from postcast.objectstore import Store
from postcast.publishing.notes import paragraphs
from postcast.storage.schema import EpisodeRow, PostRow, RenderRow

TRANSCRIPT_VTT = "text/vtt"
# Snippet delimiters: control characters, stripped from indexed text, so a post cannot
# forge a highlight, and the escaped snippet's only markup is the one added here.
_START, _STOP = "\x02", "\x03"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 16
BULK_REINDEX = 500  # episodes indexed at once that call for fresh planner statistics

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SearchHit:
    episode_ref: int
    guid: str
    title: str
    authors: list[str]
    tags: list[str]
    pub_date: datetime
    audio_file: str
    post_url: str
    snippet: Markup  # escaped text with <mark> around the matched words
    rank: float


def _clean(value: str) -> str:
    return _CONTROL.sub(" ", value)


def transcript_text(store: Store, transcript_files: dict[str, Any], post_html: str) -> str:
    """The words the episode says: its WebVTT transcript, read from wherever the library
    publishes (the site folder, or the bucket behind `[service] storage`), else the
    post's text (no transcript, or the store cannot give it now)."""
    relative = transcript_files.get(TRANSCRIPT_VTT)
    if relative:
        try:
            captions = webvtt.from_string(store.get_bytes(relative).decode("utf-8")).captions
            return " ".join(" ".join(caption.text.split()) for caption in captions)
        except (PostcastError, UnicodeDecodeError, MalformedFileError) as error:
            logger.warning("transcript %s not read (%s): indexing the post's text", relative, error)
    return " ".join(paragraphs(post_html))


def refresh(engine: Engine, store: Store) -> int:
    """Index what changed since the last refresh; returns how many episodes were indexed."""
    latest = (
        select(RenderRow.episode_ref, func.max(RenderRow.id).label("render_id"))
        .group_by(RenderRow.episode_ref)
        .subquery()
    )
    wanted = select(EpisodeRow.id, EpisodeRow.updated_at, latest.c.render_id).join(
        latest, latest.c.episode_ref == EpisodeRow.id, isouter=True
    )
    with engine.begin() as connection:
        rows = connection.execute(text("SELECT episode_ref, indexed_key FROM episode_search"))
        indexed = {episode_ref: key for episode_ref, key in rows}
        stale = []
        for episode_id, updated_at, render_id in connection.execute(wanted).tuples():
            key = f"{updated_at.isoformat()}|{render_id}"
            if indexed.get(episode_id) != key:
                stale.append((episode_id, render_id, key))
        for episode_id, render_id, key in stale:
            _index_one(connection, store, episode_id, render_id, key)
        if len(stale) >= BULK_REINDEX and engine.dialect.name == "postgresql":
            # Without statistics the planner joins row by row (seconds per search);
            # autovacuum would gather them too, but only after a while.
            connection.exec_driver_sql("ANALYZE episode_search")
    return len(stale)


def _index_one(
    connection: Connection, store: Store, episode_id: int, render_id: int | None, key: str
) -> None:
    episode = connection.execute(select(EpisodeRow).where(EpisodeRow.id == episode_id)).one()
    post = connection.execute(select(PostRow).where(PostRow.id == episode.post_ref)).one()
    files: dict[str, Any] = {}
    if render_id is not None:
        render = connection.execute(select(RenderRow).where(RenderRow.id == render_id)).one()
        files = dict(render.transcript_files)
    row = {
        "ref": episode_id,
        "title": _clean(episode.title),
        "authors": _clean(" ".join(post.authors)),
        "tags": _clean(" ".join(post.tags)),
        "transcript": _clean(transcript_text(store, files, post.html)),
        "key": key,
    }
    connection.execute(text("DELETE FROM episode_search WHERE episode_ref = :ref"), row)
    connection.execute(
        text(
            "INSERT INTO episode_search (episode_ref, title, authors, tags, transcript, "
            "indexed_key) VALUES (:ref, :title, :authors, :tags, :transcript, :key)"
        ),
        row,
    )


def terms(query: str) -> list[str]:
    """The words of a listener's query (punctuation and operators are not syntax here)."""
    return _WORD.findall(query)[:MAX_TERMS]


# SQLite: matched (every word, any column) in the FTS5 table of everything, ranked by bm25
# over the small one of title, authors and tags (any word), then newest first, as on
# PostgreSQL. bm25 over the transcripts cost 20 ms of CPU for a common word on 10,000
# episodes (it reads every match's length and position list); the heading's costs 5.
# Snippets come after, for the page's rows only, cut by `text_snippet` as on PostgreSQL:
# FTS5's snippet() tokenises each transcript again (6 ms for a page of 20).
_SQLITE = """
WITH ranked AS (
  SELECT rowid AS ref, bm25(episode_search_heading_fts, 10.0, 5.0, 3.0) AS rank
  FROM episode_search_heading_fts WHERE episode_search_heading_fts MATCH :any)
SELECT s.rowid AS ref, coalesce(r.rank, 0.0) AS rank
FROM episode_search_fts AS s JOIN episodes AS e ON e.id = s.rowid
LEFT JOIN ranked AS r ON r.ref = s.rowid
WHERE episode_search_fts MATCH :match AND e.status = 'published'
ORDER BY rank, e.pub_date DESC, e.id LIMIT :limit OFFSET :offset
"""
_SQLITE_TEXTS = """
SELECT episode_ref AS ref, title, transcript FROM episode_search WHERE episode_ref IN :refs
"""
# PostgreSQL: matched through the GIN index on the whole document; ranked by title,
# authors and tags (`heading`), then newest first. Its planner costs a sequential scan by
# the table's small main pages and not by the TOASTed transcripts it reads to filter, so
# the search leaves it only the GIN bitmap scan (exact: no transcript is read), in its own
# transaction: 10 ms instead of 140 on 3,000 episodes matching a common word.
_POSTGRES = """
SELECT s.episode_ref AS ref, ts_rank_cd(s.heading, q) AS rank, s.title, s.transcript
FROM episode_search AS s JOIN episodes AS e ON e.id = s.episode_ref,
     plainto_tsquery('english', :match) AS q
WHERE s.document @@ q AND e.status = 'published'
ORDER BY rank DESC, e.pub_date DESC, e.id LIMIT :limit OFFSET :offset
"""


class _Found(NamedTuple):
    ref: int
    rank: float
    snippet: str


def search(engine: Engine, query: str, limit: int = 20, offset: int = 0) -> list[SearchHit]:
    """Published episodes matching every word of `query`, best first."""
    words = terms(query)
    if not words:
        return []
    sqlite = engine.dialect.name == "sqlite"
    # FTS5: each word quoted, so nothing is an operator. No prefix queries: a short prefix
    # expands to hundreds of terms (ten times slower); the Porter stemmer matches word forms.
    quoted = [f'"{w}"' for w in words]
    match = " ".join(quoted) if sqlite else " ".join(words)
    params = {"match": match, "any": " OR ".join(quoted)}
    with engine.connect() as connection:
        if not sqlite:
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            connection.exec_driver_sql("SET LOCAL enable_indexscan = off")  # bitmap: GIN
        rows = connection.execute(
            text(_SQLITE if sqlite else _POSTGRES), params | {"limit": limit, "offset": offset}
        ).all()
        texts = rows
        if sqlite and rows:
            by_ref = text(_SQLITE_TEXTS).bindparams(bindparam("refs", expanding=True))
            texts = connection.execute(by_ref, {"refs": [r.ref for r in rows]}).all()
        snippets = {row.ref: text_snippet(row.title, row.transcript, words) for row in texts}
        found = [_Found(row.ref, row.rank, snippets.get(row.ref, "")) for row in rows]
        return _hits(connection, found, sqlite)


def _hits(connection: Connection, found: list[_Found], sqlite: bool) -> list[SearchHit]:
    refs = [row.ref for row in found]
    if not refs:
        return []
    latest = (
        select(RenderRow.episode_ref, func.max(RenderRow.id).label("render_id"))
        .where(RenderRow.episode_ref.in_(bindparam("refs", expanding=True)))
        .group_by(RenderRow.episode_ref)
        .subquery()
    )
    query = (
        select(
            EpisodeRow.id,
            EpisodeRow.guid,
            EpisodeRow.title,
            EpisodeRow.pub_date,
            PostRow.authors,
            PostRow.tags,
            PostRow.url,
            RenderRow.audio_file,
        )
        .join(PostRow, PostRow.id == EpisodeRow.post_ref)
        .join(latest, latest.c.episode_ref == EpisodeRow.id)
        .join(RenderRow, RenderRow.id == latest.c.render_id)
        .where(EpisodeRow.id.in_(bindparam("refs", expanding=True)))
    )
    rows = {row.id: row for row in connection.execute(query, {"refs": refs}).all()}
    hits = []
    for match in found:
        row = rows.get(match.ref)
        if row is None:  # deleted between the two queries
            continue
        rank = -float(match.rank) if sqlite else float(match.rank)  # bm25: lower is better
        hits.append(
            SearchHit(
                row.id,
                row.guid,
                row.title,
                list(row.authors),
                list(row.tags),
                row.pub_date,
                row.audio_file,
                row.url,
                highlight(match.snippet),
                rank,
            )
        )
    return hits


def text_snippet(title: str, transcript: str, words: list[str], width: int = 24) -> str:
    """About `width` words of `transcript` around the first query word (or of the title and
    the transcript's start, when only the title matches), the words that start like a
    query word delimited for `highlight`. Written here, not by ts_headline or FTS5's
    snippet(): they parse the whole transcript again, milliseconds for each result."""
    stems = [re.escape(word.casefold()[: max(4, len(word) - 3)]) for word in words]
    # No `\b` in the pattern: it keeps `re` from skipping ahead to the stems' letters (a
    # long transcript took 1.4 ms instead of 3 µs); word starts are checked on each match.
    pattern = re.compile(r"(?:" + "|".join(stems) + r")\w*", re.IGNORECASE)
    position = next((m.start() for m in pattern.finditer(transcript) if _starts_word(m)), None)
    if position is None:
        transcript, position = f"{title} — {transcript}", 0
    keep_before = width // 3
    before = transcript[:position].rsplit(maxsplit=keep_before)  # only the last words
    after = transcript[position:].split(maxsplit=width)
    kept_before = before[-keep_before:] if keep_before else []
    kept_after = after[: width - len(kept_before)]
    window = " ".join(kept_before + kept_after)
    marked = pattern.sub(lambda m: _START + m[0] + _STOP if _starts_word(m) else m[0], window)
    lead = "…" if len(before) > len(kept_before) else ""
    tail = "…" if len(after) > len(kept_after) else ""
    return lead + marked + tail


def _starts_word(match: re.Match[str]) -> bool:
    start = match.start()
    return start == 0 or _WORD.match(match.string, start - 1) is None


def highlight(snippet: str) -> Markup:
    """The database's snippet, escaped, with its delimiters turned into <mark>."""
    escaped = str(escape(snippet))
    return Markup(escaped.replace(_START, "<mark>").replace(_STOP, "</mark>"))
