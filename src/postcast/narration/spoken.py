"""Small helpers that shape spoken text: whitespace, sentence ends, name lists, site names.

Everything here works on words the narrator generates or on raw post text before
`normalize_text`; none of it normalises numbers, so nothing is normalised twice.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import emoji

# Hosts listeners know by name; anything else is read as its domain ("example dot org").
_SITE_NAMES = {
    "lesswrong.com": "LessWrong",
    "greaterwrong.com": "GreaterWrong",
    "alignmentforum.org": "the AI Alignment Forum",
    "forum.effectivealtruism.org": "the EA Forum",
    "arxiv.org": "arXiv",
    "github.com": "GitHub",
    "youtube.com": "YouTube",
    "youtu.be": "YouTube",
    "youtube-nocookie.com": "YouTube",  # the privacy-mode player Substack and others embed
    "spotify.com": "Spotify",
    "datawrapper.de": "Datawrapper",
    "dwcdn.net": "Datawrapper",  # Datawrapper's chart host
    "vimeo.com": "Vimeo",
    "twitter.com": "Twitter",
    "x.com": "X",
    "wikipedia.org": "Wikipedia",
    "substack.com": "Substack",
    "medium.com": "Medium",
    "metaculus.com": "Metaculus",
    "manifold.markets": "Manifold",
    "ourworldindata.org": "Our World in Data",
    "docs.google.com": "Google Docs",
    "openai.com": "OpenAI",
    "anthropic.com": "Anthropic",
}

# a DOI, or X's shortened link (a tweet's own link or picture), tells a listener nothing
_UNSPOKEN_SITES = {"doi dot org", "dx dot doi dot org", "t dot co"}
_TWEET_PICTURE = re.compile(r"(?:https?://)?pic\.(?:twitter|x)\.com/", re.IGNORECASE)
# A link with a scheme or "www.", or a bare domain with a path ("arxiv.org/abs/1706.03762":
# a link, unlike a bare "givewell.org", which names the site). Bare domains end in a common
# top-level domain, so "main.py/tests" or "and/or" are not taken for links.
_URL = re.compile(
    r"\b(?:https?://|www\.)[^\s<>\"']+"
    r"|(?<![\w@./-])(?=[a-z0-9-]*[a-z])(?:[a-z0-9-]+\.)+(?:com|org|net|edu|gov|io|ai|co|uk|de|fr|nl|eu|ca|au"
    r"|ch|jp|info|dev|app|xyz|blog|pub|markets)/[^\s<>\"']*\w[^\s<>\"']*",
    re.IGNORECASE,
)
_URL_TRAILING = ".,;:!?)]}'\""
_LOOKS_LIKE_URL = re.compile(
    r"^(?:https?://|www\.)\S+$|^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:/\S*)?$", re.IGNORECASE
)
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([,.;:!?)\]])")
_SPACE_AFTER_OPENING = re.compile(r"([(\[])\s+")
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]")
_DOI = re.compile(
    r"\s*(?:\bdoi:\s*|\bhttps?://(?:dx\.)?doi\.org/)10\.\d{4,9}/[^\s<>\"']*[^\s<>\"'.,;:)\]]",
    re.IGNORECASE,
)
_URL_OR_EMAIL = re.compile(
    r"(\b(?:https?://|www\.)[^\s<>\"']+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\S+\.[a-z]{2,}/\S*)",
    re.IGNORECASE,
)
_ARXIV_ID = re.compile(r"\barXiv:\s*\d{4}\.\d{4,5}(?:v\d+)?", re.IGNORECASE)
_DOUBLED_STOP = re.compile(r"\x00\.")
_HANDLE_SIGN = re.compile(r"^@")
_NAME_JOINER = re.compile(r"(?<=[^\W_])_+(?=[^\W_])")
_CASE_TURN = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_LONG_DIGITS = re.compile(r"\b\d{3,}\b")
_WORD = re.compile(r"\w")
# Pictographs and the emoji presentation selector; an emoji without one is a text symbol.
_PICTOGRAPH = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u231a-\u23ff\ufe0f]")
_DROPPED = "\x00"
_DROPPED_AT_SENTENCE_END = re.compile(r"(?<=\w)[ \x00]*\x00[ \x00]*(?=[A-Z])")
_LETTERS_THEN_DIGITS = re.compile(r"([^\W\d_]{2,})(\d+)\b")
# "@habryka" (not an e-mail address) or a name joined by underscores ("jessica_taylor42").
_HANDLE = re.compile(
    r"(?<![\w@.])@[A-Za-z][\w-]*[A-Za-z0-9]|\b[A-Za-z][A-Za-z0-9]*(?:_+[A-Za-z0-9]+)+\b"
)
# The emoji worth a word; the `emoji` package finds the rest, which are dropped.
_EMOJI_NAMES = {
    "👍": "thumbs up",
    "👎": "thumbs down",
    "✅": "check mark",
    "✔": "check mark",
    "❌": "cross mark",
    "⚠": "warning",
    "❤": "heart",
}
_TICKS_AS_EMOJI = str.maketrans({"✓": "✔", "☑": "✔", "✗": "❌", "✘": "❌"})
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")


def tidy(text: str) -> str:
    """One line of clean text: no invisible characters or raw emoji, single spaces, no space
    before commas."""
    text = speak_emoji(_INVISIBLE.sub("", text))
    text = " ".join(text.split())
    text = _EMPTY_BRACKETS.sub("", text)
    text = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", text)
    text = _SPACE_AFTER_OPENING.sub(r"\1", text)
    return " ".join(text.split())


# The forums' title tags: "[Linkpost] Why...", "[AN #80] ...", "[Question][Crosspost] ..."
_TITLE_TAGS = re.compile(r"\A\s*((?:\[[^\[\]]{1,40}\]\s*)+)(?=\S)")


def spoken_title(title: str) -> str:
    """A title as the intro says it: its leading tags said as a label ("[Linkpost] Why"
    is "Linkpost: Why"), tidied (emoji among words dropped); a title of emoji alone ("🎉")
    is said by their names, or it would leave nothing to say."""
    tags = _TITLE_TAGS.match(title)
    if tags:
        labels = ", ".join(tag.strip() for tag in re.findall(r"\[([^\]]*)\]", tags[1]))
        title = f"{labels}: {title[tags.end() :]}"
    said = tidy(title)
    if _WORD.search(said):
        return said
    names = (
        emoji.demojize(found["emoji"], delimiters=("", "")) for found in emoji.emoji_list(title)
    )
    return ", ".join(dict.fromkeys(name.replace("_", " ") for name in names)) or said


def sentence(text: str) -> str:
    """`text` ending like a sentence, so the words that follow start a new one."""
    text = text.rstrip()
    if not text or _SENTENCE_END.search(text):
        return text
    return text.rstrip(",;:") + "."


def join_names(names: list[str] | tuple[str, ...]) -> str:
    """Names as a list is read: "A", "A and B", "A, B and C"."""
    names = [name for name in names if name]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def looks_like_url(text: str) -> bool:
    return bool(_LOOKS_LIKE_URL.match(text.strip()))


def site_name(url: str) -> str:
    """What a narrator calls a link's site: "LessWrong", or "example dot org"."""
    candidate = url.strip()
    if "://" not in candidate:
        candidate = "//" + candidate
    host = (urlsplit(candidate).hostname or "").lower().removeprefix("www.")
    if not host:
        return "a link"
    for known, name in _SITE_NAMES.items():
        if host == known or host.endswith("." + known):
            return name
    return " dot ".join(part for part in host.split(".") if part)


