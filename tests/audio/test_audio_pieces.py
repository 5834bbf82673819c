"""A segment mastered sentence by sentence: cuts in the pauses, an edit re-masters only
its sentence's piece, and the joined chunk lines up with its audio and is on target."""

from __future__ import annotations

import io

import numpy as np
import pyloudnorm
import pytest
import soundfile as sf

from postcast.audio import pieces as pieces_module
from postcast.audio.chunks import EXPECTED_LIMITER_LOSS_DB, MasteredChunk
from postcast.audio.pieces import MIN_PIECE_S, master_in_pieces, sentence_pieces
from postcast.config import AudioConfig
from tests.audio.testsignals import speechlike

RATE = 22050  # a voice's rate: the pieces are resampled to the output's 44.1 kHz
CFG = AudioConfig()
GAP = 0.35


def _segment(
    sentences: list[np.ndarray], gap: float = GAP, before: float = 0.2, after: float = 0.6
) -> tuple[np.ndarray, tuple[tuple[float, float], ...]]:
    """Sentences with silence between them, as the speech stage assembles a segment."""
    parts, spans, at = [np.zeros(round(before * RATE), np.float32)], [], round(before * RATE)
    for index, audio in enumerate(sentences):
        if index:
            parts.append(np.zeros(round(gap * RATE), np.float32))
            at += round(gap * RATE)
        spans.append((at / RATE, (at + len(audio)) / RATE))
        parts.append(audio)
        at += len(audio)
    parts.append(np.zeros(round(after * RATE), np.float32))
    return np.concatenate(parts), tuple(spans)


def _sentences(*seconds: float, level: float = 0.1) -> list[np.ndarray]:
    return [speechlike(length, RATE, level, seed=i) for i, length in enumerate(seconds)]


class _Store(dict[str, MasteredChunk]):
    def put(self, key: str, chunk: MasteredChunk) -> None:
        self[key] = chunk


