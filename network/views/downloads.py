"""CSV and XLSX downloads of any table, formula-safe: the alliance's and an indicator's series.

Every text cell goes through the app's one formula guard, network/csv_cells.py (SafeWriter for CSV,
network/xlsx.py for XLSX), so a value starting = + - @ tab or CR opens as text, not a formula.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from itertools import islice

from django.http import StreamingHttpResponse

from network import xlsx
from network.csv_cells import SafeWriter
from network.xlsx import xlsx_stream

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


def xlsx_response(
    *, sheet_title: str, header: list[str], rows: Iterable[list[str]], filename: str
) -> StreamingHttpResponse:
    """The rows as a workbook of text cells (network/xlsx.py), streamed as it is written."""
    response = StreamingHttpResponse(
        xlsx_stream(sheet_title=sheet_title, header=header, rows=rows), content_type=xlsx.CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
