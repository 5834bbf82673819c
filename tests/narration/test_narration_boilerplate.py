"""Platform widgets and feed footers say nothing; verse in a `<pre>` is read, code is not."""

from __future__ import annotations

import pytest
from narration_samples import assert_clean, body, fixture_post, said, script_of

from postcast.models import SegmentKind
from postcast.narration.segments import PAUSE_AFTER


def _texts(html: str) -> list[str]:
    script = script_of(fixture_post("structure.html", html=html))
    assert_clean(script)
    return [segment.text for segment in body(script)]


def _between(widget: str) -> list[str]:
    """What is said of a post with `widget` between two ordinary paragraphs."""
    return _texts(f"<p>Before the widget.</p>{widget}<p>After the widget.</p>")


_AROUND = [said("Before the widget."), said("After the widget.")]

# Substack's stored shapes, as its feeds carry them.
_SUBSTACK_BUTTON = (
    '<p class="button-wrapper" data-attrs="{&quot;url&quot;:&quot;https://x.substack.com'
    '/subscribe?&quot;}" data-component-name="ButtonCreateButton"><a class="button primary" '
    'href="https://x.substack.com/{href}"><span>{label}</span></a></p>'
)
_SUBSTACK_SUBSCRIBE = (
    '<div class="{wrap}" data-attrs="{{&quot;url&quot;:&quot;https://x.substack.com/subscribe'
    '?&quot;}}" data-component-name="SubscribeWidgetToDOM"><div class="subscription-widget '
    'show-subscribe"><div class="preamble"><p class="cta-caption">Thanks for reading X! '
    "Subscribe for free to receive new posts and support my work.</p></div>"
    '<form class="subscription-widget-subscribe"><input type="email" class="email-input" '
    'name="email" placeholder="Type your email…" tabindex="-1"/><input type="submit" '
    'class="button primary" value="Subscribe"/></form></div></div>'
)
_SUBSTACK_SHARE = (
    '<div class="captioned-button-wrap" data-attrs="{&quot;url&quot;:&quot;https://x.'
    'substack.com/p/post&quot;}" data-component-name="CaptionedButtonToDOM"><div '
    'class="preamble"><p class="cta-caption">Thanks for reading X! This post is public so '
    'feel free to share it.</p></div><p class="button-wrapper" data-attrs="{}" '
    'data-component-name="ButtonCreateButton"><a class="button primary" href="https://x.'
    "substack.com/p/post?utm_source=substack&amp;utm_medium=email&amp;utm_content=share&amp;"
    'action=share"><span>Share</span></a></p></div>'
)


@pytest.mark.parametrize(
    ("href", "label"),
    [
        ("subscribe?", "Subscribe now"),
        ("p/post?utm_source=substack&amp;utm_medium=email&amp;action=share", "Share"),
        ("p/post/comments", "Leave a comment"),
        ("subscribe?coupon=abc123", "Get 20% off for 1 year"),
    ],
)
def test_substack_buttons_say_nothing(href: str, label: str) -> None:
    button = _SUBSTACK_BUTTON.replace("{href}", href).replace("{label}", label)
    assert _between(button) == _AROUND


@pytest.mark.parametrize("wrap", ["subscription-widget-wrap-editor", "subscription-widget-wrap"])
def test_the_substack_subscribe_box_says_nothing(wrap: str) -> None:
    assert _between(_SUBSTACK_SUBSCRIBE.format(wrap=wrap)) == _AROUND


def test_the_substack_share_box_says_nothing() -> None:
    assert _between(_SUBSTACK_SHARE) == _AROUND


