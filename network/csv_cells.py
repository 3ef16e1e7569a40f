"""The one formula guard for every CSV the app writes (network's exports and outcomes' results alike).

A spreadsheet treats a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return before
one) as a formula, so a leader's name or outcome text could run in the enabler's Excel. A leading
apostrophe makes it plain text (OWASP's CSV injection advice). Numbers are left alone: a number cannot
be a formula, and a negative figure should stay a number.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, Protocol

from django.utils.functional import Promise

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Writable(Protocol):
    def write(self, value: str, /) -> Any: ...


def csv_cell(value: object) -> object:
    """The value as it is safe to write into a CSV cell."""
    if isinstance(value, Promise):  # a translated label (a choice's, say) is text in the reader's language
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_row(row: Iterable[object]) -> list[object]:
    """`csv_cell` of every value of a row, with plain text (nearly every cell) guarded inline: a call a cell
    was a fifth of a long export's time."""
    return [
        ("'" + value if value.startswith(FORMULA_START) else value) if type(value) is str else csv_cell(value)
        for value in row
    ]


class SafeWriter:
    """`csv.writer` whose every row passes through `csv_cell`: the only way the app writes CSV."""

    def __init__(self, file: _Writable) -> None:
        self._writer = csv.writer(file)

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow(csv_row(row))

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        self._writer.writerows(map(csv_row, rows))
