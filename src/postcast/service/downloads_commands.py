"""`postcast downloads`: listening figures from the command line, and the import of an
object store's access logs (media on S3 is fetched without `postcast web` seeing it).

    postcast downloads import --config F LOGS...   # files, folders or s3://bucket/prefix
    postcast downloads show --config F [--author NAME] [--days N] [--json]
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from postcast.config import load_config
from postcast.errors import NotFoundError

ConfigFile = Annotated[Path, typer.Option("--config", "-c", help="Path to postcast.toml.")]
downloads = typer.Typer(help="Listening figures: downloads per episode, feed and author.")


@downloads.command("import")
def import_access_logs(
    logs: Annotated[
        list[str],
        typer.Argument(help="Access log files, folders of them, or s3://bucket/prefix."),
    ],
    config: ConfigFile,
) -> None:
    """Count the media requests in S3 server access logs (each log once, however often
    it is imported)."""
    from postcast.listening.access_logs import import_logs
    from postcast.service.cli import database_errors
    from postcast.storage import open_library

    cfg = load_config(config)
    with database_errors(cfg.library.database), open_library(cfg.library.database) as library:
        report = import_logs(library.engine, logs, cfg.storage)
    typer.echo(report.summary())


@downloads.command("show")
def show(
    config: ConfigFile,
    author: Annotated[str | None, typer.Option("--author", help="Only this author's.")] = None,
    days: Annotated[int, typer.Option("--days", min=1, max=366, help="Days charted.")] = 30,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Downloads of every published episode (or one author's), most downloaded first."""
    from rich.console import Console
    from rich.table import Table

    from postcast.listening.figures import by_author, figures, published_downloads
    from postcast.service.cli import database_errors
    from postcast.storage import open_library

    cfg = load_config(config)
    with database_errors(cfg.library.database), open_library(cfg.library.database) as library:
        episodes = published_downloads(library.engine)
        if author is not None:
            episodes = by_author(episodes, author)
            if not episodes:
                raise NotFoundError("--author", f"no published episode by {author!r}")
        found = figures(library.engine, episodes, days)
    if as_json:
        report = {
            "downloads": found.downloads,
            "daily": [{"day": day.isoformat(), "downloads": n} for day, n in found.daily],
            "episodes": [
                {"guid": e.guid, "title": e.title, "authors": e.authors, "downloads": e.downloads}
                for e in found.episodes
            ],
        }
        typer.echo(json.dumps(report, indent=2))
        return
    table = Table(title=f"Downloads: {found.downloads} in all")
    for name in ("downloads", "episode", "authors", "guid"):
        table.add_column(name, justify="right" if name == "downloads" else "left")
    for e in found.episodes:
        table.add_row(str(e.downloads), e.title, ", ".join(e.authors), e.guid)
    Console(markup=False).print(table)  # titles are data, not Rich markup
