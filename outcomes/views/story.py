"""The story of an adopted outcome, and its printable handover pack."""

from __future__ import annotations

from django.http import HttpResponse

from network.access import site_view
from network.http import AuthenticatedHttpRequest, render_page
from network.models import Membership
from outcomes.selectors.indicators import adopted_outcome_get
from outcomes.selectors.story import KINDS, outcome_handover, outcome_story

# The handover pack prints this many of the newest events; the story page itself goes back to the beginning.
PRINT_EVENTS = 100
# Each page reads every kind up to its end, so the pages stop somewhere: 200 pages of 50 events.
MAX_PAGE = 200


def _page_number(raw: str | None) -> int:
    try:
        return max(1, min(int(raw or 1), MAX_PAGE))
    except ValueError:
        return 1


@site_view()
def outcome_story_view(request: AuthenticatedHttpRequest, membership: Membership, outcome_id: int) -> HttpResponse:
    site = membership.site
    outcome = adopted_outcome_get(site=site, outcome_id=outcome_id)
    kind = request.GET.get("kind", "")
    kind = kind if kind in KINDS else ""
    printable = request.GET.get("print") == "1"
    if printable:
        story = outcome_story(outcome=outcome, size=PRINT_EVENTS)
    else:
        story = outcome_story(outcome=outcome, kind=kind, page=_page_number(request.GET.get("page")))
    context = {
        "membership": membership,
        "site": site,
        "outcome": outcome,
        "story": story,
        "kind": kind,
        "kinds": list(KINDS.items()),
        "handover": outcome_handover(outcome=outcome) if printable else None,
    }
    if printable:
        # The print page has no htmx region: an htmx request for it (a boosted link) gets the whole page.
        return render_page(request, "outcomes/story_print.html", context)
    return render_page(request, "outcomes/story.html", context, partial="events")
