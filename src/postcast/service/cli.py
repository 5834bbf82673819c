"""The `postcast` command line: a thin Typer wrapper over the pipeline.

Errors become output and exit codes here and nowhere else in the CLI. Each command
imports the stages it needs when it runs: the audio stack (SciPy, ONNX Runtime) costs
seconds to import, which `postcast normalize` or `--help` should not pay.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from postcast.config import Config, load_config
from postcast.errors import InputError, PostcastError
from postcast.service.progress_bar import RichProgress

app = typer.Typer(
    help="Turn the best writing on the web into a podcast.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)

ConfigOption = Annotated[Path | None, typer.Option("--config", "-c", help="Path to postcast.toml.")]


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

    post = load_post_file(file)
    settings = _config(config)
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
        with RichProgress() as progress:
            report = pipeline.run_pass(cfg, progress)
        err.print(report.summary(), soft_wrap=True)
        if once:
            return
        time.sleep(cfg.interval_minutes * 60)


@app.command()
def add(
    url: Annotated[str, typer.Argument(help="An article URL.")],
    config: Annotated[Path, typer.Option("--config", "-c", help="Path to postcast.toml.")],
) -> None:
    """Extract one article from URL, render it as an episode and publish."""
    from postcast import pipeline

    cfg = load_config(config)
    with RichProgress() as progress:
        report = pipeline.add_url(cfg, url, progress)
    err.print(report.summary(), soft_wrap=True)


def main() -> None:
    try:
        app()
    except PostcastError as error:
        err.print(f"[bold red]error:[/] {error}", soft_wrap=True)
        sys.exit(error.exit_code)
