from __future__ import annotations

from django.urls import path

from network.views import (
    accounts,
    activity,
    agencies,
    attendance,
    dashboard,
    digests,
    exports,
    imports,
    invitations,
    links,
    meetings,
    people,
    sites,
    starting,
)

app_name = "network"

urlpatterns = [
    path("", sites.home, name="home"),
    path("sites/new/", sites.site_create, name="site-create"),
    path("start/", starting.site_start, name="site-start"),
    path("start/sent/", starting.site_start_sent, name="site-start-sent"),
    path("start/<str:token>/", starting.site_start_confirm, name="site-start-confirm"),
    path("sites/<slug:site_slug>/", sites.site_detail, name="site-detail"),
    path("sites/<slug:site_slug>/people/", people.site_people, name="site-people"),
    path("accounts/sign-in-link/", accounts.sign_in_link_request, name="sign-in-link-request"),
    path("accounts/sign-in-link/sent/", accounts.sign_in_link_sent, name="sign-in-link-sent"),
    path("accounts/link/<str:token>/", accounts.sign_in_link, name="sign-in-link"),
    path("accounts/profile/", accounts.profile, name="profile"),
    path("sites/<slug:site_slug>/dashboard/", dashboard.site_dashboard, name="site-dashboard"),
    path("sites/<slug:site_slug>/invitations/", invitations.site_invitations, name="site-invitations"),
    path("sites/<slug:site_slug>/import/", imports.site_import, name="site-import"),
    path("sites/<slug:site_slug>/import/template.csv", imports.site_import_template, name="site-import-template"),
    path("sites/<slug:site_slug>/import/<int:batch_id>/", imports.site_import_preview, name="site-import-preview"),
    path("sites/<slug:site_slug>/people/<int:membership_id>/", people.member_edit, name="member-edit"),
    path("sites/<slug:site_slug>/agencies/<int:agency_id>/", agencies.agency_edit, name="agency-edit"),
    path("sites/<slug:site_slug>/activity/", activity.site_activity, name="site-activity"),
    path("sites/<slug:site_slug>/alliance/", meetings.alliance_detail, name="alliance-detail"),
    path("sites/<slug:site_slug>/meetings/", meetings.meeting_list, name="meeting-list"),
    path("sites/<slug:site_slug>/meetings/new/", meetings.meeting_create, name="meeting-create"),
    path(
        "sites/<slug:site_slug>/meetings/calendar-address/",
        meetings.calendar_feed_renew,
        name="calendar-feed-renew",
    ),
    path("sites/<slug:site_slug>/meetings/<int:meeting_id>/", meetings.meeting_detail, name="meeting-detail"),
    path(
        "sites/<slug:site_slug>/meetings/<int:meeting_id>/attendees.csv",
        exports.meeting_attendees_csv,
        name="meeting-attendees-csv",
    ),
    path("sites/<slug:site_slug>/meetings/<int:meeting_id>/edit/", meetings.meeting_edit, name="meeting-edit"),
    path("sites/<slug:site_slug>/meetings/<int:meeting_id>/cancel/", meetings.meeting_cancel, name="meeting-cancel"),
    path(
        "sites/<slug:site_slug>/meetings/<int:meeting_id>/attendees.xlsx",
        exports.meeting_attendees_xlsx,
        name="meeting-attendees-xlsx",
    ),
    path(
        "sites/<slug:site_slug>/meetings/<int:meeting_id>/sign-in-sheet/",
        exports.meeting_sign_in_sheet,
        name="meeting-sign-in-sheet",
    ),
    path("sites/<slug:site_slug>/meetings/<int:meeting_id>/meeting.ics", exports.meeting_ics, name="meeting-ics"),
    path(
        "sites/<slug:site_slug>/meetings/<int:meeting_id>/attendance/",
        attendance.meeting_attendance,
        name="meeting-attendance",
    ),
    path(
        "sites/<slug:site_slug>/meetings/<int:meeting_id>/attendance/<int:member_id>/",
        attendance.attendance_toggle,
        name="attendance-toggle",
    ),
    path("sites/<slug:site_slug>/meetings/<int:meeting_id>/walk-ins/", attendance.walk_in_add, name="walk-in-add"),
    path("sites/<slug:site_slug>/digests/", digests.site_digests, name="site-digests"),
    path("sites/<slug:site_slug>/digests/preview/", digests.digest_preview_email, name="digest-preview"),
    path("sites/<slug:site_slug>/digests/send/", digests.digest_send_now_view, name="digest-send-now"),
    path("sites/<slug:site_slug>/digests/progress/", digests.digest_progress_view, name="digest-progress"),
    path("rsvp/<str:token>/", links.meeting_rsvp, name="meeting-rsvp"),
    path("email-preferences/<str:token>/", links.digest_unsubscribe, name="digest-unsubscribe"),
    path("calendar/<str:token>/meetings.ics", exports.site_calendar, name="site-calendar"),
]
