"""One post, one episode: GUIDs, titles, LW/AF merges and LW/EA cross-posts."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from postcast.models import Post
from postcast.selection import (
    dedupe,
    episode_identity,
    episode_title,
    feed_item_guid,
    find_duplicates,
)

POSTED = datetime(2025, 6, 3, 12, 0, tzinfo=UTC)


def make_post(**changes: object) -> Post:
    post = Post(
        source="lesswrong",
        post_id="xWcd9dBHkqvvtpEJ4",
        title="[MLSN #8] Mechanistic interpretability, using law to inform AI alignment",
        authors=("Dan H",),
        posted_at=POSTED,
        url="https://www.lesswrong.com/posts/xWcd9dBHkqvvtpEJ4/mlsn-8",
        html="<p>" + "Interpretability news for the month. " * 10 + "</p>",
        forum_code="LW",
        forum_name="LessWrong",
        karma=40,
    )
    return dataclasses.replace(post, **changes)  # type: ignore[arg-type]


def on_af(post: Post) -> Post:
    return dataclasses.replace(
        post, source="alignmentforum", forum_code="AF", forum_name="The AI Alignment Forum",
        af=True, af_karma=18,
    )  # fmt: skip


def on_ea(post: Post, post_id: str = "eaCopy0000000001") -> Post:
    return dataclasses.replace(
        post, source="eaforum", post_id=post_id, forum_code="EA",
        forum_name="The Effective Altruism Forum", karma=25,
        url=f"https://forum.effectivealtruism.org/posts/{post_id}/mlsn-8",
    )  # fmt: skip


def test_guid_is_post_id_plus_forum_code() -> None:
    assert episode_identity(make_post()) == ("xWcd9dBHkqvvtpEJ4_LW", "LW")
    assert episode_identity(on_ea(make_post())) == ("eaCopy0000000001_EA", "EA")


def test_lesswrong_post_listed_on_af_is_an_af_episode() -> None:
    lw_listing = make_post(af=True, af_karma=18)
    assert episode_identity(lw_listing) == ("xWcd9dBHkqvvtpEJ4_AF", "AF")
    assert episode_identity(on_af(make_post())) == episode_identity(lw_listing)


def test_posts_without_forum_code_are_named_by_source() -> None:
    blog = make_post(source="acx", post_id="https://example.org/p/1", forum_code="")
    guid, code = episode_identity(blog)
    assert (guid, code) == ("https://example.org/p/1_acx", "")
    other = dataclasses.replace(blog, source="mirror")
    assert episode_identity(other)[0] != guid


def test_feed_item_guid_names_the_feed_once() -> None:
    assert feed_item_guid("xWcd9dBHkqvvtpEJ4_LW", "lw-daily") == "xWcd9dBHkqvvtpEJ4_LW-daily"
    assert feed_item_guid("xWcd9dBHkqvvtpEJ4_AF", "af-weekly") == "xWcd9dBHkqvvtpEJ4_AF-weekly"
    assert feed_item_guid("xWcd9dBHkqvvtpEJ4_LW", "digest") == "xWcd9dBHkqvvtpEJ4_LW-digest"


def test_title_names_every_coauthor() -> None:
    post = make_post(authors=("Dan H", "Thomas Woodside", "Aidan O'Gara"))
    assert episode_title(post, "AF") == (
        "AF - [MLSN #8] Mechanistic interpretability, using law to inform AI alignment "
        "by Dan H, Thomas Woodside and Aidan O'Gara"
    )
    two = make_post(authors=("Dan H", "Thomas Woodside"))
    assert episode_title(two, "LW").endswith(" by Dan H and Thomas Woodside")


def test_deleted_author_is_credited_anonymous() -> None:
    deleted = make_post(authors=())
    assert episode_title(deleted, "LW") == (
        "LW - [MLSN #8] Mechanistic interpretability, using law to inform AI alignment by Anonymous"
    )
    assert episode_title(deleted, "").startswith("[MLSN #8]")


def test_lw_and_af_listings_merge_into_one_af_post() -> None:
    lw_listing = make_post(af=True, af_karma=None)
    af_listing = on_af(make_post())
    other = make_post(post_id="otherPost00000001", title="Another post")
    kept = dedupe([lw_listing, other, af_listing])
    assert [p.post_id for p in kept] == ["xWcd9dBHkqvvtpEJ4", "otherPost00000001"]
    merged = kept[0]
    assert (merged.forum_code, merged.forum_name, merged.af_karma) == (
        "AF", "The AI Alignment Forum", 18,
    )  # fmt: skip
    assert episode_identity(merged)[0] == "xWcd9dBHkqvvtpEJ4_AF"
    # Both listings are the same episode: nothing to withdraw.
    assert find_duplicates([lw_listing, af_listing]) == []


def test_crosspost_keeps_the_hosting_forum_either_way() -> None:
    lw_host = make_post(crosspost_id="eaCopy0000000001", crosspost_hosted_here=True)
    ea_copy = on_ea(make_post(crosspost_id="xWcd9dBHkqvvtpEJ4", crosspost_hosted_here=False))
    assert dedupe([ea_copy, lw_host]) == [lw_host]
    assert find_duplicates([ea_copy, lw_host]) == [(ea_copy, lw_host)]

    ea_host = dataclasses.replace(ea_copy, crosspost_hosted_here=True)
    lw_copy = dataclasses.replace(lw_host, crosspost_hosted_here=False)
    assert dedupe([lw_copy, ea_host]) == [ea_host]


def test_crosspost_found_by_title_and_first_author_without_links() -> None:
    lw_post = make_post(title="Comparing charities:  How different units add up")
    ea_post = on_ea(
        make_post(title="Comparing Charities: how different units add up?"),
    )
    ea_post = dataclasses.replace(ea_post, posted_at=POSTED + timedelta(hours=2))
    # No fmCrosspost data: the earlier post is taken as the original.
    assert dedupe([ea_post, lw_post]) == [lw_post]
    other_author = dataclasses.replace(ea_post, authors=("Someone Else",))
    assert len(dedupe([other_author, lw_post])) == 2


def test_same_title_months_apart_is_not_a_crosspost() -> None:
    june = make_post(title="Open Thread", crosspost_id=None)
    december = on_ea(make_post(title="Open Thread", posted_at=POSTED + timedelta(days=180)))
    assert len(dedupe([june, december])) == 2
    close = dataclasses.replace(december, posted_at=POSTED + timedelta(days=3))
    assert dedupe([june, close]) == [june]


def test_same_title_on_one_forum_is_not_a_crosspost() -> None:
    first = make_post(post_id="openThread0000001", title="Open Thread")
    second = make_post(post_id="openThread0000002", title="Open Thread")
    assert dedupe([first, second]) == [first, second]


def test_anonymous_posts_with_equal_titles_stay_apart() -> None:
    lw_post = make_post(authors=(), title="Untitled")
    ea_post = on_ea(make_post(authors=(), title="Untitled"))
    assert len(dedupe([lw_post, ea_post])) == 2


def test_dedupe_is_stable_when_history_is_included() -> None:
    lw_host = make_post(crosspost_id="eaCopy0000000001", crosspost_hosted_here=True)
    ea_copy = on_ea(make_post(crosspost_id="xWcd9dBHkqvvtpEJ4", crosspost_hosted_here=False))
    first_pass = dedupe([lw_host])
    second_pass = dedupe([ea_copy, *first_pass])
    assert second_pass == first_pass
