"""The documented bounds on one post: each refused with an error naming the post."""

from __future__ import annotations

import pytest

from postcast.errors import InputError
from postcast.limits import (
    MAX_ELEMENTS,
    MAX_NESTING,
    MAX_TITLE_CHARS,
    MAX_WORDS,
    check_html,
    check_post_fields,
)


def test_nesting_at_the_limit_passes_and_one_deeper_is_refused() -> None:
    # <html> and <body> are two levels of the count
    inner = MAX_NESTING - 2
    check_html("ok.html", "<div>" * inner + "x" + "</div>" * inner)
    with pytest.raises(InputError, match=f"nested more than {MAX_NESTING}") as error:
        check_html("deep.html", "<div>" * (inner + 1) + "x")
    assert str(error.value).startswith("deep.html: ")


def test_elements_and_words_are_counted() -> None:
    check_html("ok.html", "<p>a</p>" * (MAX_ELEMENTS - 3))
    with pytest.raises(InputError, match="more than 100,000 HTML elements"):
        check_html("many.html", "<i>a</i>" * MAX_ELEMENTS)
    words = "<p>" + "word " * (MAX_WORDS // 2) + "<b>x</b>" + " tail" * (MAX_WORDS // 2) + "</p>"
    with pytest.raises(InputError, match="more than 120,000 words"):
        check_html("long.html", words)
    check_html("fine.html", words.replace(" tail", "", 10))


def test_title_authors_and_empty_bodies() -> None:
    check_post_fields("p", "t" * MAX_TITLE_CHARS, ["Ann"], "")
    with pytest.raises(InputError, match="title is 501 characters long"):
        check_post_fields("p", "t" * (MAX_TITLE_CHARS + 1), [], "<p>x</p>")
    with pytest.raises(InputError, match="author names are"):
        check_post_fields("p", "t", ["A" * 600, "B" * 600], "<p>x</p>")
