"""Sentence cache: hits and misses, LRU eviction, atomic writes, damaged entries."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

import numpy as np
import pytest

from postcast.config import SpeechConfig
from postcast.leftovers import CACHE_PREFIX
from postcast.speech.cache import SentenceCache, cache_key, default_cache_root

RATE = 22050


def tone(seconds: float, pitch: float = 220.0) -> np.ndarray:
    times = np.arange(round(seconds * RATE)) / RATE
    return (0.4 * np.sin(2 * np.pi * pitch * times)).astype(np.float32)


def test_key_depends_on_identity_and_text() -> None:
    assert cache_key("piper|a", "Hello.") == cache_key("piper|a", "Hello.")
    assert cache_key("piper|a", "Hello.") != cache_key("piper|b", "Hello.")
    assert cache_key("piper|a", "Hello.") != cache_key("piper|a", "Hello!")
    # parts are length-prefixed: moving a character across the boundary changes the key
    assert cache_key("ab", "c") != cache_key("a", "bc")


def test_miss_then_hit_round_trips_audio(tmp_path: Path) -> None:
    cache = SentenceCache(tmp_path, 10 * 1024 * 1024)
    key = cache_key("engine", "A sentence.")
    assert cache.get(key) is None
    audio = tone(0.5)
    cache.put(key, audio, RATE)
    hit = cache.get(key)
    assert hit is not None
    assert hit.sample_rate == RATE
    assert hit.audio.dtype == np.float32
    np.testing.assert_allclose(hit.audio, audio, atol=1e-6)  # 24-bit FLAC: inaudible error
    assert not [p for p in cache.path_for(key).parent.iterdir() if p.name.startswith(CACHE_PREFIX)]


def test_cache_dir_from_config_and_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_root() == tmp_path / "xdg" / "postcast"
    assert SentenceCache.from_config(SpeechConfig()).directory == tmp_path / "xdg/postcast/speech"
    explicit = SentenceCache.from_config(SpeechConfig(cache_dir=str(tmp_path / "mine")))
    assert explicit.directory == tmp_path / "mine" / "speech"


def test_zero_bound_disables_the_cache(tmp_path: Path) -> None:
    cache = SentenceCache(tmp_path, 0)
    cache.put("ab" * 32, tone(0.1), RATE)
    assert cache.get("ab" * 32) is None
    assert not (tmp_path / "speech").exists()


def test_eviction_drops_least_recently_used_first(tmp_path: Path) -> None:
    entry_size = _entry_size(tmp_path / "probe")
    cache = SentenceCache(tmp_path / "cache", int(entry_size * 3.5))
    keys = [cache_key("engine", f"sentence {i}") for i in range(3)]
    for age, key in enumerate(keys):
        cache.put(key, tone(1.0, 200 + 50 * age), RATE)
        # distinct, ordered mtimes without sleeping
        os.utime(cache.path_for(key), (time.time() - 100 + age, time.time() - 100 + age))
    assert cache.get(keys[0]) is not None  # touched: now the most recent
    cache.put(cache_key("engine", "sentence 3"), tone(1.0, 400), RATE)  # over the bound
    assert cache.total_bytes() <= cache.max_bytes
    assert cache.get(keys[1]) is None, "the least recently used entry is evicted"
    assert cache.get(keys[0]) is not None, "a recently hit entry survives"
    assert cache.get(cache_key("engine", "sentence 3")) is not None


def _entry_size(root: Path) -> int:
    probe = SentenceCache(root, 10 * 1024 * 1024)
    probe.put("00" * 32, tone(1.0, 200), RATE)
    return probe.path_for("00" * 32).stat().st_size


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty", "flip"])
def test_damaged_entry_is_a_miss_and_removed(tmp_path: Path, damage: str) -> None:
    cache = SentenceCache(tmp_path, 10 * 1024 * 1024)
    key = cache_key("engine", "Damaged.")
    cache.put(key, tone(1.0), RATE)
    path = cache.path_for(key)
    data = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        path.write_bytes(b"not audio at all" * 100)
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        flipped = bytearray(data)
        for offset in range(len(flipped) // 2, len(flipped) // 2 + 64):
            flipped[offset] ^= 0xFF
        path.write_bytes(bytes(flipped))
    assert cache.get(key) is None
    assert not path.exists()
    cache.put(key, tone(1.0), RATE)  # re-synthesised audio takes its place
    assert cache.get(key) is not None


def test_stale_temp_files_of_killed_writers_are_cleaned(tmp_path: Path) -> None:
    cache = SentenceCache(tmp_path, 10 * 1024 * 1024)
    key = cache_key("engine", "x")
    cache.put(key, tone(0.2), RATE)
    stale = cache.path_for(key).parent / f"{CACHE_PREFIX}dead_a1b.flac"
    stale.write_bytes(b"half a file")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    fresh = cache.path_for(key).parent / f"{CACHE_PREFIX}busy_c2d.flac"
    fresh.write_bytes(b"being written now")
    cache.evict()
    assert not stale.exists()
    assert fresh.exists(), "a temp file still being written is left alone"
    assert cache.get(key) is not None


def _writer(root: str, key: str, pitch: float, rounds: int) -> None:
    cache = SentenceCache(Path(root), 50 * 1024 * 1024)
    for _ in range(rounds):
        cache.put(key, tone(2.0, pitch), RATE)


@pytest.mark.slow
def test_two_processes_writing_one_key_leave_a_whole_entry(tmp_path: Path) -> None:
    key = cache_key("engine", "Both renders say this.")
    context = multiprocessing.get_context("spawn")
    writers = [
        context.Process(target=_writer, args=(str(tmp_path), key, pitch, 10))
        for pitch in (220.0, 330.0)
    ]
    for writer in writers:
        writer.start()
    reader = SentenceCache(tmp_path, 50 * 1024 * 1024)
    reads = 0
    while any(writer.is_alive() for writer in writers):
        hit = reader.get(key)
        if hit is not None:  # every read sees one writer's complete take, never a mix
            assert hit.audio.size == 2 * RATE
            reads += 1
        time.sleep(0.01)  # leave the cores to the writers
    for writer in writers:
        writer.join()
        assert writer.exitcode == 0
    final = reader.get(key)
    assert final is not None and final.audio.size == 2 * RATE
    leftovers = [p for p in reader.path_for(key).parent.iterdir() if p.name != f"{key}.flac"]
    assert leftovers == []