@pytest.mark.parametrize(
    "card",
    [
        '<div class="kg-card kg-signup-card kg-width-wide" style="display: none;">'
        '<div class="kg-signup-card-content"><h2 class="kg-signup-card-heading">Sign up for '
        'The Ledger</h2><p class="kg-signup-card-subheading">Weekly notes on money.</p>'
        '<form class="kg-signup-card-form" data-members-form="signup"><input '
        'class="kg-signup-card-input" type="email" placeholder="Your email"/><button '
        'class="kg-signup-card-button" type="submit"><span>Subscribe</span></button></form>'
        "</div></div>",
        '<div class="kg-card kg-button-card kg-align-center"><a href="https://ledger.example'
        '/#/portal/signup" class="kg-btn kg-btn-accent">Subscribe</a></div>',
        '<div class="kg-card kg-cta-card kg-cta-bg-grey kg-cta-minimal" data-layout='
        '"minimal"><div class="kg-cta-sponsor-label-wrapper"><div class="kg-cta-sponsor-label">'
        '<span style="white-space: pre-wrap;">SPONSORED</span></div></div><div class='
        '"kg-cta-content"><div class="kg-cta-content-inner"><div class="kg-cta-text"><p>'
        '<span>Try Acme budgets free for a month.</span></p></div><a href="https://acme'
        '.example/" class="kg-cta-button kg-style-accent">Learn more</a></div></div></div>',
    ],
    ids=["signup", "button", "call-to-action"],
)
def test_ghost_cards_say_nothing(card: str) -> None:
    assert _between(card) == _AROUND


def test_a_ghost_product_card_reads_its_words_but_not_its_button() -> None:
    card = (
        '<div class="kg-card kg-product-card"><div class="kg-product-card-container"><div '
        'class="kg-product-card-title-container"><h4 class="kg-product-card-title"><span>The '
        'Ledger notebook</span></h4></div><div class="kg-product-card-description"><p><span>Dot '
        'grid, 200 pages.</span></p></div><a href="https://shop.example/notebook" class="kg-'
        'product-card-button kg-product-card-btn-accent"><span>Buy now</span></a></div></div>'
    )
    texts = _between(card)
    assert texts[1:-1] == [said("The Ledger notebook"), said("Dot grid, 200 pages.")]
    assert not any("Buy" in text for text in texts)


@pytest.mark.parametrize(
    "style",
    ["display:none", "display: none;", "color: red; DISPLAY: NONE !important", "visibility:hidden"],
)
def test_an_inline_style_that_hides_an_element_keeps_it_silent(style: str) -> None:
    html = (
        f'<div style="{style}"><p>Hidden box.</p></div>'
        f'<p>Shown <span style="{style}">not</span> text.</p>'
    )
    assert _texts(html) == [said("Shown text.")]


def test_a_style_that_does_not_hide_is_read() -> None:
    html = '<p style="display: block; visibility: visible">Shown.</p>'
    assert _texts(html) == [said("Shown.")]


@pytest.mark.parametrize(
    "widget",
    [
        '<div class="wp-block-buttons is-layout-flex"><div class="wp-block-button"><a class='
        '"wp-block-button__link wp-element-button" href="https://blog.example/subscribe/">'
        "Subscribe</a></div></div>",
        '<div class="wp-block-button"><a class="wp-block-button__link" href="https://blog.'
        'example/donate/">Donate</a></div>',
        '<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block '
        'sd-social sd-social-icon-text sd-sharing"><h3 class="sd-title">Share this:</h3><div '
        'class="sd-content"><ul><li class="share-twitter"><a class="share-twitter sd-button" '
        'href="https://blog.example/p/?share=twitter"><span>Twitter</span></a></li></ul></div>'
        "</div></div>",
        '<div class="sd-sharing-enabled"><h3>Share this:</h3><a href="#">Facebook</a></div>',
        '<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline">'
        "<em>Related</em></h3></div>",
        '<div id="jp-post-flair" class="sharedaddy sd-like-enabled"><div class="sharedaddy '
        'sd-block sd-like"><h3 class="sd-title">Like this:</h3><div class="likes-widget-'
        'placeholder">Loading...</div></div></div>',
        '<div id="jp-post-flair"><h3>Like this:</h3><span>Loading…</span></div>',
    ],
    ids=["buttons", "button", "sharedaddy", "sharing", "related", "post-flair", "flair-id"],
)
def test_wordpress_and_jetpack_widgets_say_nothing(widget: str) -> None:
    assert _between(widget) == _AROUND


