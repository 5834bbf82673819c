"""Fixtures for the publishing tests: real MP3 files, episodes and a published site."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from publishing_samples import make_episode

from postcast.config import FeedConfig, LibraryConfig
from postcast.models import Episode, Post
from postcast.publishing import publish_site


@pytest.fixture
def library() -> LibraryConfig:
    return LibraryConfig(base_url="https://podcast.example.org/library/")


@pytest.fixture
def episode_factory(tmp_path: Path) -> Callable[..., Episode]:
    site_dir = tmp_path / "site"
    site_dir.mkdir(exist_ok=True)

    def factory(number: int, seconds: float = 1.0, post: Post | None = None) -> Episode:
        return make_episode(site_dir, number, seconds, post)

    return factory


@pytest.fixture
def published(tmp_path: Path, library: LibraryConfig, episode_factory) -> dict:
    """A site with a main feed of three episodes and a second feed of one."""
    episodes = [episode_factory(number) for number in (1, 2, 3)]
    feeds = [
        (FeedConfig(name="main"), episodes),
        (
            FeedConfig(name="lw-daily", title="LessWrong daily", description="One a day"),
            episodes[:1],
        ),
    ]
    site_dir = tmp_path / "site"
    written = publish_site(site_dir, library, feeds)
    return {"site": site_dir, "episodes": episodes, "written": written, "feeds": feeds}
