"""Issue 10 items 6 and 7: imports never garble names silently, and every message's row number is the
spreadsheet's own."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from network.models import ImportBatch, User
from network.services import imports
from tests.conftest import Cast
from tests.html import text_of

HEADER = "name,email,agency,sector\r\n"
NAMES = ["Siân Llewelyn", "José Núñez", "Zoë “Zed” Ærø"]


def _rows(delimiter: str = ",") -> str:
    lines = ["name", "email", "agency", "sector"]
    text = delimiter.join(lines) + "\r\n"
    for i, name in enumerate(NAMES):
        text += delimiter.join([name, f"p{i}@example.org", "Ashby Council", ""]) + "\r\n"
    return text


def _upload(cast: Cast, data: bytes, name: str = "leaders.csv"):
    client = cast.client_for(cast.enabler)
    url = reverse("network:site-import", args=[cast.site.slug])
    return client, client.post(url, {"file": SimpleUploadedFile(name, data)})


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (_rows().encode("utf-8"), "UTF-8"),
        (b"\xef\xbb\xbf" + _rows().encode("utf-8"), "UTF-8"),
        # Excel's "Unicode text": UTF-16 little-endian with its byte order mark, tab-separated.
        (_rows("\t").encode("utf-16"), "UTF-16"),
        (b"\xfe\xff" + _rows("\t").encode("utf-16-be"), "UTF-16"),
        (_rows(";").encode("cp1252"), "Windows-1252"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le", "utf-16-be", "cp1252"],
)
def test_it_reads_each_encoding_and_names_it(cast: Cast, data: bytes, encoding: str) -> None:
    client, response = _upload(cast, data, name="leaders.txt" if encoding == "UTF-16" else "leaders.csv")
    assert response.status_code == 302, response.content.decode()
    page = client.get(response["Location"]).content.decode()
    assert f"Read as {encoding}." in page
    client.post(response["Location"])
    assert sorted(User.objects.filter(email__startswith="p").values_list("name", flat=True)) == sorted(NAMES)


def test_valid_utf8_is_never_taken_for_another_encoding(cast: Cast) -> None:
    # Every byte here is also valid Windows-1252 ("SiÃ¢n"), which a guesser might prefer.
    table = imports.table_read(data=("name,email,agency\nSiân,s@example.org,A\n").encode(), filename="a.csv")
    assert (table.encoding, table.rows[0]["name"]) == ("UTF-8", "Siân")


def test_a_file_mixing_encodings_is_refused_naming_the_first_bad_row(cast: Cast) -> None:
    data = (
        HEADER.encode()
        + "Siân Llewelyn,sian@example.org,Ashby Council,\r\n".encode()
        + b"\r\n"
        + "José Núñez,jose@example.org,Ashby Council,\r\n".encode("cp1252")
        + "Zoë Ærø,zoe@example.org,Ashby Council,\r\n".encode("cp1252")
    )
    _, response = _upload(cast, data)
    assert response.status_code == 422
    message = text_of(response.content.decode(), id="id_file_error") or ""
    assert "Row 4 is in a different text encoding from the rest of the file" in message
    assert "CSV UTF-8" in message
    assert not ImportBatch.objects.exists() and not User.objects.filter(email="sian@example.org").exists()


def test_bytes_no_encoding_reads_as_text_are_refused(cast: Cast) -> None:
    data = HEADER.encode() + b"Ann,ann@example.org,Ashby Council,\r\n" + b"\x81\x8d\x8f\x90\x9d,b@example.org,X,\r\n"
    _, response = _upload(cast, data)
    assert response.status_code == 422
    assert "Row 3 has characters that could not be read" in response.content.decode()


def _lines(batch: ImportBatch) -> dict[str, tuple[int, list[str]]]:
    return {row["name"]: (row["line"], row["errors"]) for row in batch.rows}


def test_row_numbers_are_the_spreadsheets_own_blank_rows_included(cast: Cast) -> None:
    data = (
        b"\r\n"  # row 1 blank: the header is on row 2
        b"name,email,agency,sector\r\n"
        b"Ann,dup@example.org,Ashby Council,\r\n"  # row 3
        b"\r\n"
        b",,\r\n"  # rows 4 and 5 blank
        b'"Bea, with a\r\nline break in a cell",bea@example.org,Ashby Council,\r\n'  # row 6: one row in Excel
        b"Cai,DUP@example.org,Ashby Council,\r\n"  # row 7
        b"Dee,not-an-email,Ashby Council,\r\n"  # row 8
    )
    _, response = _upload(cast, data)
    batch = ImportBatch.objects.get()
    lines = _lines(batch)
    assert lines["Ann"] == (3, [])
    assert lines["Bea, with a line break in a cell"] == (6, [])
    assert lines["Cai"] == (7, ["Duplicate: dup@example.org is also on row 3."])
    assert lines["Dee"] == (8, ["Malformed email “not-an-email”."])
    page = cast.client_for(cast.enabler).get(response["Location"]).content.decode()
    assert "<td>8</td>" in page and "<td>7</td>" in page


def test_row_numbers_in_a_workbook_count_its_blank_rows(cast: Cast) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet["A2"], sheet["B2"], sheet["C2"] = "name", "email", "agency"
    sheet.append(["Ann", "dup@example.org", "Ashby Council"])  # row 3
    sheet.append([])
    sheet["A6"], sheet["B6"], sheet["C6"] = "Cai", "dup@example.org", "Ashby Council"
    buffer = io.BytesIO()
    workbook.save(buffer)
    _upload(cast, buffer.getvalue(), name="leaders.xlsx")
    rows = ImportBatch.objects.get().rows
    assert [(row["line"], row["errors"]) for row in rows] == [
        (3, []),
        (6, ["Duplicate: dup@example.org is also on row 3."]),
    ]


def test_confirming_keeps_the_row_numbers(cast: Cast) -> None:
    data = b"name,email,agency\r\n\r\nAnn,ann@example.org,Ashby Council\r\n"
    client, response = _upload(cast, data)
    assert ImportBatch.objects.get().rows[0]["line"] == 3
    client.post(response["Location"])
    assert User.objects.filter(email="ann@example.org").exists()
