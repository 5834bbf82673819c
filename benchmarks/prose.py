"""Deterministic 'ordinary prose' for benchmarks: unique sentences, plain words, no markup
surprises, so the narration and the raw engine speak the same text."""

from __future__ import annotations

import random

SUBJECTS = (
    "the committee", "my neighbour", "a careful reader", "the old library", "our small team",
    "the new policy", "a patient teacher", "the village council", "every traveller",
    "the research group", "a quiet student", "the local paper",
)  # fmt: skip
VERBS = (
    "noticed", "questioned", "described", "changed", "remembered", "explained", "doubted",
    "improved", "followed", "measured", "planned", "welcomed",
)  # fmt: skip
OBJECTS = (
    "the evening light over the harbour", "a long argument about the budget",
    "the habits of people who read slowly", "the cost of waiting another year",
    "a map of the hills behind the town", "the reasons behind an unpopular choice",
    "the weather on the morning of the fair", "a simple way to keep better notes",
    "the story of the bridge and its builders", "the quiet hour before the shops open",
)  # fmt: skip
TAILS = (
    "and nobody was surprised", "although the details were unclear", "before the rain began",
    "while the others listened", "which took most of the afternoon", "and then moved on",
    "because it seemed important", "after a short pause", "with some hesitation",
)  # fmt: skip


def sentence(rng: random.Random) -> str:
    text = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}"
    return text[0].upper() + text[1:] + "."


def paragraphs(words: int, seed: int = 3) -> list[str]:
    """Paragraphs of 4-7 sentences totalling about `words` words."""
    rng = random.Random(seed)
    result: list[str] = []
    count = 0
    while count < words:
        paragraph = " ".join(sentence(rng) for _ in range(rng.randint(4, 7)))
        result.append(paragraph)
        count += len(paragraph.split())
    return result


def post_html(words: int, seed: int = 3) -> str:
    parts = paragraphs(words, seed)
    html = []
    for index, paragraph in enumerate(parts):
        if index % 8 == 0:
            html.append(f"<h2>Part {index // 8 + 1}</h2>")
        html.append(f"<p>{paragraph}</p>")
    return (
        "<html><head><title>A benchmark essay</title>"
        "<meta name='author' content='Bench Mark'><meta name='date' content='2025-01-02'>"
        "</head><body>" + "".join(html) + "</body></html>"
    )
