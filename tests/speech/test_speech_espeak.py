"""espeak-ng engine: the real binary speaks; a missing binary is a clear error."""

from __future__ import annotations

import os
import shutil

import numpy as np
import pytest

from postcast.config import SpeechConfig
from postcast.errors import SpeechError
from postcast.narration.lexicon import Lexicon
from postcast.speech.espeak_engine import SAMPLE_RATE, EspeakEngine


@pytest.fixture
def espeak() -> EspeakEngine:
    if shutil.which("espeak-ng") is None:
        if os.environ.get("POSTCAST_REQUIRE_ALL") == "1":
            pytest.fail("espeak-ng is not installed (POSTCAST_REQUIRE_ALL=1 forbids skipping)")
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")
    return EspeakEngine(SpeechConfig(engine="espeak"))


def test_speaks_a_sentence(espeak: EspeakEngine) -> None:
    audio = espeak.synthesize("The quick brown fox jumps over the lazy dog.")
    assert espeak.sample_rate == SAMPLE_RATE
    assert audio.dtype == np.float32 and audio.ndim == 1
    seconds = audio.size / SAMPLE_RATE
    assert 1.0 < seconds < 6.0
    assert 0.05 < np.abs(audio).max() <= 1.0


def test_text_that_looks_like_an_option_is_spoken(espeak: EspeakEngine) -> None:
    audio = espeak.synthesize("--version minus five")
    assert audio.size / SAMPLE_RATE > 0.5


def test_voices_and_rate_change_sound_and_identity(espeak: EspeakEngine) -> None:
    text = "Voices differ from one another."
    us, british = espeak.synthesize(text, "en-us"), espeak.synthesize(text, "en-gb")
    assert us.size != british.size or not np.allclose(us, british)
    assert espeak.identity("en-us") != espeak.identity("en-gb")
    slow = EspeakEngine(SpeechConfig(engine="espeak", length_scale=1.5))
    assert slow.synthesize(text).size > espeak.synthesize(text).size * 1.2
    assert slow.identity() != espeak.identity()


def test_unknown_voice_is_a_speech_error(espeak: EspeakEngine) -> None:
    with pytest.raises(SpeechError, match="qq-nonexistent"):
        espeak.synthesize("Hello.", "qq-nonexistent")


def test_missing_binary_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    engine = EspeakEngine(SpeechConfig(engine="espeak"))
    with pytest.raises(SpeechError, match="apt-get install espeak-ng"):
        engine.synthesize("Hello.")


def test_lexicon_respellings_are_spoken(espeak: EspeakEngine) -> None:
    lexicon = Lexicon.load()
    with_lexicon = EspeakEngine(SpeechConfig(engine="espeak"), lexicon)
    respelt = lexicon.respell("Yudkowsky wrote this.")
    assert respelt != "Yudkowsky wrote this."
    spoken = with_lexicon.synthesize("Yudkowsky wrote this.")
    np.testing.assert_array_equal(spoken, espeak.synthesize(respelt))
    assert with_lexicon.pronounced("Yudkowsky wrote this.") == respelt
    assert with_lexicon.identity() == espeak.identity()  # the lexicon is in the text
