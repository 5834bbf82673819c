"""`postcast status`: the library at a glance, for an operator at a terminal.

Sources (last success, last error, a fetch asked), episodes by state, every excluded
episode with the reason (an author's opt-out, a rule, a duplicate), every failed one with
its error, and the URLs queued in the web admin that are waiting or failed.
"""

from __future__ import annotations

from datetime import datetime

from postcast.storage import EpisodeStatus, Library

STATES = [status.value for status in EpisodeStatus]


def _when(moment: datetime | None) -> str:
    return "never" if moment is None else moment.isoformat(timespec="seconds")


def status_lines(library: Library) -> list[str]:
    """What `postcast status` prints, one line each."""
    lines = ["sources:"]
    for source in library.source_statuses():
        line = f"  {source.name}: last success {_when(source.last_success_at)}"
        if source.last_error:
            line += f"; last error {_when(source.last_error_at)}: {source.last_error}"
        if source.fetch_requested_at:
            line += f"; fetch asked {_when(source.fetch_requested_at)}"
        lines.append(line)
    counts = library.episode_counts()
    lines.append("episodes: " + ", ".join(f"{counts.get(s, 0)} {s}" for s in STATES))
    for status, label in ((EpisodeStatus.EXCLUDED, "excluded"), (EpisodeStatus.FAILED, "failed")):
        for episode in library.episodes_with_status(status):
            why = (
                episode.excluded_reason if status == EpisodeStatus.EXCLUDED else episode.last_error
            )
            lines.append(f"  {label}: {episode.title} ({episode.guid}): {why or 'no reason given'}")
    for url, state, error in library.url_request_states():
        if state != "fetched":
            lines.append(f"  url {state}: {url}" + (f": {error}" if error else ""))
    return lines
