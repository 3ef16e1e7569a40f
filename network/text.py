"""Single-line text: titles, names, subjects and places never carry a line break.

A line break in a meeting's title once made every email about that meeting fail (a header cannot hold
one) and its calendar file a 500. Forms refuse one with a clear message (`SingleLineField` in
network/forms); services strip them with `one_line`, and the email-subject and calendar boundaries apply
`one_line` again, so text saved before this rule still sends and downloads.
"""

from __future__ import annotations

import re

# Every character Python's str.splitlines() breaks on, and the whitespace around it.
LINE_BREAK = re.compile(r"[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_BREAKS = re.compile(r"\s*[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]+\s*")


def one_line(value: str) -> str:
    """The text on one line: each run of line breaks (and the spaces beside it) becomes one space."""
    return _BREAKS.sub(" ", value).strip()
