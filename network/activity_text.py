"""The words of an activity entry, kept as their English source and values, so that each reader reads the log
in their own language (issue 15) and a Welsh-speaking enabler's change reads in English to an English reader.

Stored in ActivityEntry.params, version 1:
    {"v": 1, "text": "<msgid>", "args": {"<name>": <value>, ...}}
A value is shown as it is (a name, a file name, a number), except:
    {"label": "<msgid>", "lower": true|false}  a word of the app's own (a role, a sector), translated when read;
    {"list": [<words>, ...]}                    several words of the same shape, each rendered, joined by "; ".
The services write with `words(gettext_noop("..."), ...)`, so makemessages finds every text. Entries written
before version 1 have no params and show their stored summary, which is always the English rendering.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext

VERSION = 1


def words(text: str, **args: Any) -> dict[str, Any]:
    return {"v": VERSION, "text": text, "args": args}


def label(text: object, *, lower: bool = False) -> dict[str, Any]:
    """A word of the app's own, such as a choice's lazy label: kept as its source text, translated when read."""
    with translation.override(None):  # no catalogue active: the lazy text gives its source
        return {"label": str(text), "lower": lower}


def many(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"list": items}


def _value(value: Any) -> Any:
    if isinstance(value, dict) and "label" in value:
        shown = gettext(value["label"])
        return shown.lower() if value.get("lower") else shown
    if isinstance(value, dict) and "list" in value:
        return "; ".join(render(item) or "" for item in value["list"])
    return value


def render(params: dict[str, Any] | None) -> str | None:
    """The entry's words in the active language, or None for an entry without them (an older one)."""
    if not params or params.get("v") != VERSION:
        return None
    args = {name: _value(value) for name, value in params.get("args", {}).items()}
    return gettext(params["text"]) % args if args else gettext(params["text"])


def shown(params: dict[str, Any] | None, summary: str) -> str:
    """What the log shows of an entry: its words in the active language, or the stored summary of an older one."""
    return render(params) or summary


def in_english(params: dict[str, Any]) -> str:
    with translation.override("en-gb"):
        return render(params) or ""
