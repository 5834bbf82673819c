"""Issue 14's lexicon figure: what an operator's pronunciation change costs the next pass.

A library of two posts of ordinary prose (`--words` each, the bundled Piper voice) is
rendered cold; then a word said in `--mentions` sentences of the first post gets a new
pronunciation in the web admin's lexicon (the database), and the next pass re-renders.
Printed: the cold pass, the re-render pass, their ratio (goal <= 10%), and the sentences
spoken again against those the word is in (goal: equal; every other one is cached).

Usage: python benchmarks/lexicon_rerender.py [--words 1500] [--mentions 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from prose import paragraphs

from postcast import pipeline
from postcast.config import Config, LibraryConfig, SourceConfig, SpeechConfig
from postcast.service.webapp import admin_store
from postcast.storage import open_library

WORD = "Zvi"
GOAL_RATIO = 0.10


def write_posts(folder: Path, words: int, mentions: int) -> None:
    for name, seed in (("first", 3), ("second", 5)):
        parts = paragraphs(words, seed)
        if name == "first":  # the word opens one sentence in each of `mentions` paragraphs
            step = max(1, len(parts) // mentions)
            for count, index in enumerate(range(0, step * mentions, step)):
                parts[index] = f"{WORD} wrote about part {count + 1}. {parts[index]}"
        body = "\n\n".join(parts)
        (folder / f"{name}.md").write_text(
            f"---\ntitle: The {name} essay\nauthor: Bench Mark\ndate: 2025-01-02\n---\n\n{body}\n"
        )


def cached_sentences(cache: Path) -> int:
    return sum(1 for _ in (cache / "speech").rglob("*.flac"))


def timed_pass(config: Config) -> tuple[float, list[str]]:
    start = time.perf_counter()
    report = pipeline.run_pass(config)
    if report.failed or report.source_errors:
        raise SystemExit(f"the pass failed: {report.summary()}")
    return time.perf_counter() - start, report.rendered


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=1500, help="words in each post")
    parser.add_argument("--mentions", type=int, default=3, help="sentences saying the word")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "posts").mkdir()
        write_posts(root / "posts", args.words, args.mentions)
        config = Config(
            library=LibraryConfig(
                base_url="http://127.0.0.1/",
                site_dir=str(root / "site"),
                database=f"sqlite:///{root / 'library.sqlite3'}",
            ),
            sources=[SourceConfig(name="posts", kind="local", path=str(root / "posts"))],
            speech=SpeechConfig(cache_dir=str(root / "cache")),
            base_dir=root,
        )
        cold, rendered = timed_pass(config)
        before = cached_sentences(root / "cache")
        with open_library(config.library.database) as library:
            admin_store.set_lexicon_entry(library._engine, WORD, "zvˈiː", None)
        warm, again = timed_pass(config)
        spoken = cached_sentences(root / "cache") - before
    ratio = warm / cold
    print(f"cold pass ({len(rendered)} episodes, {args.words} words each): {cold:.1f} s")
    print(f"pass after the lexicon change ({len(again)} re-rendered): {warm:.1f} s")
    print(f"ratio: {ratio:.1%} (goal <= {GOAL_RATIO:.0%})")
    print(f"sentences spoken again: {spoken} (the word is in {args.mentions})")
    met = ratio <= GOAL_RATIO and spoken == args.mentions and len(again) == 1
    print("goal met" if met else "goal missed")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
