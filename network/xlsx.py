"""A workbook of one sheet of text, written as it streams: the app's XLSX downloads (attendees, the alliance,
an indicator's series).

openpyxl's write-only mode spent about 60 µs a row on cell objects, shared strings and XML elements, and
built the whole file before the first byte went out. A sheet of text needs none of that: this writes the
SpreadsheetML by hand, each cell an inline string, one `str.format` a row, into a zip streamed a few hundred
rows at a time. openpyxl stays the oracle: tests read these files back with it and compare them, cell by
cell, with its own write of the same rows.

Every cell is text, through the app's one formula guard (network/csv_cells.py), after what XML 1.0 cannot
hold (control characters, lone surrogates) is dropped (openpyxl refused such a name with an error, a 500),
so the guard sees what the reader will see. A cell holds at most what Excel does (32,767 UTF-16 units).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import IO, cast

from network.csv_cells import FORMULA_START, csv_cell

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_CELL = 32_767  # Excel's limit on a cell's text, in UTF-16 units
ROWS_A_CHUNK = 500
WIDTH_FROM_ROWS = 100  # column widths are fitted to the header and this many first rows
MAX_WIDTH = 60

# What XML 1.0 cannot carry: C0 controls other than tab, newline and carriage return; surrogates; U+FFFE/F.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# A row whose cells, joined and wrapped by \x01, show none of these needs no more than the template: no markup
# to escape, nothing illegal, no formula start, no XML space at either end of a cell (which would need
# xml:space="preserve"). One search of a character class and two pairs: half the time of anchors and \s.
_SEP = "\x01"
_NEEDS_CARE = re.compile(
    "[&<>\x00\x02-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]|\x01[=+\\-@ \t\n\r]|[ \t\n\r]\x01"
)
_EMPTY_CELL = ' t="inlineStr"><is><t></t></is></c>'
_BLANK_CELL = ' t="inlineStr"/>'  # a blank cell, as openpyxl writes an empty string

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CONTENT_TYPES = (
    _HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    _HEAD + f'<Relationships xmlns="{_PKG_REL_NS}">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK_RELS = (
    _HEAD + f'<Relationships xmlns="{_PKG_REL_NS}">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/></Relationships>'
)
_STYLES = (
    _HEAD + f'<styleSheet xmlns="{_NS}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _utf16_cut(text: str) -> str:
    """The text cut to what one cell holds (an emoji is two UTF-16 units)."""
    if len(text) > MAX_CELL // 2 and len(text.encode("utf-16-le")) > 2 * MAX_CELL:
        text = text[:MAX_CELL]
        while len(text.encode("utf-16-le")) > 2 * MAX_CELL:
            text = text[: -max(1, (len(text.encode("utf-16-le")) - 2 * MAX_CELL) // 4)]
    return text


def cell_text(value: object) -> str:
    """A value as the text of its cell: None and "" are blank; the rest is text, guarded against formulas."""
    if value is None:
        return ""
    # Dropped first, so the guard sees the text as the reader will; cut last, so a guarded cell stays guarded.
    return _utf16_cut(str(csv_cell(_ILLEGAL.sub("", str(value)))))


def _cell_xml(column: str, number: int, text: str) -> str:
    if not text:
        return f'<c r="{column}{number}"{_BLANK_CELL}'
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{column}{number}" t="inlineStr"><is><t{space}>{_escape(text)}</t></is></c>'


def _column_letters(count: int) -> list[str]:
    letters = []
    for index in range(1, count + 1):
        name = ""
        while index:
            index, remainder = divmod(index - 1, 26)
            name = chr(65 + remainder) + name
        letters.append(name)
    return letters


class _RowWriter:
    """Rows of a given width as SpreadsheetML: a template filled by one `str.format` a row, where the row's
    cells need no care (nearly every row); cell by cell otherwise."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.columns = _column_letters(width)
        cells = "".join(
            f'<c r="{c}{{0}}" t="inlineStr"><is><t>{{{i + 1}}}</t></is></c>' for i, c in enumerate(self.columns)
        )
        self.template = f'<row r="{{0}}">{cells}</row>'

    def row(self, number: int, values: Sequence[object]) -> str:
        if len(values) == self.width:
            try:
                joined = f"{_SEP}{_SEP.join(values)}{_SEP}"  # type: ignore[arg-type]  # TypeError: not all text
            except TypeError:
                pass
            else:
                if (
                    _NEEDS_CARE.search(joined) is None
                    and joined.count(_SEP) == self.width + 1  # no \x01 of its own
                    and len(joined) <= MAX_CELL // 2
                ):
                    xml = self.template.format(number, *values)
                    return xml.replace(_EMPTY_CELL, _BLANK_CELL) if "" in values else xml
        columns = self.columns if len(values) <= self.width else _column_letters(len(values))
        cells = "".join(_cell_xml(c, number, cell_text(v)) for c, v in zip(columns, values, strict=False))
        return f'<row r="{number}">{cells}</row>'


