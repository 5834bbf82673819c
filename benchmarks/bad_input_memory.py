"""Peak memory of every bad-input case through `postcast script` and `render`.

Each case of the corpus (tests/bad_input/bad_input_cases.py), and each demo post, runs
in a child process; its peak RSS comes from `wait4`: that child's, or the largest of the
processes it waited for (Piper's pool workers, the intro gate's Whisper process; the
largest, not their sum). Every case's peak is printed against the 600 MB goal, with the
exit code, CPU seconds and the first line of any error, then the worst.

Renders use the default voice (Piper, with the intro gate) and run twice: `cold`, with
an empty cache folder (the voice's optimised graph is made and saved, the cover art
drawn), then `warm`, with the graph kept but no sentence cached, so the voice speaks
every sentence again. `--cache cold` or `--cache warm` runs one; `--engine espeak`
(no intro gate) keeps a quick pass to seconds. All cases, cold and warm: about 40
minutes on the 2-core development machine.

Measured there (default voice): before, a two-paragraph post peaked at 600-690 MB
(Whisper beside the voice), a 40-cell table row at 700 MB (one 19 s run); with Piper's
long sentences halved, its arena shrunk after long runs and the intro gate heard in a
process of its own (speech/piper_runs.py, speech/hearing.py), the worst of all cases
was 557 MB cold (a demo post; the same post 480-577 MB over runs: the voice's runs and
the mastering overlap differently) and 475 MB warm. The hearing process itself peaks
at ~280 MB. Fixing glibc's mmap threshold (MALLOC_MMAP_THRESHOLD_=65536) took a
further ~45 MB off a cold demo render for ~10% more CPU; not applied.

    .venv/bin/python benchmarks/bad_input_memory.py [--only NAME ...] [--no-render]
        [--no-demo] [--cache cold|warm|both] [--engine piper|espeak]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "bad_input"))
from bad_input_cases import CASES, Case, Measured, measure

ROOT = Path(__file__).resolve().parent.parent
GOAL_MB = 600
POSTCAST = [sys.executable, "-m", "postcast"]
DEMO_POSTS = sorted((ROOT / "src" / "postcast" / "demo" / "posts").glob("*/*.json"))
# made again by every render: what is left in a warm cache is the voice's optimised graph
# and the cover art
SPOKEN_CACHES = ("speech", "mastered")


def _demo_case(post: Path) -> Case:
    return Case(f"demo-{post.name}", post.read_bytes, None)


def _config(folder: Path, engine: str) -> Path:
    config = folder / "postcast.toml"
    speech = f'engine = "{engine}"\ncache_dir = "{folder / "cache"}"\n'
    if engine == "espeak":
        speech += "intro_max_wer = 0\n"
    config.write_text(f"[speech]\n{speech}")
    return config


def _prepare(cache: Path, mode: str) -> None:
    """The cache folder as `mode` finds it: empty (cold), or with only what a render
    keeps across posts (warm)."""
    if mode == "cold":
        shutil.rmtree(cache, ignore_errors=True)
    for name in SPOKEN_CACHES:
        shutil.rmtree(cache / name, ignore_errors=True)


def _row(name: str, command: str, result: Measured) -> str:
    error = next((line for line in result.stderr.splitlines() if line.startswith("error:")), "")
    traceback = "TRACEBACK " if "Traceback" in result.stderr else ""
    peak = result.peak_mb
    verdict = "OK" if peak < GOAL_MB and not traceback else "OVER" if peak >= GOAL_MB else "FAIL"
    said = error.split(": ", 2)[-1] if error else "ok"
    return (
        f"{name:34} {command:12} exit {result.code}  peak {peak:6.0f} MB / {GOAL_MB} "
        f"{verdict:4} cpu {result.cpu_s:6.1f} s  {traceback}{said[:60]}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="case names to run (default: all)")
    parser.add_argument("--no-render", action="store_true", help="`script` only")
    parser.add_argument("--no-demo", action="store_true", help="without the demo posts")
    parser.add_argument("--cache", default="both", choices=["cold", "warm", "both"])
    parser.add_argument("--engine", default="piper", choices=["piper", "espeak"])
    args = parser.parse_args()
    everything = [*CASES, *([] if args.no_demo else map(_demo_case, DEMO_POSTS))]
    cases = [case for case in everything if not args.only or case.name in args.only]
    modes = ["cold", "warm"] if args.cache == "both" else [args.cache]
    worst = dict.fromkeys(["script", *modes], 0.0)
    failed = False
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        config = _config(folder, args.engine)
        out = folder / "episode.mp3"
        for case in cases:
            path = case.write(folder)
            commands = {"script": ["script", str(path)]}
            if not args.no_render:
                render = ["render", str(path), "-o", str(out), "--config", str(config)]
                commands |= {mode: render for mode in modes}
            for mode, command in commands.items():
                if mode != "script":
                    _prepare(folder / "cache", mode)
                result = measure([*POSTCAST, *command])
                label = "script" if mode == "script" else f"render {mode}"
                print(_row(case.name, label, result), flush=True)
                worst[mode] = max(worst[mode], result.peak_mb)
                failed |= "Traceback" in result.stderr or result.code not in (0, 2)
            path.unlink()
    for mode, peak in worst.items():
        print(f"worst peak RSS, {mode:6}: {peak:4.0f} MB (goal < {GOAL_MB} MB)")
    highest = max(worst.values())
    verdict = "OK" if highest < GOAL_MB and not failed else "NOT MET"
    print(f"worst peak RSS {highest:.0f} MB: goal < {GOAL_MB} MB for every case: {verdict}")
    return 0 if verdict == "OK" else 1


if __name__ == "__main__":
    sys.exit(main())
