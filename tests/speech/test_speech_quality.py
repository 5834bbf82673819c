"""Quality gate: Whisper tiny.en hears each take back; bad takes are retried, then flagged."""

from __future__ import annotations

import itertools
import logging
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from postcast.config import AudioConfig, SpeechConfig
from postcast.models import Script, Segment, SegmentKind
from postcast.speech import speak
from postcast.speech.espeak_engine import EspeakEngine
from postcast.speech.piper_engine import PiperEngine
from postcast.speech.quality import (
    TAKE_GAP_S,
    QualityGate,
    known_names,
    pack_takes,
    sentence_scores,
    spell_numbers,
    word_error_rate,
)

AUDIO = AudioConfig()


def test_word_error_rate_ignores_case_punctuation_and_digits() -> None:
    assert word_error_rate("It was three point five times larger.", "it was 3.5 times larger") == 0
    assert word_error_rate("Hello, world!", "hello world") == 0
    assert word_error_rate("one two three four", "one two three") == pytest.approx(0.25)
    assert word_error_rate("", "anything") == 0
    assert "forty-two" in spell_numbers("42")


def test_word_error_rate_reads_dates_as_the_script_says_them() -> None:
    script = "Published by Mira Okafor on March fourteenth, twenty twenty-five."
    assert word_error_rate(script, "Published by Mira Okafor on March 14th, 2025.") == 0
    assert word_error_rate("one thousand four hundred and twelve tasks", "1,412 tasks") == 0
    assert word_error_rate("in twenty twenty-five", "in 2024") > 0  # another year is wrong
    assert word_error_rate("on January second, 2025", "on January 2, 2025") == 0
    assert word_error_rate("two of them came second", "2 of them came second") == 0
    assert word_error_rate("on January second", "on January 3") > 0


def test_the_gate_hints_names_but_not_abbreviations() -> None:
    text = "Welcome to The Nonlinear Library, from the Rationalist and EA communities."
    assert known_names(text) == "Nonlinear Library Rationalist"
    assert known_names("This is: Notes, by Mira Okafor.") == "Notes Mira Okafor"
    assert known_names("the end of it.") is None


@dataclass(frozen=True)
class Mispronouncing:
    """A pronunciation lexicon gone wrong: a sentence is said as other words (the same
    ones every time: the sentence cache keys on what the voice is given, so two sentences
    said alike would share one take)."""

    version: str = "wrong-1"

    def to_piper(self, text: str) -> str:
        return self.respell(text)

    def respell(self, text: str) -> str:
        return f"Banana pancake {text.split()[0].lower()}."


class Garbling:
    """A lexicon gone wrong in a new way on every take, as a noisy voice garbles."""

    version = "garbling-1"
    PHRASES = (
        "Banana pancake umbrella.",
        "Purple elephants dancing.",
        "Seven windy tractors.",
        "Lemon kettle drum.",
        "Marble canyon echo.",
        "Quiet orange bicycle.",
    )

    def __init__(self) -> None:
        self.takes = itertools.count()

    def to_piper(self, text: str) -> str:
        return self.respell(text)

    def respell(self, text: str) -> str:
        return self.PHRASES[next(self.takes) % len(self.PHRASES)]


class CountingEspeak(EspeakEngine):
    def __init__(self, config: SpeechConfig, lexicon: Mispronouncing | None = None) -> None:
        super().__init__(config, lexicon)
        self.calls: list[str] = []
        self._calls_lock = threading.Lock()

    def synthesize(self, text: str, voice: str | None = None) -> np.ndarray:
        with self._calls_lock:
            self.calls.append(text)
        return super().synthesize(text, voice)


@pytest.mark.slow
def test_good_piper_take_passes_the_gate() -> None:
    # noise off: the same take every run, so the gate's verdict is the same every run
    engine = PiperEngine(SpeechConfig(noise_scale=0.0, noise_w_scale=0.0), threads=1)
    text = "The weather was lovely, so we walked to the market."
    gate = QualityGate(0.35)
    assert gate.score(text, engine.synthesize(text), engine.sample_rate) <= 0.35


