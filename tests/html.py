"""Reading a page's HTML in tests as a browser would, rather than as a string of characters.

Django's assertInHTML and assertContains(html=True) compare whole elements; `text_of` is for
"the error next to this field says ..." or "this section lists ...", where one element matters.
"""

from __future__ import annotations

from html.parser import HTMLParser

_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)


class _TextOf(HTMLParser):
    def __init__(self, wanted: dict[str, str]) -> None:
        super().__init__(convert_charrefs=True)
        self.wanted = wanted
        self.depth = 0  # open elements inside the one found, while reading it
        self.found = False
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            self.depth += tag not in _VOID
        elif not self.found and self.wanted.items() <= dict(attrs).items():
            self.found = True
            self.depth = 1 if tag not in _VOID else 0

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def text_of(html: str | bytes, **attributes: str) -> str | None:
    """The text inside the first element with these attributes (`aria_labelledby` for aria-labelledby),
    white space folded; None if the page has no such element."""
    parser = _TextOf({name.replace("_", "-"): value for name, value in attributes.items()})
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    parser.close()
    return " ".join(" ".join(parser.parts).split()) if parser.found else None
