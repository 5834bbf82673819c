"""A local stand-in for OpenAI's `POST /v1/audio/speech`, answering in its exact shape.

Audio: a tone (pitch per voice, length per character) at 24 kHz, as bytes of the asked
`response_format` with its content type. Errors: OpenAI's JSON body
`{"error": {"message", "type", "param", "code"}}` with 400/401/429/500. Tests queue
failures with `fail_next` and read what was asked in `requests`.
"""

from __future__ import annotations

import hashlib
import io
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import lameenc
import numpy as np
import soundfile

SAMPLE_RATE = 24000
MAX_INPUT_CHARS = 4096
CONTENT_TYPES = {
    "mp3": "audio/mpeg",
    "wav": "audio/wav",
    "pcm": "audio/pcm",
    "flac": "audio/flac",
}
MODELS = {"tts-1", "tts-1-hd", "gpt-4o-mini-tts"}
VOICES = {"alloy", "ash", "coral", "echo", "fable", "onyx", "nova", "sage", "shimmer"}


@dataclass
class Failure:
    status: int
    message: str
    error_type: str
    code: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


RATE_LIMITED = Failure(429, "Rate limit reached for requests", "requests", "rate_limit_exceeded")
SERVER_ERROR = Failure(
    500, "The server had an error while processing your request.", "server_error"
)


def tone(text: str, voice: str, speed: float) -> np.ndarray:
    seconds = max(0.2, 0.06 * len(text) / speed)
    pitch = 180 + int(hashlib.sha256(voice.encode()).hexdigest()[:4], 16) % 200
    times = np.arange(round(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    envelope = np.minimum(1.0, np.minimum(times, times[-1] - times) * 20)
    return (0.3 * envelope * np.sin(2 * np.pi * pitch * times)).astype(np.float32)


def encode(audio: np.ndarray, response_format: str) -> bytes:
    if response_format == "pcm":
        return (np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes()
    if response_format == "mp3":
        encoder = lameenc.Encoder()
        encoder.set_bit_rate(64)
        encoder.set_in_sample_rate(SAMPLE_RATE)
        encoder.set_channels(1)
        pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes()
        return bytes(encoder.encode(pcm) + encoder.flush())
    buffer = io.BytesIO()
    fmt = "WAV" if response_format == "wav" else "FLAC"
    soundfile.write(buffer, audio, SAMPLE_RATE, format=fmt, subtype="PCM_16")
    return buffer.getvalue()


class FakeOpenAITTS:
    """Runs the fake on 127.0.0.1 in a thread; use as a context manager."""

    def __init__(self, api_key: str | None = None) -> None:
        self.api_key = api_key
        self.requests: list[dict[str, Any]] = []
        self.request_times: list[float] = []
        self.failures: deque[Failure] = deque()
        self.stalls: deque[float] = deque()  # seconds to wait before answering
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def fail_next(self, failure: Failure, times: int = 1) -> None:
        with self.lock:
            self.failures.extend([failure] * times)

    def stall_next(self, seconds: float, times: int = 1) -> None:
        """Answer the next requests only after `seconds` (to make clients time out)."""
        with self.lock:
            self.stalls.extend([seconds] * times)

    def __enter__(self) -> FakeOpenAITTS:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    def answer(self, headers: Any, raw: bytes) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body for one request, like the real endpoint."""
        with self.lock:
            self.request_times.append(time.monotonic())
            failure = self.failures.popleft() if self.failures else None
            stall = self.stalls.popleft() if self.stalls else 0.0
        time.sleep(stall)
        if self.api_key is not None and headers.get("Authorization") != f"Bearer {self.api_key}":
            return error(
                Failure(
                    401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key"
                )
            )
        try:
            body = json.loads(raw)
        except ValueError:
            return error(
                Failure(
                    400,
                    "We could not parse the JSON body of your request.",
                    "invalid_request_error",
                )
            )
        with self.lock:
            self.requests.append(body)
        if failure is not None:
            return error(failure)
        problem = validate(body)
        if problem is not None:
            return error(Failure(400, problem, "invalid_request_error"))
        response_format = body.get("response_format", "mp3")
        audio = tone(body["input"], body["voice"], float(body.get("speed", 1.0)))
        content = encode(audio, response_format)
        return 200, {"Content-Type": CONTENT_TYPES[response_format]}, content

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                if self.path != "/v1/audio/speech":
                    self._send(
                        *error(
                            Failure(404, f"Invalid URL (POST {self.path})", "invalid_request_error")
                        )
                    )
                    return
                length = int(self.headers.get("Content-Length", 0))
                self._send(*fake.answer(self.headers, self.rfile.read(length)))

            def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean

        return Handler


def validate(body: dict[str, Any]) -> str | None:
    for name in ("model", "input", "voice"):
        if name not in body:
            return f"you must provide a {name} parameter"
    if body["model"] not in MODELS:
        return f"The model `{body['model']}` does not exist or you do not have access to it."
    if not isinstance(body["input"], str) or not body["input"].strip():
        return "input must be a non-empty string"
    if len(body["input"]) > MAX_INPUT_CHARS:
        return f"string too long. Expected a string with maximum length {MAX_INPUT_CHARS}"
    if body["voice"] not in VOICES:
        return f"Invalid value for 'voice': '{body['voice']}'"
    if body.get("response_format", "mp3") not in CONTENT_TYPES:
        return f"Invalid value for 'response_format': '{body.get('response_format')}'"
    speed = body.get("speed", 1.0)
    if not isinstance(speed, int | float) or not 0.25 <= speed <= 4.0:
        return "speed must be between 0.25 and 4.0"
    return None


def error(failure: Failure) -> tuple[int, dict[str, str], bytes]:
    payload = {
        "error": {
            "message": failure.message,
            "type": failure.error_type,
            "param": None,
            "code": failure.code,
        }
    }
    headers = {"Content-Type": "application/json", **failure.headers}
    return failure.status, headers, json.dumps(payload).encode()
