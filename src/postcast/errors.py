"""Every error postcast raises on purpose, in one tree under `PostcastError`.

Each class says what the CLI exit code and the HTTP status should be (README: 2 bad
input, 3 a failing source, 4 speech, 5 publishing, 1 anything else). They are turned
into output in exactly two places: `postcast.service.cli.main` and the web app.
"""

from __future__ import annotations

import errno
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx


class PostcastError(Exception):
    """Root of every error postcast raises on purpose."""

    exit_code = 1
    http_status = 500


class InputError(PostcastError):
    """Bad user input: a missing, empty, undecodable or unsupported file or value.

    The message always names the input and the problem.
    """

    exit_code = 2
    http_status = 400

    def __init__(self, source: object, problem: str) -> None:
        self.source = str(source)
        self.problem = problem
        super().__init__(f"{self.source}: {problem}")


class ConfigError(InputError):
    """The configuration file or one of its keys is wrong."""


class NotFoundError(InputError):
    """A thing asked for by name or number (an episode, a lexicon word) is not there."""

    http_status = 404


class SourceError(PostcastError):
    """A source (forum, feed, URL) failed; reported, retried on the next run."""

    exit_code = 3
    http_status = 502

    def __init__(self, source: str, problem: str) -> None:
        self.source = source
        self.problem = problem
        super().__init__(f"source {source!r}: {problem}")


class ShapeError(PostcastError, ValueError):
    """An API post object lacks a field postcast needs, or has the wrong type.

    Callers say whose object it was: a source turns it into a `SourceError`, a file
    loader into an `InputError`.
    """

    exit_code = 3
    http_status = 502


class SpeechError(PostcastError):
    """A speech engine could not synthesise a sentence."""

    exit_code = 4


class MathSpeechUnavailable(PostcastError):
    """Node.js or the maths-to-speech engine is missing or broken, so maths cannot be read."""

    exit_code = 4

    def __init__(self, problem: str) -> None:
        self.problem = problem
        super().__init__(
            f"cannot read maths aloud: {problem}. Install Node.js 18 or newer and run "
            f"`npm ci` in the postcast source folder (it installs mathjax-full and "
            f"speech-rule-engine into ./node_modules), or point POSTCAST_NODE_MODULES at a "
            f"node_modules folder that holds them."
        )


class PublishError(PostcastError):
    """Publishing failed; nothing already published was touched."""

    exit_code = 5


class WriteError(PublishError):
    """An output file or folder could not be written: disk full, read-only, not a folder.

    The message names the path and says the problem in words (`no space left on device`).
    """

    def __init__(self, path: object, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")

    @classmethod
    def from_os_error(cls, error: OSError, path: object = None) -> WriteError:
        """The error for an `OSError` met while writing `path` (its own file name first)."""
        where = error.filename if error.filename is not None else path
        if isinstance(where, str | bytes | os.PathLike):
            return cls(os.fsdecode(where), describe(error))
        return cls("output" if where is None else where, describe(error))


class StorageError(PostcastError):
    """The library database cannot be opened, or refused a consistent write."""

    http_status = 503


class BrokerError(PostcastError):
    """The Celery broker (Redis, RabbitMQ) cannot be reached."""

    http_status = 503


# Errors that mean "the place we write to cannot take it", whatever the file.
WRITE_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG, errno.EACCES, errno.EPERM}
)


def describe(error: OSError) -> str:
    """An `OSError` in words, without the Python repr: `no space left on device (disk full)`."""
    words = (error.strerror or str(error)).lower()
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"{words} (disk full)"
    return words


class ObjectMissingError(InputError):
    """A key that names no object in the store."""

    http_status = 404

    def __init__(self, location: str) -> None:
        super().__init__(location, "no such object")


class RetryableResponse(Exception):
    """An HTTP answer worth asking again for (408, 429, 5xx): raised inside an attempt of
    `postcast.retry`'s loop so that tenacity retries it; never reaches the user."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response
