"""The command line as users run it: the real console entry point, exit codes, messages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

POSTCAST = [sys.executable, "-m", "postcast"]


@pytest.fixture(autouse=True)
def own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Renders speak for real instead of finding earlier runs' sentences cached."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*POSTCAST, *args], capture_output=True, text=True, input=stdin, timeout=600
    )


def _bad_inputs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    empty = tmp_path / "empty.html"
    empty.write_text("")
    picture = tmp_path / "picture.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    latin1 = tmp_path / "latin1.html"
    latin1.write_bytes(
        "<p>Caf\xe9 au lait is served at the meeting every week.</p>".encode("latin-1")
    )
    return {
        "empty": (empty, "empty"),
        "not html": (picture, "png"),
        "missing": (tmp_path / "nowhere.html", "not found"),
        "invalid utf-8": (latin1, "utf-8"),
    }


@pytest.mark.parametrize("case", ["empty", "not html", "missing", "invalid utf-8"])
def test_render_rejects_bad_input_naming_it(tmp_path: Path, case: str) -> None:
    path, problem = _bad_inputs(tmp_path)[case]
    out = tmp_path / "out.mp3"
    result = run("render", str(path), "-o", str(out))
    assert result.returncode == 2, result.stderr
    assert path.name in result.stderr
    assert problem in result.stderr.lower()
    assert "Traceback" not in result.stderr
    assert not out.exists()
    assert not list(tmp_path.glob("*.tmp*")) and not list(tmp_path.glob(".*mp3*"))


def test_script_prints_only_spoken_words(tmp_path: Path) -> None:
    post = tmp_path / "post.md"
    post.write_text(
        "---\ntitle: Notes on maps\nauthor: Ada Example\ndate: 2024-02-03\n---\n\n"
        "# Why maps\n\nA map is useful when it leaves things out.[^1] "
        "See [this essay](https://example.org/maps) for more.\n\n"
        "- first point\n- second point\n\n[^1]: Borges said it better.\n"
    )
    result = run("script", str(post))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Welcome to The Nonlinear Library")
    assert "Notes on maps" in lines[0] and "Ada Example" in lines[0]
    assert any("this essay" in line for line in lines)
    assert any(line.startswith("Footnote one: Borges") for line in lines)
    text = "\n".join(lines)
    for never in ("http", "[^1]", "[1]", "<", "](", "#"):
        assert never not in text
    assert lines[-1].startswith("Thanks for listening")


def test_normalize_keeps_one_line_per_line() -> None:
    lines = ["It cost $5 in 2019.", "", "See you at 3 pm."]
    result = run("normalize", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout.split("\n")
    assert out[-1] == "" and len(out) - 1 == len(lines)
    assert out[1] == ""
    assert "5" not in out[0] and "dollars" in out[0]


def test_serve_refuses_a_folder_without_feed(tmp_path: Path) -> None:
    result = run("serve", str(tmp_path), "--port", "0")
    assert result.returncode == 2
    assert "feed.xml" in result.stderr


def test_run_reports_a_missing_config(tmp_path: Path) -> None:
    result = run("run", "--once", "--config", str(tmp_path / "postcast.toml"))
    assert result.returncode == 2
    assert "postcast.toml" in result.stderr and "not found" in result.stderr


@pytest.mark.slow
def test_render_writes_a_tagged_episode(tmp_path: Path) -> None:
    from mutagen.id3 import ID3

    post = tmp_path / "post.html"
    post.write_text(
        "<html><head><title>A short test post</title><meta name='author' content='Ada Example'>"
        "<meta name='date' content='2024-05-06'></head><body><h2>Start</h2>"
        "<p>This is a short paragraph for the voice to read.</p><h2>End</h2>"
        "<p>And this is the last thing it says before the outro.</p></body></html>"
    )
    out = tmp_path / "episode.mp3"
    result = run("render", str(post), "-o", str(out))
    assert result.returncode == 0, result.stderr
    tags = ID3(out)
    assert str(tags["TIT2"]) == "A short test post by Ada Example"
    titles = [
        str(c.sub_frames["TIT2"]) for c in sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    ]
    assert titles.index("Start") < titles.index("End")


@pytest.mark.slow
def test_run_once_publishes_and_reports_a_failing_source(tmp_path: Path) -> None:
    import random
    from datetime import UTC, datetime, timedelta

    import feedparser

    from tests.fakes.forummagnum_server import FakeForum, make_post

    rng = random.Random(5)
    users = [{"_id": "u1", "displayName": "Ada Example", "username": "ada", "slug": "ada"}]
    site = "https://www.lesswrong.com"
    now = datetime.now(UTC)
    posts = [make_post(rng, now - timedelta(hours=5 + n), site, users) for n in range(3)]
    for post in posts:
        post.update(baseScore=50, isEvent=False, question=False, draft=None, af=False)
    with FakeForum(posts=posts) as forum, FakeForum() as broken:
        broken.fail_next(50, status=503)
        config = tmp_path / "postcast.toml"
        config.write_text(
            f'[library]\ntitle = "Test Library"\nbase_url = "https://pod.example.org/"\n'
            f'site_dir = "site"\ndatabase = "sqlite:///library.sqlite3"\n\n'
            f'[[sources]]\nname = "lesswrong"\nkind = "forummagnum"\nurl = "{forum.url}"\n'
            f'code = "LW"\nforum_name = "LessWrong"\nkarma_threshold = 30\n'
            f"request_interval = 0.0\n\n"
            f'[[sources]]\nname = "broken"\nkind = "forummagnum"\nurl = "{broken.url}"\n'
            f'code = "EA"\nforum_name = "EA Forum"\nrequest_interval = 0.0\nmax_retries = 1\n\n'
            f'[speech]\nengine = "espeak"\ncache_dir = "cache"\n'
        )
        result = run("run", "--once", "--config", str(config))
    assert result.returncode == 0, result.stderr
    assert "broken" in result.stderr and "503" in result.stderr
    feed = feedparser.parse((tmp_path / "site" / "feed.xml").read_bytes())
    expected = {f"LW - {post['title']} by " for post in posts}
    assert {entry.title.rsplit("by ", 1)[0] + "by " for entry in feed.entries} == expected
    assert all(entry.title.startswith("LW - ") for entry in feed.entries)


@pytest.mark.parametrize(
    "command, shown",
    [("status", "with [service], also queue depths"), ("web", "Address ([web] host)")],
)
def test_help_shows_configuration_sections_in_brackets(command: str, shown: str) -> None:
    # Rich markup would take "[web]" for a style tag and print "Address ( host)"
    result = run(command, "--help")
    assert result.returncode == 0, result.stderr
    assert shown in " ".join(line.strip(" │") for line in result.stdout.splitlines())
