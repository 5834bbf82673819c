"""A render killed at any moment (SIGKILL) and started again re-uses every sentence it
had already synthesised and publishes one correct episode, never a truncated one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from mutagen.mp3 import MP3

from postcast.config import load_config
from postcast.pipeline import render_post
from postcast.sources.files import load_post_file
from postcast.speech.piper_engine import PiperEngine

pytestmark = pytest.mark.slow

TOPICS = ("river", "garden", "market", "library", "harbour", "station", "orchard", "bridge")


def _post(path: Path) -> Path:
    sentences = [
        f"Sentence {n} is about the {TOPICS[n % len(TOPICS)]} we visited on day {n + 2}."
        for n in range(40)
    ]
    paragraphs = "".join(f"<p>{' '.join(sentences[i : i + 4])}</p>" for i in range(0, 40, 4))
    path.write_text(
        "<html><head><title>Resumable</title><meta name='author' content='Ada Example'>"
        f"</head><body>{paragraphs}</body></html>"
    )
    return path


def _cached(cache: Path) -> set[Path]:
    return {p for p in cache.rglob("*.flac") if not p.name.startswith(".")}


def test_killed_render_resumes_from_the_sentence_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    post = _post(tmp_path / "post.html")
    cache = tmp_path / "cache"
    config_file = tmp_path / "postcast.toml"
    # intro_max_wer = 0: no intro retakes, so every engine call is a missing sentence; Piper,
    # the slower voice, so that the render is still under way when it is killed
    config_file.write_text(
        f'[speech]\nengine = "piper"\ncache_dir = "{cache}"\nworkers = 1\nintro_max_wer = 0\n'
    )
    out = tmp_path / "site" / "episode.mp3"
    out.parent.mkdir()
    render = subprocess.Popen(
        [sys.executable, "-m", "postcast", "render", str(post), "-o", str(out),
         "--config", str(config_file)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 300
    while len(_cached(cache)) < 8 and render.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert render.poll() is None, "the render finished before it could be killed"
    os.kill(render.pid, signal.SIGKILL)
    render.wait()
    assert not out.exists()  # nothing half-written where a client could fetch it
    before = _cached(cache)
    assert len(before) >= 8

    calls: list[str] = []
    real = PiperEngine.synthesize

    def counting(self: PiperEngine, text: str, voice: str | None = None) -> object:
        calls.append(text)
        return real(self, text, voice)

    monkeypatch.setattr(PiperEngine, "synthesize", counting)
    _, audio = render_post(load_post_file(post), load_config(config_file), out)
    after = _cached(cache)
    assert before < after
    assert len(calls) == len(after) - len(before)  # only the missing sentences were spoken
    assert abs(MP3(out).info.length - audio.duration) < 0.2
    assert audio.timings[-1].end <= audio.duration
    assert out.stat().st_size == audio.size


def test_re_render_after_an_edit_speaks_and_masters_only_the_edited_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from postcast.audio import pieces as audio_pieces
    from postcast.speech.espeak_engine import EspeakEngine

    post = _post(tmp_path / "post.html")
    config_file = tmp_path / "postcast.toml"
    config_file.write_text(f'[speech]\nengine = "espeak"\ncache_dir = "{tmp_path / "cache"}"\n')
    config = load_config(config_file)
    _, first = render_post(load_post_file(post), config, tmp_path / "first.mp3")

    spoken: list[str] = []
    mastered: list[float] = []
    real_speak, real_master = EspeakEngine.synthesize, audio_pieces.master_segment

    def counting_speak(self: EspeakEngine, text: str, voice: str | None = None) -> object:
        spoken.append(text)
        return real_speak(self, text, voice)

    def counting_master(audio: object, spans: object, *args: object) -> object:
        mastered.append(len(spans))  # type: ignore[arg-type]
        return real_master(audio, spans, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(EspeakEngine, "synthesize", counting_speak)
    monkeypatch.setattr(audio_pieces, "master_segment", counting_master)
    html = post.read_text()
    post.write_text(html.replace("Sentence 21 is", "Sentence twenty-one, edited, is"))
    _, second = render_post(load_post_file(post), config, tmp_path / "second.mp3")
    assert spoken == [
        "Sentence twenty-one, edited, is about the station we visited on day twenty-three."
    ]
    # one piece of the paragraph's four sentences: the edited one (the others, each
    # over 3 s with a pause around it, come from the chunk cache)
    assert mastered == [1]
    assert len(second.timings) == len(first.timings)
    assert second.duration == pytest.approx(first.duration, abs=1.0)
    assert abs(MP3(tmp_path / "second.mp3").info.length - second.duration) < 0.2