@pytest.mark.slow
def test_speak_with_the_gate_keeps_good_takes(tmp_path: Path) -> None:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    config = SpeechConfig(engine="espeak", cache_dir=str(tmp_path), quality_gate=True)
    engine = CountingEspeak(config)
    script = Script("t", (Segment("Good morning everyone.", SegmentKind.PARAGRAPH),))
    (item,) = list(speak(script, config, AUDIO, engine=engine))
    assert not item.flagged and item.flagged_sentences == ()
    assert engine.calls == ["Good morning everyone."]


@pytest.mark.slow
def test_sentence_that_never_passes_is_retried_then_flagged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    config = SpeechConfig(engine="espeak", cache_dir=str(tmp_path), quality_gate=True)
    engine = CountingEspeak(config, Mispronouncing())
    reports: list[tuple[str, float, float | None]] = []
    text = "The committee approved the budget yesterday."
    script = Script("t", (Segment(text, SegmentKind.PARAGRAPH),))
    with caplog.at_level(logging.WARNING, logger="postcast.speech.stage"):
        (item,) = list(speak(script, config, AUDIO, lambda *r: reports.append(r), engine=engine))
    assert engine.calls == [text] * 3, "the first take and two more"
    assert item.flagged and item.flagged_sentences == (text,)
    assert len(item.sentences) == 1 and item.audio.size > 0, "the best take is still used"
    assert any("flagged" in task for task, _, _ in reports)
    assert text in caplog.text
    assert not list(tmp_path.rglob("*.flac")), "a flagged take is not cached"


class VaryingEspeak(CountingEspeak):
    """Pretends its takes differ, like Piper's, so the intro gate may ask for more."""

    takes_vary = True


@pytest.mark.slow
def test_intro_and_outro_always_get_the_strict_gate(tmp_path: Path) -> None:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    config = SpeechConfig(engine="espeak", cache_dir=str(tmp_path))  # quality_gate off
    intro, body = "Welcome to the show.", "The committee approved the budget."
    script = Script(
        "t",
        (Segment(intro, SegmentKind.INTRO), Segment(body, SegmentKind.PARAGRAPH)),
    )
    engine = VaryingEspeak(config, Garbling())
    items = list(speak(script, config, AUDIO, engine=engine))
    assert engine.calls.count(intro) == 6, "the first take and five more"
    assert engine.calls.count(body) == 1, "the body is not gated by default"
    assert not items[0].flagged, "the best intro take is kept, not flagged"
    assert len(list(tmp_path.rglob("*.flac"))) == 2, "and cached, so later episodes reuse it"

    same_words = VaryingEspeak(config, Mispronouncing())
    list(speak(script, SpeechConfig(engine="espeak", cache_dir=str(tmp_path / "a")), AUDIO,
               engine=same_words))  # fmt: skip
    assert same_words.calls.count(intro) == 2, "the same words heard twice: no more takes"

    steady = CountingEspeak(config, Mispronouncing())  # identical takes: retakes are pointless
    list(speak(script, SpeechConfig(engine="espeak", cache_dir=str(tmp_path / "b")), AUDIO,
               engine=steady))  # fmt: skip
    assert steady.calls == [intro, body]


def test_word_error_rate_hears_site_names_and_compounds_as_said() -> None:
    assert word_error_rate("please visit nonlinear dot org", "Please visit Nonlinear.org.") == 0
    assert word_error_rate("published by Bench Mark", "published by Benchmark") == 0
    assert word_error_rate("the nonlinear library", "the non linear library") == 0
    assert word_error_rate("visit nonlinear dot org", "visit linear.org") > 0
    assert word_error_rate("e.g. three point five", "e.g. 3.5") == 0


def test_one_transcript_of_several_takes_is_split_between_their_sentences() -> None:
    texts = ["Welcome to The Nonlinear Library.", "This is Notes, by Mira Okafor.", "Bye now."]
    heard = "Welcome to the non linear library. This is notes by Myra Okefor. Bye now."
    (first, first_heard), (second, second_heard), (third, third_heard) = sentence_scores(
        texts, heard
    )
    assert first == 0 and first_heard == "welcome to the nonlinear library"
    assert second == pytest.approx(2 / 6) and second_heard == "this is notes by myra okefor"
    assert third == 0 and third_heard == "bye now"


