"""A segment mastered sentence by sentence: each sentence, with the silence around it, is
its own MP3 stream (a piece), and the segment's chunk is its pieces one after another.

An edit to one sentence of a paragraph then masters and encodes that sentence's piece
again and takes the others from the chunk cache (by the hash of their audio): mastering
costs about as much per second of audio as a fast voice speaking it, so re-mastering a
whole paragraph for one changed sentence was most of a warm re-render. Each piece is
levelled on its own, as a podcast leveller evens out a speaker sentence by sentence; the
cuts fall in the middle of the pauses between sentences, so each stream starts and ends
in silence and its joins are as clean as those between segments (see `chunks.py`).

A sentence shorter than `MIN_PIECE_S` shares a piece with the one after it: its gated
loudness would be too unsteady to level on its own ("Yes." between two long sentences).
Where a piece ends depends only on its own sentences' lengths, so an edit moves no cut
outside the piece it falls in (its piece joins the next one, or parts from it, only if
the edit moved the sentence across `MIN_PIECE_S`).
"""

from __future__ import annotations

import hashlib
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from postcast.audio.chunks import MasteredChunk, master_segment
from postcast.config import AudioConfig

MIN_PIECE_S = 3.0
# A cut needs silence on both sides: half of this on each (LAME's delay and padding take
# up to 52 ms of a stream's trailing silence, `chunks.fit_to_frames`).
MIN_CUT_GAP_S = 0.15

Span = tuple[float, float]


class PieceStore(Protocol):
    """Where mastered pieces are kept (the chunk cache)."""

    def get(self, segment_key: str) -> MasteredChunk | None: ...

    def put(self, segment_key: str, chunk: MasteredChunk) -> None: ...


@dataclass(frozen=True)
class Piece:
    audio: np.ndarray
    spans: tuple[Span, ...]  # seconds from the piece's start

    def key(self, rate: int) -> str:
        """What the piece is made of: its samples and their rate."""
        digest = hashlib.sha256(np.ascontiguousarray(self.audio, dtype=np.float32).data)
        return f"piece|{rate}|{digest.hexdigest()}"


def sentence_pieces(audio: np.ndarray, spans: Sequence[Span], rate: int) -> list[Piece]:
    """`audio` cut in the middle of the pauses between its sentences (`spans`), a short
    sentence kept with the next; the whole of it as one piece where it has no such pause."""
    cuts = [0]
    for (start, end), (next_start, _) in itertools.pairwise(spans):
        # in whole samples from the sentence's end: the same sentence and pause make the
        # same piece wherever it falls (rounding the time of the pause's middle would
        # move a cut by a sample, and so the piece's hash, with the sentences before it)
        last, gap = round(end * rate), round(next_start * rate) - round(end * rate)
        if end - start >= MIN_PIECE_S and gap >= MIN_CUT_GAP_S * rate:
            cuts.append(last + gap // 2)
    cuts.append(len(audio))
    if any(after <= before for before, after in itertools.pairwise(cuts)):
        return [Piece(audio, tuple(spans))]  # spans that do not fit the audio: no cuts
    pieces = []
    for begin, finish in itertools.pairwise(cuts):
        offset = begin / rate
        inside = tuple(
            (start - offset, end - offset) for start, end in spans if begin <= start * rate < finish
        )
        pieces.append(Piece(audio[begin:finish], inside))
    return pieces


def master_in_pieces(
    audio: np.ndarray,
    spans: Sequence[Span],
    cfg: AudioConfig,
    limiter_loss_db: float,
    rate: int,
    store: PieceStore | None = None,
) -> MasteredChunk:
    """The segment's chunk, each piece taken from `store` or mastered (and kept there)."""
    chunks = []
    for piece in sentence_pieces(audio, spans, rate):
        key = piece.key(rate)
        chunk = store.get(key) if store is not None else None
        if chunk is None:
            chunk = master_segment(piece.audio, piece.spans, cfg, limiter_loss_db, rate)
            if store is not None:
                store.put(key, chunk)
        if math.isfinite(chunk.limiter_loss_db):  # the next piece will lose as much
            limiter_loss_db = chunk.limiter_loss_db
        chunks.append(chunk)
    return joined(chunks, cfg.sample_rate)


def joined(chunks: Sequence[MasteredChunk], rate: int) -> MasteredChunk:
    """Chunks played one after the other, as one chunk."""
    if len(chunks) == 1:
        return chunks[0]
    spans: list[Span] = []
    samples = 0
    for chunk in chunks:
        offset = samples / rate
        spans.extend((start + offset, end + offset) for start, end in chunk.sentence_spans)
        samples += chunk.samples
    losses = [chunk.limiter_loss_db for chunk in chunks if math.isfinite(chunk.limiter_loss_db)]
    return MasteredChunk(
        mp3=b"".join(chunk.mp3 for chunk in chunks),
        samples=samples,
        loudness_steps=np.concatenate([chunk.loudness_steps for chunk in chunks]),
        true_peak_dbtp=max(chunk.true_peak_dbtp for chunk in chunks),
        sentence_spans=tuple(spans),
        limiter_loss_db=losses[-1] if losses else math.nan,
    )
