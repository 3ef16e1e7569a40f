from __future__ import annotations

from django.urls import path

from network.views import meetings, sites

app_name = "network"

urlpatterns = [
    path("", sites.home, name="home"),
    path("sites/new/", sites.site_create, name="site-create"),
    path("sites/<slug:site_slug>/", sites.site_detail, name="site-detail"),
    path("sites/<slug:site_slug>/people/", sites.site_people, name="site-people"),
    path("sites/<slug:site_slug>/alliance/", meetings.alliance_detail, name="alliance-detail"),
    path("sites/<slug:site_slug>/meetings/new/", meetings.meeting_create, name="meeting-create"),
    path("sites/<slug:site_slug>/meetings/<int:meeting_id>/", meetings.meeting_detail, name="meeting-detail"),
    path(
        "sites/<slug:site_slug>/meetings/<int:meeting_id>/attendees.csv",
        meetings.meeting_attendees_csv,
        name="meeting-attendees-csv",
    ),
]
