"""Importing agencies and leaders from CSV and XLSX: preview row by row, then confirm all at once."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from network.models import ActivityEntry, Agency, ImportBatch, Membership, User
from network.services import imports
from tests.conftest import Cast
from tests.html import text_of

HEADER = ["name", "email", "agency", "sector", "role_title"]


def csv_bytes(rows: list[list[str]], *, delimiter: str = ",", bom: bool = False, crlf: bool = False) -> bytes:
    end = "\r\n" if crlf else "\n"
    text = end.join(delimiter.join(row) for row in [HEADER, *rows]) + end
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in [HEADER, *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(cast: Cast, data: bytes, name: str = "leaders.csv"):
    client = cast.client_for(cast.enabler)
    url = reverse("network:site-import", args=[cast.site.slug])
    return client, client.post(url, {"file": SimpleUploadedFile(name, data)})


def state(cast: Cast) -> tuple[int, int, int]:
    return (
        Agency.objects.filter(site=cast.site).count(),
        Membership.objects.filter(site=cast.site).count(),
        User.objects.count(),
    )


GOOD = [
    ["Siân Llewelyn", "sian@example.org", "Ashby Council", "", "Director of Children's Services"],
    ["Zoë Ærøskøbing", "zoe@example.org", "Ashby Fire and Rescue", "Fire", "Chief Fire Officer"],
    ["Łukasz Nowak", "lukasz@example.org", "ashby fire and rescue", "", ""],
]


def test_it_previews_then_imports_all_valid_rows_at_once(cast: Cast) -> None:
    before = state(cast)
    client, response = upload(cast, csv_bytes(GOOD, bom=True, crlf=True))
    assert response.status_code == 302
    assert state(cast) == before  # nothing saved by the preview
    preview = client.get(response["Location"])
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "Siân Llewelyn" in page and "Zoë Ærøskøbing" in page
    assert "3 ready to import" in page
    done = client.post(response["Location"])
    assert done.status_code == 302
    lukasz = Membership.objects.get(site=cast.site, user__email="lukasz@example.org")
    assert lukasz.agency is not None and lukasz.agency.name == "Ashby Fire and Rescue"
    assert lukasz.invitation_status == "pending"
    assert Membership.objects.get(user__email="sian@example.org").agency == cast.agencies[0]
    assert state(cast) == (before[0] + 1, before[1] + 3, before[2] + 3)
    assert ActivityEntry.objects.filter(site=cast.site, action="import").exists()
    assert client.post(response["Location"]).status_code == 404  # the preview is gone once confirmed


def test_reimporting_the_same_file_changes_nothing(cast: Cast) -> None:
    data = csv_bytes(GOOD)
    client, response = upload(cast, data)
    client.post(response["Location"])
    after = state(cast)
    client, response = upload(cast, data)
    page = client.get(response["Location"]).content.decode()
    assert "0 ready to import" in page
    assert page.count("is already in this site") == 3
    assert state(cast) == after


def test_it_shows_each_bad_row_with_its_error(cast: Cast) -> None:
    rows = [
        ["No Email", "", "Ashby Council", "", ""],
        ["Bad Email", "not-an-email", "Ashby Council", "", ""],
        ["Bad Sector", "bs@example.org", "Ashby Army", "Army", ""],
        ["Unknown Agency", "ua@example.org", "Nowhere Trust", "", ""],
        ["First", "dup@example.org", "Ashby Council", "", ""],
        ["Second", "DUP@example.org", "Ashby Council", "", ""],
        ["Already", cast.leaders[0].user.email, "Ashby Council", "", ""],
        ["Fine", "fine@example.org", "Ashby Council", "", ""],
    ]
    client, response = upload(cast, csv_bytes(rows))
    page = client.get(response["Location"]).content.decode()
    for message in [
        "Missing email.",
        "Malformed email “not-an-email”.",
        "Unknown sector “Army”.",
        "Unknown agency “Nowhere Trust”",
        "Duplicate: dup@example.org is also on row 6.",
        f"{cast.leaders[0].user.email} is already in this site.",
    ]:
        assert message in page, message
    assert "2 ready to import" in page  # "First" and "Fine"
    before = state(cast)
    client.post(response["Location"])
    assert state(cast)[1] == before[1] + 2


def test_it_reads_excel_csv_with_semicolons_and_cp1252(cast: Cast) -> None:
    data = "name;email;agency;sector\r\nJosé Núñez;jose@example.org;Ashby Council;\r\n".encode("cp1252")
    client, response = upload(cast, data)
    client.post(response["Location"])
    assert User.objects.get(email="jose@example.org").name == "José Núñez"


def test_it_reads_xlsx(cast: Cast) -> None:
    client, response = upload(cast, xlsx_bytes(GOOD), name="leaders.xlsx")
    assert response.status_code == 302
    client.post(response["Location"])
    assert Membership.objects.filter(site=cast.site, user__email="zoe@example.org").exists()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.csv", "The submitted file is empty."),
        (b"\n \n", "blank.csv", "That file is empty."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.png", "not a CSV or Excel table"),
        (b"PK\x03\x04garbage", "broken.xlsx", "could not be read as an Excel workbook"),
        (b"just,some,words\nand,more,words\n", "words.csv", "Missing: name, email, agency"),
    ],
)
def test_it_explains_a_file_that_is_not_a_table(cast: Cast, data: bytes, name: str, message: str) -> None:
    _, response = upload(cast, data, name=name)
    assert response.status_code == 422
    page = response.content.decode()
    assert message in page
    assert message in (text_of(page, id="id_file_error") or "")


def test_it_refuses_more_than_5000_rows(cast: Cast) -> None:
    rows = [[f"P{i}", f"p{i}@example.org", "Ashby Council", "", ""] for i in range(imports.MAX_ROWS + 1)]
    _, response = upload(cast, csv_bytes(rows))
    assert response.status_code == 422
    assert "more than 5,000 rows" in response.content.decode()


def test_it_documents_the_columns_and_offers_a_template(cast: Cast) -> None:
    client = cast.client_for(cast.enabler)
    page = client.get(reverse("network:site-import", args=[cast.site.slug])).content.decode()
    assert "role_title" in page and "Download the template" in page
    template = client.get(reverse("network:site-import-template", args=[cast.site.slug]))
    assert template["Content-Type"].startswith("text/csv")
    rows = imports.table_parse(data=template.content, filename="leaders-template.csv")
    assert rows[0]["email"] == "asha.patel@example.org"


def test_a_preview_belongs_to_its_site_and_its_maker(cast: Cast) -> None:
    _, response = upload(cast, csv_bytes(GOOD))
    url = response["Location"]
    batch = ImportBatch.objects.get()
    assert cast.client_for(cast.outsider).post(url).status_code == 404
    for other in (cast.coordinator, cast.leaders[0]):
        assert cast.client_for(other).post(url).status_code == 403
    from network.services import site_create

    site = site_create(creator=cast.outsider.user, name="Other", place="Elsewhere")
    other_url = reverse("network:site-import-preview", args=[site.slug, batch.pk])
    assert cast.client_for(cast.outsider).post(other_url).status_code == 404
    assert not Membership.objects.filter(user__email="sian@example.org").exists()


@pytest.mark.parametrize("who", ["coordinator", "leader"])
def test_it_lets_only_enablers_import(cast: Cast, who: str) -> None:
    member = cast.coordinator if who == "coordinator" else cast.leaders[0]
    assert cast.client_for(member).get(reverse("network:site-import", args=[cast.site.slug])).status_code == 403
    url = reverse("network:site-import-template", args=[cast.site.slug])
    assert cast.client_for(member).get(url).status_code == 403


def test_it_hides_import_from_an_outsider(cast: Cast) -> None:
    for name in ("network:site-import", "network:site-import-template"):
        assert cast.client_for(cast.outsider).get(reverse(name, args=[cast.site.slug])).status_code == 404


def test_a_failure_midway_leaves_the_site_as_it_was(cast: Cast, monkeypatch) -> None:
    upload(cast, csv_bytes(GOOD))
    before = state(cast)

    def explode(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Membership.objects, "bulk_create", explode)
    with pytest.raises(RuntimeError):
        imports.import_confirm(batch=ImportBatch.objects.get(), actor=cast.enabler.user)
    assert state(cast) == before
    assert ImportBatch.objects.get().confirmed_at is None


# Property-based: whatever arrives, the answer is a preview or a clear error, never a 500, and
# confirming saves every valid row or nothing.

cells = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=30)
known = st.sampled_from(["Ashby Council", "Ashby Police", "New Agency", "", "nhs"])
emails = st.one_of(st.emails(), cells, st.sampled_from(["dup@example.org", "enabler@ashby.example", ""]))
rows = st.lists(
    st.tuples(cells, emails, known, st.sampled_from(["", "NHS", "Fire", "Army", "police"]), cells), max_size=12
)
HYPOTHESIS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@HYPOTHESIS
@given(data=st.binary(max_size=400), name=st.sampled_from(["x.csv", "x.xlsx", "x.txt", "x"]))
def test_random_bytes_never_cause_a_500(cast: Cast, data: bytes, name: str) -> None:
    before = state(cast)
    client, response = upload(cast, data, name=name)
    assert response.status_code in (302, 422)
    if response.status_code == 302:
        assert client.get(response["Location"]).status_code == 200
    assert state(cast) == before


@HYPOTHESIS
@given(table=rows, delimiter=st.sampled_from([",", ";"]))
def test_random_malformed_rows_import_all_valid_rows_or_nothing(cast: Cast, table, delimiter: str) -> None:
    import csv as csv_module

    buffer = io.StringIO()
    writer = csv_module.writer(buffer, delimiter=delimiter)
    writer.writerows([HEADER, *table])
    client, response = upload(cast, buffer.getvalue().encode("utf-8"))
    assert response.status_code in (302, 422)
    if response.status_code != 302:
        return
    before = state(cast)
    preview = imports.batch_preview(batch=ImportBatch.objects.get(site=cast.site, confirmed_at__isnull=True))
    assert client.get(response["Location"]).status_code == 200
    assert client.post(response["Location"]).status_code == 302
    assert state(cast)[1] == before[1] + preview.new_people
    for row in preview.valid:
        if row.email:
            assert Membership.objects.filter(site=cast.site, user__email=row.email, archived_at__isnull=True).exists()
    for row in preview.invalid:
        if row.email and "already in this site" not in " ".join(row.errors) and "Duplicate" not in " ".join(row.errors):
            assert not Membership.objects.filter(site=cast.site, user__email=row.email).exists()


def test_a_new_agency_takes_its_sector_from_any_row_even_a_bad_one(cast: Cast) -> None:
    # Found by hypothesis: the row that names the sector has a bad email; the good row after it has none.
    rows = [
        ["Bad", "not-an-email", "Ashby Youth Trust", "Voluntary and community", ""],
        ["Good", "g@example.org", "Ashby Youth Trust", "", ""],
    ]
    client, response = upload(cast, csv_bytes(rows))
    assert client.post(response["Location"]).status_code == 302
    agency = Agency.objects.get(site=cast.site, name="Ashby Youth Trust")
    assert agency.sector == "voluntary"
    assert Membership.objects.get(user__email="g@example.org").agency == agency


def test_the_preview_page_query_count_does_not_grow_with_rows(cast: Cast, django_assert_num_queries) -> None:
    for count in (3, 300):
        rows = [[f"P{i}", f"p{i}@example.org", "Ashby Council", "", ""] for i in range(count)]
        client, response = upload(cast, csv_bytes(rows))
        with django_assert_num_queries(4):  # session, user, membership, the stored upload
            assert f"{count} ready to import" in client.get(response["Location"]).content.decode()


def test_an_optional_language_column_sets_each_new_persons_language(cast: Cast) -> None:
    from tests.conftest import make_user

    existing = make_user("already@example.org", "Already Here")  # on Systems Leader, not yet in this site
    text = (
        "name,email,agency,language\n"
        "Siân Llewelyn,sian@example.org,Ashby Council,Cymraeg\n"
        "Bob Smith,bob@example.org,Ashby Council,en\n"
        "Carys Jones,carys@example.org,Ashby Council,CY\n"
        "Dai Evans,dai@example.org,Ashby Council,\n"
        "Already Here,already@example.org,Ashby Council,cy\n"
        "Eve Bad,eve@example.org,Ashby Council,Français\n"
    )
    client, response = upload(cast, text.encode())
    preview = client.get(response["Location"]).content.decode()
    assert "Unknown language “Français”" in preview
    assert "5 ready to import" in preview
    assert client.post(response["Location"]).status_code == 302
    languages = dict(User.objects.filter(email__endswith="@example.org").values_list("email", "language"))
    assert languages["sian@example.org"] == "cy"
    assert languages["bob@example.org"] == "en-gb"
    assert languages["carys@example.org"] == "cy"
    assert languages["dai@example.org"] == "en-gb"  # empty: the default
    assert "eve@example.org" not in languages  # the bad row is not imported
    existing.refresh_from_db()
    assert existing.language == "en-gb"  # a person's own choice is theirs: the file does not change it


def test_the_template_offers_the_language_column(cast: Cast) -> None:
    template = cast.client_for(cast.enabler).get(reverse("network:site-import-template", args=[cast.site.slug]))
    rows = imports.table_parse(data=template.content, filename="leaders-template.csv")
    assert {row["language"] for row in rows} == {"en", "cy"}
