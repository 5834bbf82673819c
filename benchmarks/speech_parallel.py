"""Piper on the CPU: one process with ONNX Runtime on every core, or a pool of processes
with one single-threaded session each? Runs `speak` both ways (cache off) on the same
script and prints the real-time factor (seconds of work per second of audio; lower is
faster). The faster one is `postcast.speech.workers.PIPER_CPU_DEFAULT`.

    .venv/bin/python benchmarks/speech_parallel.py [--sentences 24] [--rounds 2]

Measured 2026-11-26 on the 2-core development machine, bundled voice (joe, medium),
48 sentences, 153 s of audio, cache off, machine shared with other jobs (so noisy);
RTF single process (ORT on 2 threads) vs pool (2 processes x 1 thread), per round:
    0.126 vs 0.113 | 0.300 vs 0.270 | 0.491 vs 0.519 | 0.366 vs 0.250
    0.237 vs 0.160 | 0.217 vs 0.116 | 0.163 vs 0.110 | 0.166 vs 0.131
The pool won 7 of 8 rounds, by up to 1.9x; best single 0.126, best pool 0.110.
"""

from __future__ import annotations

import argparse
import time

from postcast.config import AudioConfig, SpeechConfig
from postcast.models import Script, Segment, SegmentKind
from postcast.speech import speak
from postcast.speech.workers import available_cores

SENTENCES = [
    "A year of to-do lists taught me that the list is not the work.",
    "Most of what I wrote down on a Monday was still there on Friday, untouched.",
    "The items that got done were small, concrete, and had a deadline someone else cared about.",
    "So I started writing fewer items, and each one as the very next physical action.",
    "That change alone roughly doubled the share of items I finished in a week.",
    "It also made the list honest: a task that sat for two weeks was a decision, not a chore.",
]


def make_script(count: int) -> Script:
    texts = [
        SENTENCES[i % len(SENTENCES)] + f" That was point number {i + 1}." for i in range(count)
    ]
    return Script("bench", tuple(Segment(t, SegmentKind.PARAGRAPH) for t in texts))


def measure(script: Script, workers: int) -> tuple[float, float]:
    config = SpeechConfig(engine="piper", workers=workers, cache_max_mb=0)
    start = time.perf_counter()
    audio_seconds = sum(s.audio.size / s.sample_rate for s in speak(script, config, AudioConfig()))
    return time.perf_counter() - start, audio_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sentences", type=int, default=24)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    cores = available_cores()
    script = make_script(args.sentences)
    setups = {
        f"single process, ORT on {cores} threads": 1,
        f"pool of {cores} processes, 1 thread each": cores,
    }
    results: dict[str, list[float]] = {name: [] for name in setups}
    for _ in range(args.rounds):  # interleaved, so a busy neighbour hurts both alike
        for name, workers in setups.items():
            wall, audio = measure(script, workers)
            results[name].append(wall / audio)
            print(f"{name:40s} wall {wall:6.2f} s  audio {audio:6.1f} s  RTF {wall / audio:.3f}")
    for name, rtfs in results.items():
        print(f"best RTF {min(rtfs):.3f}  {name}")


if __name__ == "__main__":
    main()
