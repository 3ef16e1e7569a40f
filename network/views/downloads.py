"""CSV and XLSX downloads of any table, formula-safe: the alliance's and an indicator's series.

Every text cell goes through the app's one formula guard, network/csv_cells.py (SafeWriter for CSV,
csv_cell for XLSX), so a value starting = + - @ tab or CR opens as text, not a formula.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator

from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from network.csv_cells import SafeWriter, csv_cell


class _Echo:
    """A file-like object whose write returns the line, for streaming csv."""

    def write(self, value: str) -> str:
        return value


def _lines(header: list[str], rows: Iterable[list[str]]) -> Iterator[str]:
    writer = SafeWriter(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def csv_response(*, header: list[str], rows: Iterable[list[str]], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_lines(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(*, sheet_title: str, header: list[str], rows: Iterable[list[str]], filename: str) -> FileResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    sheet.append(header)
    for row in rows:
        cells = []
        for value in row:
            # The same guard as the CSV, and stored as a string: openpyxl would otherwise keep "=..." as a formula.
            cell = WriteOnlyCell(sheet, value=csv_cell(value))
            cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    output = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when the download is done
    workbook.save(output)
    output.seek(0)
    return FileResponse(
        output,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
