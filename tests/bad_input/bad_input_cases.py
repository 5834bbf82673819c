"""The bad-input corpus: posts that are broken, hostile or huge, generated in code.

Each case is a file name, its bytes, and what `postcast` must say: `problem` is part of
the one-line error (`error: NAME: problem`), or None when the post must narrate and
render (bounded in memory). Big cases are built here, never committed.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

WORDS = [
    "the",
    "quick",
    "brown",
    "fox",
    "jumps",
    "over",
    "a",
    "lazy",
    "dog",
    "while",
    "weighing",
    "its",
    "options",
]


@dataclass(frozen=True)
class Case:
    name: str  # the file name: its suffix says how it is read
    build: Callable[[], bytes]
    problem: str | None  # part of the error message; None: a bounded result
    big: bool = False  # costly to build or to run: the slow tests only

    def write(self, folder: Path) -> Path:
        path = folder / self.name
        path.write_bytes(self.build())
        return path


@dataclass(frozen=True)
class Measured:
    code: int
    stdout: str
    stderr: str
    peak_mb: float  # the child's peak resident memory
    cpu_s: float = 0.0  # user and system CPU time of the child and those it waited for


def measure(command: list[str], cwd: Path | None = None) -> Measured:
    """Run `command`; its exit code, output and peak RSS (its own, from `wait4`)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(process.pid, 0)  # reaped here, so its usage is ours
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        cpu = usage.ru_utime + usage.ru_stime
        return Measured(process.returncode, out.read(), err.read(), usage.ru_maxrss / 1024, cpu)


def _html(body: str, title: str = "A bad post") -> bytes:
    return f"<html><head><title>{title}</title></head><body>{body}</body></html>".encode()


def _prose(words: int, seed: int = 1) -> str:
    pick = random.Random(seed).choice
    sentences = []
    for start in range(0, words, 15):
        sentence = " ".join(pick(WORDS) for _ in range(min(15, words - start)))
        sentences.append(sentence.capitalize() + ".")
    return " ".join(sentences)


def _post_json(**fields: object) -> bytes:
    post: dict[str, object] = {
        "_id": "bad1",
        "title": "A bad post",
        "postedAt": "2025-03-14T10:00:00.000Z",
        "user": {"displayName": "Ann Author"},
        "contents": {"html": f"<p>{_prose(60)}</p>"},
    }
    post.update(fields)
    if "_id" not in fields:  # one id per case, so no case's post replaces another's
        post["_id"] = f"bad{zlib.crc32(json.dumps(fields, sort_keys=True).encode())}"
    return json.dumps(post).encode()


