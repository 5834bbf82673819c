"""The issue's "done when": `postcast demo --no-serve` then `postcast serve` gives a feed
that podcast apps accept, whose episodes play, sound level, show chapters and start
with the intro. Everything here runs the real console script, voice and encoders."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import feedparser
import httpx
import numpy as np
import podcastparser
import pyloudnorm
import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from postcast.demo import demo_posts_dir

pytestmark = pytest.mark.slow

BASE_URL = "https://podcast.example.org/demo/"
POSTCAST = [sys.executable, "-m", "postcast"]


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    site = tmp_path_factory.mktemp("demo") / "site"
    with pytest.MonkeyPatch.context() as patch:
        # A cache of its own: the voice really speaks every sentence of the demo.
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
        result = subprocess.run(
            [*POSTCAST, "demo", "--out", str(site), "--no-serve", "--base-url", BASE_URL],
            capture_output=True,
            text=True,
            timeout=1200,
        )
        assert result.returncode == 0, result.stderr
        assert "Feed: https://podcast.example.org/demo/feed.xml" in result.stdout
        yield site


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def served(demo_site: Path) -> Iterator[str]:
    port = _free_port()
    server = subprocess.Popen(
        [*POSTCAST, "serve", str(demo_site), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.head(url + "/feed.xml")
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def _local(site: Path, url: str) -> Path:
    assert url.startswith(BASE_URL), url
    return site / url.removeprefix(BASE_URL)


def test_feed_accepted_by_two_real_parsers(demo_site: Path) -> None:
    feed_path = demo_site / "feed.xml"
    parsed = feedparser.parse(feed_path.read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    with feed_path.open("rb") as stream:
        gpodder = podcastparser.parse(BASE_URL + "feed.xml", stream)
    assert len(parsed.entries) == len(gpodder["episodes"]) == 5
    titles = {entry.title for entry in parsed.entries}
    assert "LW - A small glossary for newcomers by Anonymous" in titles
    assert (
        "EA - Six dinners instead of one talk: a community group experiment "
        "by Lena Hoffmann, Sam Adeyemi and Priya Nair" in titles
    )
    assert any(title.startswith("AF - ") for title in titles)
    for entry, episode in zip(parsed.entries, gpodder["episodes"], strict=True):
        enclosure = entry.enclosures[0]
        audio = _local(demo_site, enclosure.href)
        assert int(enclosure.length) == audio.stat().st_size
        assert episode["enclosures"][0]["file_size"] == audio.stat().st_size
        assert (
            episode["total_time"] == round(MP3(audio).info.length)
            or abs(episode["total_time"] - MP3(audio).info.length) <= 1
        )
        assert entry.id and episode["guid"] == entry.id
        assert len(entry.summary.encode()) <= 4000


def test_episodes_are_mastered_tagged_and_chaptered(demo_site: Path) -> None:
    parsed = feedparser.parse((demo_site / "feed.xml").read_bytes())
    for entry in parsed.entries:
        audio = _local(demo_site, entry.enclosures[0].href)
        info = MP3(audio).info
        assert info.channels == 1 and info.sample_rate == 44100
        assert 64_000 <= info.bitrate <= 96_000
        tags = ID3(audio)
        assert str(tags["TIT2"]) == entry.title
        assert str(tags["TALB"]) == "The Nonlinear Library"
        assert tags.getall("APIC")
        chapters = sorted(tags.getall("CHAP"), key=lambda chap: chap.start_time)
        assert len(chapters) >= 3
        assert tags.getall("CTOC")[0].child_element_ids == [c.element_id for c in chapters]
        samples, rate = _decode(audio)
        loudness = pyloudnorm.Meter(rate).integrated_loudness(samples)
        assert -17.0 <= loudness <= -15.0
        assert _true_peak_db(samples) <= -1.0


def _decode(path: Path) -> tuple[np.ndarray, int]:
    import av

    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        frames = [f.to_ndarray().astype(np.float32).reshape(-1) for f in container.decode(stream)]
        return np.concatenate(frames), stream.rate


def _true_peak_db(samples: np.ndarray) -> float:
    from scipy.signal import resample_poly

    peak = float(np.max(np.abs(resample_poly(samples, 4, 1))))
    return 20 * np.log10(max(peak, 1e-12))


def _intro_script() -> tuple[Path, str]:
    """The demo post whose intro is checked, and the intro its script says."""
    demo_json = next((demo_posts_dir() / "lesswrong").glob("01-*.json"))
    spoken = subprocess.run(
        [*POSTCAST, "script", str(demo_json)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    intro = spoken[0]
    assert _words(intro).startswith("welcome to the nonlinear library where we use")
    assert "published by mira okafor on march" in _words(intro)
    return demo_json, intro


def test_episode_starts_with_the_intro(demo_site: Path) -> None:
    post = "What a year of to-do lists taught me about planning"
    entry = next(
        e
        for e in feedparser.parse((demo_site / "feed.xml").read_bytes()).entries
        if post in e.title
    )
    audio = _local(demo_site, entry.enclosures[0].href)
    _, intro = _intro_script()
    vtt = audio.with_suffix(".vtt")
    cues = re.findall(r"--> [\d:.]+\n(.+)", vtt.read_text())
    seconds = _intro_end(vtt)
    heard_first = " ".join(cues[: next(i for i, cue in enumerate(cues) if "LessWrong" in cue) + 1])
    assert _words(heard_first) == _words(intro), "the episode's first words are the intro"
    samples, rate = _decode(audio)
    clip = samples[: int(seconds * rate)]
    assert seconds > 5 and float(np.sqrt(np.mean(clip**2))) > 0.01, "and they are spoken"


INTRO_SEED = 20260301  # any fixed seed: the takes are the same on every run


def test_intro_is_heard_as_written(tmp_path: Path) -> None:
    """Whisper hears each sentence of a rendered intro within the issue's 10% bound.

    The intro is rendered as in production (the voice's sampling noise on, the intro gate
    keeping the best of its takes), and deterministic all the same: ONNX Runtime's
    generator (Piper's noise) and CTranslate2's (Whisper's fallback sampling) are seeded,
    and the sentences are spoken in this process in the stage's order, so every run draws
    the same takes. Each sentence is then heard as the quality gate hears the intro (its
    beam, its name hints, its scoring). A single noise-free take is not what production
    speaks, and one such take ("March fortieth") failed on every run.
    """
    import ctranslate2
    import onnxruntime

    from postcast.config import Config, SpeechConfig
    from postcast.pipeline import render_post
    from postcast.sources.files import load_post_file
    from postcast.speech.quality import QualityGate
    from postcast.speech.stage import INTRO_BEAM_SIZE

    demo_json, intro = _intro_script()
    post = json.loads(demo_json.read_text())
    post["contents"] = {"html": "<p>That is all.</p>"}  # the intro is what is heard
    source = tmp_path / demo_json.name
    source.write_text(json.dumps(post))
    onnxruntime.set_seed(INTRO_SEED)
    ctranslate2.set_random_seed(INTRO_SEED)
    config = Config(
        speech=SpeechConfig(cache_dir=str(tmp_path / "cache"), workers=1), base_dir=tmp_path
    )
    audio = tmp_path / "intro.mp3"
    _, rendered = render_post(load_post_file(source), config, audio)
    samples, rate = _decode(audio)
    intro_end = next(timed.end for timed in rendered.timings if "LessWrong" in timed.text)
    sentences = [timed for timed in rendered.timings if timed.end <= intro_end]
    assert _words(" ".join(timed.text for timed in sentences)) == _words(intro)
    clips = [samples[int(timed.start * rate) : int(timed.end * rate)] for timed in sentences]
    gate = QualityGate(0.10, beam_size=INTRO_BEAM_SIZE)
    scores = gate.hear_all([timed.text for timed in sentences], clips, rate)
    assert all(gate.passes(wer) for wer, _ in scores), scores


def _intro_end(vtt: Path) -> float:
    """End of the cue that finishes the intro sentence naming the forum."""
    cues = re.findall(r"(\d+):(\d+):(\d+\.\d+) --> (\d+):(\d+):(\d+\.\d+)\n(.+)", vtt.read_text())
    for *_, h, m, s, text in cues:
        if "LessWrong" in text:
            return int(h) * 3600 + int(m) * 60 + float(s)
    raise AssertionError(f"no intro cue in {vtt}")


def _words(text: str) -> str:
    """Lower-case words without punctuation or hyphens."""
    text = text.lower().replace("-", " ")
    text = re.sub(r"[^a-z0-9' ]", " ", text)
    return " ".join(text.split())


def test_served_feed_and_media_answer_head_and_ranges(demo_site: Path, served: str) -> None:
    feed = httpx.get(served + "/feed.xml")
    assert feed.status_code == 200
    assert "xml" in feed.headers["content-type"]
    entry = feedparser.parse(feed.content).entries[0]
    path = entry.enclosures[0].href.removeprefix(BASE_URL)
    local = demo_site / path
    media = served + "/" + path
    head = httpx.head(media)
    assert head.status_code == 200
    assert int(head.headers["content-length"]) == local.stat().st_size
    assert head.headers["accept-ranges"] == "bytes"
    part = httpx.get(media, headers={"Range": "bytes=100-1099"})
    assert part.status_code == 206
    assert part.content == local.read_bytes()[100:1100]
    assert part.headers["content-range"] == f"bytes 100-1099/{local.stat().st_size}"


def test_second_demo_run_publishes_nothing_twice(demo_site: Path) -> None:
    before = {p: p.stat().st_mtime_ns for p in (demo_site / "episodes").glob("*.mp3")}
    result = subprocess.run(
        [*POSTCAST, "demo", "--out", str(demo_site), "--no-serve", "--base-url", BASE_URL],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    after = {p: p.stat().st_mtime_ns for p in (demo_site / "episodes").glob("*.mp3")}
    assert after == before
    assert len(feedparser.parse((demo_site / "feed.xml").read_bytes()).entries) == 5
