"""Tables read row by row with their header names; big ones announced and summarised."""

from __future__ import annotations

from narration_samples import assert_clean, body, fixture_post, said, script_of

from postcast.models import SegmentKind


def _tables(**narration: object) -> list[str]:
    segments = body(script_of(fixture_post("tables.html"), **narration))
    return [segment.text for segment in segments if segment.kind is SegmentKind.TABLE]


def test_small_table_reads_each_row_with_its_header_names() -> None:
    assert _tables()[:4] == [
        said("A table with 3 rows and 2 columns: Prices from the 2024 survey."),
        said("Country: Kenya. Cost per net: two dollars fifty."),
        said("Country: Malawi. Cost per net: three dollars."),
        said("Country: Chad. End of table."),
    ]


def test_table_past_the_cell_limit_is_summarised() -> None:
    assert _tables()[4:8] == [
        said("A table with 9 rows and 5 columns."),
        said("The columns are: Line item, Q1, Q2, Q3 and Q4."),
        said("The first row reads: Line item: Nets. Q1: 1. Q2: 2. Q3: 3. Q4: 4."),
        said("The other 8 rows are not read."),
    ]


def test_raising_the_limit_reads_the_big_table_in_full() -> None:
    texts = _tables(table_max_cells=100)
    assert texts[4] == said("A table with 9 rows and 5 columns.")
    assert texts[5] == said("Line item: Nets. Q1: 1. Q2: 2. Q3: 3. Q4: 4.")
    assert texts[13] == said("Line item: Other. Q1: 7. Q2: 7. Q3: 7. Q4: 7. End of table.")


def test_table_without_headers_reads_numbered_rows() -> None:
    assert _tables()[-3:] == [
        said("A table with 2 rows and 2 columns."),
        said("Row 1: red, green."),
        said("Row 2: blue, yellow. End of table."),
    ]


def test_tables_leave_no_markup_behind() -> None:
    script = script_of(fixture_post("tables.html"))
    assert_clean(script)
    assert [segment.kind for segment in body(script)][:2] == [
        SegmentKind.PARAGRAPH,
        SegmentKind.TABLE,
    ]
