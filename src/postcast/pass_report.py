"""What one pass (or one task) did, and the one-line description of an error it met."""

from __future__ import annotations

from dataclasses import dataclass, field

from postcast.errors import PostcastError


@dataclass
class PassReport:
    """What one pass did; the CLI prints `summary()`."""

    posts_seen: int = 0
    new_episodes: int = 0
    rendered: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (episode guid, error)
    source_errors: list[tuple[str, str]] = field(default_factory=list)  # (source, error)
    # posts a source could not read and passed over: (source, "post X: its problem")
    skipped_posts: list[tuple[str, str]] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # another pass holds their lock
    removed_files: int = 0  # stale temporaries and superseded episode files

    def summary(self) -> str:
        lines = [
            f"{self.posts_seen} posts seen, {self.new_episodes} new episodes, "
            f"{len(self.rendered)} rendered, {len(self.feeds)} feeds published"
        ]
        if self.skipped:
            lines.append(f"{len(self.skipped)} episodes left to another pass rendering them")
        if self.removed_files:
            lines.append(f"{self.removed_files} leftover files removed (temporaries, old audio)")
        lines += [f"source {name} failed: {error}" for name, error in self.source_errors]
        lines += [f"source {name} skipped {post}" for name, post in self.skipped_posts]
        lines += [f"episode {guid} failed: {error}" for guid, error in self.failed]
        return "\n".join(lines)


def describe(error: BaseException) -> str:
    """One line for the report and the database: postcast's own errors say what and where;
    anything else also names its type (it is a bug, and the type helps find it)."""
    if isinstance(error, PostcastError):
        return str(error)
    return f"{type(error).__name__}: {error}".splitlines()[0]
