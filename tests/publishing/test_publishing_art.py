"""Cover art: generated when none is configured, checked against Apple's rules when it is."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from postcast.config import FeedConfig, LibraryConfig
from postcast.errors import InputError
from postcast.publishing import art, cover_art, publish_site


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize("size", [1400, 3000])
def test_generated_art_is_a_square_rgb_jpeg_of_the_asked_size(size):
    image = _open(cover_art("The Nonlinear Library", "LessWrong", size=size))
    assert (image.format, image.mode, image.size) == ("JPEG", "RGB", (size, size))


def test_art_is_deterministic_per_title_and_differs_between_titles():
    first = cover_art("The Nonlinear Library")
    assert cover_art("The Nonlinear Library") == first
    other = _open(cover_art("The Nonlinear Library: EA Forum"))
    assert ImageStat.Stat(_open(first)).mean != ImageStat.Stat(other).mean


def test_title_is_drawn_in_light_text_on_a_dark_background():
    image = _open(cover_art("A Very Long Podcast Title That Has To Wrap Over Several Lines"))
    text_box = image.crop((100, 200, 1300, 800)).convert("L")
    histogram = text_box.histogram()
    bright = sum(histogram[230:])  # white letters
    dark = sum(histogram[:110])  # background
    assert bright > 0.03 * text_box.width * text_box.height
    assert dark > 0.4 * text_box.width * text_box.height
    blank = _open(cover_art("x")).crop((100, 600, 1300, 800)).convert("L")
    assert sum(blank.histogram()[230:]) < bright / 10  # the letters make the bright pixels


def test_size_outside_apples_range_is_refused():
    with pytest.raises(ValueError, match=r"1400\.\.3000"):
        cover_art("t", size=1000)


def _save(path, size, mode="RGB", kind="PNG"):
    colour = {"RGB": (10, 20, 30), "RGBA": (10, 20, 30, 128), "L": 40}[mode]
    Image.new(mode, size, colour).save(path, kind)
    return path


def test_configured_compliant_image_is_published_unchanged(tmp_path, episode_factory):
    image = _save(tmp_path / "cover.png", (1500, 1500))
    library = LibraryConfig(base_url="https://example.org/", image=str(image))
    publish_site(tmp_path / "site", library, [(FeedConfig("main"), [episode_factory(1)])])
    assert (tmp_path / "site" / "art" / "main.png").read_bytes() == image.read_bytes()
    assert 'href="https://example.org/art/main.png"' in (tmp_path / "site" / "feed.xml").read_text()


@pytest.mark.parametrize(
    ("side", "mode", "kind", "expected"),
    [(1000, "RGBA", "PNG", 1400), (3100, "RGB", "JPEG", 3000), (1500, "L", "PNG", 1500)],
)
def test_configured_image_outside_apples_rules_is_converted(tmp_path, side, mode, kind, expected):
    image = _save(tmp_path / "cover", (side, side), mode=mode, kind=kind)
    library = LibraryConfig(base_url="https://example.org/", image=str(image))
    publish_site(tmp_path / "site", library, [(FeedConfig("main"), [])])
    converted = _open((tmp_path / "site" / "art" / "main.jpg").read_bytes())
    assert (converted.format, converted.mode, converted.size) == ("JPEG", "RGB", (expected,) * 2)


def test_configured_image_that_is_not_square_is_an_input_error(tmp_path):
    image = _save(tmp_path / "wide.jpg", (2000, 1400), kind="JPEG")
    feed = FeedConfig("daily", image=str(image))
    with pytest.raises(InputError, match="square"):
        publish_site(tmp_path / "site", LibraryConfig(), [(feed, [])])
    assert not (tmp_path / "site").exists()


def test_configured_file_that_is_not_an_image_is_an_input_error(tmp_path):
    (tmp_path / "cover.jpg").write_text("not an image")
    library = LibraryConfig(image=str(tmp_path / "cover.jpg"))
    with pytest.raises(InputError, match=r"cover\.jpg"):
        publish_site(tmp_path / "site", library, [(FeedConfig("main"), [])])


def test_cover_art_is_drawn_once_and_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = art.cached_cover_art("The Nonlinear Library", "Audio versions", tmp_path)
    assert first == cover_art("The Nonlinear Library", "Audio versions")
    assert len(list(tmp_path.rglob("*.jpg"))) == 1

    def no_drawing(*_: object) -> bytes:
        raise AssertionError("drawn again")

    monkeypatch.setattr(art, "cover_art", no_drawing)
    assert art.cached_cover_art("The Nonlinear Library", "Audio versions", tmp_path) == first
    with pytest.raises(AssertionError):  # another title is another picture
        art.cached_cover_art("Another Show", "", tmp_path)
