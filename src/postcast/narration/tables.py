"""Tables read row by row with their header names; big tables announced and summarised.

Small table: "A table with 2 rows and 2 columns." then "Country: Kenya. Cost per net: two
dollars fifty." per row, and "End of table." A row's label (a `th` heading the row, or the
first column when its header is empty) is said as the row's name, the other cells with
their column's header. Merged cells (`rowspan`, `colspan`) are laid out on a grid first,
so every cell finds the header above it; a header of two rows names a column by both
("2024 Q1"). Past `table_max_cells`, the listener hears the size, the column names and
the first row, and how many rows were left out.

Tables used as layout read as what they lay out: a 1×1 table (a box round a note) as its
content, paragraph by paragraph; a table of one column as a list, its header said once
before the first item ("Key takeaways: First point." "Second point."). Lexical marks a
header cell by its class as well as by `th`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bs4 import Tag

from postcast.narration.markup import classes
from postcast.narration.spoken import join_names, plural, sentence
from postcast.narration.table_cells import CellText, box_texts, cell_words, led

_MAX_SPAN = 100  # a span past this is a typo; capping it keeps the grid small


@dataclass(frozen=True)
class _Grid:
    names: list[str]  # each column's header, "" where it has none
    rows: list[list[tuple[int, str]]]  # each body row: (cell identity, words) per column
    labelled: bool  # the first column names each row


def table_texts(table: Tag, cell_text: CellText, max_cells: int, caption: str = "") -> list[str]:
    """The narrator's raw words for a table, one paragraph-sized text per row."""
    rows = [_cells(row) for row in table.find_all("tr") if row.find_parent("table") is table]
    rows = [row for row in rows if row]
    if not rows:
        return []
    laid_out = _lay_out(rows)
    only = laid_out[0][0]
    if len(laid_out) == 1 and len(laid_out[0]) == 1 and only is not None:
        return _boxed(only, cell_text, max_cells, caption)
    grid = _grid(table, rows, laid_out, cell_text)
    if not grid.rows:
        return []
    columns = max(len(grid.names), *(len(row) for row in grid.rows))
    if columns == 1 and len(grid.rows) <= max_cells:
        return _column(grid, caption)
    opening = f"A table with {plural(len(grid.rows), 'row')} and {plural(columns, 'column')}"
    opening = sentence(f"{opening}: {caption}" if caption else opening)
    if len(grid.rows) * columns <= max_cells:
        read = [_row_text(grid, row, number) for number, row in enumerate(grid.rows, 1)]
        return [opening, *read[:-1], f"{read[-1]} End of table."]
    return _summary(opening, grid)


def _boxed(cell: Tag, cell_text: CellText, max_cells: int, caption: str) -> list[str]:
    """A table of one cell is a box round its content: no rows or columns to tell of."""
    inner = box_texts(cell, cell_text, lambda table: table_texts(table, cell_text, max_cells))
    return [sentence(caption), *inner] if caption and inner else inner


def _column(grid: _Grid, caption: str) -> list[str]:
    """One column is a list: its items in order, the header said once before the first."""
    items = [sentence(words) for row in grid.rows for _, words in row[:1] if words]
    if not items:
        return []
    if grid.names and grid.names[0]:
        items[0] = led(grid.names[0], items[0])
    return [sentence(caption), *items] if caption else items


def _summary(opening: str, grid: _Grid) -> list[str]:
    texts = [opening]
    named = [name for name in grid.names if name]
    if named:
        texts.append(sentence(f"The columns are: {join_names(named)}"))
    texts.append(f"The first row reads: {_row_text(grid, grid.rows[0], 1)}")
    if len(grid.rows) > 1:
        left_out = len(grid.rows) - 1
        texts.append(
            f"The other {plural(left_out, 'row')} {'is' if left_out == 1 else 'are'} not read."
        )
    return texts


def _cells(row: Tag) -> list[Tag]:
    return [cell for cell in row.find_all(["th", "td"], recursive=False)]


def _grid(
    table: Tag, rows: list[list[Tag]], laid_out: list[list[Tag | None]], cell_text: CellText
) -> _Grid:
    width = max((len(row) for row in laid_out), default=0)
    header_count = _header_rows(table, rows)
    if width == 1:  # a header column (all `th`) in a one-column table: only its top names it
        header_count = min(header_count, 1)
    texts: dict[int, str] = {}

    def text_of(cell: Tag | None) -> str:
        if cell is None:
            return ""
        if id(cell) not in texts:
            texts[id(cell)] = cell_words(cell, cell_text)
        return texts[id(cell)]

    names = _column_names(laid_out[:header_count], text_of)
    body = [
        [(id(cell) if cell else -column, text_of(cell)) for column, cell in enumerate(row, 1)]
        for row in laid_out[header_count:]
    ]
    body = [row for row in body if any(words for _, words in row)]
    heads_row = [row[0] is not None and _is_header(row[0]) for row in laid_out[header_count:]]
    unnamed_first = bool(names) and not names[0] and any(names[1:])
    labelled = width > 1 and (unnamed_first or any(heads_row))
    return _Grid(names, body, labelled)


