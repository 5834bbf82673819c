"""The sentence and segment caches shared between workers through a store.

Each worker keeps its own cache folder in front; the store is the second level: a miss
on one machine is looked up there (and kept), and whatever a worker makes goes to both.
Run on both backends (a shared folder, and S3 through moto).
"""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from postcast.audio.chunk_cache import ChunkCache
from postcast.audio.chunks import MasteredChunk, master_segment
from postcast.config import AudioConfig, SpeechConfig
from postcast.models import Script, Segment, SegmentKind
from postcast.objectstore import Store, content_type_for, open_store
from postcast.objectstore.local import LocalStore
from postcast.speech import speak
from postcast.speech.cache import SentenceCache, cache_key
from postcast.speech.espeak_engine import EspeakEngine
from tests.audio.testsignals import speechlike
from tests.conftest import _unavailable

RATE = 22050
MB = 1 << 20
AUDIO = AudioConfig()


def _tone(seconds: float) -> np.ndarray:
    times = np.arange(round(seconds * RATE)) / RATE
    return (0.4 * np.sin(2 * np.pi * 220.0 * times)).astype(np.float32)


def _chunk() -> MasteredChunk:
    return master_segment(speechlike(2.0, 44100, 0.1), ((0.2, 1.0), (1.2, 1.8)), AUDIO)


def test_a_sentence_one_worker_cached_is_found_by_another(store: Store, tmp_path: Path) -> None:
    first = SentenceCache(tmp_path / "worker-1", 10 * MB, shared=store)
    key = cache_key("espeak|en-us", "A sentence worth keeping.")
    assert SentenceCache(tmp_path / "worker-2", 10 * MB, shared=store).get(key) is None
    first.put(key, _tone(0.5), RATE)
    second = SentenceCache(tmp_path / "worker-2", 10 * MB, shared=store)  # its next render

    shared_key = f"cache/speech/{key[:2]}/{key}.flac"
    assert store.list("cache/") == [shared_key]  # content-addressed, the local layout
    assert not second.path_for(key).exists()
    assert second.has(key)  # looked up in the store, and kept on this disk
    assert second.path_for(key).read_bytes() == store.get_bytes(shared_key)
    hit = second.get(key)
    assert hit is not None and hit.sample_rate == RATE
    np.testing.assert_allclose(hit.audio, _tone(0.5), atol=1e-6)


def test_a_mastered_segment_one_worker_made_is_reused_by_another(
    store: Store, tmp_path: Path
) -> None:
    ChunkCache(tmp_path / "worker-1", 10 * MB, AUDIO, shared=store).put("segment", _chunk())
    other = ChunkCache(tmp_path / "worker-2", 10 * MB, AUDIO, shared=store)
    assert other.has("segment") and other.claim("segment")
    chunk = other.take("segment")
    assert chunk is not None and chunk.mp3 == _chunk().mp3
    (key,) = store.list("cache/mastered/")
    assert key.endswith(".npz") and content_type_for(key) == "application/octet-stream"
    # other settings are other entries, in the store as on disk
    louder = ChunkCache(tmp_path / "worker-3", 10 * MB, replace(AUDIO, loudness_lufs=-19.0), store)
    assert not louder.has("segment")


def test_sentence_pieces_stay_on_the_worker_that_mastered_them(
    store: Store, tmp_path: Path
) -> None:
    from postcast.audio.render import render_audio
    from postcast.audio.tags import EpisodeTags
    from postcast.speech.base import SpokenSegment

    gap = np.zeros(round(0.35 * RATE), np.float32)
    sentences = [speechlike(4.0, RATE, 0.1, seed=seed) for seed in (1, 2, 3)]
    audio = np.concatenate([sentences[0], gap, sentences[1], gap, sentences[2], gap])
    starts = np.cumsum([0, len(sentences[0]) + len(gap), len(sentences[1]) + len(gap)]) / RATE
    spoken = SpokenSegment(
        segment=Segment(text="Three sentences.", kind=SegmentKind.PARAGRAPH),
        audio=audio,
        sample_rate=RATE,
        sentences=tuple((start, start + 4.0, f"Sentence {n}.") for n, start in enumerate(starts)),
        key="paragraph",
    )
    cache = ChunkCache(tmp_path / "worker-1", 10 * MB, AUDIO, shared=store)
    tags = EpisodeTags(title="Pieces", artist="Ann Lee", album="Library", date="2026-12-01")
    render_audio(iter([spoken]), tmp_path / "episode.mp3", tags, AUDIO, cache=cache)
    # the segment's chunk is in the store for every worker; its three pieces on this disk
    assert len(store.list("cache/mastered/")) == 1
    assert len(list((tmp_path / "worker-1" / "mastered").rglob("*.npz"))) == 4


def test_a_disabled_cache_neither_reads_nor_writes_the_store(store: Store, tmp_path: Path) -> None:
    SentenceCache(tmp_path / "on", 10 * MB, shared=store).put("ab" * 32, _tone(0.1), RATE)
    off = SentenceCache(tmp_path / "off", 0, shared=store)
    assert not off.has("ab" * 32) and off.get("ab" * 32) is None
    off.put("cd" * 32, _tone(0.1), RATE)
    assert store.list("cache/") == [f"cache/speech/ab/{'ab' * 32}.flac"]


