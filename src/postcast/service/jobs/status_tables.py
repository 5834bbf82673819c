"""`postcast status` as Rich tables (the same data as `--json`).

Every cell is data (a post's title, a source's error), never Rich markup: a title such as
"Why [/b] matters" would otherwise stop the command with a MarkupError, and "[speech]"
in an error would vanish as a style tag."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else "-"


def print_tables(report: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console(soft_wrap=True, markup=False)
    queues = Table(title="Queues")
    for name in ("queue", "waiting"):
        queues.add_column(name)
    for queue, depth in report["queues"].items():
        queues.add_row(queue, str(depth))
    console.print(queues)
    running = Table(title=f"Running ({len(report['running'])})")
    for name in ("task", "arguments", "worker"):
        running.add_column(name)
    for task in report["running"]:
        running.add_row(task["task"], ", ".join(map(str, task["args"])), task["worker"])
    console.print(running)
    sources = Table(title="Sources")
    for name in ("source", "running", "last success", "last error"):
        sources.add_column(name)
    for source in report["sources"]:
        sources.add_row(
            source["name"],
            "yes" if source["running"] else "",
            _when(source["last_success_at"]),
            source["last_error"] or "",
        )
    console.print(sources)
    counts = ", ".join(f"{n} {status}" for status, n in sorted(report["episode_counts"].items()))
    episodes = Table(title=f"Episodes ({counts or 'none'}); published without error not listed")
    for name in ("guid", "title", "status", "failures", "last error or reason excluded"):
        episodes.add_column(name)
    for episode in report["episodes"]:
        episodes.add_row(
            episode["guid"],
            episode["title"],
            episode["status"],
            str(episode["failures"]),
            episode["excluded_reason"] or episode["last_error"] or "",
        )
    console.print(episodes)
    if report.get("urls"):
        urls = Table(title="URLs queued in the admin, waiting or failed")
        for name in ("url", "state", "error"):
            urls.add_column(name)
        for request in report["urls"]:
            urls.add_row(request["url"], request["state"], request["error"] or "")
        console.print(urls)