def link_name(url: str) -> str:
    """What a narrator calls a bare link: its site, or "a post on X by NAME" for a tweet."""
    name = site_name(url)
    if name in _UNSPOKEN_SITES or _TWEET_PICTURE.match(url):  # nothing a listener can use
        return ""
    if name in ("X", "Twitter"):
        candidate = url.strip() if "://" in url else "//" + url.strip()
        path = [part for part in urlsplit(candidate).path.split("/") if part]
        if len(path) >= 3 and path[1] == "status" and path[0] != "i":
            return f"a post on X by {spoken_name(path[0], handle=True)}"
        if len(path) >= 2 and path[-2] == "status":
            return "a post on X"
    return name


def speak_urls(text: str) -> str:
    """Replace every bare URL in running text by its site name; DOIs and arXiv numbers, which
    no listener can use, are dropped."""

    def replace(match: re.Match[str]) -> str:
        url = match.group(0)
        stripped = url.rstrip(_URL_TRAILING)
        return link_name(stripped) + url[len(stripped) :]

    text = _ARXIV_ID.sub("arXiv", _DOI.sub(_without_doi, text))
    return _URL.sub(replace, _DOUBLED_STOP.sub("", text))


def _without_doi(found: re.Match[str]) -> str:
    """Nothing; "Notes. doi:10.1/x." loses the stop after the DOI too, leaving "Notes."."""
    before = found.string[max(0, found.start() - 40) : found.start()].rstrip()
    after = found.string[found.end() : found.end() + 1]
    return "\x00" if before[-1:] in ".,;:" and after == "." else ""


