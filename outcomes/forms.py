from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from django import forms
from django.contrib.humanize.templatetags.humanize import ordinal
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from network.forms import SingleLineField
from network.models import Agency, PilotSite
from outcomes.models import (
    DOT_BUDGET_DEFAULT,
    DOT_BUDGET_MAX,
    DOT_BUDGET_MIN,
    MIN_ENERGY_DEFAULT,
    MIN_GROUP_SIZE_DEFAULT,
    MIN_GROUP_SIZE_FLOOR,
    MIN_SECTORS_DEFAULT,
    STILL_CANDIDATE,
    CandidateOutcome,
    Direction,
    Energy,
    Method,
    Visibility,
    VotingRound,
)
from outcomes.selectors.ballots import OwnBallot
from outcomes.services.ballots import NOTHING_CHOSEN, ranking_order
from outcomes.tally import SCORE_MAX, SCORE_MIN
from systemsleader.forms import GovukDateField, GovukDateTimeField


class CheckboxList(forms.CheckboxSelectMultiple):
    """Checkboxes drawn in one template loop, each still labelled: Django's own widget includes two
    templates per option, which for a site of 100 agencies was most of the outcomes page's time."""

    template_name = "outcomes/widgets/checkbox_list.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        """The boxes as one string (`widget.boxes`), without Django's option dictionaries: building one
        per agency, attributes copied for each, was still most of the time of a form of 100 agencies."""
        context = forms.Widget.get_context(self, name, value, attrs)  # not ChoiceWidget's: no optgroups
        widget = context["widget"]
        selected = {str(v) for v in widget["value"]}
        id_ = widget["attrs"].get("id")
        boxes = []
        for index, (option_value, label) in enumerate(self.choices):
            value_text = str(option_value)
            checked = " checked" if value_text in selected else ""
            if id_:
                box_id = escape(f"{id_}_{index}")
                box = f'<label for="{box_id}"><input type="checkbox" name="{escape(name)}" value="{escape(value_text)}"'
                box += f' id="{box_id}"{checked}> {escape(label)}</label>'
            else:
                box = f'<label><input type="checkbox" name="{escape(name)}" value="{escape(value_text)}"{checked}>'
                box += f" {escape(label)}</label>"
            boxes.append(f"\n<div>{box}</div>")
        widget["boxes"] = mark_safe("".join(boxes))  # noqa: S308 -- every value escaped above
        return context


class PlainSelect(forms.Select):
    """A select whose options are one string (`widget.options`): Django's own template includes a template
    per option, which for a merge choice among 200 outcomes was most of the edit page's time."""

    template_name = "outcomes/widgets/select.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = forms.Widget.get_context(self, name, value, attrs)  # not ChoiceWidget's: no optgroups
        widget = context["widget"]
        selected = {str(v) for v in widget["value"]}
        options = []
        for option_value, label in self.choices:
            value_text = "" if option_value is None else str(option_value)
            chosen = " selected" if value_text in selected else ""
            options.append(f'\n<option value="{escape(value_text)}"{chosen}>{escape(label)}</option>')
        widget["options"] = mark_safe("".join(options))  # noqa: S308 -- every value escaped above
        return context


