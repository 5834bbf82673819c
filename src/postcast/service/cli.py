"""The `postcast` command line: a thin Typer wrapper over the pipeline.

Errors become output and exit codes here and nowhere else in the CLI: one line naming
the input and the problem, never a traceback (README lists the codes). Each command
imports the stages it needs when it runs: the audio stack (SciPy, ONNX Runtime) costs
seconds to import, which `postcast normalize` or `--help` should not pay.
"""

from __future__ import annotations

import contextlib
import math
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from postcast.config import Config, load_config
from postcast.errors import (
    WRITE_ERRNOS,
    InputError,
    PostcastError,
    StorageError,
    WriteError,
    describe,
)
from postcast.logs import LogFormat, LogLevel, configure_logging
from postcast.service.downloads_commands import downloads
from postcast.service.jobs import commands as job_commands
from postcast.service.progress_bar import RichProgress

app = typer.Typer(
    help="Turn the best writing on the web into a podcast.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Markdown, not Typer's default Rich markup, in which "[web]" is a style tag and the
    # help printed "Address ( host)" for "Address ([web] host)"
    rich_markup_mode="markdown",
)
# Everything printed here is data (titles, errors, source names), never Rich markup: a
# title such as "Why [/b] matters" would stop the command, and "[speech]" would vanish.
err = Console(stderr=True, markup=False)

ConfigOption = Annotated[Path | None, typer.Option("--config", "-c", help="Path to postcast.toml.")]


@app.callback()
def logging_options(
    log_format: Annotated[
        LogFormat,
        typer.Option(
            "--log-format",
            envvar="POSTCAST_LOG_FORMAT",
            help="Logs as text lines, or as one JSON object a line (with the episode GUID).",
        ),
    ] = LogFormat.TEXT,
    log_level: Annotated[
        LogLevel | None,
        typer.Option(
            "--log-level",
            envvar="POSTCAST_LOG_LEVEL",
            case_sensitive=False,
            help="Least severe level logged (default: warning for text, info for json).",
        ),
    ] = None,
) -> None:
    configure_logging(log_format, log_level)


