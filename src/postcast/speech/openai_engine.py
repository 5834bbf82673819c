"""Any server speaking OpenAI's `POST /v1/audio/speech` (OpenAI itself, Kokoro-FastAPI,
openedai-speech, LocalAI, ...): text in, audio bytes out."""

from __future__ import annotations

import io
import threading
import time

import httpx
import numpy as np
import soundfile
import soxr

from postcast.config import SpeechConfig
from postcast.errors import ConfigError, RetryableResponse, SpeechError
from postcast.retry import RETRY_STATUSES as HTTP_RETRY_STATUSES
from postcast.retry import http_retrying
from postcast.speech.base import (
    LEXICON_IN_TEXT,
    Concurrency,
    PronunciationLexicon,
    SpeechEngine,
)

DEFAULT_VOICE = "alloy"
SAMPLE_RATE = 24000  # OpenAI's output rate; "pcm" is 24 kHz 16-bit little-endian mono
RETRY_STATUSES = HTTP_RETRY_STATUSES | {409}  # 409: some servers say busy so
MAX_RETRY_WAIT = 60.0


class OpenAIEngine(SpeechEngine):
    name = "openai"
    response_format = "wav"  # self-describing, so servers with other rates still work
    max_retries = 4
    backoff_seconds = 0.5  # doubled after each failed try unless the server says when
    timeout = httpx.Timeout(120.0, connect=10.0)

    def __init__(
        self, config: SpeechConfig, lexicon: PronunciationLexicon | None = None, threads: int = 0
    ) -> None:
        super().__init__(config, lexicon, threads)
        self._client: httpx.Client | None = None
        self._client_lock = threading.Lock()

    @property
    def endpoint(self) -> str:
        base = self.config.server_url.rstrip("/")
        if not base:
            raise ConfigError("[speech] server_url", "the openai engine needs the server's URL")
        return f"{base}/audio/speech" if base.endswith("/v1") else f"{base}/v1/audio/speech"

    @property
    def sample_rate(self) -> int:
        return SAMPLE_RATE

    def concurrency(self) -> Concurrency:
        return Concurrency.THREADS  # waits on the network

    def _voice(self, voice: str | None) -> str:
        return voice or self.config.voice or DEFAULT_VOICE

    def _speed(self) -> float:
        return min(4.0, max(0.25, 1.0 / (self.config.length_scale or 1.0)))

    def identity(self, voice: str | None = None) -> str:
        return "|".join(
            [
                "openai",
                self.endpoint,
                self.config.model,
                self._voice(voice),
                f"speed={self._speed():.4f}",
                LEXICON_IN_TEXT,
            ]
        )

    def pronounced(self, text: str) -> str:
        return self.lexicon.respell(text) if self.lexicon is not None else text

    def _http(self) -> httpx.Client:
        with self._client_lock:
            if self._client is None:
                headers = {}
                if self.config.api_key:
                    headers["Authorization"] = f"Bearer {self.config.api_key}"
                self._client = httpx.Client(timeout=self.timeout, headers=headers)
            return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def synthesize(self, text: str, voice: str | None = None) -> np.ndarray:
        body = {
            "model": self.config.model,
            "input": self.pronounced(text),
            "voice": self._voice(voice),
            "response_format": self.response_format,
            "speed": self._speed(),
        }
        response = self._post_with_retries(body)
        return self._decode(response)

    def _post_with_retries(self, body: dict[str, object]) -> httpx.Response:
        """POST, retrying timeouts, dropped connections and busy answers (waiting as long
        as the server asks, up to a minute); other errors at once."""
        retrying = http_retrying(
            max_retries=self.max_retries,
            retry_on=lambda error: isinstance(error, RetryableResponse | httpx.TransportError),
            sleep=time.sleep,
            backoff_base=self.backoff_seconds,
            backoff_cap=MAX_RETRY_WAIT,
            max_asked_wait=MAX_RETRY_WAIT,
        )
        try:
            for attempt in retrying:
                with attempt:
                    response = self._http().post(self.endpoint, json=body)
                    if response.is_success:
                        return response
                    if response.status_code in RETRY_STATUSES:
                        raise RetryableResponse(response)
                    raise self._error(response)
        except RetryableResponse as busy:
            raise self._error(busy.response) from None
        except httpx.TransportError as error:  # timeouts, refused connections, resets
            raise SpeechError(
                f"TTS server {self.config.server_url}: {type(error).__name__}: {error}"
            ) from error
        raise AssertionError("unreachable: the last try returns or raises")

    def _error(self, response: httpx.Response) -> SpeechError:
        message = response.text[:300]
        try:
            payload = response.json()
            message = payload["error"]["message"]
        except (ValueError, KeyError, TypeError):
            pass
        return SpeechError(
            f"TTS server {self.config.server_url} answered HTTP {response.status_code}: {message}"
        )

    def _decode(self, response: httpx.Response) -> np.ndarray:
        content_type = response.headers.get("content-type", "")
        if content_type.startswith("application/json") or not response.content:
            raise SpeechError(
                f"TTS server {self.config.server_url} sent no audio ({content_type or 'empty'})"
            )
        if self.response_format == "pcm":
            samples = np.frombuffer(response.content, dtype="<i2").astype(np.float32) / 32768.0
            return samples
        try:
            audio, rate = soundfile.read(
                io.BytesIO(response.content), dtype="float32", always_2d=True
            )
        except (soundfile.LibsndfileError, RuntimeError) as error:
            raise SpeechError(
                f"TTS server {self.config.server_url} sent unreadable "
                f"{self.response_format} audio: {error}"
            ) from error
        return _resample(audio.mean(axis=1), rate, SAMPLE_RATE)


def _resample(audio: np.ndarray, rate: int, target: int) -> np.ndarray:
    if rate == target:
        return audio.astype(np.float32, copy=False)
    resampled: np.ndarray = soxr.resample(audio, rate, target, quality="VHQ")
    return resampled.astype(np.float32)