class OutcomeForm(forms.Form):
    statement = SingleLineField(
        max_length=200,
        help_text=_("One short sentence: the change you want to see."),
        error_messages={"required": _("Enter the outcome in one short sentence, like No one sleeps rough")},
    )
    why_it_matters = forms.CharField(
        label=_("Why it matters"),
        error_messages={"required": _("Say why this outcome matters to you and the people you serve")},
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why this matters to you and the people you serve."),
    )
    agencies = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.none(),
        required=False,
        widget=CheckboxList,
        label=_("Agencies it touches"),
        help_text=_("Tick every agency whose work this outcome touches."),
    )

    def __init__(self, *args: Any, site: PilotSite, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agencies = cast("forms.ModelMultipleChoiceField[Agency]", self.fields["agencies"])
        agencies.queryset = site.agencies.filter(archived_at__isnull=True).order_by("name")


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(
        queryset=CandidateOutcome.objects.none(),
        widget=PlainSelect,
        label=_("Merge into"),
        help_text=_("The outcome this one duplicates. Both proposers stay credited."),
    )

    def __init__(self, *args: Any, outcome: CandidateOutcome, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        into = cast("forms.ModelChoiceField[CandidateOutcome]", self.fields["into"])
        into.queryset = outcome.site.candidate_outcomes.filter(STILL_CANDIDATE).exclude(pk=outcome.pk)


class RoundForm(forms.Form):
    title = SingleLineField(max_length=200, initial=_("What really matters?"), label=_("Round title"))
    method = forms.ChoiceField(
        choices=Method.choices,
        initial=Method.SCHULZE,
        label=_("Voting method"),
        widget=forms.RadioSelect,
        help_text=_(
            "How leaders vote and how the votes are counted. Ranked: each leader puts outcomes in order; "
            "Schulze compares every pair of outcomes, and instant runoff drops the least popular one at a time "
            "until one has more than half the votes."
        ),
    )
    visibility = forms.ChoiceField(
        choices=Visibility.choices,
        initial=Visibility.HIDDEN,
        label=_("Who sees how each leader voted"),
        widget=forms.RadioSelect,
    )
    # Only for dot voting (and for a secret ballot, the group size): the page hides them for the other
    # choices (static/js/app.js, data-shown-when), and clean() ignores what a page without script sent.
    dot_budget = forms.IntegerField(
        required=False,
        min_value=DOT_BUDGET_MIN,
        max_value=DOT_BUDGET_MAX,
        initial=DOT_BUDGET_DEFAULT,
        label=_("Dots per leader"),
        help_text=_("For dot voting only."),
    )
    min_sectors = forms.IntegerField(
        min_value=1,
        max_value=10,
        initial=MIN_SECTORS_DEFAULT,
        label=_("Sectors needed"),
        help_text=_("“What really matters” is named only with support from at least this many sectors."),
    )
    min_energy = forms.IntegerField(
        min_value=0,
        max_value=10_000,
        initial=MIN_ENERGY_DEFAULT,
        label=_("Leaders committing energy needed"),
        help_text=_(
            "…and at least this many leaders saying they would give some of their energy to it: "
            "their time, effort or resources."
        ),
    )
    min_group_size = forms.IntegerField(
        required=False,
        min_value=MIN_GROUP_SIZE_FLOOR,
        max_value=50,
        initial=MIN_GROUP_SIZE_DEFAULT,
        label=_("Smallest group shown under a secret ballot"),
        help_text=_("Smaller agencies and sectors are merged into “Other”, so no one’s vote can be worked out."),
    )
    closes_at = GovukDateTimeField(
        required=False,
        label=_("Close automatically at"),
        help_text=_("For example, 27 3 2027 and 14:30, UK time. Leave empty to close by hand."),
    )

    #: The settings that apply to one choice only, with that choice: {field: (the field it depends on, value)}.
    SHOWN_WHEN = {"dot_budget": ("method", Method.DOTS), "min_group_size": ("visibility", Visibility.SECRET)}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, (depends_on, value) in self.SHOWN_WHEN.items():
            if cleaned.get(depends_on) == value:
                if cleaned.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Enter a whole number"))
                continue
            # Not used by the chosen method or ballot: whatever was sent (even nonsense) gives way to the default.
            self.errors.pop(name, None)
            cleaned[name] = self.fields[name].initial
        return cleaned


ENERGY_CHOICES = [(str(value), text) for value, text in Energy.choices]


class BallotForm(forms.Form):
    """One field per candidate outcome for the round's method, and an energy choice for each.

    Ranked: `rank_<id>` (blank means not ranked). Score: `score_<id>`, SCORE_MIN to SCORE_MAX.
    Dots: `dots_<id>`. Approval: `approve_<id>`. Every method: `energy_<id>`.
    """

    #: The score range, for the ballot's help text.
    score_min, score_max = SCORE_MIN, SCORE_MAX

    def __init__(
        self,
        *args: Any,
        voting_round: VotingRound,
        candidates: list[CandidateOutcome],
        require_choice: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.voting_round = voting_round
        self.candidates = candidates
        # A move saves the ranking as it stands, even an empty one; saving the form needs a choice.
        self.require_choice = require_choice
        #: The move just made ("up:<id>" or "down:<id>"), whose button comes back focused; set by the view.
        self.moved = ""
        method = voting_round.method
        # The choices of each outcome's select in a score round (a few, whatever the number of outcomes).
        # A ranked round asks for a number instead: a select of every rank for every outcome grows
        # with the square of the outcomes (200 outcomes made a 1.5 MB ballot).
        self.select_choices: list[tuple[str, str]] = []
        if method == Method.SCORE:
            self.select_choices = [(str(i), str(i)) for i in range(SCORE_MIN, SCORE_MAX + 1)]
        # One energy field serves every outcome of this form (a field holds no value; its bound field, one
        # per name, does): building fifty identical choice fields was a good part of a ballot post's time.
        energy_field = forms.TypedChoiceField(
            label=_("Energy you would commit"),
            choices=ENERGY_CHOICES,
            coerce=int,
            required=False,
            empty_value=str(Energy.NONE.value),
            widget=forms.RadioSelect,
        )
        # Likewise one field for every outcome's choice: a field's label is never shown here (each row is labelled
        # by its outcome's statement, in the template), and building 200 fields, each with its own validators,
        # was most of the time a 200-outcome ballot took to read.
        prefix = "rank" if voting_round.is_ranked else _PREFIX[Method(method)]
        choice: forms.Field
        if voting_round.is_ranked:
            choice = forms.IntegerField(min_value=1, max_value=len(candidates), required=False)
        elif method == Method.SCORE:
            choice = forms.TypedChoiceField(choices=self.select_choices, coerce=int, required=False, empty_value="0")
        elif method == Method.DOTS:
            choice = forms.IntegerField(
                min_value=0,
                max_value=voting_round.dot_budget,
                required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "dots"}),
            )
        else:
            choice = forms.BooleanField(required=False)
        for outcome in candidates:
            self.fields[f"{prefix}_{outcome.pk}"] = choice
            self.fields[f"energy_{outcome.pk}"] = energy_field

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.require_choice:
            return cleaned
        if self.voting_round.is_ranked and not self.ranks():
            raise forms.ValidationError(_("Rank at least one outcome: give your first choice a 1."))
        if not self.voting_round.is_ranked and not any(self.points().values()):
            raise forms.ValidationError(NOTHING_CHOSEN[Method(self.voting_round.method)])
        return cleaned

    @staticmethod
    def initial_for(ballot: OwnBallot) -> dict[str, object]:
        """The form's initial values from the leader's saved ballot."""
        initial: dict[str, object] = {f"rank_{o}": str(r) for o, r in ballot.ranks.items()}
        initial |= {f"score_{o}": str(p) for o, p in ballot.points.items()}
        initial |= {f"dots_{o}": p for o, p in ballot.points.items()}
        initial |= {f"approve_{o}": True for o, p in ballot.points.items() if p}
        initial |= {f"energy_{o}": str(e) for o, e in ballot.energy.items()}
        return initial

    def with_ranks(self, ranks: dict[int, int]) -> BallotForm:
        """The same ballot with its ranking replaced by `ranks` (after a move), to show."""
        data = {key: self.data.get(key) for key in self.data}  # a QueryDict's last value for each key
        for outcome in self.candidates:
            data[f"rank_{outcome.pk}"] = str(ranks.get(outcome.pk, ""))
        return BallotForm(data, voting_round=self.voting_round, candidates=self.candidates, require_choice=False)

    def ranks(self) -> dict[int, int]:
        if not self.voting_round.is_ranked:
            return {}
        return {
            outcome.pk: self.cleaned_data[f"rank_{outcome.pk}"]
            for outcome in self.candidates
            if self.cleaned_data.get(f"rank_{outcome.pk}")
        }

    def points(self) -> dict[int, int]:
        method = self.voting_round.method
        if self.voting_round.is_ranked:
            return {}
        prefix = {Method.SCORE: "score", Method.DOTS: "dots", Method.APPROVAL: "approve"}[Method(method)]
        return {outcome.pk: int(self.cleaned_data.get(f"{prefix}_{outcome.pk}") or 0) for outcome in self.candidates}

    def energy(self) -> dict[int, int]:
        levels = {outcome.pk: int(self.cleaned_data.get(f"energy_{outcome.pk}") or 0) for outcome in self.candidates}
        return {outcome_id: level for outcome_id, level in levels.items() if level}

    def bound_rows(self) -> list[BallotRow]:
        """One row per outcome, in ballot order for a ranked round, with its controls as HTML.

        The controls are built here rather than by Django's widget templates:
        fifty selects of fifty-one options each, and 150 radio buttons, take
        Django's widget rendering most of 100 ms; plain string building takes a few.
        """
        order = self.candidates
        ranked = self.voting_round.is_ranked
        ranks: dict[int, int | None] = {}
        if ranked:
            ranks = {o.pk: _as_int(self[f"rank_{o.pk}"].value()) for o in self.candidates}
            by_id = {o.pk: o for o in self.candidates}
            order = [by_id[i] for i in ranking_order([o.pk for o in self.candidates], ranks)]
        prefix = "rank" if ranked else _PREFIX[Method(self.voting_round.method)]
        words = _RowWords.now(ranked=ranked)
        rows = []
        for n, outcome in enumerate(order, start=1):
            field = self[f"{prefix}_{outcome.pk}"]
            energy = self[f"energy_{outcome.pk}"]
            row = BallotRow(
                place=n,
                outcome=outcome,
                field=field,
                control=self._control(field, outcome),
                energy=_radios(energy, words.energy_labels),
                ranked=ranked and bool(ranks.get(outcome.pk)),
            )
            row.html = _row_html(row, words, round_ranked=ranked, approval=prefix == "approve", moved=self.moved)
            rows.append(row)
        return rows

    def ballot_rows(self) -> BallotRows:
        """The rows split in two: those ranked (numbered, in order) and the rest, which have no place to show."""
        rows = self.bound_rows()
        return BallotRows(ranked=[r for r in rows if r.ranked], unranked=[r for r in rows if not r.ranked])

    def _control(self, field: forms.BoundField, outcome: CandidateOutcome) -> SafeString:
        name, id_ = field.html_name, field.auto_id
        value = field.value()
        invalid = f' aria-invalid="true" aria-describedby="{id_}_error"' if field.errors else ""
        method = self.voting_round.method
        if self.voting_round.is_ranked:
            shown = escape("" if value in (None, "") else str(value))
            return mark_safe(  # noqa: S308
                f'<input type="number" name="{name}" id="{id_}" class="rank" inputmode="numeric" min="1" '
                f'max="{len(self.candidates)}" value="{shown}"{invalid}>'
            )
        if method == Method.SCORE:
            current = "" if value is None else str(value)
            options = "".join(
                f'<option value="{v}"{" selected" if v == current else ""}>{escape(label)}</option>'
                for v, label in self.select_choices
            )
            return mark_safe(f'<select name="{name}" id="{id_}"{invalid}>{options}</select>')  # noqa: S308
        if method == Method.DOTS:
            shown = escape("" if value in (None, "") else str(value))
            return mark_safe(  # noqa: S308
                f'<input type="number" name="{name}" id="{id_}" class="dots" inputmode="numeric" min="0" '
                f'max="{self.voting_round.dot_budget}" value="{shown}"{invalid}>'
            )
        checked = " checked" if value in (True, "on", "true", "True", "1") else ""
        return mark_safe(f'<input type="checkbox" name="{name}" id="{id_}"{checked}{invalid}>')  # noqa: S308


_PREFIX = {Method.SCORE: "score", Method.DOTS: "dots", Method.APPROVAL: "approve"}


def _as_int(value: object) -> int | None:
    try:
        return int(str(value)) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _radios(field: forms.BoundField, labels: tuple[str, ...]) -> SafeString:
    """The energy radios; `labels`: ENERGY_CHOICES' labels, translated and escaped once for the ballot."""
    value = field.value()
    current = str(value if value not in (None, "") else Energy.NONE)
    return mark_safe(  # noqa: S308
        "".join(
            f'<label class="radio-inline" for="{field.auto_id}_{i}"><input type="radio" name="{field.html_name}" '
            f'value="{v}" id="{field.auto_id}_{i}"{" checked" if str(v) == current else ""}> {label}</label>'
            for i, ((v, _label), label) in enumerate(zip(ENERGY_CHOICES, labels, strict=True))
        )
    )


@lru_cache(maxsize=2048)
def _ordinal(language: str | None, place: int) -> str:
    """humanize's `ordinal` of a place, kept per language: it translates ten patterns on every call, and a
    ballot of 200 ranked outcomes called it for each row. `language` is only the key (the active language)."""
    return str(ordinal(place))


@dataclass
class BallotRow:
    place: int
    outcome: CandidateOutcome
    field: forms.BoundField
    control: SafeString
    energy: SafeString
    #: Whether this outcome has a place in the leader's ranking (always False outside a ranked round).
    ranked: bool = False
    #: The whole row (`_row_html`).
    html: str = ""  # a SafeString once built


@dataclass(frozen=True)
class _RowWords:
    """The words of every ballot row, translated once for the ballot rather than once per row."""

    up: str
    down: str
    add: str
    energy: str
    to_statement: str
    moved_to: str
    took_out: str
    #: The energy radios' labels, escaped.
    energy_labels: tuple[str, ...] = ()

    @classmethod
    def now(cls, *, ranked: bool) -> _RowWords:
        return cls(
            energy_labels=tuple(escape(label) for _value, label in ENERGY_CHOICES),
            up=escape(gettext("Move up")) if ranked else "",
            down=escape(gettext("Move down")) if ranked else "",
            add=escape(gettext("Add to my ranking")) if ranked else "",
            energy=escape(gettext("Energy you would commit")),
            to_statement=gettext("to %(statement)s"),
            moved_to=gettext("Moved “%(statement)s” to %(place)s") if ranked else "",
            took_out=gettext("Took “%(statement)s” out of your ranking") if ranked else "",
        )


def _row_html(row: BallotRow, words: _RowWords, *, round_ranked: bool, approval: bool, moved: str) -> SafeString:
    """One outcome's row of the ballot: its statement and control, its moves (ranked), and its energy.

    Built here rather than by a template partial: a partial per row, two hundred rows, was most of the
    ballot's time. Every row works without script (its buttons submit the form) and by keyboard.
    """
    pk = row.outcome.pk
    statement = row.outcome.statement
    st = escape(statement)
    field = row.field
    if approval:
        choice = f'<label class="radio" for="{field.auto_id}">{row.control} {st}</label>'
    else:
        choice = f'<label for="{field.auto_id}" class="ballot-statement">{st}</label>{row.control}'
    if field.errors:
        choice += f'<p class="error" id="{field.auto_id}_error">{escape(" ".join(str(e) for e in field.errors))}</p>'
    moves = ""
    if round_ranked:
        hidden = f'<span class="visually-hidden">: {st}</span>'

        def focus(move: str, announce: str) -> str:
            # The button just pressed comes back with autofocus, so htmx puts the keyboard user back on it.
            return f' autofocus data-announce="{escape(announce)}"' if moved == move else ""

        button = '<button type="submit" class="secondary" name="move" value="{value}" id="{id}"{focus}>{label}'
        if row.ranked:
            announce = words.moved_to % {"statement": statement, "place": _ordinal(get_language(), row.place)}
            moves = (
                button.format(value=f"up:{pk}", id=f"up-{pk}", focus=focus(f"up:{pk}", announce), label=words.up)
                + f"{hidden}</button>"
                + button.format(
                    value=f"down:{pk}", id=f"down-{pk}", focus=focus(f"down:{pk}", announce), label=words.down
                )
                + f"{hidden}</button>"
            )
        else:
            # Not ranked: it can only be added (at the end of the ranking); moving it down would mean nothing.
            took_out = words.took_out % {"statement": statement}
            moves = (
                button.format(value=f"up:{pk}", id=f"up-{pk}", focus=focus(f"down:{pk}", took_out), label=words.add)
                + f"{hidden}</button>"
            )
        moves = f'<div class="ballot-moves">{moves}</div>'
    to_statement = escape(words.to_statement % {"statement": statement})
    return mark_safe(  # noqa: S308 -- every text escaped above; controls built by the form
        f'<li class="ballot-row" id="row-{pk}" tabindex="-1"><div class="ballot-choice">{choice}</div>{moves}'
        f'<fieldset class="energy"><legend>{words.energy}<span class="visually-hidden"> {to_statement}</span>'
        f"</legend>{row.energy}</fieldset></li>\n"
    )


@dataclass(frozen=True)
class BallotRows:
    ranked: list[BallotRow]
    unranked: list[BallotRow]


class MoveForm(forms.Form):
    """One press of "Move up" or "Move down" on a ranked ballot: `move` is "up:<outcome id>" or "down:<outcome id>"."""

    DIRECTIONS = ("up", "down")

    move = forms.CharField(max_length=40)

    def __init__(self, *args: Any, candidates: list[CandidateOutcome], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidate_ids = {outcome.pk for outcome in candidates}

    def clean_move(self) -> str:
        value: str = self.cleaned_data["move"]
        direction, _sep, outcome_id = value.partition(":")
        known = outcome_id.isascii() and outcome_id.isdigit() and int(outcome_id) in self.candidate_ids
        if direction not in self.DIRECTIONS or not known:
            raise forms.ValidationError(_("That move is not possible."))
        return value

    @property
    def direction(self) -> str:
        return str(self.cleaned_data["move"]).partition(":")[0]

    @property
    def outcome_id(self) -> int:
        return int(str(self.cleaned_data["move"]).partition(":")[2])


class CommitForm(forms.Form):
    """A leader's commitment: to the round's winner, or (with `outcome`) to an outcome adopted from it."""

    pledge = forms.CharField(
        max_length=280,
        required=False,
        label=_("What will you bring?"),
        help_text=_("One line: the energy, time or resources you commit."),
    )
    outcome = forms.IntegerField(required=False, widget=forms.HiddenInput)

    @classmethod
    def for_adopted(cls, outcome: CandidateOutcome) -> CommitForm:
        """The form on an adopted outcome's card, its ids distinct from every other card's."""
        return cls(initial={"outcome": outcome.pk}, auto_id=f"pledge-{outcome.pk}-%s")


# --- The measure (issue 12) -------------------------------------------------------------------------


class IndicatorForm(forms.Form):
    name = forms.CharField(
        max_length=200,
        label=_("Indicator"),
        error_messages={"required": _("Enter the indicator's name, like People sleeping rough")},
    )
    unit = forms.CharField(
        max_length=40,
        label=_("Unit"),
        help_text=_("For example: people, %, per 1,000 residents."),
        error_messages={"required": _("Enter the unit, like people or %")},
    )
    source = forms.CharField(
        max_length=300,
        label=_("Source"),
        help_text=_("Where the figures come from."),
        error_messages={"required": _("Enter where the figures come from, like the council's street count")},
    )
    direction = forms.ChoiceField(
        choices=Direction.choices,
        widget=forms.RadioSelect,
        label=_("Which way is better?"),
        error_messages={"required": _("Choose whether higher or lower is better")},
    )
    baseline_value = forms.DecimalField(
        max_digits=16,
        decimal_places=4,
        label=_("Baseline value"),
        error_messages={
            "required": _("Enter the baseline value, like 40"),
            "invalid": _("Enter the baseline value as a number, like 40"),
        },
    )
    baseline_on = GovukDateField(
        label=_("Baseline date"), error_messages={"required": _("Enter the date of the baseline value")}
    )
    target_value = forms.DecimalField(
        max_digits=16,
        decimal_places=4,
        required=False,
        label=_("Target"),
        error_messages={"invalid": _("Enter the target as a number, like 10")},
    )
    target_on = GovukDateField(required=False, label=_("Target date"))


class IndicatorUpdateForm(forms.Form):
    measured_on = GovukDateField(label=_("Date"), error_messages={"required": _("Enter the date of the value")})
    value = forms.DecimalField(
        max_digits=16,
        decimal_places=4,
        label=_("Value"),
        error_messages={
            "required": _("Enter the value, like 28"),
            "invalid": _("Enter the value as a number, like 28"),
        },
    )
    note = forms.CharField(
        max_length=500,
        required=False,
        label=_("The story behind the curve"),
        help_text=_("In a line or two: what changed, and why."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    value_checked = forms.BooleanField(required=False, label=_("I have checked this value and it is right"))


class IndicatorUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or Excel file"),
        help_text=_("Columns: date (YYYY-MM-DD), value and, if you like, note. Nothing is saved until you confirm."),
        error_messages={"required": _("Choose a CSV or Excel file to upload")},
    )


class IndicatorConfirmForm(forms.Form):
    checked = forms.BooleanField(required=False, label=_("I have checked the questioned values and they are right"))
