from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from systemsleader import devmail_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("network.account_urls")),
    # Pages every footer links to.
    path("accessibility/", TemplateView.as_view(template_name="pages/accessibility.html"), name="accessibility"),
    path("privacy/", TemplateView.as_view(template_name="pages/privacy.html"), name="privacy"),
    path("contact/", TemplateView.as_view(template_name="pages/contact.html"), name="contact"),
    # Development only (each view answers 404 unless DEBUG is on and there is no SMTP server).
    path("dev/mail/", devmail_views.dev_mail_list, name="dev-mail-list"),
    path("dev/mail/<str:message_id>/", devmail_views.dev_mail_detail, name="dev-mail-detail"),
    path("dev/mail/<str:message_id>/html/", devmail_views.dev_mail_html, name="dev-mail-html"),
    path("", include("network.urls")),
    path("", include("outcomes.urls")),
]
