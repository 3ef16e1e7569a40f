"""The attendance list's and sign-in sheet's rows, drawn in bulk (network/templatetags/attendance.py), against
the plainest way to draw them: a row at a time through Django's own escape, as they were first written."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.translation import gettext, override
from hypothesis import given, settings
from hypothesis import strategies as st

from network.selectors.meetings import AttendeeRow
from network.templatetags.attendance import attendee_button, attendee_items, escape_each, sign_in_rows

NAMES = ["<b>Bryn</b>", 'Dai "the bard" O\'Neill', "Siân & Ŵ", "مرحبا", "👩🏽‍💻", "", "a\x00b", "{0} %s"]


def _oracle_button(row: AttendeeRow, *, oob: bool) -> str:
    pk = int(row.member_id)
    here, not_marked, no_agency = escape(gettext("Here")), escape(gettext("Not marked")), escape(gettext("No agency"))
    action, pressed, state = ("absent", "true", here) if row.attended else ("present", "false", not_marked)
    agency = escape(row.agency) if row.agency else no_agency
    swap = ' hx-swap-oob="true"' if oob else ""
    return (
        f'<button id="a{pk}" name="{action}" value="{pk}" aria-pressed="{pressed}"{swap}>'
        f"<b>{escape(row.name)}</b> <small>{agency} · {escape(row.rsvp_label)}</small> <span>{state}</span></button>"
    )


def _oracle_sign_in(row: AttendeeRow) -> str:
    return (
        f"<tr><td>{escape(row.name)}</td><td>{escape(row.agency) if row.agency else '—'}</td>"
        f"<td>{escape(row.rsvp_label)}</td><td></td></tr>"
    )


def _rows(names: list[str]) -> list[AttendeeRow]:
    return [
        AttendeeRow(
            member_id=i + 1,
            name=name,
            email=f"{i}@example.org",
            agency=names[-1 - i] if i % 3 else "",
            sector="",
            role_title="",
            rsvp="going",
            rsvp_label=["Going", "No reply", "Waiting list", "<Dim & ateb>"][i % 4],
            attended=i % 2 == 0,
        )
        for i, name in enumerate(names)
    ]


def _check(rows: list[AttendeeRow]) -> None:
    assert attendee_items(rows) == "".join(f"<li>{_oracle_button(row, oob=False)}</li>" for row in rows)
    assert sign_in_rows(rows) == "".join(_oracle_sign_in(row) for row in rows)
    for row in rows:
        assert attendee_button(row, oob=True) == _oracle_button(row, oob=True)


def test_rows_are_drawn_as_a_row_at_a_time_would_draw_them() -> None:
    _check(_rows(NAMES))
    _check([])
    with override("cy"):
        _check(_rows(NAMES))


@settings(max_examples=100, deadline=None)
@given(names=st.lists(st.text(max_size=20), max_size=12))
def test_any_names_are_escaped_as_django_escapes_them(names: list[str]) -> None:
    assert escape_each(names) == [escape(name) for name in names]
    _check(_rows(names))
