"""One root exception; subclasses say what the CLI exit code and HTTP status should be.

They are turned into output in exactly two places: `postcast.cli.main` and the web app.
"""

from __future__ import annotations


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


class SourceError(PostcastError):
    """A source (forum, feed, URL) failed; reported, retried on the next run."""

    exit_code = 3
    http_status = 502

    def __init__(self, source: str, problem: str) -> None:
        self.source = source
        self.problem = problem
        super().__init__(f"source {source!r}: {problem}")


class SpeechError(PostcastError):
    """A speech engine could not synthesise a sentence."""

    exit_code = 4


class PublishError(PostcastError):
    """Publishing failed; nothing already published was touched."""

    exit_code = 5
