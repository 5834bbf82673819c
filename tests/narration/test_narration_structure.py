"""Headings, paragraphs, lists, quotes, rules and links of an ordinary post."""

from __future__ import annotations

import pytest
from narration_samples import assert_clean, body, fixture_post, said, script_of

from postcast.models import SegmentKind
from postcast.narration.spoken import speak_emoji


def _script():
    return script_of(fixture_post("structure.html"))


def test_structure_reads_in_order_with_the_right_kinds() -> None:
    segments = body(_script())
    assert [segment.text for segment in segments] == [
        said(
            "I kept a paper planner for a year, and I want to report what actually changed. "
            "Most of it is boring, which is itself the finding."
        ),
        said("What I tracked"),
        said("Every evening I wrote down three things:"),
        said("1.", "What I planned to do that day."),
        said("2.", "What I actually did, including the detours."),
        said("3.", "How long each item took, rounded to the half hour."),
        said("The categories I ended up with were:"),
        said("Deep work"),
        said("Writing"),
        said("Reading papers"),
        said("Errands"),
        said("A note on sources"),
        said(
            "The method comes from a post on the planning fallacy; a longer discussion is at "
            "example dot org, and the raw data lives at GitHub."
        ),
        said("Quote:", "Plans are worthless, but planning is everything."),
        said("Or so the saying goes.", "End quote."),
        said("Thanks to a patient reader for comments on a draft."),
    ]
    kinds = [segment.kind for segment in segments]
    assert kinds[3:6] == [SegmentKind.LIST_ITEM] * 3
    assert kinds[13:15] == [SegmentKind.QUOTE] * 2
    assert_clean(_script())


def test_headings_start_chapters_and_pause_longer_than_paragraphs() -> None:
    segments = body(_script())
    headings = [segment for segment in segments if segment.kind is SegmentKind.HEADING]
    assert [heading.chapter for heading in headings] == ["What I tracked", "A note on sources"]
    paragraph = segments[0]
    assert all(heading.pause_after > paragraph.pause_after for heading in headings)
    assert all(heading.pause_before > 0 for heading in headings)
    assert [segment.chapter for segment in segments if segment.chapter] == [
        "What I tracked",
        "A note on sources",
    ]


def test_horizontal_rule_lengthens_the_pause_before_the_next_part() -> None:
    segments = body(_script())
    end_quote = segments[-2]
    assert end_quote.text.endswith(said("End quote."))
    assert end_quote.pause_after > segments[13].pause_after


def test_ordered_list_honours_its_start_number() -> None:
    post = fixture_post(
        "structure.html", html="<ol start='4'><li>Fourth step</li><li>Fifth step</li></ol>"
    )
    assert [segment.text for segment in body(script_of(post))] == [
        said("4.", "Fourth step"),
        said("5.", "Fifth step"),
    ]


def test_bare_urls_and_url_links_become_site_names() -> None:
    html = (
        "<p>See <a href='https://forum.effectivealtruism.org/posts/x/y'>"
        "forum.effectivealtruism.org/posts/x/y</a>, www.givewell.org/charities, "
        "and (https://arxiv.org/abs/2401.00001).</p>"
    )
    segment = body(script_of(fixture_post("structure.html", html=html)))[0]
    assert segment.text == said("See the EA Forum, givewell dot org, and (arXiv).")


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("See arxiv.org/abs/1706.03762 for details.", "See arXiv for details."),
        ("Code at github.com/openai/gpt-2, forked.", "Code at GitHub, forked."),
        ("Read lesswrong.com/posts/abc123XYZ/a-title today.", "Read LessWrong today."),
        ("See x.com/OpenPhil/status/1 here.", "See a post on X by Open Phil here."),
        # a bare domain names a site; file paths and "and/or" are not links: the
        # normaliser reads them as it reads any text
        ("Visit givewell.org today.", "Visit givewell.org today."),
        ("Edit src/main.py/tests and/or x.", "Edit src/main.py/tests and/or x."),
    ],
)
def test_links_without_a_scheme_are_named_like_links_with_one(written: str, spoken: str) -> None:
    """ "arxiv.org/abs/1706.03762" was read in full, digit by digit."""
    segment = body(script_of(fixture_post("structure.html", html=f"<p>{written}</p>")))[0]
    assert segment.text == said(spoken)


def test_inline_code_reads_as_words_and_long_code_is_only_announced() -> None:
    long_call = "session.query(User).filter(User.karma > 100).order_by(User.created_at).all()"
    html = f"<p>Call <code>load_posts</code> first, then <code>{long_call}</code>.</p>"
    segment = body(script_of(fixture_post("structure.html", html=html)))[0]
    assert segment.text == said("Call load posts first, then a code snippet.")


