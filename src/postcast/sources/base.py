"""The sources stage's interface: a source yields posts, each with its resume state."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

import httpx

from postcast.config import SourceConfig
from postcast.models import Post
from postcast.progress import Progress
from postcast.sources.polite import SHARED_PACER, Pacer, PoliteClient, new_http_client

State = dict[str, Any]  # JSON-serialisable cursor a source resumes from

logger = logging.getLogger(__name__)


class Source(ABC):
    """A source plug-in: a forum, a feed, a URL, a folder.

    `fetch` is a generator: it yields `(post, state)` where `state` is the cursor to
    persist once the post is safely stored. A run that crashes resumes from the last
    state it saved; a backfill of thousands of posts never holds them all in memory.
    When `fetch` finishes normally, the final state is also written into the `state`
    dict it was given (in place), so a caller may persist it after the loop too.

    A post the source cannot read (no title, a date that is not one) is passed over with
    `skip`, never allowed to fail the whole source: its cursor could not get past it,
    and every later run would stop on the same post. `skipped` lists them for the report.
    """

    kind: ClassVar[str] = ""
    # Sources that fetch URLs anyone may hand us (`postcast add`) reach public addresses
    # only, unless the source (or `[library]`) sets allow_private_addresses.
    untrusted_urls: ClassVar[bool] = False

    @property
    def public_only(self) -> bool:
        return self.untrusted_urls and not self.config.allow_private_addresses

    def __init__(
        self,
        config: SourceConfig,
        http: httpx.Client | None = None,
        pacer: Pacer | None = None,
    ) -> None:
        self.config = config
        self.name = config.name
        self._http = http
        self._pacer = pacer or SHARED_PACER
        self.skipped: list[tuple[str, str]] = []  # (the post, its problem), this fetch's

    def skip(self, post: str, problem: str) -> None:
        """Pass over `post`, which cannot be read, and say why in the pass's report."""
        logger.warning("source %s: skipped %s: %s", self.name, post, problem)
        self.skipped.append((post, problem))

    @abstractmethod
    def fetch(self, state: State, progress: Progress) -> Iterator[tuple[Post, State]]:
        """Yield new or changed posts with the updated state after each."""

    @contextmanager
    def polite_client(self) -> Iterator[PoliteClient]:
        """The paced, retrying client this source sends through (closed after, if ours)."""
        own = self._http is None
        http = self._http or new_http_client(self.config.timeout, public_only=self.public_only)
        try:
            yield PoliteClient(
                source=self.name,
                http=http,
                interval=self.config.request_interval,
                timeout=self.config.timeout,
                max_retries=self.config.max_retries,
                pacer=self._pacer,
            )
        finally:
            if own:
                http.close()
