"""Run every benchmark in turn (`make bench`); exit non-zero if any goal is missed.

The 20,000-word memory figure takes a long time on a small machine: pass --quick to skip it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def main() -> int:
    quick = "--quick" in sys.argv[1:]
    runs = [
        ["text_normalization.py"],
        ["intelligibility.py"],
        ["render_pipeline.py", *(["--no-memory"] if quick else [])],
        ["speech_parallel.py"],
        ["audio_memory.py", *(["--minutes", "30"] if quick else [])],
        ["lexicon_rerender.py", *(["--words", "800"] if quick else [])],
        ["web_requests.py", *(["--seconds", "2"] if quick else [])],
    ]
    failed = []
    for script, *args in runs:
        print(f"\n== {script} {' '.join(args)}", flush=True)
        if subprocess.run([sys.executable, str(HERE / script), *args]).returncode != 0:
            failed.append(script)
    print("\nall goals met" if not failed else f"\ngoals missed in: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