def _counting_master(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Seconds of audio of each piece mastered from now on."""
    mastered: list[float] = []
    real = pieces_module.master_segment

    def counting(audio: np.ndarray, *args: object, **kwargs: object) -> MasteredChunk:
        mastered.append(len(audio) / RATE)
        return real(audio, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pieces_module, "master_segment", counting)
    return mastered


def _decode(mp3: bytes) -> np.ndarray:
    audio, rate = sf.read(io.BytesIO(mp3), dtype="float64")
    assert rate == CFG.sample_rate
    return np.asarray(audio)


def test_cuts_fall_mid_pause_and_a_short_sentence_stays_with_the_next() -> None:
    audio, spans = _segment(_sentences(4.0, 1.0, 4.0, 3.5))
    pieces = sentence_pieces(audio, spans, RATE)
    assert [len(piece.spans) for piece in pieces] == [1, 2, 1]  # the 1-s one joins the next
    assert np.array_equal(np.concatenate([piece.audio for piece in pieces]), audio)
    start = 0
    for piece in pieces:
        # each piece starts and ends in silence: half a pause at least
        assert not np.abs(piece.audio[: round(GAP / 2 * RATE) - 1]).any()
        assert not np.abs(piece.audio[-round(GAP / 2 * RATE) + 1 :]).any()
        for begin, end in piece.spans:  # the spans are the piece's own
            original = next(span for span in spans if abs(span[0] - begin - start / RATE) < 1e-9)
            assert end - begin == pytest.approx(original[1] - original[0])
        start += len(piece.audio)


@pytest.mark.parametrize(
    "gap, seconds",
    [(0.0, (4.0, 4.0)), (0.05, (4.0, 4.0)), (GAP, (MIN_PIECE_S - 0.5, 2.0))],
    ids=["no pause", "a pause too short to cut in", "only short sentences"],
)
def test_one_piece_where_there_is_nowhere_to_cut(gap: float, seconds: tuple[float, ...]) -> None:
    audio, spans = _segment(_sentences(*seconds), gap=gap)
    (piece,) = sentence_pieces(audio, spans, RATE)
    assert np.array_equal(piece.audio, audio) and piece.spans == spans


def test_spans_that_do_not_fit_the_audio_leave_it_whole() -> None:
    audio, spans = _segment(_sentences(4.0, 4.0))
    (piece,) = sentence_pieces(audio[:RATE], spans, RATE)  # the spans run past its end
    assert len(piece.audio) == RATE


def test_an_edited_sentence_masters_only_its_own_piece(monkeypatch: pytest.MonkeyPatch) -> None:
    # a pause of an odd number of samples, and an edit that moves every later sentence
    # by an odd number: the later pieces must still be the same samples as before
    sentences = _sentences(4.0, 5.0, 4.5, 4.0)
    audio, spans = _segment(sentences, gap=0.3)
    store = _Store()
    mastered = _counting_master(monkeypatch)
    first = master_in_pieces(audio, spans, CFG, EXPECTED_LIMITER_LOSS_DB, RATE, store)
    assert len(mastered) == 4 and len(store) == 4
    sentences[1] = speechlike(4.7, RATE, 0.1, seed=99)  # the second sentence said otherwise
    assert (len(audio) - len(sentences[1])) % 2
    edited, edited_spans = _segment(sentences, gap=0.3)
    second = master_in_pieces(edited, edited_spans, CFG, EXPECTED_LIMITER_LOSS_DB, RATE, store)
    assert len(mastered) == 5 and mastered[-1] == pytest.approx(0.3 + 4.7, abs=0.01)
    # the pieces around the edit are the same bytes
    assert second.mp3.startswith(first.mp3[: len(first.mp3) // 6])
    assert second.mp3.endswith(first.mp3[-len(first.mp3) // 3 :])
    assert second.samples < first.samples
    again = master_in_pieces(audio, spans, CFG, EXPECTED_LIMITER_LOSS_DB, RATE, store)
    assert len(mastered) == 5  # all four from the store
    assert again.mp3 == first.mp3 and again.sentence_spans == first.sentence_spans


def test_the_joined_chunk_lines_up_with_its_sentences_and_keeps_the_pauses() -> None:
    sentences = _sentences(4.0, 3.5, 5.0)
    audio, spans = _segment(sentences)
    chunk = master_in_pieces(audio, spans, CFG, EXPECTED_LIMITER_LOSS_DB, RATE)
    decoded = _decode(chunk.mp3)
    assert len(decoded) == chunk.samples
    # the joins take no time: the episode is as long as its audio, to a frame or so
    assert chunk.samples / CFG.sample_rate == pytest.approx(len(audio) / RATE, abs=0.03)
    loud = np.abs(decoded) > 0.01
    for sentence, (begin, end) in zip(sentences, chunk.sentence_spans, strict=True):
        lead = np.flatnonzero(np.abs(sentence) > 0.01)[0] / RATE  # its own quiet start
        search = round((begin - 0.1) * CFG.sample_rate)
        onset = (search + np.flatnonzero(loud[search:])[0]) / CFG.sample_rate
        assert onset - begin == pytest.approx(lead, abs=0.02)  # heard where its span says
        after = round((end + 0.02) * CFG.sample_rate)
        assert not loud[after : after + round(0.1 * CFG.sample_rate)].any()  # then a pause


def test_a_quiet_sentence_beside_a_loud_one_is_levelled_too() -> None:
    quiet, loud = speechlike(5.0, RATE, 0.01, seed=1), speechlike(5.0, RATE, 0.3, seed=2)
    audio, spans = _segment([quiet, loud])
    chunk = master_in_pieces(audio, spans, CFG, EXPECTED_LIMITER_LOSS_DB, RATE)
    decoded = _decode(chunk.mp3)
    meter = pyloudnorm.Meter(CFG.sample_rate)
    for begin, end in chunk.sentence_spans:
        sentence = decoded[round(begin * CFG.sample_rate) : round(end * CFG.sample_rate)]
        assert meter.integrated_loudness(sentence) == pytest.approx(CFG.loudness_lufs, abs=0.6)
    assert chunk.true_peak_dbtp <= CFG.true_peak_dbtp
