from __future__ import annotations

from django.urls import path

from outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("sites/<slug:site_slug>/outcomes/", views.outcome_list, name="outcome-list"),
    path("sites/<slug:site_slug>/rounds/new/", views.round_open, name="round-open"),
    path("sites/<slug:site_slug>/rounds/<int:round_id>/", views.round_detail, name="round-detail"),
    path("sites/<slug:site_slug>/rounds/<int:round_id>/close/", views.round_close, name="round-close"),
    path("sites/<slug:site_slug>/rounds/<int:round_id>/commit/", views.outcome_commit, name="outcome-commit"),
]
