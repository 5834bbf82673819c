"""Mastering streams: a long episode costs no more memory than a short one."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

# Runs in a fresh interpreter so the peak RSS is this render's alone: its own memory's
# high-water mark (VmHWM), not getrusage's, which keeps the peak of the forked copy of
# this test's process (a pytest that has loaded voices and recognisers: over 1 GB).
SCRIPT = textwrap.dedent(
    """
    import json, re, sys
    from pathlib import Path
    from postcast.audio import EpisodeTags, render_audio
    from tests.audio.testsignals import long_stream
    from postcast.config import AudioConfig

    def peak_mb():
        status = Path("/proc/self/status").read_text()
        return int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) / 1024

    folder = Path(sys.argv[1])
    tags = EpisodeTags("Long", "postcast", "Tests", "2025-01-01")
    render_audio(long_stream(90), folder / "short.mp3", tags, AudioConfig())
    short = peak_mb()
    result = render_audio(long_stream(float(sys.argv[2])), folder / "long.mp3", tags, AudioConfig())
    print(json.dumps({"short_mb": short, "long_mb": peak_mb(), "duration": result.duration,
                      "chapters": len(result.chapters), "lufs": result.loudness_lufs}))
    """
)


@pytest.mark.slow
def test_a_30_minute_episode_needs_no_more_memory_than_90_seconds(tmp_path: Path) -> None:
    minutes = 30
    finished = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path), str(minutes * 60)],
        check=True,
        capture_output=True,
        text=True,
        timeout=800,
    )
    measured = json.loads(finished.stdout.strip().splitlines()[-1])
    assert measured["duration"] == pytest.approx(minutes * 60, abs=8)
    assert measured["chapters"] == minutes * 60 // 8 // 40 + 1
    assert measured["lufs"] == pytest.approx(-16, abs=1)
    # 30 minutes of float32 at 44.1 kHz alone would be 320 MB; growth stays a few MB.
    assert measured["long_mb"] - measured["short_mb"] < 40
    assert measured["long_mb"] < 600
