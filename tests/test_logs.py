"""Logs: JSON lines that parse, with the GUID of the episode being rendered in every line
logged while it is (from the render path, the speech threads and the speech worker
processes alike), and human-readable text by default."""

from __future__ import annotations

import io
import json
import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import httpx
import numpy as np
import pytest

from postcast import logs, pipeline
from postcast.config import SpeechConfig
from postcast.logs import LogFormat, configure_logging, episode_logging
from postcast.speech.base import Concurrency
from postcast.speech.espeak_engine import EspeakEngine
from postcast.speech.piper_engine import PiperEngine
from postcast.speech.workers import Plan, Synthesizer
from tests.service.observed_library import CONFIG_TOML, library_config, write_post


@pytest.fixture(autouse=True)
def own_logging() -> Iterator[None]:
    """Each test configures logging its way; the root logger is put back afterwards."""
    root = logging.getLogger()
    handlers, level, configured = list(root.handlers), root.level, logs._configured
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    logs._configured = configured


def _json_lines(text: str) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in text.splitlines()]  # every line parses
    assert lines and all(isinstance(line, dict) for line in lines)
    return lines


def _render_window(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The lines from an episode's "rendering" to its "rendered", both included."""
    start = next(i for i, line in enumerate(lines) if line["message"].startswith("rendering "))
    end = next(i for i, line in enumerate(lines) if line["message"].startswith("rendered "))
    return lines[start : end + 1]


def test_every_line_logged_while_an_episode_renders_carries_its_guid(tmp_path: Path) -> None:
    stream = io.StringIO()
    configure_logging(LogFormat.JSON, "DEBUG", stream=stream)
    write_post(tmp_path / "posts", "lighthouse")
    report = pipeline.run_pass(library_config(tmp_path))
    (guid,) = report.rendered
    lines = _json_lines(stream.getvalue())
    for line in lines:
        assert {"time", "level", "logger", "process", "message"} <= line.keys()
    during = _render_window(lines)
    assert during and all(line["guid"] == guid for line in during)
    assert [line["level"] for line in during if line["logger"] == "postcast.rendering"] == [
        "INFO",
        "INFO",
    ]
    # Lines before the episode (the database's migrations) have no GUID to carry.
    assert any(line["logger"].startswith("alembic") for line in lines)
    assert all("guid" not in line for line in lines if line["logger"].startswith("alembic"))


def test_a_failed_render_is_an_error_line_with_its_guid(tmp_path: Path) -> None:
    stream = io.StringIO()
    configure_logging(LogFormat.JSON, stream=stream)  # JSON: INFO and above by default
    write_post(tmp_path / "posts", "lighthouse")
    config = library_config(tmp_path, engine="piper", voice=str(tmp_path / "missing.onnx"))
    ((guid, error),) = pipeline.run_pass(config).failed
    errors = [line for line in _json_lines(stream.getvalue()) if line["level"] == "ERROR"]
    assert errors == [
        {**errors[0], "logger": "postcast.rendering", "message": f"render failed: {error}"}
    ]
    assert errors[0]["guid"] == guid


class ChattyEspeak(EspeakEngine):
    """The real espeak engine, logging from inside the speech pool's threads."""

    def synthesize_batch(self, texts: list[str], voice: str | None = None) -> list[np.ndarray]:
        logging.getLogger("tests.chatty").info("speaking %d sentences", len(texts))
        return super().synthesize_batch(texts, voice)


def test_speech_threads_log_under_the_episode_guid() -> None:
    stream = io.StringIO()
    configure_logging(LogFormat.JSON, stream=stream)
    config = SpeechConfig(engine="espeak")
    synthesizer = Synthesizer(ChattyEspeak(config), Plan(Concurrency.THREADS, 2), config, None)
    with episode_logging("lw-abc123"):
        futures = [synthesizer.submit([text], None) for text in ("One.", "Two.", "Three.")]
    assert all(future.result()[0].size for future in futures)
    synthesizer.close()
    chatty = [line for line in _json_lines(stream.getvalue()) if line["logger"] == "tests.chatty"]
    assert len(chatty) == 3 and {line["guid"] for line in chatty} == {"lw-abc123"}


def test_speech_worker_processes_log_as_the_renderer_does(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """Each worker process's voice loads where its optimised graph cannot be kept (the
    cache's `onnx` folder is a file), and says so: in JSON, with the GUID."""
    (tmp_path / "onnx").write_text("not a folder")
    config = SpeechConfig(
        engine="piper", cache_dir=str(tmp_path), noise_scale=0.0, noise_w_scale=0.0
    )
    engine = PiperEngine(config)
    if engine.concurrency() is not Concurrency.PROCESSES:
        pytest.skip("ONNX Runtime has a GPU here: Piper runs as one batched session")
    configure_logging(LogFormat.JSON, "INFO")
    capfd.readouterr()
    synthesizer = Synthesizer(engine, Plan(Concurrency.PROCESSES, 2), config, None)
    with episode_logging("ea-xyz789"):
        futures = [synthesizer.submit([text], None) for text in ("One.", "Two.")]
    assert all(future.result()[0].size for future in futures)
    synthesizer.close()
    lines = [json.loads(line) for line in capfd.readouterr().err.splitlines() if line]
    kept = [line for line in lines if line["logger"] == "postcast.speech.onnx_cache"]
    assert kept and all(
        line["message"].startswith("cannot keep the optimised graph") for line in kept
    )
    assert {line["guid"] for line in kept} == {"ea-xyz789"}
    assert os.getpid() not in {line["process"] for line in kept}  # the workers' lines


def test_text_is_the_default_and_shows_the_guid_too() -> None:
    stream = io.StringIO()
    configure_logging(stream=stream)
    logger = logging.getLogger("postcast.test")
    logger.info("not shown: text logs warnings and worse by default")
    logger.warning("outside any episode")
    with episode_logging("lw-abc123"):
        logger.warning("inside one")
    assert stream.getvalue().splitlines() == [
        "WARNING postcast.test: outside any episode",
        "WARNING postcast.test: inside one [lw-abc123]",
    ]


@pytest.mark.parametrize("chosen_by", ["option", "environment"])
def test_postcast_run_logs_json_lines_with_the_guid(tmp_path: Path, chosen_by: str) -> None:
    (tmp_path / "postcast.toml").write_text(CONFIG_TOML)
    write_post(tmp_path / "posts", "lighthouse")
    environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    command = [sys.executable, "-m", "postcast"]
    if chosen_by == "option":
        command += ["--log-format", "json"]
    else:
        environment["POSTCAST_LOG_FORMAT"] = "json"
    result = subprocess.run(
        [*command, "run", "--once", "--config", str(tmp_path / "postcast.toml")],
        capture_output=True,
        text=True,
        timeout=600,
        env=environment,
    )
    assert result.returncode == 0, result.stderr
    # stderr also has the progress display and the summary: the log lines are the objects
    lines = _json_lines("\n".join(x for x in result.stderr.splitlines() if x.startswith("{")))
    (entry,) = feedparser.parse(tmp_path / "site" / "feed.xml").entries
    during = _render_window(lines)
    assert {line["guid"] for line in during} == {entry.id}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_postcast_web_logs_its_requests_as_json(tmp_path: Path) -> None:
    (tmp_path / "postcast.toml").write_text(CONFIG_TOML)
    port = _free_port()
    command = [sys.executable, "-m", "postcast", "--log-format", "json", "web"]
    server = subprocess.Popen(
        [*command, "--config", str(tmp_path / "postcast.toml"), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    response: httpx.Response | None = None
    try:
        for _ in range(300):
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/healthz")
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert response is not None and response.status_code == 200
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    lines = _json_lines(stderr)  # uvicorn's lines too: nothing but JSON
    access = [line for line in lines if line["logger"] == "uvicorn.access"]
    assert len(access) == 1 and '"GET /healthz HTTP/1.1" 200' in access[0]["message"]
    assert all("color_message" not in line for line in lines)
