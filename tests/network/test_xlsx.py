"""The hand-written XLSX (network/xlsx.py) against openpyxl, the oracle: the same rows, written by openpyxl's
own write-only workbook and by ours, read back by openpyxl, are the same cells."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator, Sequence

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell

from network.csv_cells import csv_cell
from network.xlsx import MAX_CELL, ROWS_A_CHUNK, xlsx_stream

HEADER = ["Name", "Email", "Agency", "Note"]
NASTY = [
    '=HYPERLINK("http://evil.example","Click")',
    "+44 1234",
    "-3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "\x00=1+1",  # a formula once the NUL is gone
    'Dai "the bard" O\'Neill',
    "<b>&amp; </b> ]]> &lt;",
    "👩🏽‍💻 Ffion",
    "مرحبا بالعالم",
    "Siân Ŵ ŷ",
    "a\x01b\x08c\x0bd\x0ce\x1ff\ufffeg\uffff",
    "  padded  ",
    " ",
    "line\nbreak\r\nand\ttab",
    "{0} {1} {} %s",
    "",
    "x" * 40_000,
    "😀" * 20_000,  # 40,000 UTF-16 units
    "=" + "y" * 40_000,
]
# openpyxl's own rule for what it refuses, and the XML non-characters it would write unescaped.
OPENPYXL_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]|[\ufffe\uffff]")


def _expected(value: str) -> str:
    """What a cell should hold, by the plainest route: illegal characters gone, guarded, cut to Excel's limit."""
    text = str(csv_cell(OPENPYXL_ILLEGAL.sub("", value)))
    while len(text.encode("utf-16-le")) > 2 * MAX_CELL:
        text = text[:-1]
    return text


def _openpyxl_bytes(title: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.append(list(header))
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=_expected(value))
            cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _ours(title: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> bytes:
    return b"".join(xlsx_stream(sheet_title=title, header=header, rows=rows))


def _cells(data: bytes, title: str) -> list[list[tuple[object, str]]]:
    sheet = load_workbook(io.BytesIO(data))[title]
    return [[(cell.value, cell.data_type) for cell in row] for row in sheet.iter_rows()]


def test_it_writes_the_same_cells_as_openpyxl_for_nasty_text() -> None:
    rows = [[value, f"{i}@example.org", "Ashby & Co", value] for i, value in enumerate(NASTY)]
    rows += [["Plain", "plain@example.org", "", "Note"], ["", "", "", ""]]
    ours = _cells(_ours("Attendees", HEADER, rows), "Attendees")
    assert ours == _cells(_openpyxl_bytes("Attendees", HEADER, rows), "Attendees")
    by_email = {row[1][0]: row for row in ours[1:]}
    assert by_email["0@example.org"][0] == ('\'=HYPERLINK("http://evil.example","Click")', "s")
    assert by_email["6@example.org"][0] == ("'=1+1", "s")  # the NUL dropped, then the guard
    assert by_email["13@example.org"][0] == ("  padded  ", "s")
    assert by_email["18@example.org"][0] == ("x" * MAX_CELL, "s")
    assert by_email["20@example.org"][0][0] == "'=" + "y" * (MAX_CELL - 2)  # guarded, then cut
    assert not any(isinstance(v, str) and v.startswith(("=", "+", "-", "@")) for row in ours for v, _ in row)


def test_a_row_of_other_widths_and_values_still_reads_back() -> None:
    rows: list[Sequence[object]] = [["a"], ["a", "b", "c", "d", "e", "f"], ["x", None, 5, "\ud800lone"]]
    cells = _cells(b"".join(xlsx_stream(sheet_title="S", header=HEADER, rows=rows)), "S")
    assert [[v for v, _ in row] for row in cells] == [
        [*HEADER, None, None],
        ["a", None, None, None, None, None],
        ["a", "b", "c", "d", "e", "f"],
        ["x", None, "5", "lone", None, None],
    ]


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.lists(st.text(max_size=30), min_size=4, max_size=4), min_size=1, max_size=8),
    title=st.text(min_size=0, max_size=40),
)
def test_any_text_reads_back_as_openpyxl_writes_it(rows: list[list[str]], title: str) -> None:
    data = _ours(title, HEADER, rows)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
    book = load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    assert 1 <= len(sheet.title) <= 31
    ours = [[(cell.value, cell.data_type) for cell in row] for row in sheet.iter_rows()]
    assert ours == _cells(_openpyxl_bytes("S", HEADER, rows), "S")


def test_it_streams_a_chunk_at_a_time() -> None:
    consumed = 0

    def rows() -> Iterator[list[str]]:
        nonlocal consumed
        for i in range(3 * ROWS_A_CHUNK + 7):
            consumed += 1
            yield [f"Person {i}", f"p{i}@example.org", "", "Note"]

    chunks = xlsx_stream(sheet_title="S", header=HEADER, rows=rows())
    first = next(chunks)
    assert first.startswith(b"PK")
    assert consumed <= ROWS_A_CHUNK + 1  # the first chunk waits for the first rows, not for them all
    data = first + b"".join(chunks)
    cells = _cells(data, "S")
    assert len(cells) == 1 + 3 * ROWS_A_CHUNK + 7
    assert cells[-1][0] == (f"Person {3 * ROWS_A_CHUNK + 6}", "s")


def test_the_sheet_name_is_one_excel_accepts() -> None:
    data = _ours("Who: [all]/some?*\\", HEADER, [])
    assert load_workbook(io.BytesIO(data)).sheetnames == ["Who   all  some"]
    assert load_workbook(io.BytesIO(_ours("Mynychwyr & <ffrindiau>", HEADER, []))).sheetnames == [
        "Mynychwyr & <ffrindiau>"
    ]
