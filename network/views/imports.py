"""Importing agencies and leaders from a spreadsheet: upload, check every row, then confirm."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from network.access import ENABLERS, site_view
from network.csv_cells import SafeWriter
from network.errors import DomainError
from network.forms import add_domain_error
from network.forms.imports import ImportForm
from network.http import AuthenticatedHttpRequest, render_page
from network.models import Membership
from network.selectors.people import import_batch_get
from network.services import imports


@site_view(ENABLERS)
@require_http_methods(["GET", "POST"])
def site_import(request: AuthenticatedHttpRequest, membership: Membership) -> HttpResponse:
    site = membership.site
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = imports.import_preview(
                site=site, actor=request.user, data=upload.read(imports.MAX_BYTES + 1), filename=upload.name or ""
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect("network:site-import-preview", site_slug=site.slug, batch_id=batch.pk)
    context = {"membership": membership, "site": site, "form": form, "columns": imports.COLUMNS}
    return render_page(request, "network/site_import.html", context, status=422 if form.errors else 200)


@site_view(ENABLERS)
def site_import_template(request: AuthenticatedHttpRequest, membership: Membership) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="leaders-template.csv"'
    response.write("\ufeff")  # so Excel opens it as UTF-8
    SafeWriter(response).writerows(imports.TEMPLATE_ROWS)
    return response


def _imported_message(agencies: int, added: int) -> str:
    people = ngettext("%(count)d person", "%(count)d people", added) % {"count": added}
    new_agencies = ngettext("%(count)d new agency", "%(count)d new agencies", agencies) % {"count": agencies}
    return _("Imported %(people)s and %(agencies)s.") % {"people": people, "agencies": new_agencies}


@site_view(ENABLERS)
@require_http_methods(["GET", "POST"])
def site_import_preview(request: AuthenticatedHttpRequest, membership: Membership, batch_id: int) -> HttpResponse:
    site = membership.site
    batch = import_batch_get(site=site, user=request.user, batch_id=batch_id)
    if request.method == "POST":
        agencies, added = imports.import_confirm(batch=batch, actor=request.user)
        messages.success(request, _imported_message(agencies, added))
        return redirect("network:site-invitations", site_slug=site.slug)
    context = {
        "membership": membership,
        "site": site,
        "batch": batch,
        "preview": imports.batch_preview(batch=batch),
        "form": ImportForm(),
        "columns": imports.COLUMNS,
    }
    return render_page(request, "network/site_import_preview.html", context)
