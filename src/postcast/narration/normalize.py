"""Text normalisation: written forms (numbers, money, dates, URLs...) to spoken words."""

from __future__ import annotations


def normalize_text(text: str) -> str:
    """Return `text` as a careful narrator would say it (placeholder: identity)."""
    return text
