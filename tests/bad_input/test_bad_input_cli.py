"""Every bad input through `postcast script`, `render` and `run --once`: a one-line error
naming the file (exit 2), or a bounded result; never a traceback, never past 600 MB."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest
from bad_input_cases import CASES, Case, measure

from postcast.service import cli

GOAL_MB = 600
QUICK = [case for case in CASES if not case.big]
POSTCAST = [sys.executable, "-m", "postcast"]
# espeak keeps renders of the long cases short; no intro gate, so no Whisper to load
CONFIG = """
[speech]
engine = "espeak"
cache_dir = "{cache}"
intro_max_wer = 0
"""


def _ids(cases: list[Case] | tuple[Case, ...]) -> list[str]:
    return [case.name for case in cases]


def _assert_one_line_error(case: Case, path: Path, stderr: str) -> None:
    assert case.problem is not None
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith(f"error: {path}: "), lines[0]
    assert case.problem in lines[0], lines[0]


def _cli(
    args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    """`postcast ARGS` in this process, as `main` runs it: any traceback fails the test."""
    monkeypatch.setattr(sys, "argv", ["postcast", *args])
    code = 0
    try:
        cli.main()
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("case", QUICK, ids=_ids(QUICK))
def test_script_says_what_is_wrong_or_narrates(
    case: Case,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = case.write(tmp_path)
    code, out, err = _cli(["script", str(path)], capsys, monkeypatch)
    if case.problem is not None:
        assert code == 2 and not out
        _assert_one_line_error(case, path, err)
        return
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("Welcome to") and lines[-1].startswith("Thanks for listening")
    assert all(len(line) <= 1000 for line in lines), "no segment longer than the bound"
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", out), "no control characters"


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_render_is_an_error_or_a_bounded_episode(case: Case, tmp_path: Path) -> None:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    path = case.write(tmp_path)
    config = tmp_path / "postcast.toml"
    config.write_text(CONFIG.format(cache=tmp_path / "cache"))
    out_mp3 = tmp_path / "episode.mp3"
    result = measure([*POSTCAST, "render", str(path), "-o", str(out_mp3), "--config", str(config)])
    assert "Traceback" not in result.stderr, result.stderr
    assert result.peak_mb < GOAL_MB, f"{case.name}: {result.peak_mb:.0f} MB"
    if case.problem is not None:
        assert result.code == 2
        _assert_one_line_error(case, path, result.stderr)
        assert not out_mp3.exists()
        return
    assert result.code == 0, result.stderr
    assert out_mp3.stat().st_size > 0
    assert not list(tmp_path.glob(".postcast-*")), "no temporary left beside the output"


@pytest.mark.slow
def test_run_once_reports_each_bad_file_and_publishes_the_rest(tmp_path: Path) -> None:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    posts = tmp_path / "posts"
    posts.mkdir()
    cases = [case for case in CASES if case.name.endswith((".html", ".md", ".json"))]
    for case in cases:
        case.write(posts)
    config = tmp_path / "postcast.toml"
    config.write_text(
        CONFIG.format(cache=tmp_path / "cache")
        + '\n[library]\nsite_dir = "site"\ndatabase = "sqlite:///library.sqlite3"\n'
        + '\n[[sources]]\nname = "bad"\nkind = "local"\npath = "posts"\n'
    )
    result = measure([*POSTCAST, "run", "--once", "--config", str(config)])
    assert result.code == 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert result.peak_mb < GOAL_MB
    fine = [case for case in cases if case.problem is None]
    assert re.search(rf"\b{len(fine)} rendered\b", result.stderr), result.stderr
    for case in cases:
        if case.problem is not None:
            named = (
                f"{case.name}: " in result.stderr or f"{Path(case.name).stem}: " in result.stderr
            )
            assert named and case.problem in result.stderr, case.name
    assert len(list((tmp_path / "site" / "episodes").glob("*.mp3"))) == len(fine)
