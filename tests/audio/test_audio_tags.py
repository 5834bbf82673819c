"""ID3v2.4 tags with chapters, as mutagen reads them back."""

from __future__ import annotations

import io

import pytest
from mutagen.id3 import ID3, CTOCFlags

from postcast.audio import EpisodeTags
from postcast.audio.tags import build_id3
from postcast.errors import InputError
from postcast.models import Chapter

COVER = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def _read(tag: bytes) -> ID3:
    return ID3(io.BytesIO(tag))


def test_text_frames_cover_comment_and_url() -> None:
    tags = EpisodeTags(
        title="LW - Ünïcode title by A. Author",
        artist="A. Author",
        album="The Nonlinear Library",
        date="2024-03-05",
        cover=COVER,
        cover_mime="image/png",
        comment="Link to original article",
        url="https://www.lesswrong.com/posts/abc/title",
    )
    id3 = _read(build_id3(tags, [], 61.5))
    assert id3.version == (2, 4, 0)
    assert id3["TIT2"].text == [tags.title]
    assert id3["TPE1"].text == ["A. Author"]
    assert id3["TALB"].text == ["The Nonlinear Library"]
    assert str(id3["TDRC"].text[0]) == "2024-03-05"
    assert id3["TLEN"].text == ["61500"]
    picture = id3.getall("APIC")[0]
    assert (picture.data, picture.mime, picture.type) == (COVER, "image/png", 3)
    assert id3.getall("COMM")[0].text == ["Link to original article"]
    assert id3["WOAS"].url == tags.url
    assert id3.getall("WXXX")[0].url == tags.url
    assert not id3.getall("CHAP") and not id3.getall("CTOC")


def test_optional_frames_are_left_out() -> None:
    id3 = _read(build_id3(EpisodeTags("t", "a", "b", "2024-01-01"), [], 1.0))
    for frame in ("APIC", "COMM", "WOAS", "WXXX"):
        assert not id3.getall(frame), frame


def test_chapters_in_time_order_with_a_table_of_contents() -> None:
    chapters = [
        Chapter(start=75.25, title="Conclusion", end=None),
        Chapter(start=0.0, title="Introduction", end=12.5),
        Chapter(start=12.5, title="The argument", end=75.25),
    ]
    id3 = _read(build_id3(EpisodeTags("t", "a", "b", "2024-01-01"), chapters, 90.0))
    toc = id3.getall("CTOC")[0]
    assert toc.flags & CTOCFlags.TOP_LEVEL and toc.flags & CTOCFlags.ORDERED
    frames = {frame.element_id: frame for frame in id3.getall("CHAP")}
    listed = [frames[element] for element in toc.child_element_ids]
    assert [(c.start_time, c.end_time) for c in listed] == [
        (0, 12500),
        (12500, 75250),
        (75250, 90000),
    ]
    assert [c.sub_frames["TIT2"].text[0] for c in listed] == [
        "Introduction",
        "The argument",
        "Conclusion",
    ]


@pytest.mark.parametrize("date", ["2024-13-01", "05/03/2024", "2024-3-5", ""])
def test_a_bad_date_is_an_input_error(date: str) -> None:
    with pytest.raises(InputError, match=r"tags\.date"):
        build_id3(EpisodeTags("t", "a", "b", date), [], 1.0)


def test_the_cover_mime_follows_the_image_bytes() -> None:
    # Declared JPEG, actually PNG (the cover generator makes PNGs): players trust the MIME.
    tags = EpisodeTags("t", "a", "b", "2024-01-01", cover=COVER, cover_mime="image/jpeg")
    assert _read(build_id3(tags, [], 1.0)).getall("APIC")[0].mime == "image/png"
    unknown = EpisodeTags("t", "a", "b", "2024-01-01", cover=b"GIF89a...", cover_mime="image/gif")
    assert _read(build_id3(unknown, [], 1.0)).getall("APIC")[0].mime == "image/gif"
