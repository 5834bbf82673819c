"""Images described, code announced, embeds named: nothing a listener cannot hear is read."""

from __future__ import annotations

import pytest
from narration_samples import assert_clean, body, fixture_post, said, script_of

from postcast.models import SegmentKind


def _segments() -> list[tuple[SegmentKind, str]]:
    script = script_of(fixture_post("media.html"))
    return [(segment.kind, segment.text) for segment in body(script)]


def test_media_post_reads_as_a_listener_needs() -> None:
    assert _segments() == [
        (SegmentKind.PARAGRAPH, said("The chart below shows the trend.")),
        (
            SegmentKind.IMAGE,
            said(
                "Image: Line chart of malaria deaths falling from 2000 to 2020. "
                "Deaths fell by about half."
            ),
        ),
        (SegmentKind.IMAGE, said("Image: Our team at the workshop.")),
        (
            SegmentKind.PARAGRAPH,
            said(
                "To reproduce it, run the script with make chart --year 2020 "
                "and then open chart output file."
            ),
        ),
        (SegmentKind.CODE, said("A Python code block of 4 lines.")),
        (SegmentKind.CODE, said("A JavaScript code block of 1 line.")),
        (SegmentKind.CODE, said("A code block of 1 line.")),
        (SegmentKind.EMBED, said("Embedded video from YouTube.")),
        (SegmentKind.EMBED, said("Embedded tweet.")),
        (SegmentKind.EMBED, said("Embedded forecast from Metaculus.")),
        (SegmentKind.EMBED, said("Embedded prediction market from Manifold.")),
        (SegmentKind.EMBED, said("Embedded chart from Our World in Data.")),
        (SegmentKind.EMBED, said("Embedded video from Vimeo.")),
        (SegmentKind.PARAGRAPH, said("That is the whole pipeline.")),
    ]
    assert_clean(script_of(fixture_post("media.html")))


@pytest.mark.parametrize(
    ("html", "spoken"),
    [
        (
            '<pre><code class="language-r">x &lt;- 1\ny &lt;- 2</code></pre>',
            "An R code block of 2 lines.",
        ),
        (
            '<pre class="code-block" data-language="html">&lt;p&gt;</pre>',
            "An HTML code block of 1 line.",
        ),
        (
            '<pre><code class="language-rust">fn main() {}</code></pre>',
            "A Rust code block of 1 line.",
        ),
        (
            '<pre><code class="language-plaintext">a\nb\nc\n</code></pre>',
            "A code block of 3 lines.",
        ),
    ],
)
def test_code_blocks_are_announced_with_language_and_length(html: str, spoken: str) -> None:
    assert [s.text for s in body(script_of(fixture_post("media.html", html=html)))] == [
        said(spoken)
    ]


def test_an_image_inside_a_paragraph_splits_it() -> None:
    html = '<p>Before the map <img src="m.png" alt="A map of the region"> and after it.</p>'
    segments = body(script_of(fixture_post("media.html", html=html)))
    assert [(s.kind, s.text) for s in segments] == [
        (SegmentKind.PARAGRAPH, said("Before the map")),
        (SegmentKind.IMAGE, said("Image: A map of the region.")),
        (SegmentKind.PARAGRAPH, said("and after it.")),
    ]


def test_unknown_embeds_name_their_site_and_polls_are_announced() -> None:
    html = (
        '<figure class="media"><div data-oembed-url="https://www.openstreetmap.org/#map=5/51/0">'
        "</div></figure><ck-poll data-poll-id='p1'>Which option?</ck-poll>"
        '<iframe data-lexical-iframe-widget="true" srcdoc="&lt;p&gt;Drag me&lt;/p&gt;"></iframe>'
    )
    assert [s.text for s in body(script_of(fixture_post("media.html", html=html)))] == [
        said("Embedded content from openstreetmap dot org."),
        said("Embedded poll."),
        said("Embedded interactive widget."),
    ]


def test_video_and_audio_elements_are_announced_not_their_fallback_text() -> None:
    html = (
        '<video controls src="talk.mp4">Your browser does not support video.</video>'
        '<audio src="clip.mp3"><a href="clip.mp3">Download</a></audio>'
    )
    assert [s.text for s in body(script_of(fixture_post("media.html", html=html)))] == [
        said("Embedded video."),
        said("Embedded audio."),
    ]
