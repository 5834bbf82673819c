"""Blog platforms' widgets as their feeds carry them. Substack keeps what a widget shows in a
`data-attrs` JSON, often in an element with no text at all; Ghost names it in its cards'
parts; Medium wraps players in Embedly's iframe."""

from __future__ import annotations

import html
import json

import pytest
from narration_samples import assert_clean, body, fixture_post, said, script_of

from postcast.models import SegmentKind


def _attrs(value: object) -> str:
    return html.escape(json.dumps(value), quote=True)


def _spoken(markup: str) -> list[tuple[SegmentKind, str]]:
    script = script_of(fixture_post("media.html", html=markup))
    assert_clean(script)
    return [(segment.kind, segment.text) for segment in body(script)]


def test_a_quoted_tweet_is_read_with_its_author_and_without_its_short_link() -> None:
    tweet = {
        "url": "https://twitter.com/hamishmckenzie/status/941",
        "full_text": "Twitter is an amazing tool and an awful place. https://t.co/abc12",
        "username": "hamishmckenzie",
        "name": "Hamish McKenzie",
    }
    markup = f'<div class="twitter-embed" data-attrs="{_attrs(tweet)}"></div>'
    assert _spoken(markup) == [
        (
            SegmentKind.EMBED,
            said("A post on X by Hamish McKenzie: Twitter is an amazing tool and an awful place."),
        )
    ]


def test_a_tweet_without_its_text_still_names_its_author() -> None:
    markup = f'<div class="twitter-embed" data-attrs="{_attrs({"username": "sama"})}"></div>'
    assert _spoken(markup) == [(SegmentKind.EMBED, said("Embedded post on X by sama."))]


@pytest.mark.parametrize("kind", ["embedded-post-wrap", "digest-post-embed"])
def test_a_linked_post_says_its_title_and_publication(kind: str) -> None:
    post = {"id": 1, "url": "https://b.substack.com/p/insects", "title": "Insects Matter",
            "publication_name": "Bentham's Newsletter"}  # fmt: skip
    markup = (
        f'<div class="{kind}" data-attrs="{_attrs(post)}"><div class="embedded-post-header">'
        "Bentham Read more 2 years ago · 4 likes</div></div>"
    )
    assert _spoken(markup) == [
        (SegmentKind.EMBED, said("Linked post: Insects Matter, from Bentham's Newsletter."))
    ]


@pytest.mark.parametrize(
    ("markup", "spoken"),
    [
        (
            '<div class="youtube-wrap" data-attrs="{}"><div class="youtube-inner"><iframe '
            'src="https://www.youtube-nocookie.com/embed/z9T?rel=0"></iframe></div></div>',
            "Embedded video from YouTube.",
        ),
        (
            '<div class="youtube-wrap"><div class="youtube-inner"></div></div>',
            "Embedded video from YouTube.",
        ),
        (
            '<iframe class="spotify-wrap album" src="https://open.spotify.com/embed/album/4eL">'
            "</iframe>",
            "Embedded audio from Spotify.",
        ),
        (
            '<iframe src="https://datawrapper.dwcdn.net/abc/1/" title="Swing states"></iframe>',
            "Embedded chart from Datawrapper.",
        ),
        (
            '<div class="image-gallery-embed" data-attrs="'
            + _attrs({"gallery": {"images": [{"src": "a"}, {"src": "b"}], "caption": "Lisbon"}})
            + '"></div>',
            "A gallery of 2 images: Lisbon.",
        ),
    ],
)
def test_players_charts_and_galleries_are_named(markup: str, spoken: str) -> None:
    assert _spoken(markup) == [(SegmentKind.EMBED, said(spoken))]


def test_a_mention_says_the_name_kept_in_its_attributes() -> None:
    mention = _attrs({"name": "Amelia Ito", "id": 62, "type": "user", "url": None})
    markup = f'<p>I asked <span class="mention-wrap" data-attrs="{mention}"></span> about it.</p>'
    assert _spoken(markup) == [(SegmentKind.PARAGRAPH, said("I asked Amelia Ito about it."))]