def test_a_damaged_shared_entry_is_a_miss_and_is_replaced(store: Store, tmp_path: Path) -> None:
    key = "ef" * 32
    store.put_bytes(f"cache/speech/ef/{key}.flac", b"fLaC but not really")
    cache = SentenceCache(tmp_path / "worker", 10 * MB, shared=store)
    assert cache.get(key) is None
    assert not cache.path_for(key).exists()  # the damaged copy is not kept
    cache.put(key, _tone(0.2), RATE)
    fresh = SentenceCache(tmp_path / "fresh", 10 * MB, shared=store).get(key)
    assert fresh is not None and fresh.audio.size == _tone(0.2).size


def test_a_failing_store_is_a_miss_and_the_work_goes_on(
    aws_env: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = open_store("s3://no-such-bucket-postcast/cache-test")
    cache = SentenceCache(tmp_path / "worker", 10 * MB, shared=broken)
    key = "12" * 32
    with caplog.at_level(logging.WARNING, logger="postcast.cachedir"):
        assert cache.get(key) is None
        cache.put(key, _tone(0.2), RATE)
    assert cache.get(key) is not None  # kept on this disk all the same
    messages = [record.getMessage() for record in caplog.records]
    assert any("NoSuchBucket" in text and "treated as a miss" in text for text in messages)
    assert any("NoSuchBucket" in text and "kept on this disk only" in text for text in messages)


class _CountingEspeak(EspeakEngine):
    """The real espeak voice, counting what it is asked to say."""

    def __init__(self, config: SpeechConfig) -> None:
        super().__init__(config)
        self.calls: list[str] = []
        self._lock = threading.Lock()

    def synthesize(self, text: str, voice: str | None = None) -> np.ndarray:
        with self._lock:
            self.calls.append(text)
        return super().synthesize(text, voice)


def test_a_worker_with_an_empty_cache_speaks_nothing_another_spoke(
    store: Store, tmp_path: Path
) -> None:
    if shutil.which("espeak-ng") is None:
        _unavailable("espeak-ng is not installed (apt-get install espeak-ng)")
    script = Script(
        title="Shared",
        segments=(
            Segment("The first worker says this. And this too.", SegmentKind.PARAGRAPH),
            Segment("A second paragraph, said once.", SegmentKind.PARAGRAPH),
        ),
    )
    spoken: list[list[np.ndarray]] = []
    for worker in ("worker-1", "worker-2"):
        config = SpeechConfig(engine="espeak", cache_dir=str(tmp_path / worker))
        engine = _CountingEspeak(config)
        segments = list(speak(script, config, AUDIO, engine=engine, shared_cache=store))
        spoken.append([segment.audio for segment in segments])
        expected = 3 if worker == "worker-1" else 0
        assert len(engine.calls) == expected, engine.calls
    for first, second in zip(*spoken, strict=True):
        np.testing.assert_allclose(first, second, atol=1e-6)


class _CountingStore(LocalStore):
    """A shared folder that counts the reads it is asked for."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.reads: list[str] = []

    def stream(self, key: str, chunk_bytes: int = 1 << 20) -> Iterator[bytes]:
        self.reads.append(key)
        return super().stream(key, chunk_bytes)


def test_a_miss_costs_one_request_to_the_store(tmp_path: Path) -> None:
    shared = _CountingStore(tmp_path / "shared")
    cache = SentenceCache(tmp_path / "worker", 10 * MB, shared=shared)
    key = cache_key("espeak|en-us", "Asked about twice.")
    assert not cache.has(key) and cache.get(key) is None  # planning, then speaking
    assert shared.reads == [cache.shared_key(key)]
    cache.put(key, _tone(0.2), RATE)
    assert cache.get(key) is not None and len(shared.reads) == 1  # now on this disk


def test_a_part_spoken_on_one_worker_is_assembled_on_another_with_no_work(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long post's part (`steps.speak_part`) leaves its sentences and its mastered
    segments in the shared store: another machine's render speaks and masters nothing."""
    if shutil.which("espeak-ng") is None:
        _unavailable("espeak-ng is not installed (apt-get install espeak-ng)")
    from datetime import UTC, datetime

    from postcast import pipeline, steps
    from postcast.audio import pieces as audio_pieces
    from postcast.config import Config, ServiceConfig
    from postcast.models import Post

    post = Post(
        source="drafts",
        post_id="long",
        title="A part apart",
        authors=("Ada",),
        posted_at=datetime(2026, 11, 1, tzinfo=UTC),
        url="https://example.org/long",
        html="".join(f"<p>Paragraph {n} is said on one machine only.</p>" for n in range(3)),
    )

    def machine(name: str) -> Config:
        return Config(
            speech=SpeechConfig(engine="espeak", cache_dir=str(tmp_path / name)),
            service=ServiceConfig(storage=store.location()),
            base_dir=tmp_path,
        )

    first = machine("worker-1")
    segments = len(pipeline.script_for(post, first).segments)
    speaker = _CountingEspeak(first.speech)
    assert steps.speak_part(first, post, 0, segments, engine=speaker) == segments
    assert speaker.calls
    assert steps.speak_part(first, post, 0, segments, engine=speaker) == 0  # done before

    mastered: list[int] = []
    real_master = audio_pieces.master_segment
    monkeypatch.setattr(
        audio_pieces, "master_segment", lambda *a, **k: mastered.append(1) or real_master(*a, **k)
    )
    second = machine("worker-2")
    assembler = _CountingEspeak(second.speech)
    out = tmp_path / "render" / "long.mp3"
    out.parent.mkdir()
    _, audio = pipeline.render_post(post, second, out, engine=assembler)
    assert assembler.calls == [] and mastered == []
    assert audio.duration > 1.0 and out.stat().st_size == audio.size
