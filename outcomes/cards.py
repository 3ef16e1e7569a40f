"""The outcomes list's cards, written as HTML here rather than through the template engine.

Fifty cards through `outcome_list.html` were a quarter of the page's function calls (a `{% url %}`, two or
three translations and a dozen lookups each, some 500 calls a card): here each word is translated once a page
and each card is a few f-strings. tests/outcomes/test_outcome_list.py holds the cards to what the template
wrote, in English and Welsh.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from outcomes.selectors.outcomes import OutcomeCard


def outcome_cards_html(
    cards: Iterable[OutcomeCard], *, site_slug: str, editable: set[int], can_manage: bool
) -> SafeString:
    """The `<li class="card">` of each outcome, in the active language; every value escaped."""
    # Words translated once for the page: the msgids are the template's (blocktranslate's %(name)s included),
    # and like the template's words they are written as translated, not escaped; only values are.
    proposed_by = gettext("Proposed by %(name)s")
    former_member = gettext("Proposed by a former member")
    and_by = gettext("; and by %(name)s")
    touches = gettext("Touches:")
    adopted = gettext("Adopted")
    edit = gettext("Edit, merge or withdraw") if can_manage else gettext("Edit")
    # One reverse for the page: an outcome's address is this with its id in place of the 0.
    edit_url = reverse("outcomes:outcome-edit", args=[site_slug, 0])
    before, _, after = edit_url.rpartition("/0/")
    parts = []
    for card in cards:
        statement = escape(card.statement)
        by = proposed_by % {"name": escape(card.proposer_name)} if card.proposer_name else former_member
        if card.proposer_agency:
            by += f", {escape(card.proposer_agency)}"
        by += "".join(and_by % {"name": escape(name)} for name in card.co_proposer_names)
        html = f'\n    <li class="card">\n      <h3>{statement}</h3>\n      <p>{escape(card.why_it_matters)}</p>'
        html += f'\n      <p class="hint">{by}</p>\n      '
        if card.agency_names:
            html += f'<p class="hint">{touches} {escape(card.agency_names)}</p>'
        html += "\n      "
        if card.alliance_id:
            html += f'<p><span class="tag">{adopted}</span></p>'
        html += "\n      "
        if card.pk in editable:
            url = f"{before}/{card.pk:d}/{after}"
            html += f'<p><a href="{url}">{edit}<span class="visually-hidden">: {statement}</span></a></p>'
        parts.append(html + "\n    </li>\n    ")
    return mark_safe("".join(parts))  # noqa: S308 -- every value escaped above
