"""The crash script of issue 11 (benchmarks/crash_recovery.py), at a smaller count:
SIGKILLed passes leave a site that the next pass completes, with nothing left behind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
SCRIPT = Path(__file__).parents[1] / "benchmarks" / "crash_recovery.py"


def test_killed_passes_leave_a_complete_site_and_no_temporaries(tmp_path: Path) -> None:
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    command = [sys.executable, str(SCRIPT), "--kills", "5", "--posts", "3", "--seed", "5"]
    result = subprocess.run(
        [*command, "--keep", str(tmp_path / "work")],
        capture_output=True,
        text=True,
        env=environment,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "posts: 3; episodes: 3; enclosure lengths matching: 3; MP3s decoded: 3" in result.stdout
    assert "temporaries left: 0" in result.stdout
    assert "(0 mid-run" not in result.stdout  # at least one kill landed inside a pass
