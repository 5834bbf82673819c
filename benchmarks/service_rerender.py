"""Issue 13's warm figure: an edited paragraph re-rendered on a running `postcast worker`
against the cold render of the same post (goal: at most 2%).

- cold: the worker process started, the fetch queued at once, and the clock stopped when
  the episode's render is recorded: start-up, the voice loaded, every sentence spoken;
- warm: one sentence of one paragraph in the middle of the post changed, the fetch
  queued, and the clock stopped when the new revision's render is recorded: the worker
  is running and its voice loaded; only the changed sentence is spoken and mastered
  again (the rest comes from the shared caches).

Both on the local Redis and PostgreSQL, the default voice (`--engine`: another), one
worker (`--concurrency 1 --threads 1`) on a core of its own, as the other service
benchmarks' workers are (`--no-pin`: on every core, where its mastering thread takes part
of the second core in the cold render). Each warm timing is the best of `--repeat` edits.

Usage: python benchmarks/service_rerender.py [--words 3000] [--repeat 3] [--engine E]
    [--no-pin]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from service_bench import DEFAULT_ENGINE, all_published, service_run, verdict, write_prose_post

from postcast.storage import EpisodeStatus, Library

GOAL = 0.02
WARM_POLL = 0.01  # seconds between the warm waits' queries


def edit_middle_paragraph(post: Path, edition: int) -> None:
    """Change the first sentence of the middle paragraph (the others stay as they were)."""
    text = post.read_text()
    head, _, body = text.partition("\n---\n\n")
    parts = body.split("\n\n")
    middle = len(parts) // 2
    first, _, rest = parts[middle].partition(". ")
    parts[middle] = f"In edition {edition}, the story changed again. {rest}"
    post.write_text(f"{head}\n---\n\n" + "\n\n".join(parts))
    assert first, "the middle paragraph has sentences"


def rendered(library: Library) -> bool:
    counts = library.count_by_status()
    return counts.get("rendered", 0) + counts.get("published", 0) == 1


def newer_render(guid: str, after: datetime | None) -> Callable[[Library], bool]:
    return lambda library: library.latest_render_at(guid) not in (None, after)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--engine", default=DEFAULT_ENGINE, help="the voice: piper or hibari")
    parser.add_argument(
        "--no-pin", action="store_true", help="let the worker use every core (see above)"
    )
    arguments = parser.parse_args()
    with service_run(arguments.engine, not arguments.no_pin, fan_out_sentences=0) as run:
        post = write_prose_post(run.root / "posts", 0, arguments.words)
        start = time.perf_counter()
        run.start_workers(1, wait_ready=False)
        run.fetch()
        run.wait(rendered, "the episode rendered")
        cold = time.perf_counter() - start
        run.wait(all_published(1), "the episode published")
        with run.library() as library:
            guid = library.episodes_with_status(EpisodeStatus.PUBLISHED)[0].guid
        print(f"cold: {cold:.1f} s ({arguments.words} words, worker start-up included)")
        warm = []
        for edition in range(1, arguments.repeat + 1):
            with run.library() as library:
                before = library.latest_render_at(guid)
            edit_middle_paragraph(post, edition)
            run.fetch()
            # polled every 10 ms: a warm render takes a few tenths of a second, and the
            # default 0.1 s would add up to a third to it (the poll runs on the other core)
            rendered_again = newer_render(guid, before)
            warm.append(run.wait(rendered_again, f"edition {edition} rendered", WARM_POLL))
            run.wait(all_published(1), "the edit published")
            print(f"warm, edit {edition}: {warm[-1]:.2f} s", flush=True)
    ratio = min(warm) / cold
    print(f"warm re-render against cold: {ratio:.2%}")
    return verdict(ratio, GOAL, at_least=False)


if __name__ == "__main__":
    raise SystemExit(main())
