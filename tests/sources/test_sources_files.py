"""Post files (HTML, Markdown, ForumMagnum JSON), the local source and the registry."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from postcast.config import SourceConfig
from postcast.demo import demo_posts_dir
from postcast.errors import ConfigError, InputError
from postcast.sources.files import load_post_file
from postcast.sources.forummagnum import ForumMagnumSource
from postcast.sources.local import LocalSource
from postcast.sources.registry import SOURCES, create_source


def quiet(task: str, done: float, total: float | None) -> None:
    pass


def test_html_file_metadata_and_body(tmp_path: Path) -> None:
    page = tmp_path / "essay.html"
    page.write_text(
        "<html><head><title>On Naps</title><meta name='author' content='Ann Lee; Bo Park'>"
        "<meta property='article:published_time' content='2025-04-02T09:30:00+02:00'></head>"
        "<body><h1>On Naps</h1><p>Short naps help.</p><p>Long ones do not.</p></body></html>",
        encoding="utf-8",
    )
    post = load_post_file(page, forum_name="Blog", code="BL")
    assert post.title == "On Naps"
    assert post.authors == ("Ann Lee", "Bo Park")
    assert post.posted_at == datetime(2025, 4, 2, 7, 30, tzinfo=UTC)
    assert "<p>Short naps help.</p>" in post.html and "<h1>" not in post.html
    assert (post.forum_name, post.forum_code) == ("Blog", "BL")


def test_markdown_front_matter(tmp_path: Path) -> None:
    note = tmp_path / "note.md"
    note.write_text(
        '---\ntitle: "Counting: a primer"\nauthors:\n  - Ann Lee\n  - Bo Park\n'
        "date: 2025-03-01\nurl: https://example.org/counting\n---\n"
        "Some *emphasis* and a list:\n\n- one\n- two\n",
        encoding="utf-8",
    )
    post = load_post_file(note)
    assert post.title == "Counting: a primer"
    assert post.authors == ("Ann Lee", "Bo Park")
    assert post.posted_at == datetime(2025, 3, 1, tzinfo=UTC)
    assert post.url == "https://example.org/counting"
    assert "<em>emphasis</em>" in post.html and "<li>one</li>" in post.html


def test_markdown_heading_title_and_mtime_date(tmp_path: Path) -> None:
    note = tmp_path / "plain-note.markdown"
    note.write_text("# The Heading\n\nBody text here.\n", encoding="utf-8")
    os.utime(note, (1_700_000_000, 1_700_000_000))
    post = load_post_file(note)
    assert post.title == "The Heading"
    assert "The Heading" not in post.html and "Body text here." in post.html
    assert post.posted_at == datetime.fromtimestamp(1_700_000_000, UTC)
    untitled = tmp_path / "my_first-essay.md"
    untitled.write_text("Just text.", encoding="utf-8")
    assert load_post_file(untitled).title == "my first essay"


def test_forummagnum_json_like_the_demo_library() -> None:
    file = sorted((demo_posts_dir() / "lesswrong").glob("*.json"))[0]
    raw = json.loads(file.read_text(encoding="utf-8"))
    post = load_post_file(file, forum_name="LessWrong", code="LW")
    assert post.post_id == raw["_id"] and post.title == raw["title"]
    assert post.authors == (raw["user"]["displayName"],)
    assert post.karma == raw["baseScore"] and post.html == raw["contents"]["html"]
    assert post.forum_code == "LW"


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("empty.md", b"", "file is empty"),
        ("blank.html", b"  \n\t\n", "file is empty"),
        ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is a PNG image, not HTML"),
        ("sneaky.html", b"\x89PNG\r\n\x1a\n\x00\x00", "is a PNG image"),
        ("blob.md", b"abc\x00\x01\x02def", "is binary data"),
        ("notes.docx2", b"plain words", "unsupported file type '.docx2'"),
        ("latin1.md", "caf\u00e9 au lait".encode("latin-1"), "not valid UTF-8: invalid"),
        ("bad.json", b'{"_id": "x", ', "invalid JSON at line 1 column"),
        ("list.json", b'[{"_id": "x"}]', "expected one ForumMagnum post object, got a JSON list"),
        ("shape.json", b'{"name": "x"}', "not a ForumMagnum post object: post object lacks _id"),
        ("nobody.html", b"<html><head><title>T</title></head><body></body></html>", "no text"),
    ],
)
def test_bad_files_are_input_errors_naming_the_file(
    tmp_path: Path, name: str, content: bytes, problem: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        load_post_file(path)
    assert caught.value.source == str(path)
    assert problem in caught.value.problem


def test_invalid_utf8_names_the_byte(tmp_path: Path) -> None:
    path = tmp_path / "post.md"
    path.write_bytes(b"hello \xff world")
    with pytest.raises(InputError, match="at byte 6"):
        load_post_file(path)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        load_post_file(tmp_path / "nope.md")
    with pytest.raises(InputError, match="is a folder"):
        load_post_file(tmp_path)


def test_bad_front_matter_date(tmp_path: Path) -> None:
    path = tmp_path / "post.md"
    path.write_text("---\ndate: next tuesday\n---\nText.", encoding="utf-8")
    with pytest.raises(InputError, match="'next tuesday' is not a date"):
        load_post_file(path)


def test_local_source_reads_sorted_files_once_and_picks_up_changes(tmp_path: Path) -> None:
    (tmp_path / "b.md").write_text("# B\n\nSecond.", encoding="utf-8")
    (tmp_path / "a.html").write_text("<title>A</title><p>First.</p>", encoding="utf-8")
    (tmp_path / "skip.png").write_bytes(b"\x89PNG")
    source = create_source(SourceConfig(name="notes", kind="local", path=str(tmp_path)))
    state: dict = {}
    first = [(post.title, post.source) for post, _ in source.fetch(state, quiet)]
    assert first == [("A", "notes"), ("B", "notes")]
    assert list(source.fetch(state, quiet)) == []
    (tmp_path / "b.md").write_text("# B2\n\nChanged.", encoding="utf-8")
    os.utime(tmp_path / "b.md", ns=(1, 2_000_000_000_000_000_000))
    assert [post.title for post, _ in source.fetch(state, quiet)] == ["B2"]


def test_local_source_goes_on_past_a_bad_file_then_reports_it(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_bytes(b"")
    (tmp_path / "b.md").write_text("Fine.", encoding="utf-8")
    source = LocalSource(SourceConfig(name="notes", kind="local", path=str(tmp_path)))
    got = []
    with pytest.raises(InputError, match=r"1 file\(s\) could not be read: .*a\.md: file is empty"):
        for post, _ in source.fetch({}, quiet):
            got.append(post.post_id)
    assert got == ["b"]


def test_registry_knows_the_builtin_kinds_and_names_unknown_ones() -> None:
    assert set(SOURCES) == {"forummagnum", "rss", "url", "local"}
    source = create_source(SourceConfig(name="lw", kind="forummagnum", url="https://x.org"))
    assert isinstance(source, ForumMagnumSource) and source.name == "lw"
    assert source.endpoint == "https://x.org/graphql"
    with pytest.raises(ConfigError) as caught:
        create_source(SourceConfig(name="mine", kind="gopher"))
    message = str(caught.value)
    assert "'gopher'" in message and "'mine'" in message
    assert "forummagnum, local, rss, url" in message


def test_forum_json_names_its_forum_from_the_page_url(tmp_path: Path) -> None:
    af_post = next((demo_posts_dir() / "alignmentforum").glob("*.json"))
    post = load_post_file(af_post)
    assert (post.forum_code, post.forum_name) == ("AF", "The AI Alignment Forum")
    elsewhere = json.loads(af_post.read_text())
    elsewhere["pageUrl"] = "https://forum.example.org/posts/x/y"
    (tmp_path / "other.json").write_text(json.dumps(elsewhere))
    other = load_post_file(tmp_path / "other.json")
    assert (other.forum_code, other.forum_name) == ("", "")
