"""espeak-ng: a small formant synthesiser, robotic but fast and everywhere.

Runs the `espeak-ng` binary (Debian package `espeak-ng`) once per sentence, text on
stdin so nothing in it can be read as an option, WAV on stdout.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from functools import cached_property

import numpy as np
import soundfile

from postcast.errors import SpeechError
from postcast.speech.base import LEXICON_IN_TEXT, Concurrency, SpeechEngine

BINARY = "espeak-ng"
DEFAULT_VOICE = "en-us"
DEFAULT_WORDS_PER_MINUTE = 175  # espeak-ng's own default rate
SAMPLE_RATE = 22050  # what espeak-ng writes with --stdout
TIMEOUT_SECONDS = 60.0


class EspeakEngine(SpeechEngine):
    name = "espeak"
    takes_vary = False

    def _binary(self) -> str:
        found = shutil.which(BINARY)
        if found is None:
            raise SpeechError(
                f"the espeak engine needs the {BINARY} program: install the Debian package "
                f"espeak-ng (apt-get install espeak-ng), or choose another [speech] engine"
            )
        return found

    @property
    def sample_rate(self) -> int:
        return SAMPLE_RATE

    def concurrency(self) -> Concurrency:
        return Concurrency.THREADS  # each sentence is its own subprocess

    def _voice(self, voice: str | None) -> str:
        return voice or self.config.voice or DEFAULT_VOICE

    def _words_per_minute(self) -> int:
        scale = self.config.length_scale or 1.0
        return round(DEFAULT_WORDS_PER_MINUTE / scale)

    @cached_property
    def version(self) -> str:
        done = subprocess.run(
            [self._binary(), "--version"], capture_output=True, text=True, check=False
        )
        return done.stdout.split("Data at")[0].strip()  # the data path is not the sound

    def identity(self, voice: str | None = None) -> str:
        return "|".join(
            [
                "espeak-ng",
                self.version,
                self._voice(voice),
                f"wpm={self._words_per_minute()}",
                LEXICON_IN_TEXT,
            ]
        )

    def pronounced(self, text: str) -> str:
        return self.lexicon.respell(text) if self.lexicon is not None else text

    def synthesize(self, text: str, voice: str | None = None) -> np.ndarray:
        spoken = self.pronounced(text)
        command = [
            self._binary(),
            "--stdout",
            "-b",
            "1",  # input is UTF-8
            "-v",
            self._voice(voice),
            "-s",
            str(self._words_per_minute()),
        ]
        try:
            done = subprocess.run(
                command,
                input=spoken.encode("utf-8"),
                capture_output=True,
                timeout=TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise SpeechError(f"espeak-ng took over {TIMEOUT_SECONDS:.0f} s") from error
        if done.returncode != 0 or not done.stdout:
            problem = done.stderr.decode("utf-8", "replace").strip() or f"exit {done.returncode}"
            raise SpeechError(f"espeak-ng failed (voice {self._voice(voice)!r}): {problem}")
        return self._decode(done.stdout)

    @staticmethod
    def _decode(wav: bytes) -> np.ndarray:
        try:
            audio, rate = soundfile.read(io.BytesIO(wav), dtype="float32", always_2d=True)
        except (soundfile.LibsndfileError, RuntimeError) as error:
            raise SpeechError(f"espeak-ng wrote audio that is not WAV: {error}") from error
        if rate != SAMPLE_RATE:
            raise SpeechError(f"espeak-ng wrote {rate} Hz audio, expected {SAMPLE_RATE} Hz")
        mono: np.ndarray = audio[:, 0].copy()
        return mono