_LOWER_TO_UPPER = re.compile(r"(?<=[a-z])(?=[A-Z])")


def _run_together_words(word: str) -> str:
    """ "TurnTrout", "AnnaSalamon": a display name written as one word, capitals inside, is
    said as words; a part of one or two letters is a name's prefix ("McDonald", "DeWitt")."""
    parts = _LOWER_TO_UPPER.split(word)
    spoken, last = parts[0], parts[0]
    for part in parts[1:]:
        apart = len(last) >= 3 and len(part) >= 3
        spoken += (" " if apart else "") + part
        last = part
    return spoken


def spoken_name(name: str, handle: bool = False) -> str:
    """A display name or handle as said: "jessica_taylor42" is "jessica taylor 42".

    A handle (`handle=True`, or one written with "@") is also split where its case turns
    ("NateSilver538" is "Nate Silver 5 38"); a display name where both sides of the turn
    are words ("TurnTrout" is "Turn Trout"), keeping "McDonald" whole.
    """
    # An emoji in a display name is a badge ("Joris 🔸", the EA Forum's pledge diamond), not
    # part of the name: dropped, where a name of nothing else leaves nothing to say
    name = emoji.replace_emoji(name, replace=" ").strip()
    handle = handle or name.startswith("@")
    name = _NAME_JOINER.sub(" ", _HANDLE_SIGN.sub("", name))
    if handle:
        name = _CASE_TURN.sub(" ", name)
    else:
        name = " ".join(_run_together_words(word) for word in name.split())
    name = _LETTERS_THEN_DIGITS.sub(r"\1 \2", name)
    name = _LONG_DIGITS.sub(lambda found: _name_digits(found.group(0)), name)
    return " ".join(name.split())


def _name_digits(digits: str) -> str:
    """Digits in a name as people say them: "538" as "5 38", "2024" as a year, "00712" digit by
    digit."""
    if digits[0] == "0" or len(digits) > 4:
        return " ".join(digits)
    if len(digits) == 3:
        return f"{digits[0]} {digits[1:]}" if digits[1] != "0" else " ".join(digits)
    return digits


def speak_handles(text: str) -> str:
    """@-mentions and snake_case names in running text said as names, not as symbols.

    URLs and e-mail addresses are left whole for the passes that name them.
    """
    parts = _URL_OR_EMAIL.split(text)
    return "".join(
        part if index % 2 else _HANDLE.sub(lambda found: spoken_name(found.group(0)), part)
        for index, part in enumerate(parts)
    )


def speak_emoji(text: str) -> str:
    """Emoji never reach the voice raw. Standing alone (a table cell that is only "✅") a
    few that carry meaning are named; among words, every emoji is decoration and dropped."""
    if not _PICTOGRAPH.search(text):  # most text has none: skip the slower full search
        return text
    # Ticks and crosses that are text symbols, not emoji, as their emoji: the voice would
    # skip them silently, and a table cell's yes or no would be lost.
    text = text.translate(_TICKS_AS_EMOJI)
    alone = not _WORD.search(emoji.replace_emoji(text, replace=""))

    def replace(found: str, _data: dict[str, str]) -> str:
        if not _PICTOGRAPH.search(found):
            return found  # ©, ®, ™ and arrows are text symbols, said by the normaliser
        if found.replace("\ufe0f", "") == "⭐":
            return found  # a rating ("4⭐", "⭐⭐⭐" in a table cell): the normaliser says it
        name = _EMOJI_NAMES.get(found.replace("\ufe0f", "")) if alone else None
        return f" {name} " if name else _DROPPED

    text = emoji.replace_emoji(text, replace=replace)
    # "Fair 👍 Let us look": the emoji ended a sentence, so a full stop takes its place.
    return _DROPPED_AT_SENTENCE_END.sub(". ", text).replace(_DROPPED, " ")


def with_article(phrase: str) -> str:
    """The phrase after "a" or "an": "a Python code block", "an R code block"."""
    first_word = phrase.split(" ", 1)[0]
    if first_word.isupper():  # an acronym is spelled out: "an HTML", "an R", "a CSS"
        vowel_sound = first_word[0] in "AEFHILMNORSX"
    else:
        vowel_sound = first_word[:1].lower() in "aeiou" and not first_word.startswith(("Uni", "Eu"))
    return f"{'an' if vowel_sound else 'a'} {phrase}"
