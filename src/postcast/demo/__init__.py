"""The bundled demo library: sample posts written for postcast, in ForumMagnum's API shape."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from postcast.config import FORUM_NAMES, Config, LibraryConfig, SourceConfig

FORUMS = (
    ("lesswrong", "LW", FORUM_NAMES["LW"]),
    ("eaforum", "EA", FORUM_NAMES["EA"]),
    ("alignmentforum", "AF", FORUM_NAMES["AF"]),
)


def demo_posts_dir() -> Path:
    return Path(str(files("postcast.demo").joinpath("posts")))


def demo_config(site_dir: Path, base_url: str) -> Config:
    """A configuration that publishes the demo library into `site_dir`.

    The database sits beside the site (a dot-folder the server never exposes),
    so running the demo twice resumes instead of starting over.
    """
    state_dir = site_dir / ".postcast"
    state_dir.mkdir(parents=True, exist_ok=True)
    library = LibraryConfig(
        base_url=base_url,
        site_dir=str(site_dir),
        database=f"sqlite:///{(state_dir / 'library.sqlite3').resolve()}",
    )
    sources = [
        SourceConfig(
            name=f"demo-{folder}",
            kind="local",
            path=str(demo_posts_dir() / folder),
            code=code,
            forum_name=forum_name,
            karma_threshold=0,
        )
        for folder, code, forum_name in FORUMS
    ]
    return Config(library=library, sources=sources, base_dir=site_dir)
