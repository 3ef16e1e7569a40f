from __future__ import annotations

from django.urls import path

from outcomes import views
from outcomes.views import indicators, story

app_name = "outcomes"

urlpatterns = [
    path("sites/<slug:site_slug>/outcomes/", views.outcome_list, name="outcome-list"),
    path("sites/<slug:site_slug>/rounds/new/", views.round_create, name="round-create"),
    path("sites/<slug:site_slug>/rounds/<int:round_id>/", views.round_detail, name="round-detail"),
    path("sites/<slug:site_slug>/rounds/<int:round_id>/close/", views.round_close, name="round-close"),
    path("sites/<slug:site_slug>/rounds/<int:round_id>/commit/", views.outcome_commit, name="outcome-commit"),
    path("sites/<slug:site_slug>/outcomes/<int:outcome_id>/", views.outcome_edit, name="outcome-edit"),
    path("sites/<slug:site_slug>/outcomes/<int:outcome_id>/withdraw/", views.outcome_withdraw, name="outcome-withdraw"),
    path("sites/<slug:site_slug>/outcomes/<int:outcome_id>/merge/", views.outcome_merge, name="outcome-merge"),
    path("sites/<slug:site_slug>/rounds/<int:round_id>/start/", views.round_open_draft, name="round-open-draft"),
    path("sites/<slug:site_slug>/rounds/<int:round_id>/adopt/", views.outcome_adopt, name="outcome-adopt"),
    path("sites/<slug:site_slug>/rounds/<int:round_id>/voters/", views.round_voters, name="round-voters"),
    path("sites/<slug:site_slug>/rounds/<int:round_id>/system/", views.round_system, name="round-system"),
    path("sites/<slug:site_slug>/rounds/<int:round_id>/results.csv", views.round_results_csv, name="round-results-csv"),
    path("sites/<slug:site_slug>/rounds/<int:round_id>/support.csv", views.round_support_csv, name="round-support-csv"),
    path("sites/<slug:site_slug>/outcomes/<int:outcome_id>/story/", story.outcome_story_view, name="story"),
    path("sites/<slug:site_slug>/outcomes/<int:outcome_id>/measure/", indicators.outcome_measure, name="measure"),
    path("sites/<slug:site_slug>/indicators/<int:indicator_id>/", indicators.indicator_detail, name="indicator-detail"),
    path(
        "sites/<slug:site_slug>/indicators/<int:indicator_id>/upload/",
        indicators.indicator_upload,
        name="indicator-upload",
    ),
    path(
        "sites/<slug:site_slug>/indicators/<int:indicator_id>/upload/<int:upload_id>/",
        indicators.indicator_upload_preview_view,
        name="indicator-upload-preview",
    ),
    path(
        "sites/<slug:site_slug>/indicators/<int:indicator_id>/series.csv",
        indicators.indicator_csv,
        name="indicator-csv",
    ),
    path(
        "sites/<slug:site_slug>/indicators/<int:indicator_id>/series.xlsx",
        indicators.indicator_xlsx,
        name="indicator-xlsx",
    ),
    path(
        "sites/<slug:site_slug>/rounds/<int:round_id>/head-to-head.csv",
        views.round_pairwise_csv,
        name="round-pairwise-csv",
    ),
]
