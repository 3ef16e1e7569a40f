"""Django's plain widget templates, written out in Python: the same HTML, byte for byte, without a template render
per widget and per option.

A select of 100 agencies took 100 includes of select_option.html (and each of those one of attrs.html), a list of
100 checkboxes 400 includes: most of the time of the forms that offer them. `html_for` draws what the templates
under django/forms/widgets/ would draw from the same context, following each template's text, whitespace included
(Django strips only the outer whitespace), and our own date input and language choice likewise. For anything it
does not know (another template, an option drawn by another template, a file input showing its current file) it
returns None and the renderer renders the template.
tests/test_widget_html.py checks it against Django's own templates.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from html import escape as _escape  # what django.utils.html.escape does to a str, without its lazy-string wrapper
from typing import Any

from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.safestring import SafeData

PREFIX = "django/forms/widgets/"

# How the template language prints `{{ value }}`: localised, escaped unless safe (the forms' own context).
_CONTEXT = Context(autoescape=True)


def out(value: Any) -> str:
    """`{{ value }}`."""
    if type(value) is str:  # the common case, as render_value_in_context would treat it
        return _escape(value)
    return str(render_value_in_context(value, _CONTEXT))


def _out_s(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: str() of the value, escaped unless the value was safe."""
    if type(value) is str:
        return _escape(value)
    try:
        text = "%s" % (str(value) if isinstance(value, tuple) else value)
    except (ValueError, TypeError):
        text = ""
    return text if isinstance(value, SafeData) else _escape(text)


def _attrs(attrs: Mapping[str, Any]) -> str:
    """attrs.html: ` name="value"` each, a bare ` name` for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {out(name)}")
        else:
            parts.append(f' {out(name)}="{_out_s(value)}"')
    return "".join(parts)


def _input(widget: Mapping[str, Any]) -> str:
    """input.html (every <input>: text, email, hidden, checkbox, date, number and the rest)."""
    value = widget["value"]
    shown = f' value="{_out_s(value)}"' if value != None else ""  # noqa: E711 -- the template's `!= None`
    return f'<input type="{out(widget["type"])}" name="{out(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'


def _input_option(option: Mapping[str, Any]) -> str:
    """checkbox_option.html / radio_option.html (both input_option.html), with their templates' newlines."""
    box = _input(option)
    if not option["wrap_label"]:
        return f"{box}\n\n\n"
    id_ = option["attrs"].get("id")
    label_for = f' for="{out(id_)}"' if id_ else ""
    return f"<label{label_for}>{box}\n {out(option['label'])}</label>\n\n"


def _language_option(option: Mapping[str, Any]) -> str:
    """Our forms/widgets/language_option.html (network.forms.accounts.LanguageRadioSelect): the language's name
    marked as that language. The template's comment line leaves a newline before the label."""
    id_ = option["attrs"].get("id")
    label_for = f' for="{out(id_)}"' if id_ else ""
    name = f'<span lang="{out(option["value"])}">{out(option["label"])}</span>'
    return f"\n<label{label_for}>{_input(option)}\n {name}</label>\n"


# The option templates a list of checkboxes or radios may draw its options with, and how each is drawn.
_INPUT_OPTIONS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    f"{PREFIX}checkbox_option.html": _input_option,
    f"{PREFIX}radio_option.html": _input_option,
    "forms/widgets/language_option.html": _language_option,
}
_SELECT_OPTION = f"{PREFIX}select_option.html"


def _multiple_input(widget: Mapping[str, Any]) -> str | None:
    """multiple_input.html: checkbox_select.html and radio.html, in <div>s, optgroups labelled."""
    groups = widget["optgroups"]
    for _group, options, _index in groups:
        for option in options:
            if option["template_name"] not in _INPUT_OPTIONS:
                return None
    id_ = widget["attrs"].get("id")
    class_ = widget["attrs"].get("class")
    parts = [f"<div{f' id={_q(id_)}' if id_ else ''}{f' class={_q(class_)}' if class_ else ''}>"]
    for group, options, _index in groups:
        if group:
            parts.append(f"\n  <div><label>{out(group)}</label>")
        for option in options:
            parts.append(f"<div>\n    {_INPUT_OPTIONS[option['template_name']](option)}</div>")
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>")
    return "".join(parts)