def _sheet_name(title: str) -> str:
    """A name Excel accepts for a sheet: no [ ] : * ? / \\, at most 31 characters, not blank."""
    name = re.sub(r"[\[\]:*?/\\]", " ", _ILLEGAL.sub("", title)).strip("' ")[:31].strip()
    return name or "Sheet1"


def _attribute(text: str) -> str:
    return _escape(text).replace('"', "&quot;")


def _widths(rows: Iterable[Sequence[object]], count: int) -> str:
    widest = [8] * count
    for row in rows:
        for index, value in enumerate(row[:count]):
            if value is not None:
                widest[index] = max(widest[index], len(str(value)))
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{min(MAX_WIDTH, w + 2)}" customWidth="1"/>'
        for i, w in enumerate(widest, start=1)
    )
    return f"<cols>{cols}</cols>"


class _Sink:
    """A write-only file for ZipFile (which then writes each entry's sizes after its data, as a streamed zip
    does): what is written waits here until it is taken to be sent."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._offset = 0

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        self._offset += len(data)
        return len(data)

    def tell(self) -> int:
        return self._offset

    def flush(self) -> None:
        pass

    def taken(self) -> bytes:
        data = b"".join(self._parts)
        self._parts = []
        return data


def xlsx_stream(*, sheet_title: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[bytes]:
    """The workbook, a few hundred rows a chunk. The first chunk waits for the first rows, which fit the
    columns' widths; memory holds a chunk, however many rows there are."""
    sink = _Sink()
    remaining = iter(rows)
    first = list(islice(remaining, ROWS_A_CHUNK))
    width = max([len(header), *(len(row) for row in first)])
    writer = _RowWriter(width)
    # Deflate's usual level: the file is no larger than openpyxl's (level 1 took a quarter less time, but the
    # file grew by a tenth over openpyxl's, which shares repeated strings).
    archive = zipfile.ZipFile(cast("IO[bytes]", sink), "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6)
    with archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr(
            "xl/workbook.xml",
            f'{_HEAD}<workbook xmlns="{_NS}" xmlns:r="{_REL_NS}"><sheets>'
            f'<sheet name="{_attribute(_sheet_name(sheet_title))}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", _STYLES)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                f'{_HEAD}<worksheet xmlns="{_NS}" xmlns:r="{_REL_NS}">'
                f"{_widths([header, *first[:WIDTH_FROM_ROWS]], width)}<sheetData>".encode()
            )
            number = 1
            sheet.write(writer.row(number, header).encode())
            batch = first
            while batch:
                parts = []
                for row in batch:
                    number += 1
                    parts.append(writer.row(number, row))
                sheet.write("".join(parts).encode())
                yield sink.taken()
                batch = list(islice(remaining, ROWS_A_CHUNK))
            sheet.write(b"</sheetData></worksheet>")
    yield sink.taken()


__all__ = ["CONTENT_TYPE", "FORMULA_START", "cell_text", "xlsx_stream"]
