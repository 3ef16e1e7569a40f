"""How forms are drawn: every form through one template of the project's (settings.FORM_RENDERER)."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.forms.utils import from_current_timezone
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from systemsleader import fields_html, widget_html


class FormRenderer(TemplatesSetting):
    """Render forms with the project's template engine, so a page's `{{ form }}` uses templates/forms/fields.html:
    GOV.UK-style labels, "(optional)", hints and errors tied to their fields, and an error summary."""

    form_template_name = "forms/fields.html"

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        # Drawn in Python, the same HTML as the templates (tests/test_widget_html.py): fields.html per form
        # (systemsleader.fields_html), Django's plain widgets (systemsleader.widget_html). A template render
        # per widget and per option was most of the time of a form with a choice of 100 agencies.
        if template_name == fields_html.TEMPLATE_NAME:
            html = fields_html.fields_html(context)
            if html is not None:
                return html
        if template_name in self._widgets_drawn_in_python:
            html = widget_html.html_for(template_name, context)
            if html is not None:
                return html
        return super().render(template_name, context, request=request)

    @cached_property
    def _widgets_drawn_in_python(self) -> frozenset[str]:
        """Django's widget templates, unless a template of the project or an app stands in for any of them."""
        for name in widget_html.DJANGO_TEMPLATES_STOOD_FOR:
            origin = getattr(getattr(self.get_template(name), "origin", None), "name", "")
            if not str(origin).endswith(f"/django/forms/templates/{name}"):
                return frozenset()
        return frozenset(widget_html.DRAWERS)


# --- GOV.UK's date input: day / month / year boxes (and a time), never the browser's datetime-local --------------

DATE_HINT = _("For example, 27 3 2027")
DATE_TIME_HINT = _("For example, 27 3 2027 and 14:30, UK time")
_PARTS = (("day", _("Day")), ("month", _("Month")), ("year", _("Year")))


class GovukDateWidget(forms.MultiWidget):
    """Day, month and year as three short number boxes in one fieldset (the form template draws the legend).

    A post that still sends the whole date under the field's own name ("2027-03-27", as an API or an old page
    would) is read too, so nothing that spoke ISO breaks."""

    template_name = "forms/widgets/govuk_date.html"
    use_fieldset = True
    with_time = False

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        boxes: list[forms.Widget] = [
            forms.TextInput(attrs={"inputmode": "numeric", "class": f"date-input date-input-{name}"})
            for name, _label in _PARTS
        ]
        if self.with_time:
            boxes.append(forms.TextInput(attrs={"class": "date-input date-input-time"}))
        super().__init__(boxes, attrs)

    def decompress(self, value: Any) -> list[str | None]:
        if isinstance(value, datetime.datetime):
            local = timezone.localtime(value) if timezone.is_aware(value) else value
            return [str(local.day), str(local.month), str(local.year), local.strftime("%H:%M")]
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year), None][: len(self.widgets)]
        return [None] * len(self.widgets)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        whole = data.get(name)
        if isinstance(whole, str) and whole.strip():
            return whole
        return super().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and super().value_omitted_from_data(data, files, name)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        if isinstance(value, str):  # an ISO value posted whole: show it back in the boxes
            value = self._parse_iso(value) or [value, "", ""]
        context = super().get_context(name, value, attrs)
        labels = [label for _name, label in _PARTS] + ([_("Time")] if self.with_time else [])
        for subwidget, label in zip(context["widget"]["subwidgets"], labels, strict=False):
            subwidget["part_label"] = label
        return context

    def _parse_iso(self, text: str) -> list[str | None] | None:
        try:
            parsed = datetime.datetime.fromisoformat(text.strip())
        except ValueError:
            return None
        return self.decompress(parsed if self.with_time else parsed.date())


class GovukDateTimeWidget(GovukDateWidget):
    with_time = True


class GovukDateField(forms.Field):
    """A date typed as GOV.UK asks for it, with errors that say which part is wrong."""

    widget = GovukDateWidget
    with_time = False
    default_error_messages = {
        "required": _("Enter a date"),
        # One whole sentence per part, not a part's name glued in: Welsh mutates the word after "include".
        "missing_day": _("The date must include a day"),
        "missing_month": _("The date must include a month"),
        "missing_year": _("The date must include a year"),
        "invalid": _("Enter a real date"),
        "time": _("Enter a real time, like 14:30"),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", DATE_TIME_HINT if self.with_time else DATE_HINT)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> datetime.date | datetime.datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str):
            return self._from_iso(value)
        parts = [str(p or "").strip() for p in value]
        if not any(parts):
            return None
        day, month, year = parts[:3]
        for text, part in ((day, "day"), (month, "month"), (year, "year")):
            if not text:
                raise ValidationError(self.error_messages[f"missing_{part}"], code="missing")
        try:
            if len(year) != 4:
                raise ValueError
            date = datetime.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not self.with_time:
            return date
        time = self._time(parts[3] if len(parts) > 3 else "")
        return from_current_timezone(datetime.datetime.combine(date, time))

    def _time(self, text: str) -> datetime.time:
        match = re.fullmatch(r"(\d{1,2})[:.](\d{2})", text)
        if not text or match is None:
            raise ValidationError(self.error_messages["time"], code="time")
        try:
            return datetime.time(int(match[1]), int(match[2]))
        except ValueError:
            raise ValidationError(self.error_messages["time"], code="time") from None

    def _from_iso(self, text: str) -> datetime.date | datetime.datetime:
        try:
            parsed = datetime.datetime.fromisoformat(text.strip())
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not self.with_time:
            return parsed.date()
        return parsed if timezone.is_aware(parsed) else from_current_timezone(parsed)


class GovukDateTimeField(GovukDateField):
    """A date and a time (UK time), as day / month / year boxes and an HH:MM box."""

    widget = GovukDateTimeWidget
    with_time = True
    default_error_messages = {"required": _("Enter a date and time")}
