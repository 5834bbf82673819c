"""Generated cover art: a square RGB JPEG with the show's title, for feeds without an image.

Colours and pattern come from a hash of the title, so each feed keeps its look from run
to run, and feeds of one show are told apart at a glance.
"""

from __future__ import annotations

import colorsys
import contextlib
import hashlib
import io
import random
from pathlib import Path

import numpy as np
import PIL
from PIL import Image, ImageDraw, ImageFont

from postcast.cachedir import CacheDirectory

MIN_ART_SIZE = 1400  # Apple Podcasts: square, 1400 to 3000 px
MAX_ART_SIZE = 3000

_FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
)

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


def _font(pixels: int) -> Font:
    for candidate in _FONT_FILES:
        if Path(candidate).is_file():
            return ImageFont.truetype(candidate, pixels)
    return ImageFont.load_default(size=pixels)  # Pillow's own scalable font


def _bytes(rgb: tuple[float, float, float]) -> tuple[int, int, int]:
    red, green, blue = rgb
    return round(red * 255), round(green * 255), round(blue * 255)


def _palette(rng: random.Random) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """Two dark, saturated colours a third of the wheel apart: white text stays legible."""
    hue = rng.random()
    first = colorsys.hsv_to_rgb(hue, 0.75, 0.42)
    second = colorsys.hsv_to_rgb((hue + 0.12 + rng.random() * 0.2) % 1.0, 0.85, 0.22)
    return _bytes(first), _bytes(second)


def _gradient(size: int, top: tuple[int, ...], bottom: tuple[int, ...]) -> Image.Image:
    """A diagonal blend from `top` (top left) to `bottom` (bottom right)."""
    steps = np.arange(256)
    ramp = Image.fromarray((np.add.outer(steps, steps) // 2).astype(np.uint8), mode="L")
    mask = ramp.resize((size, size), Image.Resampling.BILINEAR)  # smooth: a linear ramp
    return Image.composite(
        Image.new("RGB", (size, size), bottom), Image.new("RGB", (size, size), top), mask
    )


def _pattern(full_size: int, rng: random.Random) -> Image.Image:
    """Soft rings (sound spreading out) and a row of waveform bars.

    Drawn at half size and scaled up: that smooths the edges for a fraction of a blur's cost.
    """
    size = full_size // 2
    layer = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    centre_x, centre_y = rng.uniform(0.6, 0.95) * size, rng.uniform(0.05, 0.35) * size
    for ring in range(1, 9):
        radius = ring * size * rng.uniform(0.07, 0.1)
        box = (centre_x - radius, centre_y - radius, centre_x + radius, centre_y + radius)
        draw.ellipse(box, outline=(255, 255, 255, 34 - ring * 3), width=max(2, size // 180))
    bars, left, right = 36, 0.08 * size, 0.92 * size
    step = (right - left) / bars
    baseline = 0.86 * size
    for index in range(bars):
        height = size * 0.09 * (0.25 + 0.75 * abs(rng.gauss(0.5, 0.3)))
        x = left + index * step
        draw.rounded_rectangle(
            (x, baseline - height / 2, x + step * 0.55, baseline + height / 2),
            radius=step * 0.27,
            fill=(255, 255, 255, 70),
        )
    return layer.resize((full_size, full_size), Image.Resampling.BILINEAR)


def _wrap(text: str, font: Font, width: float) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _fit_title(text: str, size: int) -> tuple[Font, list[str], int]:
    """The largest font at which the title wraps into the text box (long words may shrink it)."""
    width, height = 0.84 * size, 0.5 * size
    pixels = size // 8
    while True:
        font = _font(pixels)
        lines = _wrap(text, font, width)
        line_height = round(pixels * 1.18)
        fits = all(font.getlength(line) <= width for line in lines)
        if (fits and line_height * len(lines) <= height) or pixels <= size // 40:
            return font, lines, line_height
        pixels = round(pixels * 0.92)


def cover_art(title: str, subtitle: str = "", size: int = 1400) -> bytes:
    """A square RGB JPEG, `size` px (1400..3000), with `title` (and `subtitle`) on it."""
    if not MIN_ART_SIZE <= size <= MAX_ART_SIZE:
        raise ValueError(f"cover art size must be {MIN_ART_SIZE}..{MAX_ART_SIZE} px, got {size}")
    title = " ".join(title.split()) or "Podcast"
    rng = random.Random(hashlib.sha256(title.encode("utf-8")).digest())
    top, bottom = _palette(rng)
    image = _gradient(size, top, bottom).convert("RGBA")
    image.alpha_composite(_pattern(size, rng))
    draw = ImageDraw.Draw(image)
    font, lines, line_height = _fit_title(title, size)
    y = 0.16 * size
    margin = 0.08 * size
    shadow = max(2, size // 400)
    for line in lines:
        draw.text((margin + shadow, y + shadow), line, font=font, fill=(0, 0, 0, 110))
        draw.text((margin, y), line, font=font, fill=(255, 255, 255, 255))
        y += line_height
    if subtitle.strip():
        small = _font(size // 28)
        for line in _wrap(" ".join(subtitle.split()), small, 0.84 * size)[:3]:
            y += size // 50
            draw.text((margin, y), line, font=small, fill=(255, 255, 255, 215))
            y += size // 28
    output = io.BytesIO()
    image.convert("RGB").save(output, "JPEG", quality=88, optimize=True, progressive=False)
    return output.getvalue()


ART_VERSION = "1"  # bump when `cover_art` draws differently
ART_CACHE_BYTES = 64 << 20


def cached_cover_art(title: str, subtitle: str, folder: Path | None) -> bytes:
    """`cover_art`, kept in `folder` (None: not kept): drawing it takes a sixth of a
    second, and every episode a render tags carries the same picture."""
    if folder is None:
        return cover_art(title, subtitle)
    cache = CacheDirectory(folder, ".jpg", ART_CACHE_BYTES)
    parts = [ART_VERSION, PIL.__version__, title, subtitle]
    key = hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()
    path = cache.path_for(key)
    try:
        picture = path.read_bytes()
    except OSError:
        picture = cover_art(title, subtitle)
        with contextlib.suppress(OSError):  # a read-only cache only costs the drawing
            cache.write(key, lambda file: file.write(picture))
    else:
        cache.touch(path)
    return picture
