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


def _read(html: str) -> list[str]:
    segments = body(script_of(fixture_post("tables.html", html=html)))
    return [segment.text for segment in segments]


def test_merged_cells_and_a_two_row_header_give_each_cell_its_own_header() -> None:
    html = (
        '<figure class="table"><table><thead>'
        '<tr><th rowspan="2">Region</th><th colspan="2">Funding</th><th rowspan="2">Notes</th></tr>'
        "<tr><th>Public</th><th>Private</th></tr></thead><tbody>"
        '<tr><td rowspan="2">Africa</td><td>5</td><td>6</td><td>rising</td></tr>'
        '<tr><td colspan="2">7</td><td>pooled</td></tr>'
        '<tr><td colspan="4">Other regions</td></tr>'
        "<tr><td>Asia</td><td>1</td><td>2</td><td></td></tr>"
        "</tbody></table><figcaption>Grants by region</figcaption></figure>"
    )
    assert _read(html) == [
        said("A table with 4 rows and 4 columns: Grants by region."),
        said("Region: Africa. Funding Public: 5. Funding Private: 6. Notes: rising."),
        said("Region: Africa. Funding Public and Private: 7. Notes: pooled."),
        said("Other regions."),
        said("Region: Asia. Funding Public: 1. Funding Private: 2. End of table."),
    ]


def test_lexical_header_cells_without_thead_and_row_labels() -> None:
    def cell(tag: str, text: str) -> str:
        kind = "table-cell table-cell-header" if tag == "th" else "table-cell"
        run = f'<span style="white-space: pre-wrap;">{text}</span>'
        return f'<{tag} class="{kind}"><p>{run}</p></{tag}>'

    rows = [
        cell("th", "Model") + cell("th", "Accuracy") + cell("th", "Cost"),
        cell("th", "Small") + cell("td", "61%") + cell("td", "$2"),
        cell("th", "Large") + cell("td", "78%") + cell("td", "$9"),
    ]
    html = '<table class="editor-table"><tbody>' + "".join(f"<tr>{r}</tr>" for r in rows)
    assert _read(html + "</tbody></table>") == [
        said("A table with 2 rows and 3 columns."),
        said("Small. Accuracy: 61%. Cost: $2."),
        said("Large. Accuracy: 78%. Cost: $9. End of table."),
    ]


def test_a_first_column_with_an_empty_header_names_its_rows() -> None:
    html = (
        "<table><thead><tr><th></th><th>Agree</th><th>Disagree</th></tr></thead><tbody>"
        "<tr><td>Researchers</td><td>40</td><td>12</td></tr>"
        "<tr><td>Engineers</td><td>33</td><td>20</td></tr></tbody></table>"
    )
    assert _read(html)[1:] == [
        said("Researchers. Agree: 40. Disagree: 12."),
        said("Engineers. Agree: 33. Disagree: 20. End of table."),
    ]


def test_markdown_aligned_header_cells_read_as_names() -> None:
    html = (
        '<table><thead><tr><th style="text-align:left">Year</th>'
        '<th style="text-align:right">Deaths</th></tr></thead><tbody>'
        '<tr><td style="text-align:left">2000</td><td style="text-align:right">896,000</td></tr>'
        "</tbody></table>"
    )
    assert _read(html) == [
        said("A table with 1 row and 2 columns."),
        said("Year: 2000. Deaths: 896,000. End of table."),
    ]


def test_a_span_past_the_table_does_not_invent_rows_or_columns() -> None:
    html = '<table><tr><td rowspan="40" colspan="3">Only cell</td></tr></table>'
    assert _read(html) == [
        said("A table with 1 row and 3 columns."),
        said("Only cell. End of table."),
    ]