@pytest.mark.parametrize(
    "ending",
    [
        ' <a href="https://blog.example/p/#more-42" class="more-link">Continue reading '
        '<span class="screen-reader-text">"A long post"</span></a>',
        ' <a href="https://blog.example/p/#more-42" class="more-link">(more&hellip;)</a>',
        ' <a href="https://blog.example/p/">Continue reading <span class="meta-nav">&rarr;'
        "</span></a>",
        " [&#8230;]",
        "&#160;[&hellip;]",
        " [...]",
        ' [&#8230;] <a href="https://blog.example/p/">Read more &raquo;</a>',
    ],
)
def test_an_excerpts_trailing_link_and_elision_say_nothing(ending: str) -> None:
    html = f"<p>The first year was hard.</p><p>We almost gave up{ending}</p>"
    assert _texts(html) == [said("The first year was hard."), said("We almost gave up")]


def test_a_more_link_in_its_own_paragraph_says_nothing() -> None:
    html = (
        '<p>We almost gave up.</p><p class="link-more"><a href="https://blog.example/p/" '
        'class="more-link">Continue reading<span class="screen-reader-text"> "A long post"'
        "</span></a></p>"
    )
    assert _texts(html) == [said("We almost gave up.")]


@pytest.mark.parametrize(
    "footer",
    [
        '<hr><p>The post <a rel="nofollow" href="https://blog.example/p/">A long post</a> '
        'appeared first on <a rel="nofollow" href="https://blog.example">The Blog</a>.</p>',
        '<img src="https://medium.com/_/stat?event=post.clientViewed&amp;postId=1" width="1" '
        'height="1" alt=""><hr><p><a href="https://medium.com/pub/a-long-post-1">A long post'
        '</a> was originally published in <a href="https://medium.com/pub">The Publication</a> '
        "on Medium, where people are continuing the conversation by highlighting and "
        "responding to this story.</p>",
        '<div class="blogger-post-footer">Posted from my phone. <img width="1" height="1" '
        'src="https://blogger.googleusercontent.com/tracker/1" alt=""></div>',
    ],
    ids=["yoast", "medium", "blogger"],
)
def test_feed_footers_say_nothing(footer: str) -> None:
    script = script_of(fixture_post("structure.html", html=f"<p>The last words.</p>{footer}"))
    segments = body(script)
    assert [segment.text for segment in segments] == [said("The last words.")]
    assert segments[-1].pause_after == PAUSE_AFTER[SegmentKind.PARAGRAPH]  # no rule's silence


def test_a_footer_with_its_rule_after_a_trailing_elision_says_nothing() -> None:
    html = (
        '<p>We almost gave up [&#8230;]</p><hr><p>The post <a rel="nofollow" href="https://'
        'blog.example/p/">A long post</a> appeared first on <a rel="nofollow" href="https://'
        'blog.example">The Blog</a>.</p>'
    )
    assert _texts(html) == [said("We almost gave up")]


@pytest.mark.parametrize(
    ("html", "spoken"),
    [
        ("<p>The post appeared first on Monday.</p>", "The post appeared first on Monday."),
        (
            '<p>The post <a href="https://blog.example/p/">on budgets</a> appeared first on '
            '<a href="https://blog.example">my blog</a>, years ago.</p>',
            "The post on budgets appeared first on my blog, years ago.",
        ),
        (
            '<p>Click <a class="button" href="https://x.substack.com/subscribe">Subscribe now'
            "</a> to get the next issue.</p>",
            "Click Subscribe now to get the next issue.",
        ),
        (
            '<p>See the report. <a href="https://blog.example/report">Read more about the '
            "grant</a></p>",
            "See the report. Read more about the grant",
        ),
    ],
    ids=["appeared-first", "almost-yoast", "button-in-prose", "read-more-about"],
)
def test_prose_that_resembles_boilerplate_is_read(html: str, spoken: str) -> None:
    assert _texts(html) == [said(spoken)]


