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


def _lexical(*rows: list[tuple[str, str]]) -> str:
    """A table as Lexical stores it, from `(kind, text)` cells: kind "th", "td", or
    "td header" for a header cell Lexical wrote as a `td` with the header class."""

    def cell(kind: str, text: str) -> str:
        tag = kind.split()[0]
        header = tag == "th" or kind.endswith("header")
        names = "table-cell table-cell-header" if header else "table-cell"
        return f'<{tag} class="{names}"><p><span>{text}</span></p></{tag}>'

    cells = "".join("<tr>" + "".join(cell(*pair) for pair in row) + "</tr>" for row in rows)
    return f'<table class="editor-table"><tbody>{cells}</tbody></table>'


def test_a_one_cell_table_is_read_as_the_note_it_boxes() -> None:
    note = (
        '<td class="table-cell"><p><b><span>Note:</span></b>'
        "<span> this post is a draft, comments welcome.</span></p></td>"
    )
    html = f'<p>Before.</p><table class="editor-table"><tbody><tr>{note}</tr></tbody></table>'
    assert _read(html + "<p>After.</p>") == [
        said("Before."),
        said("Note: this post is a draft, comments welcome."),
        said("After."),
    ]


def test_a_box_reads_its_paragraphs_and_list_items_each_apart() -> None:
    html = (
        '<figure class="table"><table><tr><td><p><b>Summary</b></p><p>We tried two things</p>'
        "<ul><li>cheap nets</li><li>fast delivery</li></ul><ol><li>Mix</li><li>Bake</li></ol>"
        "</td></tr></table><figcaption>Our plan</figcaption></figure>"
    )
    assert _read(html) == [
        said("Our plan."),
        said("Summary"),
        said("We tried two things"),
        said("cheap nets"),
        said("fast delivery"),
        said("1. Mix"),
        said("2. Bake"),
    ]


def test_a_table_in_a_box_is_read_as_a_table() -> None:
    inner = "<table><tr><th>Year</th><th>Cost</th></tr><tr><td>2024</td><td>5</td></tr></table>"
    assert _read(f"<table><tr><td><p>Results:</p>{inner}</td></tr></table>") == [
        said("Results:"),
        said("A table with 1 row and 2 columns."),
        said("Year: 2024. Cost: 5. End of table."),
    ]


def test_a_footnote_in_a_box_is_read_after_it() -> None:
    marker = '<sup class="footnote-ref"><a href="#fn1">[1]</a></sup>'
    notes = '<ol class="footnotes"><li class="footnote-item" id="fn1"><p>A source.</p></li></ol>'
    script = script_of(
        fixture_post(
            "tables.html", html=f"<table><tr><td><p>A claim{marker}.</p></td></tr></table>{notes}"
        )
    )
    assert_clean(script)
    assert [segment.text for segment in body(script)] == [
        said("A claim."),
        said("Footnote 1:", "A source."),
    ]


def test_a_one_column_table_with_a_header_reads_as_a_list_under_it() -> None:
    html = _lexical([("th", "Key takeaways")], [("td", "First point")], [("td", "Second point")])
    assert _read(html) == [said("Key takeaways: First point."), said("Second point.")]


def test_a_lexical_header_cell_written_as_td_still_names_its_column() -> None:
    html = _lexical(
        [("td header", "Key takeaways")], [("td", "First point")], [("td", "Second point")]
    )
    assert _read(html) == [said("Key takeaways: First point."), said("Second point.")]


def test_a_one_column_table_of_header_cells_is_named_by_its_top_cell_only() -> None:
    html = _lexical([("th", "Steps")], [("th", "Gather data")], [("th", "Fit the model")])
    assert _read(html) == [said("Steps: Gather data."), said("Fit the model.")]


def test_a_one_column_table_without_a_header_reads_its_rows_in_order() -> None:
    html = _lexical([("td", "Read the post")], [("td", "Write a summary")], [("td", "Share it")])
    assert _read(html) == [said("Read the post."), said("Write a summary."), said("Share it.")]


def test_a_one_column_table_past_the_cell_limit_is_still_summarised() -> None:
    html = _lexical([("th", "Name")], [("td", "Ada")], [("td", "Bo")], [("td", "Cy")])
    segments = body(script_of(fixture_post("tables.html", html=html), table_max_cells=2))
    assert [segment.text for segment in segments] == [
        said("A table with 3 rows and 1 column."),
        said("The columns are: Name."),
        said("The first row reads: Name: Ada."),
        said("The other 2 rows are not read."),
    ]


def test_a_two_by_two_lexical_table_is_still_read_as_a_table() -> None:
    html = _lexical(
        [("th", "Name"), ("th", "Age")], [("td", "Ada"), ("td", "36")], [("td", "Bo"), ("td", "41")]
    )
    assert _read(html) == [
        said("A table with 2 rows and 2 columns."),
        said("Name: Ada. Age: 36."),
        said("Name: Bo. Age: 41. End of table."),
    ]


def test_a_list_in_a_cell_reads_its_items_apart() -> None:
    html = (
        "<table><thead><tr><th>Option</th><th>Notes</th></tr></thead><tbody>"
        "<tr><td>Trains</td><td><p>Pros:</p><ul><li>cheap</li><li>fast</li></ul></td></tr>"
        "<tr><td>Planes</td><td>Pros<ul><li>fastest</li></ul><p>Cons: costly</p></td></tr>"
        "</tbody></table>"
    )
    assert _read(html)[1:] == [
        said("Option: Trains. Notes: Pros: cheap, fast."),
        said("Option: Planes. Notes: Pros: fastest. Cons: costly. End of table."),
    ]


def test_paragraphs_in_a_cell_read_as_sentences() -> None:
    html = _lexical([("th", "Idea"), ("th", "Status")], [("td", "Nets"), ("td", "x")])
    html = html.replace("<p><span>x</span></p>", "<p>Funded</p><p>Review in May</p>")
    assert _read(html)[1:] == [said("Idea: Nets. Status: Funded. Review in May. End of table.")]