def _lay_out(rows: list[list[Tag]]) -> list[list[Tag | None]]:
    """Every row as one cell per column: a merged cell stands in each place it covers.

    Written by hand: no HTML library lays out spans; html5lib and lxml only parse them.
    """
    grid: list[list[Tag | None]] = [[] for _ in rows]
    for row_index, cells in enumerate(rows):
        column = 0
        for cell in cells:
            while column < len(grid[row_index]) and grid[row_index][column] is not None:
                column += 1
            down = min(_span(cell, "rowspan"), len(rows) - row_index)
            for covered in grid[row_index : row_index + down]:
                covered.extend([None] * (column + _span(cell, "colspan") - len(covered)))
                for place in range(column, column + _span(cell, "colspan")):
                    covered[place] = cell
            column += _span(cell, "colspan")
    return [row if row else [None] for row in grid]


def _header_rows(table: Tag, rows: list[list[Tag]]) -> int:
    """How many rows at the top are headers: the `thead`, or leading rows of `th` only."""
    head = table.find("thead")
    if isinstance(head, Tag) and head.find_parent("table") is table:
        in_head = {id(cell) for cell in head.find_all(["th", "td"])}
        count = sum(1 for row in rows if id(row[0]) in in_head)
        return min(count, len(rows) - 1)
    count = 0
    while count < len(rows) - 1 and all(_is_header(cell) for cell in rows[count]):
        count += 1
    return count


def _is_header(cell: Tag) -> bool:
    return cell.name == "th" or "table-cell-header" in classes(cell)


def _column_names(head: list[list[Tag | None]], text_of: Callable[[Tag | None], str]) -> list[str]:
    """Each column's name: the words of every header cell above it, top first."""
    width = max((len(row) for row in head), default=0)
    names: list[str] = []
    for column in range(width):
        said: list[str] = []
        for row in head:
            words = text_of(row[column]) if column < len(row) else ""
            if words and words not in said:
                said.append(words)
        names.append(" ".join(said))
    return names


def _span(cell: Tag, attribute: str) -> int:
    try:
        return max(1, min(int(str(cell.get(attribute, "1"))), _MAX_SPAN))
    except ValueError:
        return 1


def _row_text(grid: _Grid, row: list[tuple[int, str]], number: int) -> str:
    values = _merged(grid.names, row)
    if len(values) == 1 and len(row) > 1:  # one cell across the whole row: a section title
        return sentence(values[0][1])
    named = any(grid.names)
    if grid.labelled and values[0][1] and not _starts_merged(row):
        label, rest = values[0][1], values[1:]
        if named:
            return " ".join([sentence(label), *_said(rest)])
        return sentence(f"{label}: {', '.join(words for _, words in rest if words)}")
    if not named:
        return sentence(f"Row {number}: {', '.join(words for _, words in values if words)}")
    return " ".join(_said(values))


def _starts_merged(row: list[tuple[int, str]]) -> bool:
    """The first cell also covers the second column: it is a value across, not a label."""
    return len(row) > 1 and row[0][0] == row[1][0]


def _merged(names: list[str], row: list[tuple[int, str]]) -> list[tuple[str, str]]:
    """(column names, words) per cell: a cell across columns is said once, with all their names."""
    merged: list[tuple[list[str], str]] = []
    identities: list[int] = []
    for column, (identity, words) in enumerate(row):
        name = names[column] if column < len(names) else ""
        if identities and identities[-1] == identity:
            if name and name not in merged[-1][0]:
                merged[-1][0].append(name)
            continue
        identities.append(identity)
        merged.append(([name] if name else [], words))
    return [(_names_said(spanned), words) for spanned, words in merged]


def _names_said(names: list[str]) -> str:
    """ "2024 Q1 and Q2" for the columns "2024 Q1" and "2024 Q2": a shared start said once."""
    if len(names) < 2:
        return "".join(names)
    split = [name.split(" ") for name in names]
    shared = 0
    while (
        all(len(words) > shared + 1 for words in split)
        and len({tuple(words[: shared + 1]) for words in split}) == 1
    ):
        shared += 1
    rests = [" ".join(words[shared:]) for words in split]
    return " ".join([*split[0][:shared], join_names(rests)])


def _said(values: list[tuple[str, str]]) -> list[str]:
    return [sentence(f"{name}: {words}" if name else words) for name, words in values if words]
