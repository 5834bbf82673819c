"""Issue 13's fan-out figure: the latency of one long post (10,000 words by default) whose
speech fans out in parts (`[service] fan_out_sentences`), on 2 `postcast worker`
processes against 1 (goal: at least 1.7x faster), each on a core of its own as the
backfill's are (`--no-pin`: on every core). The clock runs from the fetch being queued
(workers ready) to the episode published; each run starts from nothing (a new database,
an empty cache), so every sentence is spoken.

Usage: python benchmarks/service_fanout.py [--words 10000] [--part-sentences 40]
    [--engine E] [--no-pin]
"""

from __future__ import annotations

import argparse

from service_bench import (
    DEFAULT_ENGINE,
    all_published,
    ceiling_note,
    service_run,
    verdict,
    write_prose_post,
)

GOAL = 1.7


def latency(
    workers: int, words: int, part_sentences: int, engine: str, pin: bool
) -> tuple[float, float]:
    """Seconds to publish the long post, and the cores the workers kept busy."""
    with service_run(engine, pin, fan_out_sentences=part_sentences) as run:
        write_prose_post(run.root / "posts", 0, words)
        run.start_workers(workers)
        run.fetch()
        seconds = run.wait(all_published(1), "the long post published", poll_seconds=0.5)
        cores = run.cores_busy(seconds)
        parts = sum(b"speech fanned out" in log.read_bytes() for log in run.root.glob("*.log"))
    if parts != 1:
        raise SystemExit(f"{workers} worker(s): the post's speech was not fanned out")
    print(f"{workers} worker(s): {words} words published in {seconds:.1f} s, "
          f"{cores:.2f} cores busy", flush=True)  # fmt: skip
    return seconds, cores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=10000)
    parser.add_argument(
        "--part-sentences", type=int, default=40, help="sentences in each part of the speech"
    )
    parser.add_argument("--engine", default=DEFAULT_ENGINE, help="the voice: piper or hibari")
    parser.add_argument(
        "--no-pin", action="store_true", help="let each worker use every core (see above)"
    )
    arguments = parser.parse_args()
    run = (arguments.words, arguments.part_sentences, arguments.engine, not arguments.no_pin)
    one, one_cores = latency(1, *run)
    two, _ = latency(2, *run)
    print(f"latency, 2 workers against 1: {one / two:.2f}x faster")
    print(ceiling_note(one_cores))
    return verdict(one / two, GOAL)


if __name__ == "__main__":
    raise SystemExit(main())
