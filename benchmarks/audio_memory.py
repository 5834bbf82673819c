"""Peak memory of mastering a long episode: render_audio must not grow with length.

Renders a short warm-up episode, then a long one (default two hours) generated
lazily, and prints the process's peak RSS after each against the 600 MB goal.

    .venv/bin/python benchmarks/audio_memory.py [--minutes 120]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from postcast.audio import EpisodeTags, render_audio
from postcast.config import AudioConfig

# The synthetic narration is a test helper (it needs SciPy, a test dependency).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.audio.testsignals import long_stream

GOAL_MB = 600


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB


def render(minutes: float, folder: Path) -> tuple[float, float, float]:
    tags = EpisodeTags("Benchmark", "postcast", "Benchmarks", "2025-01-01")
    started = time.perf_counter()
    result = render_audio(long_stream(minutes * 60), folder / "episode.mp3", tags, AudioConfig())
    return time.perf_counter() - started, result.loudness_lufs or 0.0, result.true_peak_dbtp or 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=120.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        warm_seconds, _, _ = render(1.0, Path(folder))
        warm_mb = peak_rss_mb()
        print(f"warm-up: 1 min episode in {warm_seconds:.1f} s, peak RSS {warm_mb:.0f} MB")
        seconds, lufs, peak = render(args.minutes, Path(folder))
    long_mb = peak_rss_mb()
    verdict = "OK" if long_mb < GOAL_MB else "OVER"
    print(
        f"{args.minutes:.0f} min episode in {seconds:.0f} s ({args.minutes * 60 / seconds:.0f}x "
        f"real time), {lufs:.2f} LUFS, {peak:.2f} dBTP"
    )
    print(
        f"peak RSS {long_mb:.0f} MB (+{long_mb - warm_mb:.0f} MB): goal < {GOAL_MB} MB: {verdict}"
    )
    return 0 if long_mb < GOAL_MB else 1


if __name__ == "__main__":
    sys.exit(main())
