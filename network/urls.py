from __future__ import annotations

from django.urls import path

from network import views

app_name = "network"

urlpatterns = [
    path("", views.home, name="home"),
    path("sites/new/", views.site_create, name="site-create"),
    path("sites/<slug:site_slug>/", views.site_detail, name="site-detail"),
    path("sites/<slug:site_slug>/people/", views.site_people, name="site-people"),
    path("sites/<slug:site_slug>/alliance/", views.alliance_detail, name="alliance-detail"),
    path("sites/<slug:site_slug>/meetings/new/", views.meeting_create, name="meeting-create"),
    path("sites/<slug:site_slug>/meetings/<int:meeting_id>/", views.meeting_detail, name="meeting-detail"),
    path(
        "sites/<slug:site_slug>/meetings/<int:meeting_id>/attendees.csv",
        views.meeting_attendees_csv,
        name="meeting-attendees-csv",
    ),
]
