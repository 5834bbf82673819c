"""Tables read row by row with their header names; big tables announced and summarised.

Small table: "A table with 2 rows and 2 columns." then "Country: Kenya. Cost per net: two
dollars fifty." per row, and "End of table." Past `table_max_cells`, the listener hears the
size, the column names and the first row, and how many rows were left out.
"""

from __future__ import annotations

from collections.abc import Callable

from bs4 import Tag

from postcast.narration.spoken import join_names, plural, sentence

CellText = Callable[[Tag], str]


def table_texts(table: Tag, cell_text: CellText, max_cells: int, caption: str = "") -> list[str]:
    """The narrator's raw words for a table, one paragraph-sized text per row."""
    rows = [_cells(row) for row in table.find_all("tr") if row.find_parent("table") is table]
    rows = [row for row in rows if row]
    if not rows:
        return []
    header, body = _split_header(table, rows)
    names = _spread(header, cell_text)
    data = [_spread(row, cell_text) for row in body]
    data = [row for row in data if any(row)]
    columns = max(len(row) for row in [names, *data])
    opening = f"A table with {plural(len(data), 'row')} and {plural(columns, 'column')}"
    opening = sentence(f"{opening}: {caption}" if caption else opening)
    if len(data) * columns <= max_cells:
        read = [_row_text(names, row, number) for number, row in enumerate(data, 1)]
        return [opening, *read[:-1], f"{read[-1]} End of table."] if read else [opening]
    return _summary(opening, names, data)


def _summary(opening: str, names: list[str], data: list[list[str]]) -> list[str]:
    texts = [opening]
    named = [name for name in names if name]
    if named:
        texts.append(sentence(f"The columns are: {join_names(named)}"))
    if data:
        texts.append(f"The first row reads: {_row_text(names, data[0], 1)}")
    if len(data) > 1:
        left_out = len(data) - 1
        texts.append(
            f"The other {plural(left_out, 'row')} {'is' if left_out == 1 else 'are'} not read."
        )
    return texts


def _cells(row: Tag) -> list[Tag]:
    return [cell for cell in row.find_all(["th", "td"], recursive=False)]


def _split_header(table: Tag, rows: list[list[Tag]]) -> tuple[list[Tag], list[list[Tag]]]:
    head = table.find("thead")
    if isinstance(head, Tag) and head.find_parent("table") is table:
        head_rows = [_cells(row) for row in head.find_all("tr")]
        in_head = {id(cell) for row in head_rows for cell in row}
        header = head_rows[-1] if head_rows else []
        return header, [row for row in rows if id(row[0]) not in in_head]
    if all(cell.name == "th" for cell in rows[0]) and len(rows) > 1:
        return rows[0], rows[1:]
    return [], rows


def _spread(row: list[Tag], cell_text: CellText) -> list[str]:
    """Cell texts by column: a cell spanning columns fills its first, the rest stay empty."""
    spread: list[str] = []
    for cell in row:
        spread.append(cell_text(cell))
        spread.extend([""] * (_span(cell) - 1))
    return spread


def _span(cell: Tag) -> int:
    try:
        return max(1, min(int(str(cell.get("colspan", "1"))), 100))
    except ValueError:
        return 1


def _row_text(names: list[str], row: list[str], number: int) -> str:
    if not any(names):
        return sentence(f"Row {number}: {', '.join(value for value in row if value)}")
    said = []
    for index, value in enumerate(row):
        if not value:
            continue
        name = names[index] if index < len(names) else ""
        said.append(sentence(f"{name}: {value}" if name else value))
    return " ".join(said)
