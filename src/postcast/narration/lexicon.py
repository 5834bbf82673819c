"""Pronunciation lexicon: community words and names the voice would otherwise get wrong.

The bundled `data/lexicon.tsv` gives each word its IPA in espeak-ng's notation (what Piper
speaks from) and a plain-English respelling for engines that take no phoneme input. Users add
or override words in `postcast.toml`: `[narration] lexicon = {Zvi = "tsvˈiː"}`; operators
add, change and remove words in the web app (stored in the library database). Where one
word is in several, the database's entry wins over the configuration's, which wins over
the bundled one.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib.resources import files
from types import MappingProxyType

from postcast.errors import InputError

CONFIG_KEY = "[narration] lexicon"
# Piper reads `[[ phonemes ]]` literally; the speech stage splits sentences on . ! ?
_FORBIDDEN_IN_IPA = re.compile(r"\[|\]|[.!?\n]")
_POSSESSIVE = r"(?P<possessive>['’]s)?"
_EXISTING_BLOCK = r"(?P<block>\[\[.*?\]\])"


@dataclass(frozen=True)
class LexiconEntry:
    word: str
    ipa: str
    respelling: str

    @property
    def any_case(self) -> bool:
        """A lower-case word ("utilons") also matches capitalised; "EA" never matches "ea"."""
        return self.word.islower()


class Lexicon:
    """Word -> pronunciation, applied as whole-word replacements."""

    def __init__(self, entries: Mapping[str, LexiconEntry]) -> None:
        self._entries = dict(entries)
        self._exact = {word: entry for word, entry in self._entries.items() if not entry.any_case}
        self._folded = {
            word.lower(): entry for word, entry in self._entries.items() if entry.any_case
        }
        self._pattern = _compile(self._entries.values())
        digest = hashlib.sha256()
        for word in sorted(self._entries):
            entry = self._entries[word]
            digest.update(f"{entry.word}\t{entry.ipa}\t{entry.respelling}\n".encode())
        self._version = digest.hexdigest()[:16]

    @classmethod
    def load(
        cls,
        extra: dict[str, str] | None = None,
        operator: Mapping[str, tuple[str, str]] | None = None,
    ) -> Lexicon:
        """The bundled words, then `extra` (word -> IPA, from the configuration), then
        `operator` (word -> (IPA, respelling), from the library database): later wins."""
        entries = {entry.word: entry for entry in _bundled_entries()}
        for word, ipa in (extra or {}).items():
            entries[word] = _user_entry(word, ipa)
        for word, (ipa, respelling) in (operator or {}).items():
            entry = _user_entry(word, ipa)
            entries[entry.word] = LexiconEntry(entry.word, entry.ipa, respelling or entry.word)
        return cls(entries)

    @classmethod
    def of_words(cls, words: Iterable[str]) -> Lexicon:
        """A lexicon that finds `words` as a full one matches them (whole words, the case
        rule of each): to ask which texts a changed word is spoken in."""
        return cls({word: LexiconEntry(word, word, word) for word in words})

    def mentions(self, text: str) -> bool:
        """Whether `text` holds one of the words (outside existing phoneme blocks)."""
        return any(match.group("word") for match in self._pattern.finditer(text))

    @property
    def entries(self) -> Mapping[str, LexiconEntry]:
        return MappingProxyType(self._entries)

    @property
    def version(self) -> str:
        """A hash of every entry: part of the speech cache key, so a changed word is re-spoken."""
        return self._version

    def to_piper(self, text: str) -> str:
        """Wrap every lexicon word in a Piper phoneme block: "Bostrom" -> "[[ bˈɑːstɹəm ]]"."""
        return self.rewrite(
            text,
            lambda entry, possessive: f"[[ {entry.ipa}{possessive_ipa(entry.ipa, possessive)} ]]",
        )

    def respell(self, text: str) -> str:
        """Replace every lexicon word by its respelling: "Yudkowsky" -> "Yud-kow-skee"."""
        return self.rewrite(text, lambda entry, possessive: entry.respelling + possessive)

    def rewrite(self, text: str, pronounce: Callable[[LexiconEntry, str], str | None]) -> str:
        """Every lexicon word replaced by `pronounce(entry, possessive)` ("'s" or ""), for
        an engine's own notation; a word it returns None for stays as written."""

        def replace(match: re.Match[str]) -> str:
            entry = self._lookup(match)
            said = pronounce(entry, match.group("possessive") or "") if entry else None
            return match.group(0) if said is None else said

        return self._pattern.sub(replace, text) if self._entries else text

    def _lookup(self, match: re.Match[str]) -> LexiconEntry | None:
        word = match.group("word")
        if word is None:
            return None  # an existing [[ ]] block: leave it alone
        return self._exact.get(word) or self._folded.get(word.lower())


def _compile(entries: Iterable[LexiconEntry]) -> re.Pattern[str]:
    # Longest first, so "Bayesianism" wins over "Bayesian".
    words = sorted(entries, key=lambda entry: len(entry.word), reverse=True)
    alternatives = "|".join(
        f"(?i:{re.escape(entry.word)})" if entry.any_case else re.escape(entry.word)
        for entry in words
    )
    if not alternatives:
        return re.compile(_EXISTING_BLOCK)
    return re.compile(rf"{_EXISTING_BLOCK}|(?<!\w)(?P<word>{alternatives}){_POSSESSIVE}(?!\w)")


def possessive_ipa(ipa: str, possessive: str) -> str:
    """The sound of "'s" after a word said `ipa`."""
    if not possessive:
        return ""
    last = ipa.rstrip("ːˈˌ")[-1:]
    if last in ("s", "z", "ʃ", "ʒ"):
        return "ᵻz"  # "Moloch's" -> -s; "Bayes's" -> -iz
    return "s" if last in ("p", "t", "k", "f", "θ") else "z"


def _user_entry(word: object, ipa: object) -> LexiconEntry:
    if not isinstance(word, str) or not word.strip() or re.search(r"\s", word.strip()):
        raise InputError(CONFIG_KEY, f"{word!r} is not a single word")
    if not isinstance(ipa, str) or not ipa.strip():
        raise InputError(CONFIG_KEY, f"{word}: the pronunciation must be a non-empty IPA string")
    if _FORBIDDEN_IN_IPA.search(ipa):
        raise InputError(CONFIG_KEY, f"{word}: the IPA {ipa!r} may not contain [ ] . ! ?")
    return LexiconEntry(word.strip(), ipa.strip(), word.strip())


def _bundled_entries() -> list[LexiconEntry]:
    text = files("postcast.narration").joinpath("data/lexicon.tsv").read_text(encoding="utf-8")
    entries = []
    for row in csv.reader(text.splitlines(), delimiter="\t"):
        if row and not row[0].startswith("#"):
            word, ipa, respelling = row
            entries.append(LexiconEntry(word, ipa, respelling))
    return entries
