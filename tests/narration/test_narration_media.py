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
        (SegmentKind.EMBED, said("Embedded post on X by someone.")),
        (SegmentKind.EMBED, said("Embedded forecast from Metaculus.")),
        (SegmentKind.EMBED, said("Embedded prediction market from Manifold: Will it rain.")),
        (SegmentKind.EMBED, said("Embedded chart from Our World in Data: Malaria deaths.")),
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
        said("Embedded poll: Which option?"),
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


def _spoken(html: str) -> list[tuple[SegmentKind, str]]:
    return [(s.kind, s.text) for s in body(script_of(fixture_post("media.html", html=html)))]


def test_lexical_code_block_counts_its_lines_by_line_breaks() -> None:
    html = (
        '<pre class="code-block" data-language="python" data-gutter="1 2 3 4">'
        '<span style="white-space: pre-wrap;">def double(x):</span><br>'
        '<span style="white-space: pre-wrap;">    return 2 * x</span><br><br>'
        '<span style="white-space: pre-wrap;">print(double(3))</span></pre>'
    )
    assert _spoken(html) == [(SegmentKind.CODE, said("A Python code block of 4 lines."))]


def test_previews_name_the_market_and_the_chart_from_their_iframe_titles() -> None:
    html = (
        '<div class="manifold-preview"><iframe src="https://manifold.markets/embed/'
        'will-ai-win-an-imo-gold-medal-by-2027" title="Manifold market '
        'will-ai-win-an-imo-gold-medal-by-2027" frameborder="0"></iframe></div>'
        '<div class="owid-preview" data-owid-slug="share-of-population-in-extreme-poverty">'
        '<iframe src="https://ourworldindata.org/grapher/share-of-population-in-extreme-poverty"'
        ' title="OWID share-of-population-in-extreme-poverty"></iframe></div>'
        '<div class="metaculus-preview" data-metaculus-id="3479"></div>'
        '<div class="youtube-preview"><iframe src="https://www.youtube-nocookie.com/embed/abc"'
        ' title="YouTube video" frameborder="0" allowfullscreen="true"></iframe></div>'
        '<div class="elicit-binary-prediction" data-elicit-id="q1">Prediction</div>'
    )
    assert [text for _, text in _spoken(html)] == [
        said("Embedded prediction market from Manifold: Will AI win an imo gold medal by 2027."),
        said("Embedded chart from Our World in Data: Share of population in extreme poverty."),
        said("Embedded forecast from Metaculus."),
        said("Embedded video from YouTube."),
        said("Embedded prediction, where readers give their own probability."),
    ]


def test_a_poll_reads_its_question_and_scale_from_its_props() -> None:
    props = (
        '{"question":"Alignment research is underfunded","agreeWording":"strongly agree",'
        '"disagreeWording":"strongly disagree","colorScheme":{"darkColor":"#000",'
        '"lightColor":"#fff","bannerTextColor":"#fff"},"duration":{"days":7,"hours":0,"minutes":0}}'
    )
    html = f'<div class="ck-poll" data-internal-id="p1" data-props=\'{props}\'></div>'
    assert _spoken(html) == [
        (
            SegmentKind.EMBED,
            said(
                "A poll: Alignment research is underfunded. Readers answer on a scale from "
                "strongly disagree to strongly agree."
            ),
        )
    ]


def test_a_broken_poll_is_still_announced() -> None:
    assert _spoken('<div class="ck-poll" data-props="{not json"></div>') == [
        (SegmentKind.EMBED, said("Embedded poll."))
    ]


def test_a_call_to_action_button_says_its_label_and_where_it_leads() -> None:
    html = (
        '<p><a class="ck-cta-button ck-cta-button-centered" data-href="https://www.givewell.org/'
        'donate" target="_blank" rel="noopener noreferrer">Donate to GiveWell</a></p>'
    )
    assert _spoken(html) == [
        (SegmentKind.EMBED, said("A button: Donate to GiveWell, linking to givewell dot org."))
    ]


@pytest.mark.parametrize(
    ("html", "spoken"),
    [
        (
            '<p>As <a href="https://x.com/ESYudkowsky/status/1790000000000000000">'
            "https://x.com/ESYudkowsky/status/1790000000000000000</a> put it.</p>",
            "As a post on X by ES Yudkowsky put it.",
        ),
        (
            "<p>See https://twitter.com/sama/status/123 for more.</p>",
            "See a post on X by sama for more.",
        ),
        (
            '<div data-lexical-tweet-id="1790000000000000000">'
            "https://x.com/i/web/status/1790000000000000000</div>",
            "Embedded post on X.",
        ),
        (
            '<figure class="media"><div data-oembed-url="https://twitter.com/jessica_taylor42/'
            'status/5"><div></div></div></figure>',
            "Embedded post on X by jessica taylor 42.",
        ),
    ],
)
def test_tweets_are_posts_on_x_by_their_author(html: str, spoken: str) -> None:
    assert [text for _, text in _spoken(html)] == [said(spoken)]


