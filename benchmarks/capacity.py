"""Issue 13's capacity table: the cores (and GPUs) that the three forums' daily volume and
a 1,000-post backfill in one hour need, from a measured cost per spoken word.

The cost comes from `service_throughput.py` (one worker on one core publishing a
backfill, everything included: fetch, speech, mastering, publishing), which writes it to
benchmarks/results/service_throughput.json. The GPU column needs the speed-up of one GPU
over one core that `gpu_speech.py` prints (`--gpu-speedup`); without it, it says so.

The volumes are assumptions, not measurements; change them here:
- posts a day that pass the default selection: LessWrong 12, EA Forum 8, AI Alignment
  Forum 3 (most Alignment Forum posts are LessWrong crossposts, narrated once);
- 2,000 spoken words a post, the length of a typical long-form forum post.

Usage: python benchmarks/capacity.py [--cost CORE_SECONDS_PER_WORD] [--gpu-speedup X]
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

RESULTS = Path(__file__).parent / "results" / "service_throughput.json"
DAILY_POSTS = {"LessWrong": 12, "EA Forum": 8, "AI Alignment Forum": 3}
WORDS_PER_POST = 2000
BACKFILL_POSTS = 1000


def capacity_table(cost: float, gpu_speedup: float | None = None) -> str:
    """A Markdown table for `cost` core-seconds per spoken word."""
    daily = sum(DAILY_POSTS.values())
    workloads = [
        (f"the three forums' daily volume ({daily} posts), within 24 hours", daily, 86400),
        (f"a {BACKFILL_POSTS:,}-post backfill within one hour", BACKFILL_POSTS, 3600),
    ]
    rows = [
        "| workload | spoken words | core-hours of work | cores | GPUs |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, posts, window in workloads:
        words = posts * WORDS_PER_POST
        work = words * cost
        cores = max(1, math.ceil(work / window))
        gpus = str(max(1, math.ceil(cores / gpu_speedup))) if gpu_speedup else "not measured"
        rows.append(f"| {name} | {words:,} | {work / 3600:.1f} | {cores} | {gpus} |")
    rows.append(
        f"\n{cost:.4f} core-seconds per spoken word (one worker, every thread counted, measured by "
        f"`service_throughput.py`); {WORDS_PER_POST:,} words a post."
    )
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cost", type=float, help="core-seconds per spoken word")
    parser.add_argument("--gpu-speedup", type=float, help="one GPU against one core")
    arguments = parser.parse_args()
    cost = arguments.cost
    if cost is None:
        if not RESULTS.is_file():
            raise SystemExit(f"{RESULTS}: not measured yet; run service_throughput.py first")
        cost = float(json.loads(RESULTS.read_text())["core_seconds_per_word"])
    print(capacity_table(cost, arguments.gpu_speedup))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