def test_split_charges_drops_and_insertions_to_their_own_sentences() -> None:
    texts = ["One two three four.", "Five six seven eight."]
    dropped, kept = sentence_scores(texts, "one two five six seven eight")
    assert dropped == (pytest.approx(0.5), "one two") and kept == (0.0, "five six seven eight")
    extra, clean = sentence_scores(texts, "one two three four um er five six seven eight")
    assert extra == (pytest.approx(0.5), "one two three four um er") and clean[0] == 0
    assert sentence_scores(texts, "") == [(1.0, ""), (1.0, "")]
    assert sentence_scores(["", "Two words."], "two words") == [(0.0, ""), (0.0, "two words")]


def test_split_agrees_with_scoring_each_sentence_alone() -> None:
    texts = ["It was three point five times larger.", "Published on March fourteenth, 2025."]
    heard = "It was 3.5 times larger. Published on March 14th, 2024."
    scores = sentence_scores(texts, heard)
    alone = [word_error_rate(texts[0], "It was 3.5 times larger."),
             word_error_rate(texts[1], "Published on March 14th, 2024.")]  # fmt: skip
    assert [wer for wer, _ in scores] == pytest.approx(alone)
    assert scores[1][0] > 0


def test_takes_are_packed_into_whisper_windows_in_order() -> None:
    assert pack_takes([10.0, 10.0, 10.0, 5.0]) == [[0, 1], [2, 3]]
    assert pack_takes([40.0, 1.0]) == [[0], [1]]
    assert pack_takes([]) == []


@pytest.fixture
def passes(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Seconds of audio in each Whisper pass the gate makes, in order."""
    heard: list[float] = []
    transcribe = QualityGate.transcribe

    def counted(gate: QualityGate, audio: np.ndarray, rate: int, hotwords: str | None) -> str:
        heard.append(len(audio) / rate)
        return transcribe(gate, audio, rate, hotwords)

    monkeypatch.setattr(QualityGate, "transcribe", counted)
    return heard


@pytest.mark.slow
def test_a_segments_takes_are_heard_in_one_pass(tmp_path: Path, passes: list[float]) -> None:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    config = SpeechConfig(engine="espeak", cache_dir=str(tmp_path), quality_gate=True)
    engine = CountingEspeak(config)
    sentences = [
        "Good morning everyone.",
        "The weather was lovely, so we walked to the market.",
        "We walked home.",
    ]
    script = Script("t", (Segment(" ".join(sentences), SegmentKind.PARAGRAPH),))
    (item,) = list(speak(script, config, AUDIO, engine=engine))
    assert not item.flagged and engine.calls == sentences
    spoken = sum(end - start for start, end, _ in item.sentences)
    assert passes == [pytest.approx(spoken + 2 * TAKE_GAP_S, abs=0.01)], "one pass, all takes"


@pytest.mark.slow
def test_intro_and_outro_are_spoken_first_and_heard_together(
    tmp_path: Path, passes: list[float]
) -> None:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    config = SpeechConfig(engine="espeak", cache_dir=str(tmp_path), workers=1)
    intro, outro = "Good morning everyone.", "Thanks for listening."
    body = [Segment(f"Paragraph number {n}.", SegmentKind.PARAGRAPH) for n in range(30)]
    script = Script(
        "t", (Segment(intro, SegmentKind.INTRO), *body, Segment(outro, SegmentKind.OUTRO))
    )
    engine = VaryingEspeak(config)
    items = list(speak(script, config, AUDIO, engine=engine))
    assert engine.calls[:2] == [intro, outro], "the outro is spoken second, not last"
    assert [item.segment for item in items] == list(script.segments), "but yielded last"
    assert engine.calls.count(intro) == engine.calls.count(outro) == 1, "both heard right"
    spoken = [end - start for item in (items[0], items[-1]) for start, end, _ in item.sentences]
    assert passes == [pytest.approx(sum(spoken) + TAKE_GAP_S, abs=0.01)], "in one pass"