_BOOKMARK = (
    '<figure class="kg-card kg-bookmark-card"><a class="kg-bookmark-container" href="https://'
    'www.theatlantic.com/x"><div class="kg-bookmark-content"><div class="kg-bookmark-title">Why '
    'rents rose</div><div class="kg-bookmark-description">A long look.</div><div class="kg-'
    'bookmark-metadata"><img class="kg-bookmark-icon" src="i.png" alt=""><span class="kg-'
    'bookmark-author">The Atlantic</span><span class="kg-bookmark-publisher">Jane Roe</span>'
    '</div></div><div class="kg-bookmark-thumbnail"><img src="t.jpg" alt=""></div></a></figure>'
)
_AUDIO = (
    '<div class="kg-card kg-audio-card"><img src="" alt="audio-thumbnail" class="kg-audio-'
    'thumbnail placeholder"><div class="kg-audio-player-container"><audio src="a.mp3"></audio>'
    '<div class="kg-audio-title">Interview with the mayor</div><div class="kg-audio-player">'
    '<span class="kg-audio-current-time">0:00</span><div class="kg-audio-time">/<span class='
    '"kg-audio-duration">12:34</span></div></div></div></div>'
)
_FILE = (
    '<div class="kg-card kg-file-card"><a class="kg-file-card-container" href="f.pdf"><div '
    'class="kg-file-card-contents"><div class="kg-file-card-title">Rent data</div><div class='
    '"kg-file-card-metadata"><div class="kg-file-card-filename">rent-data.pdf</div><div class='
    '"kg-file-card-filesize">1.2 MB</div></div></div></a></div>'
)


@pytest.mark.parametrize(
    ("markup", "spoken"),
    [
        (_BOOKMARK, "Linked page: Why rents rose, from The Atlantic."),
        (_AUDIO, "Embedded audio: Interview with the mayor."),
        (
            '<figure class="kg-card kg-video-card"><div class="kg-video-container"><video '
            'src="v.mp4"></video><span class="kg-video-current-time">0:00</span></div></figure>',
            "Embedded video.",
        ),
        (_FILE, "A file to download: Rent data."),
        (  # Medium's Embedly wrapper round a YouTube player
            '<figure><iframe class="embedly-embed" src="https://cdn.embedly.com/widgets/media.'
            'html?src=https%3A%2F%2Fwww.youtube.com%2Fembed%2Fabc&amp;schema=youtube"></iframe>'
            "</figure>",
            "Embedded video from YouTube.",
        ),
    ],
)
def test_ghost_cards_and_medium_players_name_what_they_hold(markup: str, spoken: str) -> None:
    assert _spoken(markup) == [(SegmentKind.EMBED, said(spoken))]


@pytest.mark.parametrize(
    ("markup", "spoken"),
    [
        (
            '<figure class="wp-block-gallery has-nested-images"><figure class="wp-block-image">'
            '<img src="a.jpg" alt=""/><figcaption>Tram 28</figcaption></figure><figure class='
            '"wp-block-image"><img src="b.jpg" alt="Alfama"/></figure><figcaption class='
            '"blocks-gallery-caption">Three days in Lisbon</figcaption></figure>',
            "A gallery of 2 images: Three days in Lisbon.",
        ),
        (  # an address WordPress did not turn into a player
            '<figure class="wp-block-embed is-provider-youtube"><div class="wp-block-embed__'
            'wrapper">https://www.youtube.com/watch?v=abc</div></figure>',
            "Embedded video from YouTube.",
        ),
        (
            '<figure class="wp-block-embed is-type-wp-embed"><div class="wp-block-embed__wrapper">'
            '<blockquote class="wp-embedded-content"><a href="https://other.blog/rents/">Why '
            'rents rose</a></blockquote><iframe class="wp-embedded-content" src="https://other.'
            'blog/rents/embed/"></iframe></div></figure>',
            "Linked post: Why rents rose, from other dot blog.",
        ),
        (
            '<div class="wp-block-file"><a href="https://x.org/Annual-Report.pdf">Annual Report'
            '</a><a href="https://x.org/Annual-Report.pdf" class="wp-block-file__button" '
            "download>Download</a></div>",
            "A file to download: Annual Report.",
        ),
        (  # X's own embed code: the short link and the picture link say nothing
            '<blockquote class="twitter-tweet"><p lang="en">Big news today <a href="https://t.co/'
            'xyz">https://t.co/xyz</a> pic.twitter.com/abc123</p>&mdash; Jane Roe (@jane) <a '
            'href="https://twitter.com/jane/status/1">May 1, 2024</a></blockquote>',
            "A post on X by Jane Roe: Big news today.",
        ),
    ],
)
def test_wordpress_blocks_and_tweets_say_what_they_hold(markup: str, spoken: str) -> None:
    assert _spoken(markup) == [(SegmentKind.EMBED, said(spoken))]
