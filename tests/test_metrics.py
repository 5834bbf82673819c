"""Prometheus metrics: they move where the work happens (a real espeak render, the real
caches, a real Piper process pool), and every exposition parses with prometheus_client's
own text parser, in one process and across several (multiprocess mode)."""

from __future__ import annotations

import os
import pickle
import shutil
import struct
import subprocess
import sys
import textwrap
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx
import numpy as np
import pytest
from prometheus_client.parser import text_string_to_metric_families

from postcast import metrics, pipeline
from postcast.config import SpeechConfig
from postcast.speech.base import Concurrency
from postcast.speech.piper_engine import PiperEngine
from postcast.speech.workers import Plan, Synthesizer
from tests.service.observed_library import PARAGRAPHS, library_config, write_post

Reading = Callable[[], dict[str, float]]


def _reading(**labels: dict[str, str]) -> Reading:
    """A function reading the named samples now (metric names as keyword arguments)."""
    return lambda: {name: metrics.sample(name, wanted) for name, wanted in labels.items()}


def _moved(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {name: after[name] - before[name] for name in before}


ESPEAK = {"engine": "espeak"}
RENDER = _reading(
    postcast_episodes_rendered_total={"source_kind": "local"},
    postcast_episodes_failed_total={"source_kind": "local"},
    postcast_synthesis_seconds_count=ESPEAK,
    postcast_synthesis_seconds_sum=ESPEAK,
    postcast_synthesized_audio_seconds_total=ESPEAK,
    postcast_real_time_factor_count=ESPEAK,
    postcast_sentence_cache_hits_total={},
    postcast_sentence_cache_misses_total={},
    postcast_segment_cache_hits_total={},
    postcast_segment_cache_misses_total={},
)


def test_a_render_moves_the_episode_synthesis_and_cache_counters(tmp_path: Path) -> None:
    """The post's script: an intro of 2 sentences, 2 paragraphs of 3, an outro of 2."""
    config = library_config(tmp_path)
    write_post(tmp_path / "posts", "lighthouse")
    before = RENDER()
    assert len(pipeline.run_pass(config).rendered) == 1
    cold = _moved(before, RENDER())
    assert cold["postcast_episodes_rendered_total"] == 1
    assert cold["postcast_episodes_failed_total"] == 0
    # Nothing was cached yet: every sentence is spoken (espeak: a job a sentence).
    assert cold["postcast_sentence_cache_hits_total"] == 0
    assert cold["postcast_sentence_cache_misses_total"] == 10
    assert cold["postcast_synthesis_seconds_count"] == 10
    assert cold["postcast_synthesis_seconds_sum"] > 0
    assert cold["postcast_synthesized_audio_seconds_total"] > 10  # ten sentences
    assert cold["postcast_real_time_factor_count"] == 1  # one episode
    assert cold["postcast_segment_cache_hits_total"] == 0
    assert cold["postcast_segment_cache_misses_total"] == 4

    # The second paragraph edited: the other three segments come mastered from the cache.
    write_post(tmp_path / "posts", "lighthouse", (PARAGRAPHS[0], "The lamp went dark."))
    middle = RENDER()
    assert len(pipeline.run_pass(config).rendered) == 1
    warm = _moved(middle, RENDER())
    assert warm["postcast_episodes_rendered_total"] == 1
    assert warm["postcast_segment_cache_hits_total"] == 3
    assert warm["postcast_segment_cache_misses_total"] == 1
    assert warm["postcast_sentence_cache_misses_total"] == 3  # the new paragraph's
    assert warm["postcast_synthesis_seconds_count"] == 3

    # Back to the first text, without the mastered segments: every sentence is cached.
    shutil.rmtree(tmp_path / "cache" / "mastered")
    write_post(tmp_path / "posts", "lighthouse")
    last = RENDER()
    assert len(pipeline.run_pass(config).rendered) == 1
    cached = _moved(last, RENDER())
    assert cached["postcast_segment_cache_misses_total"] == 4
    assert cached["postcast_sentence_cache_hits_total"] == 10
    assert cached["postcast_sentence_cache_misses_total"] == 0
    assert cached["postcast_synthesis_seconds_count"] == 0
    assert cached["postcast_real_time_factor_count"] == 0  # nothing spoken, no ratio


def test_a_failed_render_counts_as_failed(tmp_path: Path) -> None:
    config = library_config(tmp_path, engine="piper", voice=str(tmp_path / "missing.onnx"))
    write_post(tmp_path / "posts", "lighthouse")
    before = RENDER()
    report = pipeline.run_pass(config)
    assert len(report.failed) == 1
    moved = _moved(before, RENDER())
    assert moved["postcast_episodes_failed_total"] == 1
    assert moved["postcast_episodes_rendered_total"] == 0


def test_the_process_pool_reports_synthesis_it_timed_in_its_workers() -> None:
    config = SpeechConfig(noise_scale=0.0, noise_w_scale=0.0)
    engine = PiperEngine(config)
    if engine.concurrency() is not Concurrency.PROCESSES:
        pytest.skip("ONNX Runtime has a GPU here: Piper runs as one batched session")
    piper = {"engine": "piper"}
    reading = _reading(
        postcast_synthesis_seconds_count=piper,
        postcast_synthesized_audio_seconds_total=piper,
        postcast_real_time_factor_count=piper,
        postcast_real_time_factor_sum=piper,
    )
    before = reading()
    synthesizer = Synthesizer(engine, Plan(Concurrency.PROCESSES, 2), config, None)
    futures = [synthesizer.submit([text], None) for text in ("One sentence.", "And another.")]
    spoken = [future.result()[0] for future in futures]
    synthesizer.close()
    moved = _moved(before, reading())
    assert moved["postcast_synthesis_seconds_count"] == 2
    audio = sum(part.size for part in spoken) / engine.sample_rate
    assert moved["postcast_synthesized_audio_seconds_total"] == pytest.approx(audio)
    assert moved["postcast_real_time_factor_count"] == 1
    assert moved["postcast_real_time_factor_sum"] > 0


def test_a_timed_batch_keeps_its_seconds_through_pickling() -> None:
    batch = metrics.timed_batch(lambda texts, voice: [np.ones(4, np.float32)], ["a"], None)
    copied = pickle.loads(pickle.dumps(batch))
    assert copied.seconds == batch.seconds > 0
    assert isinstance(copied, list) and np.array_equal(copied[0], np.ones(4))


def test_queue_latency_is_the_wait_from_enqueue_to_start() -> None:
    reading = _reading(
        postcast_queue_latency_seconds_count={"task": "render"},
        postcast_queue_latency_seconds_sum={"task": "render"},
        postcast_queue_latency_seconds_bucket={"task": "render", "le": "5.0"},
    )
    before = reading()
    assert metrics.observe_queue_latency(1000.0, "render", now=1002.5) == 2.5
    sent = datetime(2025, 3, 1, 8, 0, 0, tzinfo=UTC)
    assert metrics.observe_queue_latency(sent, "render", now=sent.timestamp() + 4) == 4
    # A clock ahead of ours: the task waited no time, not a negative time.
    assert metrics.observe_queue_latency(1010.0, "render", now=1000.0) == 0
    moved = _moved(before, reading())
    assert moved == {
        "postcast_queue_latency_seconds_count": 3,
        "postcast_queue_latency_seconds_sum": 6.5,
        "postcast_queue_latency_seconds_bucket": 3,
    }


def _samples(text: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    """Sample name -> its (labels, value) pairs, as prometheus_client's parser reads them."""
    samples: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append((sample.labels, sample.value))
    return samples


def test_serve_metrics_answers_on_its_own_port() -> None:
    rendered_rss = {"source_kind": "rss"}
    metrics.episode_rendered("rss")
    server = metrics.serve_metrics(0, "127.0.0.1")  # 0: any free port
    try:
        port = server.server_address[1]
        response = httpx.get(f"http://127.0.0.1:{port}/metrics")
    finally:
        server.shutdown()
        server.server_close()
    assert response.status_code == 200
    samples = _samples(response.text)
    rendered = {
        labels["source_kind"]: v for labels, v in samples["postcast_episodes_rendered_total"]
    }
    assert rendered["rss"] == metrics.sample("postcast_episodes_rendered_total", rendered_rss)
    assert rendered["rss"] >= 1
    for name in ("synthesis_seconds", "real_time_factor", "queue_latency_seconds"):
        assert f"# TYPE postcast_{name} histogram" in response.text


MULTIPROCESS_SCRIPT = textwrap.dedent(
    """
    import multiprocessing, sys
    from postcast import metrics

    def render_one(kind):
        metrics.episode_rendered(kind)
        metrics.SENTENCE_CACHE_HITS.inc(2)

    if __name__ == "__main__":
        context = multiprocessing.get_context("fork")  # as a prefork pool makes them
        children = [context.Process(target=render_one, args=("local",)) for _ in range(3)]
        for child in children:
            child.start()
        for child in children:
            child.join()
            metrics.process_exited(child.pid)
        metrics.episode_failed("rss")
        sys.stdout.write(metrics.exposition()[0].decode())
    """
)


def test_multiprocess_mode_adds_up_every_process(tmp_path: Path) -> None:
    folder = tmp_path / "prometheus"
    folder.mkdir()
    script = tmp_path / "prefork.py"
    script.write_text(MULTIPROCESS_SCRIPT)
    environment = {**os.environ, metrics.MULTIPROCESS_ENV: str(folder)}
    environment["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    result = subprocess.run(
        [sys.executable, str(script)], env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    samples = _samples(result.stdout)
    assert samples["postcast_episodes_rendered_total"] == [({"source_kind": "local"}, 3)]
    assert samples["postcast_episodes_failed_total"] == [({"source_kind": "rss"}, 1)]
    assert samples["postcast_sentence_cache_hits_total"] == [({}, 6)]  # 2 from each child
    assert any(path.suffix == ".db" for path in folder.iterdir())  # what it added up


def test_a_pool_file_caught_half_written_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A pool process that has just created its file has not written its header yet: read
    # at that moment, prometheus_client raises, and the scrape would answer 500.
    from prometheus_client import multiprocess

    monkeypatch.setenv(metrics.MULTIPROCESS_ENV, str(tmp_path))
    reads: list[int] = []
    real = multiprocess.MultiProcessCollector.collect

    def half_written_once(self: multiprocess.MultiProcessCollector) -> object:
        reads.append(1)
        if len(reads) == 1:
            raise struct.error("unpack_from requires a buffer of at least 4 bytes")
        return real(self)

    monkeypatch.setattr(multiprocess.MultiProcessCollector, "collect", half_written_once)
    text, _ = metrics.exposition()
    assert len(reads) == 2
    assert list(text_string_to_metric_families(text.decode())) == []  # nothing recorded yet

    monkeypatch.setattr(multiprocess.MultiProcessCollector, "collect", real)
    (tmp_path / "counter_999.db").write_bytes(b"")  # a file that never becomes whole
    with pytest.raises(struct.error):
        metrics.exposition()