def _config(path: Path | None) -> Config:
    return load_config(path) if path is not None else Config()


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", help="Where to publish the site.")] = Path(
        "demo-site"
    ),
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve it afterwards.")] = True,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="Public URL the site is served under.")
    ] = None,
    host: Annotated[str, typer.Option(help="Address to serve on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8000,
) -> None:
    """Render the bundled demo library into OUT and serve it."""
    from postcast import pipeline
    from postcast.demo import demo_config

    url = base_url or f"http://{host}:{port}/"
    config = demo_config(out.resolve(), url)
    with RichProgress() as progress:
        report = pipeline.run_pass(config, progress)
    feed_url = url.rstrip("/") + "/feed.xml"
    err.print(report.summary(), soft_wrap=True)
    typer.echo(f"Feed: {feed_url}")
    if serve:
        _serve(out, host, port)


@app.command()
def serve(
    directory: Annotated[Path, typer.Argument(help="A published site folder.")],
    host: Annotated[str, typer.Option(help="Address to serve on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8000,
) -> None:
    """Serve a published site: DIR/feed.xml is the main feed."""
    _serve(directory, host, port)


def _serve(directory: Path, host: str, port: int) -> None:
    from postcast.service.web import serve as serve_site

    if not (directory / "feed.xml").is_file():
        raise InputError(directory, "not a published site (no feed.xml in it)")
    typer.echo(f"Serving {directory} at http://{host}:{port}/ (feed: /feed.xml)")
    serve_site(directory, host=host, port=port)


@app.command()
def web(
    config: Annotated[Path, typer.Option("--config", "-c", help="Path to postcast.toml.")],
    host: Annotated[str | None, typer.Option(help="Address ([web] host).")] = None,
    port: Annotated[int | None, typer.Option(help="Port ([web] port).")] = None,
) -> None:
    """Run the web app: search, embeddable player, narration API, admin (see README)."""
    from postcast.service.webapp import serve as serve_web

    cfg = load_config(config)
    host, port = host or cfg.web.host, port or cfg.web.port
    typer.echo(f"postcast web at http://{host}:{port}/ (library: {cfg.library.site_dir})")
    with database_errors(cfg.library.database):
        serve_web(cfg, host, port)


@app.command()
def render(
    file: Annotated[Path, typer.Argument(help="A post: HTML, Markdown or ForumMagnum JSON.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The MP3 to write.")],
    config: ConfigOption = None,
) -> None:
    """Render one post to a mastered, tagged MP3."""
    from postcast import pipeline
    from postcast.sources.files import load_post_file

    cfg = _config(config)
    post = load_post_file(file)
    with RichProgress() as progress:
        _, audio = pipeline.render_post(post, cfg, output, progress)
    typer.echo(
        f"{output}: {audio.duration:.1f} s, {audio.size} bytes, "
        f"{len(audio.chapters)} chapters, {audio.loudness_lufs or 0:.1f} LUFS"
    )


@app.command()
def script(
    file: Annotated[Path, typer.Argument(help="A post: HTML, Markdown or ForumMagnum JSON.")],
    config: ConfigOption = None,
) -> None:
    """Print the narration script: exactly the words the voice will say, a segment a line."""
    from postcast.narration import narrate
    from postcast.sources.files import load_post_file

    settings = _config(config)
    post = load_post_file(file)
    for line in narrate(post, settings.library, settings.narration).lines():
        typer.echo(line)


@app.command()
def normalize() -> None:
    """Read lines on stdin; write one normalised line per input line on stdout."""
    from postcast.narration.normalize import normalize_lines

    for line in normalize_lines(line.rstrip("\n") for line in sys.stdin):
        sys.stdout.write(line + "\n")


@app.command()
def run(
    config: Annotated[Path, typer.Option("--config", "-c", help="Path to postcast.toml.")],
    once: Annotated[bool, typer.Option("--once", help="Do one pass and exit.")] = False,
) -> None:
    """Fetch, select, render and publish; forever, or once with --once."""
    from postcast import pipeline

    cfg = load_config(config)
    while True:
        try:
            with RichProgress() as progress, database_errors(cfg.library.database):
                report = pipeline.run_pass(cfg, progress)
        except Exception as error:
            # Once, or for input only a person can fix: stop. Running on, a full disk, an
            # unreachable database or a bug in one pass is reported and tried again.
            if once or isinstance(error, InputError):
                raise
            if isinstance(error, PostcastError):
                _report(error)
            else:  # a bug: its type helps find it
                _report(PostcastError(f"pass failed: {pipeline.describe(error)}"))
        else:
            err.print(report.summary(), soft_wrap=True)
            _deliver_webhooks(cfg)
            if once:
                return
        _wait_for_next_pass(cfg)


POLL_SECONDS = 30.0  # how often `run` looks for operators' requests between passes


def _wait_for_next_pass(cfg: Config) -> None:
    """Wait `interval_minutes`, or less: an operator's request in the web app (a URL, a
    lexicon change, a re-render, a fetch) starts the next pass at the next look."""
    steps = max(1, math.ceil(cfg.interval_minutes * 60 / POLL_SECONDS))
    step = cfg.interval_minutes * 60 / steps
    for _ in range(steps):
        time.sleep(step)
        if cfg.web.webhooks:  # retries fall due meanwhile
            _deliver_webhooks(cfg)
        if _operator_requests_waiting(cfg):
            return


def _operator_requests_waiting(cfg: Config) -> bool:
    from sqlalchemy.exc import SQLAlchemyError

    from postcast.storage import open_library

    try:
        with open_library(cfg.library.database) as library:
            return library.operator_requests_waiting()
    except (PostcastError, SQLAlchemyError):  # the pass itself reports what is wrong
        return False


def _deliver_webhooks(config: Config) -> None:
    """Send the events a pass recorded; a failure to is reported, never fatal."""
    from postcast.webhooks.delivery import deliver_for

    try:
        with database_errors(config.library.database):
            summary = deliver_for(config).summary()
    except Exception as error:  # the episodes are published: report, and retry later
        if not isinstance(error, PostcastError):  # a bug: its type helps find it
            error = PostcastError(f"webhooks: {type(error).__name__}: {error}")
        _report(error)
        return
    if summary:
        err.print(summary, soft_wrap=True)


@app.command()
def add(
    url: Annotated[str, typer.Argument(help="An article URL.")],
    config: Annotated[Path, typer.Option("--config", "-c", help="Path to postcast.toml.")],
) -> None:
    """Extract one article from URL, render it as an episode and publish."""
    from postcast import pipeline

    cfg = load_config(config)
    with RichProgress() as progress, database_errors(cfg.library.database):
        report = pipeline.add_url(cfg, url, progress)
    err.print(report.summary(), soft_wrap=True)
    _deliver_webhooks(cfg)


# The Celery service (README "Commands"): functions of their own module, registered here.
for _command in (job_commands.worker, job_commands.scheduler, job_commands.enqueue):
    app.command()(_command)
app.command(name="status")(job_commands.status)
app.add_typer(downloads, name="downloads")


@contextlib.contextmanager
def database_errors(url: str) -> Iterator[None]:
    """The library database's own errors as postcast's, naming the database file: a file
    that is not SQLite or is damaged is bad input (2); a full disk a failed write (5)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import DatabaseError

    try:
        yield
    except DatabaseError as error:
        parsed = make_url(url)
        where = parsed.database if parsed.get_backend_name() == "sqlite" else None
        where = where or parsed.render_as_string(hide_password=True)
        problem = str(error.orig).strip() or type(error.orig).__name__
        if "not a database" in problem or "malformed" in problem:
            raise InputError(where, f"{problem} (a damaged or foreign file)") from error
        if "disk is full" in problem:
            raise WriteError(where, problem) from error
        raise StorageError(f"{where}: {problem}") from error


def _report(error: PostcastError) -> None:
    # One line whatever the message holds (a server's answer may have line breaks).
    message = " ".join(str(error).split())
    err.print(Text.assemble(("error:", "bold red"), f" {message}"), highlight=False, soft_wrap=True)


def _as_postcast_error(error: OSError) -> PostcastError:
    """An `OSError` no stage turned into an error of its own: a write the disk refused,
    else a file that could not be read."""
    if error.errno in WRITE_ERRNOS:
        return WriteError.from_os_error(error)
    return InputError(error.filename if error.filename is not None else "input", describe(error))


def main() -> None:
    try:
        app()
    except PostcastError as error:
        _report(error)
        sys.exit(error.exit_code)
    except OSError as error:
        failure = _as_postcast_error(error)
        _report(failure)
        sys.exit(failure.exit_code)
