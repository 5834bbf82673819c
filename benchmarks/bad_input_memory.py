"""Peak memory of every bad-input case through `postcast script` and `render`.

Each case of the corpus (tests/bad_input/bad_input_cases.py) runs in a child process;
its peak RSS comes from `wait4` (that child alone) and is printed against the 600 MB
goal, with the exit code and the first line of any error. Renders use espeak (no intro
gate), so the long cases stay minutes, not hours; `--engine piper` uses the default voice.

    .venv/bin/python benchmarks/bad_input_memory.py [--only NAME ...] [--no-render]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "bad_input"))
from bad_input_cases import CASES, Case, measure

GOAL_MB = 600
POSTCAST = [sys.executable, "-m", "postcast"]


def _config(folder: Path, engine: str) -> Path:
    config = folder / "postcast.toml"
    speech = f'engine = "{engine}"\ncache_dir = "{folder / "cache"}"\n'
    if engine == "espeak":
        speech += "intro_max_wer = 0\n"
    config.write_text(f"[speech]\n{speech}")
    return config


def _row(case: Case, command: str, code: int, stderr: str, peak: float) -> str:
    error = next((line for line in stderr.splitlines() if line.startswith("error:")), "")
    traceback = "TRACEBACK " if "Traceback" in stderr else ""
    verdict = "OK" if peak < GOAL_MB and not traceback else "OVER" if peak >= GOAL_MB else "FAIL"
    said = error.split(": ", 2)[-1] if error else "ok"
    return (
        f"{case.name:26} {command:6} exit {code}  peak {peak:6.0f} MB / {GOAL_MB} {verdict:4} "
        f"{traceback}{said[:70]}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="case names to run (default: all)")
    parser.add_argument("--no-render", action="store_true", help="`script` only")
    parser.add_argument("--engine", default="espeak", choices=["espeak", "piper"])
    args = parser.parse_args()
    cases = [case for case in CASES if not args.only or case.name in args.only]
    worst = 0.0
    failed = False
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        config = _config(folder, args.engine)
        for case in cases:
            path = case.write(folder)
            commands = {"script": ["script", str(path)]}
            if not args.no_render:
                out = folder / "episode.mp3"
                commands["render"] = ["render", str(path), "-o", str(out), "--config", str(config)]
            for name, command in commands.items():
                result = measure([*POSTCAST, *command])
                print(_row(case, name, result.code, result.stderr, result.peak_mb), flush=True)
                worst = max(worst, result.peak_mb)
                failed |= "Traceback" in result.stderr or result.code not in (0, 2)
            path.unlink()
    verdict = "OK" if worst < GOAL_MB and not failed else "NOT MET"
    print(f"worst peak RSS {worst:.0f} MB: goal < {GOAL_MB} MB for every case: {verdict}")
    return 0 if verdict == "OK" else 1


if __name__ == "__main__":
    sys.exit(main())
