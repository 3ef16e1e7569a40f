"""Finding elements in a page by tag and attributes, for tests that check markup rather than text.

`assertInHTML` needs a whole element, children and all; where a test cares
only that an element with some attributes exists (a field, a link, a button
with autofocus), `elements` finds it whatever the attribute order or spacing.
"""

from __future__ import annotations

from html.parser import HTMLParser

Attributes = dict[str, str | None]


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, Attributes]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def elements(html: str, tag: str, **wanted: str | bool) -> list[Attributes]:
    """The attributes of every `tag` element having each of `wanted`.

    `class_` matches one class among the element's classes; `True` matches an
    attribute present with any value (or none, like `autofocus`).
    """
    collector = _Collector()
    collector.feed(html)
    collector.close()
    matches = []
    for name, attrs in collector.found:
        if name == tag and all(_has(attrs, key.rstrip("_"), value) for key, value in wanted.items()):
            matches.append(attrs)
    return matches


def _has(attrs: Attributes, key: str, value: str | bool) -> bool:
    if key not in attrs:
        return False
    if value is True:
        return True
    if key == "class":
        return str(value) in (attrs[key] or "").split()
    return attrs[key] == value
