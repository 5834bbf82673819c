"""The spoken frame of every episode: intro first, outro last, chapters from the title on."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from narration_samples import assert_clean, fixture_post, said, script_of

from postcast.config import LibraryConfig, NarrationConfig
from postcast.errors import ConfigError
from postcast.models import SegmentKind
from postcast.narration import narrate

TAGLINE = (
    "where we use Text-to-Speech software to convert the best writing from the "
    "Rationalist and EA communities into audio"
)


def test_intro_names_the_show_title_authors_date_and_forum() -> None:
    post = fixture_post("structure.html", authors=("Ann Lee", "Bo Chen", "Cy Diaz"))
    intro = script_of(post).segments[0]
    assert intro.text == said(
        f"Welcome to The Nonlinear Library, {TAGLINE}. This is: Notes from a year of planning, "
        "published by Ann Lee, Bo Chen and Cy Diaz on March 4, 2025 on LessWrong."
    )
    assert intro.kind is SegmentKind.INTRO
    assert intro.chapter == "Notes from a year of planning"


@pytest.mark.parametrize(
    ("authors", "spoken"),
    [(("Ann Lee",), "by Ann Lee on"), (("Ann Lee", "Bo Chen"), "by Ann Lee and Bo Chen on")],
)
def test_authors_are_joined_as_spoken(authors: tuple[str, ...], spoken: str) -> None:
    intro = script_of(fixture_post("structure.html", authors=authors)).segments[0]
    assert said(spoken) in intro.text


@pytest.mark.parametrize(
    ("author", "spoken"),
    [
        ("TurnTrout", "by Turn Trout on"),
        ("AnnaSalamon", "by Anna Salamon on"),
        ("McDonald", "by McDonald on"),  # a name's prefix stays joined
        ("DeWitt", "by DeWitt on"),
    ],
)
def test_a_display_name_written_as_one_word_is_said_as_words(author: str, spoken: str) -> None:
    intro = script_of(fixture_post("structure.html", authors=(author,))).segments[0]
    assert said(spoken) in intro.text


def test_intro_without_forum_ends_at_the_date() -> None:
    post = fixture_post(
        "structure.html", forum_name="", posted_at=datetime(2024, 12, 31, 23, 0, tzinfo=UTC)
    )
    intro = script_of(post).segments[0]
    assert intro.text.endswith(said("published by Mira Okafor on December 31, 2024."))


def test_library_settings_shape_intro_and_outro() -> None:
    library = LibraryConfig(title="Cat Radio", tagline="posts about cats", outro="Bye for now.")
    script = narrate(fixture_post("structure.html"), library, NarrationConfig())
    assert script.segments[0].text.startswith(said("Welcome to Cat Radio, posts about cats."))
    assert script.segments[-1].text == said("Bye for now.")
    assert script.segments[-1].kind is SegmentKind.OUTRO
    assert script.segments[-1].pause_before > 0


def test_default_outro_is_the_reference_wording() -> None:
    script = script_of(fixture_post("structure.html"))
    assert script.segments[-1].text == said(LibraryConfig().outro)
    assert script.title == "Notes from a year of planning"
    assert_clean(script)


def test_empty_body_still_has_intro_and_outro() -> None:
    script = script_of(fixture_post("structure.html", html="<p>&nbsp;</p><style>p{}</style>"))
    assert [segment.kind for segment in script.segments] == [SegmentKind.INTRO, SegmentKind.OUTRO]


@pytest.mark.parametrize(
    ("settings", "key"),
    [({"footnotes": "margin"}, "footnotes"), ({"table_max_cells": 0}, "table_max_cells")],
)
def test_bad_narration_settings_are_named(settings: dict[str, object], key: str) -> None:
    with pytest.raises(ConfigError, match=key):
        script_of(fixture_post("structure.html"), **settings)


@pytest.mark.parametrize(
    ("authors", "spoken"),
    [
        (("Joris 🔸",), "published by Joris on"),  # the EA Forum's pledge badge
        (("Toby Tremlett🔹",), "published by Toby Tremlett on"),
        (("🦊", "Ann Lee"), "published by Ann Lee on"),  # a name of emoji alone says nothing
        (("🦊",), "Notes from a year of planning, published on"),
    ],
)
def test_an_emoji_in_a_display_name_is_a_badge_and_is_not_said(
    authors: tuple[str, ...], spoken: str
) -> None:
    script = script_of(fixture_post("structure.html", authors=authors))
    assert said(spoken) in script.segments[0].text
    assert_clean(script)  # no raw emoji reaches the voice


@pytest.mark.parametrize(
    ("title", "spoken"),
    [
        ("🎉🎉🎉", "This is: party popper, published"),
        ("🔸🔹 ", "This is: small orange diamond, small blue diamond, published"),
        ("Why 🔸 pledges matter 🎉", "This is: Why pledges matter, published"),
    ],
)
def test_a_title_of_emoji_alone_is_said_by_their_names(title: str, spoken: str) -> None:
    script = script_of(fixture_post("structure.html", title=title))
    assert said(spoken) in script.segments[0].text
    assert_clean(script)


@pytest.mark.parametrize(
    ("title", "spoken"),
    [
        ("[Linkpost] Why we should care", "This is: Linkpost: Why we should care, published"),
        ("[AN #80] The review", "This is: AN #80: The review, published"),
        ("[Question] [Crosspost] Is it?", "This is: Question, Crosspost: Is it?, published"),
        ("Why [this] matters", "This is: Why [this] matters, published"),  # not a tag
        ("[Draft]", "This is: [Draft], published"),  # a tag and nothing else: as written
    ],
)
def test_a_titles_leading_tags_are_said_as_a_label(title: str, spoken: str) -> None:
    intro = script_of(fixture_post("structure.html", title=title)).segments[0]
    assert said(spoken) in intro.text
