"""The live-markup corpus: every post in `corpus/` narrates to exactly its `.script.txt`."""

from __future__ import annotations

from pathlib import Path

import pytest

from postcast.config import Config
from postcast.narration import narrate
from postcast.sources.files import load_post_file

CORPUS = Path(__file__).parent / "corpus"
POSTS = sorted(CORPUS.glob("*/*.json"))


def test_the_corpus_is_not_empty() -> None:
    assert POSTS, f"no posts under {CORPUS}"


@pytest.mark.parametrize("post_file", POSTS, ids=lambda path: f"{path.parent.name}/{path.stem}")
def test_post_narrates_to_its_script(post_file: Path) -> None:
    expected = post_file.with_suffix(".script.txt").read_text(encoding="utf-8").splitlines()
    config = Config()
    post = load_post_file(post_file)
    lines = narrate(post, config.library, config.narration).lines()
    assert lines == expected
