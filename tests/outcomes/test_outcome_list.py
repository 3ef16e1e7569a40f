"""The outcomes page with a site of 100 agencies: every agency a labelled checkbox, drawn in one loop."""

from __future__ import annotations

import re

from django.urls import reverse

from network.models import Agency, Sector
from tests.conftest import Cast


def test_a_hundred_agency_checkboxes_are_labelled_and_drawn_in_one_loop(cast: Cast) -> None:
    Agency.objects.bulk_create(Agency(site=cast.site, name=f"Agency {i:03d}", sector=Sector.OTHER) for i in range(97))
    response = cast.client_for(cast.leaders[0]).get(reverse("outcomes:outcome-list", args=[cast.site.slug]))
    body = response.content.decode()
    boxes = re.findall(
        r'<label for="(id_agencies_\d+)"><input type="checkbox" name="agencies" value="\d+" id="\1">', body
    )
    assert len(boxes) == 100
    assert "Agency 042</label>" in body
    used = {template.name for template in response.templates}
    assert "django/forms/widgets/checkbox_option.html" not in used  # no template per checkbox
    assert "outcomes/widgets/checkbox_list.html" in used


def test_ticked_agencies_stay_ticked_when_the_form_comes_back_with_an_error(cast: Cast) -> None:
    url = reverse("outcomes:outcome-list", args=[cast.site.slug])
    agency = cast.agencies[1]
    response = cast.client_for(cast.leaders[0]).post(url, {"statement": "", "agencies": [str(agency.pk)]})
    assert response.status_code == 422
    assert f'value="{agency.pk}" id="id_agencies_1" checked>' in response.content.decode()
