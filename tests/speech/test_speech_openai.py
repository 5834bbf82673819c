"""OpenAI-compatible engine against a local server in the shape of `/v1/audio/speech`."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import numpy as np
import pytest

from postcast.config import SpeechConfig
from postcast.errors import ConfigError, SpeechError
from postcast.speech.openai_engine import OpenAIEngine
from tests.fakes.openai_tts_server import (
    RATE_LIMITED,
    SAMPLE_RATE,
    SERVER_ERROR,
    Failure,
    FakeOpenAITTS,
)

TEXT = "Open models speak through the same interface."


@pytest.fixture
def server() -> Iterator[FakeOpenAITTS]:
    with FakeOpenAITTS(api_key="sk-test") as fake:
        yield fake


def engine_for(server: FakeOpenAITTS, **overrides: object) -> OpenAIEngine:
    settings: dict[str, object] = {
        "engine": "openai",
        "server_url": server.url,
        "api_key": "sk-test",
    }
    settings.update(overrides)
    engine = OpenAIEngine(SpeechConfig(**settings))  # type: ignore[arg-type]
    engine.backoff_seconds = 0.01
    return engine


def expected_seconds(text: str, speed: float = 1.0) -> float:
    return 0.06 * len(text) / speed


@pytest.mark.parametrize("response_format", ["wav", "pcm", "flac"])
def test_speaks_in_each_response_format(server: FakeOpenAITTS, response_format: str) -> None:
    engine = engine_for(server, voice="nova", model="tts-1-hd")
    engine.response_format = response_format
    audio = engine.synthesize(TEXT)
    assert engine.sample_rate == SAMPLE_RATE
    assert audio.dtype == np.float32
    assert audio.size / SAMPLE_RATE == pytest.approx(expected_seconds(TEXT), abs=0.01)
    assert 0.2 < np.abs(audio).max() <= 0.31
    assert server.requests == [
        {
            "model": "tts-1-hd",
            "input": TEXT,
            "voice": "nova",
            "response_format": response_format,
            "speed": 1.0,
        }
    ]


def test_length_scale_becomes_speed_and_identity(server: FakeOpenAITTS) -> None:
    slow = engine_for(server, length_scale=2.0)
    audio = slow.synthesize(TEXT)
    assert server.requests[-1]["speed"] == 0.5
    assert audio.size / SAMPLE_RATE == pytest.approx(expected_seconds(TEXT, 0.5), abs=0.01)
    normal = engine_for(server)
    assert slow.identity() != normal.identity()
    assert normal.identity("onyx") != normal.identity("alloy")
    assert normal.identity() == engine_for(server).identity()


def test_server_url_with_v1_suffix(server: FakeOpenAITTS) -> None:
    engine = engine_for(server, server_url=server.url + "/v1/")
    assert engine.synthesize("Hello there.").size > 0


def test_missing_server_url_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="server_url"):
        OpenAIEngine(SpeechConfig(engine="openai")).synthesize("Hello.")


def test_wrong_key_is_not_retried_and_names_server_and_status(server: FakeOpenAITTS) -> None:
    engine = engine_for(server, api_key="sk-wrong")
    with pytest.raises(SpeechError) as caught:
        engine.synthesize(TEXT)
    message = str(caught.value)
    assert server.url in message and "401" in message and "Incorrect API key" in message
    assert len(server.request_times) == 1


def test_bad_request_is_not_retried(server: FakeOpenAITTS) -> None:
    with pytest.raises(SpeechError, match=r"400.*voice"):
        engine_for(server, voice="not-a-voice").synthesize(TEXT)
    assert len(server.request_times) == 1


def test_rate_limit_is_retried_after_the_time_the_server_asks(server: FakeOpenAITTS) -> None:
    server.fail_next(Failure(**{**RATE_LIMITED.__dict__, "headers": {"Retry-After": "1"}}))
    audio = engine_for(server).synthesize(TEXT)
    assert audio.size > 0
    first, second = server.request_times
    assert second - first >= 0.95, "the client waited as long as Retry-After said"


def test_server_errors_are_retried_with_backoff(server: FakeOpenAITTS) -> None:
    server.fail_next(SERVER_ERROR, times=2)
    assert engine_for(server).synthesize(TEXT).size > 0
    assert len(server.request_times) == 3


def test_persistent_server_error_gives_up(server: FakeOpenAITTS) -> None:
    server.fail_next(SERVER_ERROR, times=10)
    engine = engine_for(server)
    engine.max_retries = 2
    with pytest.raises(SpeechError) as caught:
        engine.synthesize(TEXT)
    assert "500" in str(caught.value) and server.url in str(caught.value)
    assert len(server.request_times) == 3


def test_timeouts_are_retried(server: FakeOpenAITTS) -> None:
    server.stall_next(0.6)
    engine = engine_for(server)
    engine.timeout = httpx.Timeout(0.3)
    assert engine.synthesize(TEXT).size > 0
    assert len(server.request_times) == 2


def test_unreachable_server_is_a_speech_error() -> None:
    engine = OpenAIEngine(SpeechConfig(engine="openai", server_url="http://127.0.0.1:9"))
    engine.backoff_seconds = 0.01
    engine.max_retries = 1
    with pytest.raises(SpeechError, match=r"127\.0\.0\.1:9"):
        engine.synthesize(TEXT)