CASES = (
    Case("empty.html", lambda: b"", "file is empty"),
    Case("blank.md", lambda: b"  \n\n\t\n", "file is empty"),
    Case("image.html", lambda: b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "is a PNG image"),
    Case("nul_bytes.md", lambda: b"# Title\n\nHello\x00world\n", "is binary data"),
    Case("latin1.md", lambda: "# Caf\u00e9\n\nna\u00efve\n".encode("latin-1"), "not valid UTF-8"),
    Case("no_text.html", lambda: _html("<script>alert(1)</script><style>p{}</style>"), "no text"),
    Case("unsupported.docx", lambda: b"plain words", "unsupported file type"),
    Case(
        "deep_divs.html",
        lambda: _html("<div>" * 100_000 + "Deep." + "</div>" * 100_000),
        "nested more than 100",
    ),
    Case(
        "deep_spans.html",
        lambda: _html("<p>" + "<span>" * 5_000 + "Deep." + "</span>" * 5_000 + "</p>"),
        "nested more than 100",
    ),
    Case(
        "deep_quotes.md",
        lambda: (">" * 100_000 + f" {_prose(60)}\n").encode(),
        "nested more than 100",
    ),
    Case(
        "deep_lists.md",
        lambda: "".join("  " * depth + "- item\n" for depth in range(300)).encode(),
        "nested more than 100",
    ),
    Case(  # <html>, <body>, 97 of <div> and a <p>: as deep as the limit lets every walker go
        "nested_at_the_limit.html",
        lambda: _html("<div>" * 97 + f"<p>{_prose(60)}</p>" + "</div>" * 97, "At the limit"),
        None,
    ),
    Case("deep.json", lambda: b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    Case("huge_paragraph.html", lambda: _html(f"<p>{_prose(2_400)}</p>", "Huge"), None, big=True),
    Case(
        "one_long_sentence.md",
        lambda: ("# Run-on\n\n" + " ".join(["word"] * 3_000) + "\n").encode(),
        None,
        big=True,
    ),
    Case(
        "one_long_word.md",
        lambda: f"# A hash\n\n{'a' * 20_000}\n\n{_prose(60)}\n".encode(),
        None,
    ),
    Case(
        "huge_table.html",
        lambda: _html(
            "<p>Numbers follow.</p><table>"
            + "".join(
                "<tr>" + "".join(f"<td>{r * c}</td>" for c in range(40)) + "</tr>"
                for r in range(400)
            )
            + "</table>",
            "Huge table",
        ),
        None,
    ),
    Case("long_title.html", lambda: _html("<p>Fine.</p>", "word " * 2_000), "title is"),
    Case("long_title.json", lambda: _post_json(title="T" * 10_000), "title is"),
    Case(
        "many_authors.json",
        lambda: _post_json(coauthors=[{"displayName": f"Author {n}"} for n in range(500)]),
        "author names are",
    ),
    Case(
        "million_paragraphs.html",
        lambda: _html("<p>A short paragraph.</p>" * 1_000_000),
        "the limit is 8.0 MB",
        big=True,
    ),
    Case(
        "many_elements.html",
        lambda: _html("<p>" + "<b>a</b>" * 100_001 + "</p>"),
        "more than 100,000 HTML elements",
    ),
    Case(
        "too_many_words.html",
        lambda: _html("".join(f"<p>{_prose(100, n)}</p>" for n in range(1_300))),
        "more than 120,000 words",
        big=True,
    ),
    Case("huge_markdown.md", lambda: b"# Big\n\n" + b"*a* " * 200_000, "Markdown body is"),
    Case("list.json", lambda: b"[]", "got a JSON list"),
    Case("null.json", lambda: b"null", "got a JSON NoneType"),
    Case("broken.json", lambda: b'{"title": "x",', "invalid JSON"),
    Case("nulls.json", lambda: _post_json(_id=None, title=None, postedAt=None), "lacks"),
    Case("date_number.json", lambda: _post_json(postedAt=7), "postedAt"),
    Case("tags_number.json", lambda: _post_json(tags=5), "wrong field type"),
    Case("user_string.json", lambda: _post_json(user="x", title="Who"), None),  # no author
    Case(
        "html_list.json",
        lambda: _post_json(contents={"html": ["<p>x</p>"]}),
        "contents is not text",
    ),
    Case("empty_html.json", lambda: _post_json(contents={"html": ""}), "has no text"),
    Case(
        "hostile_links.html",
        lambda: _html(
            f'<p>{_prose(60)}</p><p>See <a href="javascript:alert(1)">this</a>, '
            '<a href="file:///etc/passwd">that</a>, <a href="data:text/html,x">data</a> '
            '<img src="x" onerror="alert(1)"> and <a href="http://[::1">a broken one</a>.</p>',
            "Hostile links",
        ),
        None,
    ),
    Case(
        "control_characters.json",
        lambda: _post_json(
            title="Bell\x07 and tab\x0b", contents={"html": f"<p>\x01{_prose(60)}\x1f</p>"}
        ),
        None,
    ),
    Case(
        "control_characters.md",
        lambda: (
            "# Odd\n\nZero\u200bwidth, \u202eright to left\u202c, bell\x07 and \ufffd.\n\n"
            + _prose(60)
        ).encode(),
        None,
    ),
)
