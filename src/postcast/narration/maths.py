"""Find every equation in a post body, recover its source, and have it spoken in one batch.

Forms handled (outermost element is the equation; its inside is never read as text):
- MathJax 3 `mjx-container`: glyphs only. Its TeX comes from `post.markdown`'s `$...$`
  in document order; else from MathML the container may carry; else "an equation".
- MathJax 2 pre-rendered `span.mjpage` / `span.mjx-chtml`: TeX in `.mjx-math[aria-label]`.
- `span.math` / `div.math` (our Markdown, pandoc): TeX in `data-tex` or as the text.
- KaTeX `span.katex`: TeX in its `annotation`; `<script type="math/tex">`; bare MathML `<math>`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bs4 import BeautifulSoup, Tag

from postcast.narration.markdown import markdown_maths
from postcast.narration.markup import classes
from postcast.narration.math_speech import MathSource, speak_maths

UNREADABLE = "an equation"
_MARK = "data-postcast-maths"


@dataclass(frozen=True)
class Equation:
    speech: str  # spoken English words, or UNREADABLE
    display: bool


@dataclass
class _Found:
    element: Tag
    display: bool
    source: MathSource | None  # None: unreadable, unless the Markdown tells
    glyphs_only: bool = False  # MathJax 3 output: the Markdown's TeX is the best source


class SpokenMaths:
    """The spoken form of each equation element of one parsed body."""

    def __init__(self, equations: list[Equation]) -> None:
        self._equations = equations

    def __len__(self) -> int:
        return len(self._equations)

    def lookup(self, element: Tag) -> Equation | None:
        index = element.get(_MARK)
        return self._equations[int(str(index))] if index is not None else None


def read_maths(soup: BeautifulSoup | Tag, markdown: str | None) -> SpokenMaths:
    """Mark each equation element in `soup` and speak them all through one engine call."""
    found = _equations(soup, markdown)
    sources = [item.source for item in found if item.source is not None]
    spoken = iter(speak_maths(sources)) if sources else iter(())
    equations = []
    for index, item in enumerate(found):
        item.element[_MARK] = str(index)
        speech = next(spoken) if item.source is not None else None
        equations.append(Equation(speech or UNREADABLE, item.display))
    return SpokenMaths(equations)


def maths_sources(html: str, markdown: str | None) -> list[MathSource]:
    """What a body's equations send to the engine: speak several posts' maths in one call."""
    found = _equations(BeautifulSoup(html, "lxml"), markdown)
    return [item.source for item in found if item.source is not None]


def _equations(soup: BeautifulSoup | Tag, markdown: str | None) -> list[_Found]:
    found = [_identify(element) for element in _equation_elements(soup)]
    _fill_from_markdown([item for item in found if item.glyphs_only], markdown)
    return found


def _equation_elements(root: Tag) -> list[Tag]:
    """Outermost equation elements in document order (nested parts belong to them)."""
    found: list[Tag] = []
    for child in root.children:
        if isinstance(child, Tag):
            if _is_equation(child):
                found.append(child)
            else:
                found.extend(_equation_elements(child))
    return found


def _is_equation(element: Tag) -> bool:
    names = classes(element)
    if element.name in ("mjx-container", "math"):
        return True
    if element.name == "script":
        return str(element.get("type", "")).startswith("math/tex")
    if names & {"mjpage", "mjx-chtml", "katex", "katex-display"}:
        return True
    return element.name in ("span", "div") and "math" in names


def _identify(element: Tag) -> _Found:
    names = classes(element)
    if element.name == "mjx-container":
        mathml = element.find("math")
        display = element.get("display") == "true"
        source = _mathml(mathml, display) if mathml else None
        return _Found(element, display, source, glyphs_only=True)
    if element.name == "math":
        display = element.get("display") == "block"
        return _Found(element, display, _mathml(element, display))
    if element.name == "script":
        display = "mode=display" in str(element.get("type", ""))
        return _Found(element, display, MathSource(tex=element.get_text().strip(), display=display))
    if names & {"katex", "katex-display"}:
        annotation = element.find("annotation", attrs={"encoding": "application/x-tex"})
        display = "katex-display" in names or bool(element.find(class_="katex-display"))
        return _Found(element, display, _tex(annotation.get_text() if annotation else "", display))
    if names & {"mjpage", "mjx-chtml"}:
        label = element.find(None, {"aria-label": True}, class_="mjx-math")
        display = bool(names & {"mjpage__block", "MJXc-display"}) or bool(
            element.find(class_="MJXc-display")
        )
        return _Found(element, display, _tex(str(label["aria-label"]) if label else "", display))
    display = element.name == "div" or bool(names & {"display", "block"})
    tex = element.get("data-tex")
    return _Found(element, display, _tex(str(tex) if tex else _strip_delimiters(element), display))


def _tex(tex: str, display: bool) -> MathSource | None:
    tex = tex.strip()
    return MathSource(tex=tex, display=display) if tex else None


def _mathml(element: Tag, display: bool) -> MathSource:
    return MathSource(mathml=str(element), display=display)


def _strip_delimiters(element: Tag) -> str:
    text = element.get_text().strip()
    for opening, closing in (("\\(", "\\)"), ("\\[", "\\]"), ("$$", "$$"), ("$", "$")):
        if text.startswith(opening) and text.endswith(closing) and len(text) > 2 * len(opening):
            return text[len(opening) : -len(closing)]
    return text


def _fill_from_markdown(unknown: list[_Found], markdown: str | None) -> None:
    """Give TeX from the Markdown body to MathJax 3 containers, matched in document order.

    The TeX wins over MathML a container may carry: it is what the author wrote.
    Counts must agree (overall, or separately for inline and display maths): a guess that
    pairs an equation with another's TeX would read the wrong maths aloud.
    """
    if not unknown or not markdown:
        return
    written = markdown_maths(markdown)
    if len(written) == len(unknown):
        pairs = list(zip(unknown, written, strict=True))
    else:
        pairs = []
        for display in (False, True):
            mine = [item for item in unknown if item.display == display]
            theirs = [entry for entry in written if entry[1] == display]
            if len(mine) != len(theirs):
                return
            pairs.extend(zip(mine, theirs, strict=True))
    for item, (tex, _) in pairs:
        item.source = _tex(tex, item.display)
