"""What blog platforms add to a post's feed HTML that no narrator would read aloud.

Widgets (subscribe and share buttons, signup boxes, related posts) are known by their
classes and taken out wherever they stand. Feed footers ("The post X appeared first on
Y.") and an excerpt's end ("Continue reading", "[…]") are known by their shape, and taken
out only where they end the post: the same words mid-post are the author's.
"""

from __future__ import annotations

import re

from bs4 import Tag
from bs4.element import NavigableString, PageElement

from postcast.narration.markup import has_words, is_hidden

# Elements that are all chrome, by platform: nothing in them is the author's writing.
_WIDGETS = ", ".join(
    (
        # Substack: buttons (subscribe, share, leave a comment, a discount), the share box
        # with its caption, the subscribe box, and the editor's note on a preformatted block
        "p.button-wrapper",
        "[data-component-name=ButtonCreateButton]",
        ".captioned-button-wrap",
        "[data-component-name=CaptionedButtonToDOM]",
        ".subscription-widget-wrap",
        ".subscription-widget-wrap-editor",
        "[data-component-name=SubscribeWidgetToDOM]",
        ".preformatted-block > label.hide-text",
        # Ghost: the signup card, a lone button, a call-to-action card (an ad or a
        # promotion, with its own button)
        ".kg-signup-card",
        ".kg-button-card",
        ".kg-cta-card",
        # ... and the buttons of cards whose words are the author's (a header, a product)
        ".kg-header-card-button",
        ".kg-product-card-button",
        "a.kg-btn",
        # WordPress: button blocks, an excerpt's "Continue reading" link
        ".wp-block-buttons",
        ".wp-block-button",
        "a.more-link",
        # Jetpack (WordPress): sharing and like buttons, related posts
        ".sharedaddy",
        ".sd-sharing-enabled",
        ".jp-relatedposts",
        "#jp-post-flair",
        # Blogger: the footer a blog adds to every post in its feed
        ".blogger-post-footer",
        # FeedBurner: its "share this" links
        ".feedflare",
    )
)

_LINK = "\x00"  # a link in a paragraph's shape; no post text holds it
# Whole final paragraphs a feed appends, by their shape with each link as _LINK.
_FOOTERS = (
    # WordPress (Yoast SEO's default feed footer)
    re.compile(f"The post {_LINK} appeared first on {_LINK}\\.?"),
    # Medium
    re.compile(
        f"{_LINK} was originally published (?:in {_LINK} )?on Medium, where people are"
        " continuing the conversation by highlighting and responding to this story\\."
    ),
)
# A link that cuts an excerpt short (WordPress themes without `a.more-link`): "Continue
# reading “Title” →", "Read more…"; not "Read more about the grant", which is the author's.
_CONTINUE = re.compile(r"continue reading\b.*|read more\W*", re.IGNORECASE | re.DOTALL)
# The elision mark a WordPress excerpt ends with: "[…]", "[...]".
_EXCERPT_END = re.compile(r"\s*\[\s*(?:…|\.\s?\.\s?\.)\s*\]\s*$")
_TAIL_LIMIT = 8  # footers and marks taken off the end; the loop needs few


def strip_boilerplate(root: Tag) -> None:
    """Take platform widgets out of `root`, then the feed footers that end it."""
    for widget in root.select(_WIDGETS):
        if not widget.decomposed:  # one inside another: gone with it
            widget.decompose()
    for _ in range(_TAIL_LIMIT):
        if not _trim_tail(root):
            return


def _trim_tail(root: Tag) -> bool:
    """Take off the post's last words if they are boilerplate; False when they are not."""
    last = _last_words(root)
    if last is None:
        return False
    paragraph = last.find_parent("p")
    if paragraph is not None and _is_footer(paragraph):
        _drop_rule_before(paragraph)
        paragraph.decompose()
        return True
    link = last.find_parent("a")
    if link is not None and _CONTINUE.fullmatch(link.get_text().strip()):
        link.decompose()
        return True
    text = _EXCERPT_END.sub("", str(last))
    if text != str(last):
        last.replace_with(text)
        return True
    return False


def _last_words(root: Tag) -> NavigableString | None:
    """The last piece of text in `root` that is read, if any."""
    for node in reversed(list(root.descendants)):
        if has_words(node) and not any(is_hidden(parent) for parent in node.parents):
            return node
    return None


def _is_footer(paragraph: Tag) -> bool:
    shape = " ".join("".join(_shape_of(child) for child in paragraph.children).split())
    return any(footer.fullmatch(shape) for footer in _FOOTERS)


def _shape_of(node: PageElement) -> str:
    if isinstance(node, Tag):
        return _LINK if node.name == "a" else node.get_text()
    return str(node) if has_words(node) else " "


def _drop_rule_before(footer: Tag) -> None:
    """The `<hr>` that sets a footer apart would end the post with a silence: drop it too."""
    for node in footer.previous_siblings:
        if isinstance(node, Tag) or has_words(node):
            if isinstance(node, Tag) and node.name == "hr":
                node.decompose()
            return