def test_ckeditor_previews_without_titles_are_named_from_their_slugs() -> None:
    html = (
        '<figure class="media"><div data-oembed-url="https://manifold.markets/Alice/'
        'will-ai-be-sentient-by-2030"><div class="manifold-preview"><iframe style="height: '
        '405px;" src="https://manifold.markets/embed/Alice/will-ai-be-sentient-by-2030">'
        "</iframe></div></div></figure>"
        '<div class="owid-preview" data-owid-slug="life-expectancy"><iframe style="height: '
        '400px;" src="https://ourworldindata.org/grapher/life-expectancy?tab=chart"></iframe></div>'
    )
    assert [text for _, text in _spoken(html)] == [
        said("Embedded prediction market from Manifold: Will AI be sentient by 2030."),
        said("Embedded chart from Our World in Data: Life expectancy."),
    ]


@pytest.mark.parametrize(
    "alt",
    ["Screenshot 2024-05-01 at 10.32.15 AM", "IMG_2034", "image (3)", "Pasted image 20240501"],
)
def test_an_alt_text_that_is_only_a_default_file_name_is_not_read(alt: str) -> None:
    html = f'<p>Look:</p><p><img src="m.png" alt="{alt}"></p><p>Done.</p>'
    texts = [segment.text for segment in body(script_of(fixture_post("media.html", html=html)))]
    assert texts == [said("Look:"), said("Done.")]


def test_an_alt_text_that_describes_a_screenshot_is_read() -> None:
    html = '<p><img src="m.png" alt="Screenshot of the loss curve"></p>'
    texts = [segment.text for segment in body(script_of(fixture_post("media.html", html=html)))]
    assert texts == [said("Image: Screenshot of the loss curve.")]


@pytest.mark.parametrize(
    ("html", "spoken"),
    [
        (  # the form the server stores once it has taken the widget's code out
            '<div class="iframe-widget" data-iframe-widget-id="w123"></div>',
            "Embedded interactive widget.",
        ),
        (
            '<div class="lwartifacts-preview"><iframe src="https://lwartifacts.vercel.app/a/'
            'x1" title="LW Artifacts lwartifacts.vercel.app/a/x1"></iframe></div>',
            "Embedded interactive artifact.",
        ),
    ],
)
def test_widgets_in_their_stored_forms_are_announced(html: str, spoken: str) -> None:
    assert _spoken(html) == [(SegmentKind.EMBED, said(spoken))]


def test_the_annual_review_ranking_reads_each_post_with_its_authors() -> None:
    results = (
        '{"year":2024,"results":[{"rank":1,"title":"The Field Guide to Slack","postUrl":'
        '"/posts/a","authorName":"Ray","coauthorNames":["Ben","Oli"],"votes":[9,4]},'
        '{"rank":2,"title":"Taboo Your Words","postUrl":"/posts/b","authorName":"Eliezer",'
        '"votes":[3]}]}'
    )
    html = (
        f"<div class=\"review-results-table\" data-review-results='{results}'>"
        "[Annual Review Results 2024]</div>"
    )
    assert _spoken(html) == [
        (
            SegmentKind.EMBED,
            said(
                "The 2024 Annual Review's results. Number 1: The Field Guide to Slack, by Ray, "
                "Ben and Oli. Number 2: Taboo Your Words, by Eliezer."
            ),
        )
    ]


def test_a_long_annual_review_ranking_reads_the_top_posts_and_counts_the_rest() -> None:
    entries = ",".join(
        f'{{"rank":{rank},"title":"Post {rank}","authorName":"A"}}' for rank in range(1, 51)
    )
    html = (
        '<div class="review-results-table" data-review-results=\'{"year":2023,"results":['
        f"{entries}]}}'>[Annual Review Results 2023]</div>"
    )
    [(_, text)] = _spoken(html)
    assert "Number twenty: Post twenty, by A." in text and "Post twenty-one" not in text
    assert text.endswith("And thirty more posts.")
    assert "[" not in text


def test_a_broken_annual_review_ranking_is_still_announced_without_its_brackets() -> None:
    html = '<div class="review-results-table" data-review-results="{oops">[Annual Review]</div>'
    assert _spoken(html) == [(SegmentKind.EMBED, said("The Annual Review's results."))]