def test_superscripts_as_ordinals_and_powers() -> None:
    html = "<p>On the 1<sup>st</sup> day we saw 10<sup>6</sup> cells.</p>"
    segment = body(script_of(fixture_post("structure.html", html=html)))[0]
    assert segment.text == said("On the 1st day we saw 10 to the power of 6 cells.")


def test_a_superscript_after_letters_is_a_power_or_a_note_mark() -> None:
    html = "<p>So E = mc<sup>2</sup> for a 54 m<sup>2</sup> flat, see note<sup>a</sup>.</p>"
    segment = body(script_of(fixture_post("structure.html", html=html)))[0]
    assert segment.text == said("So E = mc² for a 54 m² flat, see note.")


def test_struck_out_text_is_said_as_struck_out() -> None:
    html = "<p>I <del>hate</del> love it. <s>We launch in May.</s> We launched.</p>"
    segment = body(script_of(fixture_post("structure.html", html=html)))[0]
    assert segment.text == said(
        "I (crossed out: hate) love it. (crossed out: We launch in May.) We launched."
    )


def test_a_word_less_scene_break_is_a_pause_not_speech() -> None:
    html = "<p>Part one ends.</p><p>* * *</p><p>Part two begins.</p>"
    segments = body(script_of(fixture_post("structure.html", html=html)))
    assert [segment.text for segment in segments] == [
        said("Part one ends."),
        said("Part two begins."),
    ]
    assert segments[0].pause_after > segments[1].pause_after


def _texts(html: str) -> list[str]:
    return [segment.text for segment in body(script_of(fixture_post("structure.html", html=html)))]


def test_lexical_text_runs_in_bare_spans_read_as_one_paragraph() -> None:
    html = (
        '<p><span style="white-space: pre-wrap;">Runs </span><b><span style="white-space: '
        'pre-wrap;">in bold</span></b><span style="white-space: pre-wrap;"> join up.</span></p>'
    )
    assert _texts(html) == [said("Runs in bold join up.")]


def test_lexical_sub_lists_inside_an_item_and_older_wrapper_items_read_as_one_outline() -> None:
    inside = (
        '<ol><li value="1"><span>Collect data</span><ol><li value="1"><span>Surveys</span></li>'
        '<li value="2"><span>Interviews</span></li></ol></li>'
        '<li value="2"><span>Analyse it</span></li></ol>'
    )
    wrapper = (
        '<ol><li value="1">Collect data</li><li value="1" class="nested-list-item"><ol>'
        '<li value="1">Surveys</li><li value="2">Interviews</li></ol></li>'
        '<li value="2">Analyse it</li></ol>'
    )
    expected = [  # the sub-items belong to item 1: no second "1." to make the list restart
        said("1.", "Collect data"),
        said("Surveys"),
        said("Interviews"),
        said("2.", "Analyse it"),
    ]
    assert _texts(inside) == expected
    assert _texts(wrapper) == expected


def test_a_numbered_list_inside_a_bulleted_item_keeps_its_numbers() -> None:
    html = "<ul><li>Options<ol><li>wait</li><li>act</li></ol></li></ul>"
    assert _texts(html) == [said("Options"), said("1.", "wait"), said("2.", "act")]


def test_an_item_value_sets_the_number() -> None:
    html = '<ol><li value="3">Third</li><li value="7">Seventh</li><li>Eighth</li></ol>'
    assert _texts(html) == [said("3.", "Third"), said("7.", "Seventh"), said("8.", "Eighth")]


@pytest.mark.parametrize(
    ("html", "labels"),
    [
        # Lexical's styled list as stored (`type`), and CSS from a feed's HTML
        ('<ol type="a"><li value="1">Pause</li><li value="2">Go on</li></ol>', ["a.", "b."]),
        ('<ol type="A" start="3"><li>Pause</li><li>Go on</li></ol>', ["C.", "D."]),
        (
            '<ol style="list-style-type: lower-alpha"><li>Pause</li><li>Go on</li></ol>',
            ["a.", "b."],
        ),
        ('<ol type="a" start="26"><li>Pause</li><li>Go on</li></ol>', ["z.", "aa."]),
        # Roman numerals are said as the numbers they are
        ('<ol type="i"><li>Pause</li><li>Go on</li></ol>', ["1.", "2."]),
        # a reversed list counts down, from its length or its start
        ("<ol reversed><li>Pause</li><li>Go on</li></ol>", ["2.", "1."]),
        ('<ol reversed start="10"><li>Pause</li><li>Go on</li></ol>', ["10.", "9."]),
    ],
)
def test_an_ordered_list_is_labelled_as_the_page_shows_it(html: str, labels: list[str]) -> None:
    assert _texts(html) == [said(labels[0], "Pause"), said(labels[1], "Go on")]


