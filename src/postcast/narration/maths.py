"""Find every equation in a post body, recover its source, and have it spoken in one batch.

Forms handled (outermost element is the equation; its inside is never read as text):
- MathJax 3 `mjx-container` (ForumMagnum's `renderMathInHtml`, every editor since 2026-02):
  the TeX is the container's own `aria-label`. Lexical wraps inline maths in `span.math-tex`
  and display maths in a bare `<div>`; Markdown leaves the container in its `<p>`; CKEditor
  display maths is a block `span.math-tex`. An unlabelled container takes its TeX from
  `post.markdown`'s `$...$` in document order, else from MathML it may carry.
- MathJax 2 pre-rendered `span.mjpage` / `span.mjx-chtml`: TeX in `.mjx-math[aria-label]`.
- `span.math-tex` whose TeX was never rendered (`\\(...\\)` left as text), and the same
  delimiters (`\\(`, `\\[`, `$$`) bare in running text: read as the TeX they hold.
- `span.math` / `div.math` (our Markdown, pandoc): TeX in `data-tex` or as the text.
- KaTeX `span.katex`: TeX in its `annotation`; `<script type="math/tex">`; bare MathML `<math>`.
- Substack's LaTeX block (in its feeds) `div.latex-rendered`: TeX in its `data-attrs` JSON's
  `persistentExpression`, the element itself empty until a script renders it.

What the engine cannot read is read from its TeX by a simpler rule (`tex_words`); only an
equation with no source at all (no label, no Markdown, no MathML) is "an equation".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString

from postcast.narration.markdown import markdown_maths
from postcast.narration.markup import classes, json_attribute
from postcast.narration.math_speech import MathSource, speak_maths, spoken_numbers
from postcast.narration.tex_words import tex_words

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
    mathjax3: bool = False  # an `mjx-container`: paired with the Markdown's TeX in order
    labelled: bool = False  # its TeX came from its own `aria-label`: nothing better exists


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
        if not speech and item.source is not None and item.source.tex:
            speech = spoken_numbers(tex_words(item.source.tex))
        equations.append(Equation(speech or UNREADABLE, item.display))
    return SpokenMaths(equations)


def maths_sources(html: str, markdown: str | None) -> list[MathSource]:
    """What a body's equations send to the engine: speak several posts' maths in one call."""
    found = _equations(BeautifulSoup(html, "lxml"), markdown)
    return [item.source for item in found if item.source is not None]


def _equations(soup: BeautifulSoup | Tag, markdown: str | None) -> list[_Found]:
    _mark_raw_tex(soup)
    found = [_identify(element) for element in _equation_elements(soup)]
    if not all(item.labelled for item in found if item.mathjax3):
        _fill_from_markdown([item for item in found if item.mathjax3], markdown)
    return found


def _equation_elements(root: Tag) -> list[Tag]:
    """Outermost equation elements in document order (nested parts belong to them).

    A loop, not recursion: a deeply nested body must not exhaust Python's stack.
    """
    found: list[Tag] = []
    stack = [child for child in reversed(list(root.children)) if isinstance(child, Tag)]
    while stack:
        element = stack.pop()
        if _is_equation(element):
            found.append(element)
        else:
            stack.extend(c for c in reversed(list(element.children)) if isinstance(c, Tag))
    return found


def _is_equation(element: Tag) -> bool:
    names = classes(element)
    if element.name in ("mjx-container", "math"):
        return True
    if "math-tex" in names:  # an equation only when MathJax left its TeX unrendered
        return not _rendered_inside(element)
    if element.name == "script":
        return str(element.get("type", "")).startswith("math/tex")
    if names & {"mjpage", "mjx-chtml", "katex", "katex-display", "latex-rendered"}:
        return True
    return element.name in ("span", "div") and "math" in names


def _identify(element: Tag) -> _Found:
    names = classes(element)
    if element.name == "mjx-container":
        return _mathjax3(element)
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
        return _mathjax2(element, names)
    if "latex-rendered" in names:
        return _Found(element, True, _tex(_substack_tex(element), True))
    if "math-tex" in names:
        text = element.get_text().strip()
        display = element.name == "div" or text.startswith(("\\[", "$$"))
        return _Found(element, display, _tex(_strip_delimiters(element), display))
    display = element.name == "div" or bool(names & {"display", "block"})
    tex = element.get("data-tex")
    return _Found(element, display, _tex(str(tex) if tex else _strip_delimiters(element), display))


def _mathjax3(element: Tag) -> _Found:
    display = element.get("display") == "true"
    label = _tex(str(element.get("aria-label") or ""), display)
    assistive = element.find("math")
    source = label or (_mathml(assistive, display) if assistive else None)
    return _Found(element, display, source, mathjax3=True, labelled=label is not None)


def _mathjax2(element: Tag, names: set[str]) -> _Found:
    labelled = element.find(None, {"aria-label": True}, class_="mjx-math")
    display = bool(names & {"mjpage__block", "MJXc-display"}) or bool(
        element.find(class_="MJXc-display")
    )
    tex = str(labelled["aria-label"]) if labelled else ""
    return _Found(element, display, _tex(tex, display))


def _substack_tex(element: Tag) -> str:
    tex = json_attribute(element).get("persistentExpression")
    return tex if isinstance(tex, str) else ""


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


def _rendered_inside(element: Tag) -> bool:
    rendered = element.find(["mjx-container", "math"])
    return rendered is not None or element.find(class_=["mjpage", "mjx-chtml"]) is not None


_RAW_TEX = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]|\$\$(.+?)\$\$", re.DOTALL)
_NOT_MATHS = frozenset({"code", "pre", "kbd", "samp", "script", "style", "textarea"})


def _mark_raw_tex(soup: BeautifulSoup | Tag) -> None:
    """TeX that MathJax never rendered (saved while an entity broke it, or a plain HTML post)
    stays as `\\(...\\)`, `\\[...\\]` or `$$...$$` text: give each its own `span.math`."""
    for text in list(soup.find_all(string=_RAW_TEX)):
        parent = text.parent
        if type(text) is not NavigableString:  # a comment or CDATA is never read
            continue
        if parent is None or any(
            p.name in _NOT_MATHS or _is_equation(p) for p in [parent, *parent.parents]
        ):
            continue
        pieces: list[NavigableString | Tag] = []
        at = 0
        for found in _RAW_TEX.finditer(str(text)):
            pieces.append(NavigableString(str(text)[at : found.start()]))
            inline = found.group(1) is not None
            span = soup.new_tag(
                "span", attrs={"class": "math " + ("inline" if inline else "display")}
            )
            span["data-tex"] = next(group for group in found.groups() if group is not None)
            pieces.append(span)
            at = found.end()
        pieces.append(NavigableString(str(text)[at:]))
        text.replace_with(*pieces)


def _fill_from_markdown(unknown: list[_Found], markdown: str | None) -> None:
    """Give TeX from the Markdown body to unlabelled MathJax 3 containers, in document order.

    All containers take part in the matching (labelled ones keep their label); the
    Markdown's TeX wins over MathML a container may carry: it is what the author wrote.
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
        if not item.labelled:
            item.source = _tex(tex, item.display) or item.source
