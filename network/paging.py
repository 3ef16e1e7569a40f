"""Pages of a long list, as the people page shows them: ``?q=`` narrows, ``?page=`` picks 50 rows.

One query whatever the list's size: the page's rows (LIMIT/OFFSET), each carrying the count of every
match (`CountOf`). A page past the end (or not a number) shows the last page (or the first), never an
error; only that case costs a second query.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import IntegerField, Model, QuerySet, Subquery

PAGE_SIZE = 50  # rows per page: what a person reads, whatever the site's size
MAX_PAGE = 100_000  # a page number from the address bar beyond any site's last page (and within an OFFSET's range)

Row = TypeVar("Row")
M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class PageLink:
    """One item of the GOV.UK pagination: a page number, or an ellipsis (number 0) between them."""

    number: int
    current: bool = False

    @property
    def ellipsis(self) -> bool:
        return self.number == 0


@dataclass(frozen=True)
class ListPage(Generic[Row]):
    """One page of a list that matches a search (all of it when the search is empty)."""

    rows: list[Row]
    total: int
    number: int
    pages: int
    query: str

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None

    @property
    def links(self) -> list[PageLink]:
        """Page numbers as GOV.UK shows them: the first, the last, the current one and its neighbours."""
        shown = sorted({1, self.pages, self.number - 1, self.number, self.number + 1} & set(range(1, self.pages + 1)))
        links: list[PageLink] = []
        for number in shown:
            if links and number - links[-1].number > 1:
                links.append(PageLink(0))
            links.append(PageLink(number, current=number == self.number))
        return links if self.pages > 1 else []


class CountOf(Subquery):
    """How many rows a queryset has, as a column of another query: an uncorrelated subquery, which PostgreSQL
    runs once (an InitPlan) and reads from an index where it can. A window count (COUNT(*) OVER ()) over the
    rows themselves made PostgreSQL join and sort every match before it could apply the LIMIT."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"

    def __init__(self, rows: QuerySet[Any]) -> None:
        super().__init__(rows.order_by().values("pk"), output_field=IntegerField())


def clean_query(query: str) -> str:
    """A search as typed, trimmed; a NUL (which PostgreSQL refuses in any text) is dropped, never a 500."""
    return query.replace("\x00", "").strip()[:100]


def page_number(page: Any) -> int:
    try:
        return min(max(1, int(page)), MAX_PAGE)
    except (TypeError, ValueError, OverflowError):
        return 1


def page_of(rows: QuerySet[M], *, page: Any, query: str = "") -> ListPage[M]:
    """A page of ``rows`` (already searched and ordered, with a stable last key)."""
    counted = rows.annotate(list_matches=CountOf(rows))
    number = page_number(page)
    found = _rows(counted, number)
    if not found and number > 1:
        number = max(1, -(-rows.count() // PAGE_SIZE))
        found = _rows(counted, number)
    total: int = getattr(found[0], "list_matches", 0) if found else 0
    pages = max(1, -(-total // PAGE_SIZE))
    return ListPage(rows=found, total=total, number=number, pages=pages, query=query)


def _rows(rows: QuerySet[M], number: int) -> list[M]:
    start = (number - 1) * PAGE_SIZE
    return list(rows[start : start + PAGE_SIZE])
