"""hibari: a small English voice distilled from Kokoro-82M (its af_heart voice).

The lexicon's words reach it in its own notation: misaki's phonemes (what Kokoro was
trained on), converted from the lexicon's espeak-ng IPA and written inline as
`[word](/phonemes/)`, for the words misaki's dictionary does not hold (names, the
community's coinages). A word it holds is read from there: the lexicon's entries for
common words ("error" said "err-or", "nonlinear") and its phrases ("and EA", "two to")
tune Piper's reading, and given to hibari they were heard worse ("error" heard "air or").

The `hibari-tts` wheel holds the model (8 MB, int8 ONNX) and its own grapheme-to-phoneme
front end; it speaks at about a hundred times real time on one core, 24 kHz. Its other
voices are downloaded on first use, and postcast never fetches weights at run time: the
voice is the one in the wheel ("heart") or a hibari `.onnx` export on this machine.

A take's noise (hibari's pulse-and-noise vocoder draws it with numpy) is seeded from the
sentence and how many takes of it this engine has spoken: the first take of a sentence
is the same in every process and every run, and a retake sounds different. `set_seed`
moves every draw at once, as `onnxruntime.set_seed` does Piper's (the intelligibility
benchmark renders each post from several seeds).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import zlib
from collections import Counter
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from postcast.config import SpeechConfig
from postcast.errors import SpeechError
from postcast.narration.lexicon import LexiconEntry, possessive_ipa
from postcast.speech.base import (
    LEXICON_IN_TEXT,
    Concurrency,
    PronunciationLexicon,
    SpeechEngine,
)

if TYPE_CHECKING:
    from hibari import Hibari

BUNDLED_VOICE = "heart"
SAMPLE_RATE = 24000
_TAKES_KEPT = 10_000
_seed = [0]  # added to every take's seed


def set_seed(seed: int) -> None:
    """Every later take draws its noise from `seed` onwards."""
    _seed[0] = seed


class HibariEngine(SpeechEngine):
    name = "hibari"

    def __init__(
        self, config: SpeechConfig, lexicon: PronunciationLexicon | None = None, threads: int = 0
    ) -> None:
        super().__init__(config, lexicon, threads)
        self._voices: dict[str, Hibari] = {}
        self._takes: Counter[str] = Counter()  # takes spoken of each sentence, lately
        self._lock = threading.Lock()

    @property
    def sample_rate(self) -> int:
        return SAMPLE_RATE

    def concurrency(self) -> Concurrency:
        # ONNX Runtime and numpy's FFTs let go of the GIL: threads share one loaded model,
        # each run on one core (a worker given one CPU thread speaks in one)
        return Concurrency.SHARED

    def _voice_name(self, voice: str | None) -> str:
        return voice or self.config.voice or BUNDLED_VOICE

    def _speed(self) -> float:
        return 1.0 / (self.config.length_scale or 1.0)

    def identity(self, voice: str | None = None) -> str:
        name = self._voice_name(voice)
        model = BUNDLED_VOICE if name == BUNDLED_VOICE else _file_digest(_model_file(name))
        return "|".join(
            ["hibari", version("hibari-tts"), model, f"speed={self._speed():.4f}", LEXICON_IN_TEXT]
        )

    def pronounced(self, text: str) -> str:
        return self.lexicon.rewrite(text, _inline) if self.lexicon is not None else text

    def warm_up(self) -> None:
        self.synthesize("Ready.")

    def synthesize(self, text: str, voice: str | None = None) -> np.ndarray:
        spoken = self.pronounced(text)
        tts = self._loaded(self._voice_name(voice))
        with self._lock:
            if len(self._takes) >= _TAKES_KEPT:  # a worker's lifetime of sentences: forget
                self._takes.clear()  # them (a retake follows its first take at once)
            take = self._takes[spoken]
            self._takes[spoken] += 1
        seed = zlib.crc32(spoken.encode("utf-8")) + take + _seed[0]
        try:
            audio = tts(spoken, speed=self._speed(), seed=seed)
        except Exception as error:
            raise SpeechError(f"hibari could not speak {text[:60]!r}: {error}") from error
        clipped: np.ndarray = np.clip(audio, -1.0, 1.0).astype(np.float32)
        return clipped

    def _loaded(self, name: str) -> Hibari:
        with self._lock:
            if name not in self._voices:
                self._voices[name] = _load(name)
            return self._voices[name]


def _load(name: str) -> Hibari:
    """The voice, each run of its model on one core (the engine's threads share it)."""
    try:
        from hibari import Hibari
    except ImportError as error:
        raise SpeechError(
            "the hibari engine needs the hibari-tts package: pip install hibari-tts"
        ) from error
    if name == BUNDLED_VOICE:
        tts = Hibari(threads=1)
    else:
        tts = Hibari(model=str(_model_file(name)), threads=1)
    tts.g2p  # noqa: B018 - the front end loads here, not in two threads at once
    return tts


def _model_file(name: str) -> Path:
    """A voice other than the bundled one must be a hibari export on this machine."""
    path = Path(name)
    if path.suffix != ".onnx" or not path.is_file():
        raise SpeechError(
            f"hibari voice {name!r}: only {BUNDLED_VOICE!r} (in the hibari-tts package) or the "
            "path of a hibari .onnx file on this machine; its other voices are downloads, "
            "and postcast fetches no weights at run time"
        )
    return path


@cache
def _file_digest(path: Path) -> str:
    with path.open("rb") as model:
        return hashlib.file_digest(model, "sha256").hexdigest()[:16]


# espeak-ng's IPA (the lexicon's, as Piper speaks it) in misaki's American notation: its
# diphthongs are one letter each, r-coloured vowels are spelt out, vowels have no length,
# and the flap is T. The aspiration and glottal stops some entries add for Piper go.
_TO_MISAKI = (
    ("eɪ", "A"),
    ("aɪ", "I"),
    ("aʊ", "W"),
    ("ɔɪ", "Y"),
    ("oʊ", "O"),
    ("dʒ", "ʤ"),
    ("tʃ", "ʧ"),
    ("ɜː", "ɜɹ"),
    ("ɚ", "əɹ"),
    ("ɾ", "T"),
    ("ɐ", "ə"),
    ("ː", ""),
    ("ʰ", ""),
    ("ʔ", ""),
)
_LEFT_ALONE = re.compile(r"[ae]")  # "a" or "e" outside a diphthong: misaki has no such vowel


def misaki_phonemes(ipa: str) -> str | None:
    """`ipa` in misaki's notation; None where a sound has no match in the model's alphabet."""
    for espeak, misaki in _TO_MISAKI:
        ipa = ipa.replace(espeak, misaki)
    if _LEFT_ALONE.search(ipa) or not set(ipa) <= _alphabet():
        return None
    return ipa


def _inline(entry: LexiconEntry, possessive: str) -> str | None:
    if " " in entry.word or _in_dictionary(entry.word):
        return None
    phonemes = misaki_phonemes(entry.ipa + possessive_ipa(entry.ipa, possessive))
    return None if phonemes is None else f"[{entry.word}{possessive}](/{phonemes}/)"


def _in_dictionary(word: str) -> bool:
    """Whether misaki's dictionary (in hibari's front end) has `word`, or its singular."""
    golds, silvers = _dictionary()
    forms = [word, word[:-1]] if word.endswith("s") and len(word) > 3 else [word]
    return any(form in golds or form in silvers for form in forms)


@cache
def _dictionary() -> tuple[Any, Any]:
    from hibari.g2p import G2P

    lexicon = G2P().lexicon  # the American one: the bundled voice's
    return lexicon.golds, lexicon.silvers


@cache
def _alphabet() -> frozenset[str]:
    """The symbols hibari's model reads (its vocab.json), and the space between words."""
    from hibari.tts import ASSETS

    with open(f"{ASSETS}/vocab.json", encoding="utf-8") as vocab:
        return frozenset(json.load(vocab)) | {" "}
