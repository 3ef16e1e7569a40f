"""CSV and XLSX downloads of any table, formula-safe: the alliance's and an indicator's series.

Every text cell goes through the app's one formula guard, network/csv_cells.py (SafeWriter for CSV,
csv_cell for XLSX), so a value starting = + - @ tab or CR opens as text, not a formula.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterable, Iterator
from itertools import islice

from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from network.csv_cells import SafeWriter, csv_cell

# Rows a chunk of a streamed CSV: one write to the socket for some tens of kilobytes, rather than one a row
# (20,000 writes, each through the WSGI server and the chunked encoding, were most of a long list's time).
CSV_ROWS_A_CHUNK = 500


def _lines(header: list[str], rows: Iterable[list[str]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = SafeWriter(buffer)

    def taken() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(header)
    yield taken()  # at once, before the rows' query runs: the download starts
    remaining = iter(rows)
    while batch := list(islice(remaining, CSV_ROWS_A_CHUNK)):
        writer.writerows(batch)
        yield taken()


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
