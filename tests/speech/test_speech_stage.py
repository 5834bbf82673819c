"""speak(): segments in order with pauses and timings, cache reuse, voices, streaming.

Runs on espeak-ng (real and fast); the Piper voice is exercised in test_speech_piper.py.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest

from postcast.config import AudioConfig, SpeechConfig
from postcast.errors import SpeechError
from postcast.models import Script, Segment, SegmentKind
from postcast.narration.lexicon import Lexicon
from postcast.speech import SpokenSegment, VoiceAssigner, speak
from postcast.speech.cache import SentenceCache
from postcast.speech.espeak_engine import EspeakEngine
from postcast.speech.stage import MIN_LOOKAHEAD

AUDIO = AudioConfig(sentence_pause=0.35)


class CountingEspeak(EspeakEngine):
    """The real espeak engine, keeping a log of what it was asked to say."""

    def __init__(self, config: SpeechConfig, lexicon: Lexicon | None = None) -> None:
        super().__init__(config, lexicon)
        self.calls: list[tuple[str, str | None]] = []
        self._calls_lock = threading.Lock()

    def synthesize(self, text: str, voice: str | None = None) -> np.ndarray:
        with self._calls_lock:
            self.calls.append((text, voice))
        return super().synthesize(text, voice)


@pytest.fixture(autouse=True)
def _needs_espeak() -> None:
    if shutil.which("espeak-ng") is None:
        if os.environ.get("POSTCAST_REQUIRE_ALL") == "1":
            pytest.fail("espeak-ng is not installed (POSTCAST_REQUIRE_ALL=1 forbids skipping)")
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")


@pytest.fixture
def config(tmp_path: Path) -> SpeechConfig:
    return SpeechConfig(engine="espeak", cache_dir=str(tmp_path / "cache"))


def paragraph(text: str, **fields: object) -> Segment:
    return Segment(text, SegmentKind.PARAGRAPH, **fields)  # type: ignore[arg-type]


def render(script: Script, engine: CountingEspeak, **kwargs: object) -> list[SpokenSegment]:
    return list(speak(script, engine.config, AUDIO, engine=engine, **kwargs))  # type: ignore[arg-type]


def silent(audio: np.ndarray) -> bool:
    return bool(np.all(audio == 0.0))


def test_segments_in_order_with_pauses_and_sentence_timings(config: SpeechConfig) -> None:
    script = Script(
        "t",
        (
            Segment("A heading", SegmentKind.HEADING, pause_before=0.5, pause_after=1.0),
            paragraph("First sentence here. Second one, e.g. this. And a third!", pause_after=0.75),
            paragraph("Just one sentence.", pause_after=0.0),
        ),
    )
    spoken = render(script, CountingEspeak(config))
    assert [s.segment for s in spoken] == list(script.segments)
    for item in spoken:
        rate = item.sample_rate
        assert rate == 22050 and item.audio.dtype == np.float32 and item.audio.ndim == 1
        total = item.audio.size / rate
        starts = [start for start, _, _ in item.sentences]
        assert starts[0] == pytest.approx(item.segment.pause_before, abs=1 / rate)
        before = item.audio[: round(item.segment.pause_before * rate)]
        assert silent(before)
        end_of_speech = item.sentences[-1][1]
        assert total - end_of_speech == pytest.approx(item.segment.pause_after, abs=1 / rate)
        assert silent(item.audio[round(end_of_speech * rate) :])
        previous_end = 0.0
        for start, end, _ in item.sentences:
            assert previous_end <= start < end <= total
            speech = item.audio[round(start * rate) : round(end * rate)]
            assert np.abs(speech).max() > 0.05, "each sentence is audible"
            previous_end = end
        for (_, end, _), (start, _, _) in zip(item.sentences, item.sentences[1:], strict=False):
            assert start - end == pytest.approx(AUDIO.sentence_pause, abs=1 / rate)
            assert silent(item.audio[round(end * rate) + 1 : round(start * rate) - 1])
    texts = [text for _, _, text in spoken[1].sentences]
    assert texts == ["First sentence here.", "Second one, e.g. this.", "And a third!"]


def test_empty_segment_is_its_pauses(config: SpeechConfig) -> None:
    script = Script("t", (paragraph("   ", pause_before=0.25, pause_after=0.5),))
    (item,) = render(script, CountingEspeak(config))
    assert item.sentences == ()
    assert abs(item.audio.size - 0.75 * item.sample_rate) <= 1
    assert silent(item.audio)


def test_rerender_after_editing_one_paragraph_speaks_only_the_changed_sentence(
    config: SpeechConfig,
) -> None:
    paragraphs = [
        "The first paragraph has two sentences. This is the second.",
        "The middle paragraph is about to change. Only one sentence of it will.",
        "The last paragraph stays as it is.",
    ]
    first = CountingEspeak(config)
    original = render(Script("t", tuple(paragraph(p) for p in paragraphs)), first)
    assert len(first.calls) == 5

    again = CountingEspeak(config)
    cached = render(Script("t", tuple(paragraph(p) for p in paragraphs)), again)
    assert again.calls == []
    for old, new in zip(original, cached, strict=True):
        assert old.sentences == new.sentences
        np.testing.assert_allclose(old.audio, new.audio, atol=1e-6)

    paragraphs[1] = "The middle paragraph is about to change. Only this sentence was edited."
    edited = CountingEspeak(config)
    render(Script("t", tuple(paragraph(p) for p in paragraphs)), edited)
    assert edited.calls == [("Only this sentence was edited.", None)]


def test_a_lexicon_change_speaks_again_only_the_sentences_with_the_word(
    config: SpeechConfig,
) -> None:
    script = Script(
        "t",
        (
            paragraph("Zvi wrote a long post. The rest of it is plain."),
            paragraph("Nothing here names anyone."),
        ),
    )
    first = CountingEspeak(config, Lexicon.load({"Zvi": "tsvˈiː"}))
    render(script, first)
    assert len(first.calls) == 3

    changed = CountingEspeak(config, Lexicon.load({"Zvi": "tsvˈiː"}, {"Zvi": ("zvˈiː", "Zvee")}))
    render(script, changed)
    assert changed.calls == [("Zvi wrote a long post.", None)]  # spoken as "Zvee wrote..."


def test_damaged_cache_entry_is_spoken_again(config: SpeechConfig) -> None:
    script = Script("t", (paragraph("One sentence. Another sentence."),))
    render(script, CountingEspeak(config))
    entries = sorted(Path(config.cache_dir or "").rglob("*.flac"))
    assert len(entries) == 2
    entries[0].write_bytes(entries[0].read_bytes()[:100])  # as if cut short by a crash
    engine = CountingEspeak(config)
    (item,) = render(script, engine)
    assert len(engine.calls) == 1
    assert len(item.sentences) == 2
    assert SentenceCache.from_config(config).get(entries[0].stem) is not None


def test_repeated_sentence_is_spoken_once(config: SpeechConfig) -> None:
    script = Script("t", tuple(paragraph("Thank you. Next point.") for _ in range(3)))
    engine = CountingEspeak(config)
    spoken = render(script, engine)
    assert sorted(text for text, _ in engine.calls) == ["Next point.", "Thank you."]
    assert all(len(item.sentences) == 2 for item in spoken)


def test_dialogue_speakers_get_voices_round_robin(config: SpeechConfig) -> None:
    config.voices = ["en-gb", "en-us+f3"]
    lines = [("Alice", "Hello Bob."), ("Bob", "Hi Alice."), (None, "They talked."),
             ("Alice", "Shall we?"), ("Carol", "Wait for me.")]  # fmt: skip
    script = Script(
        "t", tuple(Segment(text, SegmentKind.DIALOGUE, voice=who) for who, text in lines)
    )
    engine = CountingEspeak(config)
    render(script, engine)
    voice_of = dict(engine.calls)
    assert voice_of["Hello Bob."] == "en-gb"
    assert voice_of["Hi Alice."] == "en-us+f3"
    assert voice_of["They talked."] is None  # the narrator's default voice
    assert voice_of["Shall we?"] == "en-gb"
    assert voice_of["Wait for me."] == "en-gb"  # third speaker: back to the first voice


def test_voice_assigner_without_extra_voices_uses_the_default() -> None:
    assigner = VoiceAssigner([])
    assert assigner.voice_for("Alice") is None
    assert assigner.voice_for(None) is None
    assigner = VoiceAssigner(["a", "b"])
    assert [assigner.voice_for(k) for k in ["x", "y", "x", "z", None]] == ["a", "b", "a", "a", None]


def test_output_streams_with_bounded_lookahead(config: SpeechConfig) -> None:
    config.workers = 2
    script = Script("t", tuple(paragraph(f"Paragraph number {n}.") for n in range(40)))
    engine = CountingEspeak(config)
    stream = speak(script, config, AUDIO, engine=engine)
    first = next(stream)
    assert first.segment == script.segments[0]
    assert len(engine.calls) <= MIN_LOOKAHEAD + 2, "only a window of sentences is spoken ahead"
    rest = list(stream)
    assert [item.segment for item in rest] == list(script.segments[1:])
    assert len(engine.calls) == 40


def test_progress_counts_sentences(config: SpeechConfig) -> None:
    reports: list[tuple[str, float, float | None]] = []
    script = Script("t", (paragraph("One. Two."), paragraph("Three.")))
    render(script, CountingEspeak(config), progress=lambda *r: reports.append(r))
    assert reports[0] == ("speech", 0, 3)
    assert reports[-1] == ("speech", 3, 3)
    assert [done for task, done, _ in reports if task == "speech"] == [0, 1, 2, 3]


def test_engine_errors_propagate(config: SpeechConfig) -> None:
    config.voice = "qq-nonexistent"
    with pytest.raises(SpeechError, match="qq-nonexistent"):
        render(Script("t", (paragraph("Hello."),)), CountingEspeak(config))


def test_speak_builds_the_configured_engine(config: SpeechConfig) -> None:
    spoken = list(speak(Script("t", (paragraph("Built from the config."),)), config, AUDIO))
    assert len(spoken) == 1 and spoken[0].sample_rate == 22050
    assert spoken[0].flagged is False


def test_segment_keys_name_what_the_audio_is_made_of(config: SpeechConfig) -> None:
    first = paragraph("Keys are stable. Across renders.", pause_after=0.75)
    script = Script("t", (first, paragraph("Another one.")))
    keys = [s.key for s in render(script, CountingEspeak(config))]
    again = [s.key for s in render(script, CountingEspeak(config))]
    assert keys == again and None not in keys and keys[0] != keys[1]
    longer_pause = Script("t", (paragraph("Keys are stable. Across renders.", pause_after=1.0),))
    assert render(longer_pause, CountingEspeak(config))[0].key != keys[0]
    edited = Script("t", (paragraph("Keys are stable. Across edits.", pause_after=0.75),))
    assert render(edited, CountingEspeak(config))[0].key != keys[0]


def test_segments_the_consumer_holds_are_neither_spoken_nor_read(config: SpeechConfig) -> None:
    script = Script(
        "t",
        (
            paragraph("Kept from before. Also kept."),
            paragraph("Said anew."),
            paragraph("Kept too."),
        ),
    )
    keys = [s.key for s in render(script, CountingEspeak(config))]
    shutil.rmtree(config.cache_dir or "")  # reused segments must not need the sentence cache
    engine = CountingEspeak(config)

    class Held:
        def __init__(self, keys: set[str | None]) -> None:
            self.keys = keys
            self.claimed: list[str] = []

        def has(self, key: str) -> bool:
            return key in self.keys

        def claim(self, key: str) -> bool:
            self.claimed.append(key)
            return key in self.keys

    held = Held({keys[0], keys[2]})
    spoken = render(script, engine, reuse=held)
    assert engine.calls == [("Said anew.", None)]
    assert [s.reused for s in spoken] == [True, False, True]
    assert [s.key for s in spoken] == keys
    assert spoken[0].audio.size == 0 and spoken[1].audio.size > 0
    assert [text for _, _, text in spoken[0].sentences] == ["Kept from before.", "Also kept."]
    assert held.claimed == keys  # each claimed once, in order


def test_a_flagged_segment_has_no_key(
    config: SpeechConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    from postcast.speech import stage

    def always_garbled(
        self: stage.QualityGate, audio: np.ndarray, rate: int, hotwords: str | None = None
    ) -> str:
        return "banana pancake umbrella"

    monkeypatch.setattr(stage.QualityGate, "transcribe", always_garbled)
    gated = SpeechConfig(
        engine="espeak", cache_dir=config.cache_dir, quality_gate=True, quality_max_wer=0.1
    )
    (spoken,) = render(Script("t", (paragraph("Never heard right."),)), CountingEspeak(gated))
    assert spoken.flagged and spoken.key is None


def test_reused_segments_are_claimed_a_window_at_a_time(config: SpeechConfig) -> None:
    script = Script("t", tuple(paragraph(f"Paragraph {n}.") for n in range(40)))
    keys = [s.key for s in render(script, CountingEspeak(config))]
    claimed: list[str] = []

    class Everything:
        def has(self, key: str) -> bool:
            return True

        def claim(self, key: str) -> bool:
            claimed.append(key)
            return True

    one_worker = SpeechConfig(engine="espeak", cache_dir=config.cache_dir, workers=1)
    engine = CountingEspeak(one_worker)
    stream = speak(script, one_worker, AUDIO, engine=engine, reuse=Everything())
    first = next(stream)
    assert first.reused and first.key == keys[0]
    assert len(claimed) == MIN_LOOKAHEAD + 1  # the lookahead window and one: not the whole post
    assert [s.key for s in stream] == keys[1:] and claimed == keys