def test_a_lettered_list_in_a_box_keeps_its_letters() -> None:
    html = (
        '<table><tr><td><p>Choose:</p><ol type="a"><li>wait</li><li>act</li></ol></td></tr></table>'
    )
    assert _texts(html) == [said("Choose:"), said("a.", "wait"), said("b.", "act")]


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("As argued in [1], it holds.", "As argued in reference 1, it holds."),
        ("Two studies [1, 2] agree.", "Two studies, references 1 and 2, agree."),
        (
            "Later work [3-5], however, disagrees.",
            "Later work, references 3 to 5, however, disagrees.",
        ),
        ("See e.g. [6] and [7–9].", "See e.g. reference 6 and references 7 to 9."),
        ("It was shown.[4]", "It was shown. reference 4"),
        ("The array a[0] is empty.", "The array a[0] is empty."),
        ("The edition [2019] differs.", "The edition [2019] differs."),
    ],
)
def test_bracketed_numbers_are_citations(written: str, spoken: str) -> None:
    assert _texts(f"<p>{written}</p>") == [said(spoken)]


def test_a_reference_list_reads_labels_as_references_without_urls_or_dois() -> None:
    html = (
        "<h2>References</h2>"
        "<p>[1] Christiano, P. (2018). Takeoff speeds. https://sideways-view.com/2018/02/24/"
        "takeoff-speeds/</p>"
        "<p>[2] LeCun, Y., Bengio, Y. and Hinton, G. (2015). Deep learning. Nature. "
        "doi:10.1038/nature14539</p>"
    )
    spoken = _texts(html)
    assert spoken == [
        said("References"),
        said("Reference 1: Christiano, P. (2018). Takeoff speeds. sideways-view dot com"),
        said("Reference 2: LeCun, Y., Bengio, Y. and Hinton, G. (2015). Deep learning. Nature."),
    ]


def test_handles_and_underscored_names_are_said_as_names() -> None:
    html = "<p>Thanks to @habryka and jessica_taylor42 for comments.</p>"
    assert _texts(html) == [said("Thanks to habryka and jessica taylor 42 for comments.")]


def test_emoji_among_words_are_dropped_and_alone_a_few_are_named() -> None:
    html = (
        "<h2>🚀 Launch</h2><p>It works 🎉👍 and the tests pass ✅. Careful ⚠️ with 🧑🏽‍💻 folk.</p>"
        "<p>Fair 👍 Let us look.</p><table><tr><th>Check</th><th>Result</th></tr>"
        "<tr><td>Tests</td><td>✅</td></tr><tr><td>Lint</td><td>❌</td></tr></table>"
    )
    spoken = _texts(html)
    assert spoken == [
        said("Launch"),
        said("It works and the tests pass. Careful with folk."),
        said("Fair. Let us look."),
        said("A table with 2 rows and 2 columns."),
        said("Check: Tests. Result: check mark."),
        said("Check: Lint. Result: cross mark. End of table."),
    ]
    assert not any(ord(character) > 0x2000 for text in spoken for character in text)


def test_ticks_and_crosses_that_are_text_symbols_are_read_as_the_emoji_are() -> None:
    html = (
        "<p>Pros ✓ fast ✗ dear.</p><table><tr><th>Feature</th><th>A</th><th>B</th></tr>"
        "<tr><td>Fast</td><td>✓</td><td>✘</td></tr></table>"
    )
    assert _texts(html) == [
        said("Pros fast dear."),
        said("A table with 1 row and 3 columns."),
        said("Feature: Fast. A: check mark. B: cross mark. End of table."),
    ]


def test_star_ratings_are_said_and_a_lone_star_is_dropped() -> None:
    html = (
        "<p>Rated 4.5★ by 1.2k users; a 5★ hotel; it got 4⭐ overall. Great ★ product.</p>"
        "<table><tr><th>Tool</th><th>Rating</th></tr><tr><td>Alpha</td><td>⭐⭐⭐</td></tr>"
        "<tr><td>Beta</td><td>★★☆☆☆</td></tr></table>"
    )
    spoken = _texts(html)
    assert spoken == [
        said(
            "Rated 4.5 stars by 1.2k users; a 5-star hotel; it got 4 stars overall. Great product."
        ),
        said("A table with 2 rows and 2 columns."),
        said("Tool: Alpha. Rating: 3 stars."),  # the emoji were dropped: no rating at all
        said("Tool: Beta. Rating: 2 out of 5 stars. End of table."),
    ]
    assert not any(character in "★⭐☆" for text in spoken for character in text)


