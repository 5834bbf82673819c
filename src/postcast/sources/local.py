"""A folder (or one file) of posts on disk: HTML, Markdown or ForumMagnum JSON."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from postcast.config import SourceConfig
from postcast.errors import ConfigError, InputError
from postcast.models import Post
from postcast.progress import Progress
from postcast.sources.base import Source, State
from postcast.sources.files import HTML_SUFFIXES, JSON_SUFFIXES, load_post_file

POST_SUFFIXES = (*HTML_SUFFIXES, ".md", ".markdown", *JSON_SUFFIXES)


class LocalSource(Source):
    """Every post file under `path`, sorted by name; new or changed files on later runs."""

    kind = "local"

    def __init__(self, config: SourceConfig, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        if not config.path:
            raise ConfigError(f"source {config.name!r}", "path is required (a folder or file)")
        self.path = Path(config.path).expanduser()

    def files(self) -> list[Path]:
        if self.path.is_file():
            return [self.path]
        if not self.path.is_dir():
            raise InputError(self.path, "folder not found")
        return sorted(
            p for p in self.path.rglob("*") if p.is_file() and p.suffix.lower() in POST_SUFFIXES
        )

    def fetch(self, state: State, progress: Progress) -> Iterator[tuple[Post, State]]:
        files = self.files()
        seen: dict[str, int] = dict(state.get("seen", {}))
        problems: list[InputError] = []
        for done, file in enumerate(files, 1):
            progress(f"{self.name}: files", done, len(files))
            key = file.name if file == self.path else str(file.relative_to(self.path))
            stamp = file.stat().st_mtime_ns
            if seen.get(key) == stamp:
                continue
            try:
                post = load_post_file(file, self.config.forum_name, self.config.code)
            except InputError as error:
                problems.append(error)  # the other files still go through
                continue
            seen[key] = stamp
            state["seen"] = dict(seen)
            yield dataclasses.replace(post, source=self.name), {"seen": dict(seen)}
        if problems:
            details = "; ".join(str(problem) for problem in problems)
            raise InputError(self.path, f"{len(problems)} file(s) could not be read: {details}")
