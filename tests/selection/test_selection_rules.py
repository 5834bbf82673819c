"""The reference library's rules for which posts may become episodes."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from postcast.config import SourceConfig
from postcast.models import Post
from postcast.selection import MIN_TEXT_CHARACTERS, is_eligible, ranking_karma, visible_text

BODY = (
    "<p>Most of us keep a to-do list, and most of us ignore it by Wednesday. Over the last "
    "eighteen months I kept a log of every task I wrote down, 1,412 of them, and whether I "
    "finished it.</p><p>This post is what the log taught me about planning under uncertainty, "
    "and why the tasks that survive a full week are the ones worth rethinking.</p>"
)
LW = SourceConfig(name="lesswrong", kind="forummagnum", code="LW", karma_threshold=30)
AF = SourceConfig(name="alignmentforum", kind="forummagnum", code="AF", karma_threshold=2, af=True)


def make_post(**changes: object) -> Post:
    post = Post(
        source="lesswrong",
        post_id="Q7ZXm2m5GQEQNrTbX",
        title="What a year of to-do lists taught me about planning",
        authors=("Mira Okafor",),
        posted_at=datetime(2025, 3, 14, 16, 20, tzinfo=UTC),
        url="https://www.lesswrong.com/posts/Q7ZXm2m5GQEQNrTbX/what-a-year-of-to-do-lists",
        html=BODY,
        forum_code="LW",
        forum_name="LessWrong",
        karma=142,
    )
    return dataclasses.replace(post, **changes)  # type: ignore[arg-type]


def test_a_good_post_is_eligible() -> None:
    assert len(visible_text(BODY)) >= MIN_TEXT_CHARACTERS
    assert is_eligible(make_post(), LW, set()) is None


def test_karma_threshold_is_per_source() -> None:
    post = make_post(karma=29)
    reason = is_eligible(post, LW, set())
    assert reason is not None and "karma 29 below threshold 30" in reason
    assert is_eligible(make_post(karma=30), LW, set()) is None
    lenient = dataclasses.replace(LW, karma_threshold=25)
    assert is_eligible(post, lenient, set()) is None


def test_af_source_ranks_by_af_karma() -> None:
    # 150 LessWrong karma, but only 1 AF karma: not enough for the Alignment Forum.
    low_af = make_post(source="alignmentforum", forum_code="AF", af=True, karma=150, af_karma=1)
    reason = is_eligible(low_af, AF, set())
    assert reason is not None and "AF karma 1" in reason
    high_af = dataclasses.replace(low_af, karma=3, af_karma=12)
    assert is_eligible(high_af, AF, set()) is None
    assert ranking_karma(high_af, use_af=True) == 12
    assert ranking_karma(high_af, use_af=False) == 3


def test_missing_karma_fails_a_threshold_but_not_zero() -> None:
    unscored = make_post(karma=None)
    assert is_eligible(unscored, LW, set()) is not None
    assert is_eligible(unscored, dataclasses.replace(LW, karma_threshold=0), set()) is None


@pytest.mark.parametrize(
    ("flag", "word"),
    [("is_event", "event"), ("is_question", "question"), ("is_shortform", "shortform"),
     ("is_draft", "draft")],
)  # fmt: skip
def test_events_questions_shortform_and_drafts_are_excluded(flag: str, word: str) -> None:
    reason = is_eligible(make_post(**{flag: True}), LW, set())
    assert reason is not None and word in reason


def test_short_posts_are_excluded() -> None:
    short = make_post(html="<p>Link to my new paper, comments welcome.</p>")
    reason = is_eligible(short, LW, set())
    assert reason is not None and "too short" in reason


def test_posts_without_a_paragraph_are_excluded() -> None:
    text = "A long list item that goes on and on about planning and tasks. " * 6
    listing = make_post(html=f"<ul><li>{text}</li><li>{text}</li></ul><p>   </p>")
    assert len(visible_text(listing.html)) > MIN_TEXT_CHARACTERS
    reason = is_eligible(listing, LW, set())
    assert reason is not None and "paragraph" in reason


def test_opt_out_is_case_insensitive_and_covers_coauthors() -> None:
    post = make_post(authors=("Mira Okafor", "Dan H"))
    reason = is_eligible(post, LW, {"dan  h"})
    assert reason is not None and "Dan H" in reason
    assert is_eligible(post, LW, {"Dan Hendrycks"}) is None
    per_source = dataclasses.replace(LW, opt_out_authors=["MIRA OKAFOR"])
    assert is_eligible(post, per_source, set()) is not None


def test_hidden_blocks_do_not_count_towards_length() -> None:
    hidden = f'<div class="conditionallyVisibleBlock" data-visibility="todo">{BODY}{BODY}</div>'
    mostly_hidden = make_post(html=f"{hidden}<p>Short visible note about the plan.</p>")
    reason = is_eligible(mostly_hidden, LW, set())
    assert reason is not None and "too short" in reason
    assert visible_text(hidden + "<p>Visible.</p>") == "Visible."
    with_body = make_post(html=f"{hidden}{BODY}")
    assert is_eligible(with_body, LW, set()) is None
    assert visible_text(with_body.html) == visible_text(BODY)


def test_a_post_of_only_hidden_content_is_excluded() -> None:
    only_hidden = make_post(html=f'<div class="conditionallyVisibleBlock">{BODY}</div>')
    assert is_eligible(only_hidden, LW, set()) == "only hidden content"


def test_stylesheets_are_not_text() -> None:
    css = "<style>" + ".mjx-chtml {display: inline-block; line-height: 0} " * 20 + "</style>"
    post = make_post(html=css + "<p>A short post with maths.</p>")
    reason = is_eligible(post, LW, set())
    assert reason is not None and "too short" in reason


def test_inline_hidden_notes_are_not_text() -> None:
    html = '<p>Visible words.<span class="conditionallyVisibleBlock">TODO cite this</span></p>'
    assert visible_text(html) == "Visible words."