def test_author_names_in_the_intro_are_said_as_names() -> None:
    post = fixture_post("structure.html", html="<p>Hi.</p>", authors=("jessica_taylor42", "Zvi"))
    assert "published by jessica taylor forty-two and Zvi" in script_of(post).segments[0].text


def test_urls_and_addresses_with_underscores_are_not_taken_for_names() -> None:
    html = (
        "<p>Write to first_last@example.org or see https://example.com/read_me "
        "for jessica_taylor.</p>"
    )
    assert _texts(html) == [
        said("Write to first_last@example.org or see example dot com for jessica taylor.")
    ]


def test_text_symbols_the_emoji_set_also_lists_are_left_to_the_normaliser() -> None:
    assert speak_emoji("© 2026 Acme™, A ↔ B 🎉") == "© 2026 Acme™, A ↔ B  "


@pytest.mark.parametrize(
    ("handle", "spoken"),
    [
        ("https://x.com/NateSilver538/status/1", "a post on X by Nate Silver five thirty-eight"),
        ("https://x.com/agent007/status/1", "a post on X by agent zero zero seven"),
        ("https://x.com/alex2024/status/1", "a post on X by alex twenty twenty-four"),
        ("https://twitter.com/OpenPhil/status/1", "a post on X by Open Phil"),
    ],
)
def test_handles_in_links_to_posts_on_x_are_said_as_people_say_them(
    handle: str, spoken: str
) -> None:
    assert _texts(f"<p>{handle}</p>") == [spoken]


def test_an_ordered_reference_list_drops_doi_links_and_arxiv_numbers() -> None:
    html = (
        "<h2>References</h2><ol>"
        '<li>Jones, A. Reading habits. <a href="https://doi.org/10.1000/xyz123">'
        "https://doi.org/10.1000/xyz123</a></li>"
        "<li>Patel, R. Long posts. arXiv:2312.11671.</li>"
        "<li>Kim, S. Notes. https://dx.doi.org/10.1000/abc.</li></ol>"
    )
    assert _texts(html) == [
        said("References"),
        said("1.", "Jones, A. Reading habits."),
        said("2.", "Patel, R. Long posts. arXiv."),
        said("3.", "Kim, S. Notes."),
    ]


@pytest.mark.parametrize(
    ("html", "spoken"),
    [
        (  # Lexical's soft line breaks between a bold title and its description
            "<p><b><span>Step 1</span></b><br><span>Gather data</span><br>"
            "<b><span>Step 2</span></b><br><span>Analyse it</span></p>",
            "Step 1. Gather data. Step 2. Analyse it",
        ),
        (  # a poem: a line ending in a comma runs on, one ending in a word pauses
            "<p>Roses are red,<br>violets are blue<br>I wrote a poem</p>",
            "Roses are red, violets are blue. I wrote a poem",
        ),
        ("<p>First thought<br><br>Second thought.</p>", "First thought. Second thought."),
        ("<p>A sentence that<br>continues here.</p>", "A sentence that continues here."),
        ("<p>Done.<br>Next line.</p>", "Done. Next line."),
        ('<p>He said "stop"<br>We stopped.</p>', 'He said "stop". We stopped.'),
        ("<p>Last line<br></p>", "Last line"),
    ],
)
def test_a_line_break_before_a_new_line_of_thought_is_a_pause(html: str, spoken: str) -> None:
    assert _texts(html) == [said(spoken)]


def test_a_line_break_inside_a_list_item_separates_its_title_from_its_text() -> None:
    html = (
        "<ul><li><b>Cheap</b><br>It costs little.</li><li><b>Fast</b><br>It runs quickly.</li></ul>"
    )
    assert _texts(html) == [
        said("Cheap. It costs little."),
        said("Fast. It runs quickly."),
    ]


def test_a_hard_wrapped_sentence_runs_on_into_a_capital_after_a_word_that_cannot_end_it() -> None:
    html = "<p>We discussed the plan with<br>Alice and the<br>Board, then I<br>Left.</p>"
    assert _texts(html) == [said("We discussed the plan with Alice and the Board, then I Left.")]


def test_a_line_that_opens_on_a_number_or_symbol_opens_with_a_capital() -> None:
    # the transcript showed "one. Introduction", "five dollars is enough."
    html = (
        "<h2>1. Introduction</h2><p>$5 is enough.</p><ol><li>Meet weekly</li></ol>"
        "<p>iPhone sales rose.</p><p>where x is the input.</p>"
    )
    assert _texts(html) == [
        "One. Introduction",
        "Five dollars is enough.",
        "One. Meet weekly",
        "iPhone sales rose.",  # a lower-case start the author chose stays
        "where x is the input.",
    ]
