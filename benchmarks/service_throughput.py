"""Issue 13's backfill figure: 20 posts published by 1 `postcast worker` process against
2 (goal: at least 1.8x the throughput), on the local Redis and PostgreSQL with the
default voice. Each worker runs on a core of its own, standing in for a machine of its
own (`--no-pin`: every worker on every core, where one worker's mastering thread takes
part of the second core and caps the ratio; see the README). Each run starts from
nothing (a new database, an empty cache); the clock runs from the fetch being queued
(workers ready, voices not yet loaded) to every episode published.

Prints each run, the ratio against the goal, the measured cost in core-seconds per
spoken word, and the README's capacity table computed from that cost (`capacity.py`).

Usage: python benchmarks/service_throughput.py [--posts 20] [--words 150] [--engine E]
    [--no-pin]
"""

from __future__ import annotations

import argparse
import json

from capacity import capacity_table
from service_bench import (
    DEFAULT_ENGINE,
    REPO,
    all_published,
    ceiling_note,
    service_run,
    verdict,
    write_prose_post,
)

from postcast.config import load_config
from postcast.pipeline import script_for
from postcast.sources.files import load_post_file

GOAL = 1.8
RESULTS = REPO / "benchmarks" / "results" / "service_throughput.json"


def backfill(
    workers: int, posts: int, words: int, engine: str, pin: bool
) -> tuple[float, int, float]:
    """Seconds for `workers` worker processes to publish `posts` new posts, the words
    their scripts speak (title, author line and body), and the cores they kept busy."""
    with service_run(engine, pin, fan_out_sentences=0) as run:
        folder = run.root / "posts"
        paths = [write_prose_post(folder, number, words) for number in range(posts)]
        config = load_config(run.config_path)
        scripts = [script_for(load_post_file(path), config) for path in paths]
        spoken = sum(len(line.split()) for script in scripts for line in script.lines())
        run.start_workers(workers)
        run.fetch()
        seconds = run.wait(all_published(posts), f"{posts} episodes published", poll_seconds=0.5)
        cores = run.cores_busy(seconds)
    print(f"{workers} worker(s): {posts} posts, {spoken} words, {seconds:.1f} s, "
          f"{cores:.2f} cores busy", flush=True)  # fmt: skip
    return seconds, spoken, cores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20)
    parser.add_argument("--words", type=int, default=150, help="words in each post")
    parser.add_argument("--engine", default=DEFAULT_ENGINE, help="the voice: piper or hibari")
    parser.add_argument(
        "--no-pin", action="store_true", help="let each worker use every core (see above)"
    )
    arguments = parser.parse_args()
    run = (arguments.posts, arguments.words, arguments.engine, not arguments.no_pin)
    one, spoken, one_cores = backfill(1, *run)
    two, _, _ = backfill(2, *run)
    ratio = one / two
    cost = one * one_cores / spoken  # CPU time, every thread of the worker counted
    print(f"throughput, 2 workers against 1: {ratio:.2f}x")
    print(ceiling_note(one_cores))
    print(f"cost: {cost:.4f} core-seconds per spoken word (1 worker, every thread counted)")
    if arguments.engine == DEFAULT_ENGINE:  # the capacity table's figures: the default voice
        RESULTS.parent.mkdir(exist_ok=True)
        RESULTS.write_text(json.dumps({"core_seconds_per_word": cost, "ratio": ratio}, indent=2))
    print(f"\n{capacity_table(cost)}\n")
    return verdict(ratio, GOAL)


if __name__ == "__main__":
    raise SystemExit(main())