def test_a_footer_shaped_paragraph_mid_post_is_read() -> None:
    html = (
        '<p>The post <a href="https://blog.example/p/">A long post</a> appeared first on '
        '<a href="https://blog.example">The Blog</a>.</p><p>Then it spread.</p>'
    )
    assert _texts(html) == [
        said("The post A long post appeared first on The Blog."),
        said("Then it spread."),
    ]


def test_an_elision_mid_post_is_kept() -> None:
    html = "<p>He wrote that it was [...] the best of times.</p><p>The end.</p>"
    assert _texts(html) == [said("He wrote that it was [...] the best of times."), said("The end.")]


_LABEL = (
    '<label class="hide-text" contenteditable="false">Text within this block will maintain '
    "its original spacing when published</label>"
)


@pytest.mark.parametrize(
    "verse",
    [
        f'<div class="preformatted-block" data-component-name="PreformattedTextBlockToDOM">'
        f'{_LABEL}<pre class="text">{{lines}}</pre></div>',
        '<pre class="wp-block-verse">{lines}</pre>',
        '<pre class="wp-block-preformatted">{lines}</pre>',
    ],
    ids=["substack", "wordpress-verse", "wordpress-preformatted"],
)
def test_verse_is_read_line_by_line_and_stanza_by_stanza(verse: str) -> None:
    lines = (
        "Roses are red\nViolets are blue,\n<em>sugar</em> is sweet\nand so are you.\n\n"
        "   Second stanza\n  indented, and gentle\nWith no ending"
    )
    segments = body(script_of(fixture_post("structure.html", html=verse.format(lines=lines))))
    assert [(segment.kind, segment.text) for segment in segments] == [
        (
            SegmentKind.PARAGRAPH,
            said("Roses are red. Violets are blue, sugar is sweet and so are you."),
        ),
        (SegmentKind.PARAGRAPH, said("Second stanza indented, and gentle. With no ending")),
    ]


def test_the_note_on_a_substack_preformatted_block_is_never_read() -> None:
    html = f'<div class="preformatted-block">{_LABEL}<pre class="text">One line only</pre></div>'
    assert _texts(html) == [said("One line only")]


def test_verse_with_a_word_of_inline_code_is_still_verse() -> None:
    html = '<pre class="wp-block-preformatted">Type <code>ls</code> and wait\nNothing</pre>'
    assert _texts(html) == [said("Type ls and wait. Nothing")]


def test_verse_in_a_quote_is_read_as_the_quote() -> None:
    html = (
        '<blockquote><pre class="wp-block-verse">Do not go gentle\nInto that good night</pre>'
        "</blockquote>"
    )
    segments = body(script_of(fixture_post("structure.html", html=html)))
    assert [(segment.kind, segment.text) for segment in segments] == [
        (
            SegmentKind.QUOTE,
            said("Quote:", "Do not go gentle. Into that good night.", "End quote."),
        ),
    ]


@pytest.mark.parametrize(
    ("html", "spoken"),
    [
        (
            '<pre class="wp-block-code"><code>x = 1\ny = 2</code></pre>',
            "A code block of 2 lines.",
        ),
        (
            '<pre class="wp-block-preformatted"><code class="language-python">x = 1\ny = 2'
            "</code></pre>",
            "A Python code block of 2 lines.",
        ),
        ('<pre><code>print("Hello")\nprint("World")</code></pre>', "A code block of 2 lines."),
        ("<pre>Plain preformatted\nText</pre>", "A code block of 2 lines."),
        (
            '<pre class="code-block" data-language="js"><span>let a = 1</span><br>'
            "<span>let b = 2</span></pre>",
            "A JavaScript code block of 2 lines.",
        ),
    ],
    ids=["wordpress-code", "preformatted-code", "pre-code", "bare-pre", "lexical"],
)
def test_real_code_blocks_are_still_announced(html: str, spoken: str) -> None:
    segments = body(script_of(fixture_post("structure.html", html=html)))
    assert [(segment.kind, segment.text) for segment in segments] == [
        (SegmentKind.CODE, said(spoken))
    ]