def _q(value: Any) -> str:
    return f'"{out(value)}"'


def _select(widget: Mapping[str, Any]) -> str | None:
    """select.html (Select, SelectMultiple, NullBooleanSelect): options and optgroups with their newlines."""
    groups = widget["optgroups"]
    for _group, options, _index in groups:
        for option in options:
            if option["template_name"] != _SELECT_OPTION:
                return None
    parts = [f'<select name="{out(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group, options, _index in groups:
        if group:
            parts.append(f'\n  <optgroup label="{out(group)}">')
        for option in options:
            value, attrs, label = _out_s(option["value"]), _attrs(option["attrs"]), out(option["label"])
            parts.append(f'\n  <option value="{value}"{attrs}>{label}</option>\n')
        if group:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _textarea(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    return f'<textarea name="{out(widget["name"])}"{_attrs(widget["attrs"])}>\n{out(value) if value else ""}</textarea>'


# What an {% include %} of an input's template adds after the <input>: input.html ends in a newline, and each
# template that includes it (text.html, email.html...) in one more.
_INCLUDED_INPUT_ENDS = {f"{PREFIX}input.html": "\n"}


def _govuk_date(widget: Mapping[str, Any]) -> str | None:
    """Our forms/widgets/govuk_date.html (systemsleader.forms.GovukDateWidget): a labelled box per part."""
    items = []
    for part in widget["subwidgets"]:
        if DRAWERS.get(part["template_name"]) is not _input:
            return None
        end = _INCLUDED_INPUT_ENDS.get(part["template_name"], "\n\n")
        label = f'<label for="{out(part["attrs"].get("id", ""))}">{out(part["part_label"])}</label>'
        items.append(f'\n  <div class="date-input-item">\n    {label}\n    {_input(part)}{end}\n  </div>')
    return f'<div class="date-input-group">{"".join(items)}\n</div>'


def _clearable_file_input(widget: Mapping[str, Any]) -> str | None:
    if widget["is_initial"]:  # a current file, a link and a "clear" box: left to the template
        return None
    return _input(widget)


_INPUT_TEMPLATES = [
    "input",
    "checkbox",
    "color",
    "date",
    "datetime",
    "email",
    "file",
    "hidden",
    "number",
    "password",
    "search",
    "tel",
    "text",
    "time",
    "url",
]

DRAWERS: dict[str, Callable[[Mapping[str, Any]], str | None]] = {
    **{f"{PREFIX}{name}.html": _input for name in _INPUT_TEMPLATES},
    f"{PREFIX}textarea.html": _textarea,
    f"{PREFIX}select.html": _select,
    f"{PREFIX}checkbox_select.html": _multiple_input,
    f"{PREFIX}radio.html": _multiple_input,
    f"{PREFIX}multiple_input.html": _multiple_input,
    f"{PREFIX}clearable_file_input.html": _clearable_file_input,
    "forms/widgets/govuk_date.html": _govuk_date,
}

# Every template of Django's the drawers stand for, including those only ever included: if a project or app
# overrides one, the renderer leaves the drawers alone and renders the templates.
DJANGO_TEMPLATES_STOOD_FOR = frozenset(
    name
    for name in [*DRAWERS, *_INPUT_OPTIONS, _SELECT_OPTION, f"{PREFIX}input_option.html", f"{PREFIX}attrs.html"]
    if name.startswith(PREFIX)
)


def html_for(template_name: str, context: Mapping[str, Any]) -> str | None:
    """The HTML Django's template `template_name` would render from a widget's `context`, stripped as the form
    renderer strips it; None for a template this module does not stand for."""
    drawer = DRAWERS.get(template_name)
    if drawer is None:
        return None
    return drawer(context["widget"])
