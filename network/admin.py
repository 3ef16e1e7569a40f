from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from network.models import (
    ActivityEntry,
    Agency,
    Alliance,
    AllianceMember,
    Commitment,
    CommitmentCheckIn,
    DigestDelivery,
    ImportBatch,
    Meeting,
    MeetingAction,
    MeetingNotes,
    Membership,
    PilotSite,
    User,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    ordering = ["email"]
    list_display = ["email", "name", "is_staff", "last_login"]
    list_filter = ["is_staff", "is_active", "memberships__role", "memberships__site"]
    search_fields = ["email", "name"]
    fieldsets = (
        (None, {"fields": ("email", "name", "language", "password")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "name", "password1", "password2")}),)


@admin.register(PilotSite)
class PilotSiteAdmin(admin.ModelAdmin[PilotSite]):
    list_display = ["name", "place", "created_at"]
    search_fields = ["name", "place"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin[Agency]):
    list_display = ["name", "sector", "site", "archived_at"]
    list_filter = ["sector", "site", ("archived_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "site__name"]
    list_select_related = ["site"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "site", "role", "agency", "role_title", "invitation_status", "archived_at"]
    list_filter = [
        "role",
        "invitation_status",
        "digest_preference",
        ("archived_at", admin.EmptyFieldListFilter),
        "site",
    ]
    search_fields = ["user__name", "user__email", "agency__name"]
    list_select_related = ["user", "site", "agency"]
    raw_id_fields = ["user", "agency"]


class AllianceMemberInline(admin.TabularInline[AllianceMember, Alliance]):
    model = AllianceMember
    raw_id_fields = ["membership"]
    extra = 0


@admin.register(Alliance)
class AllianceAdmin(admin.ModelAdmin[Alliance]):
    list_display = ["purpose", "site", "created_at"]
    list_filter = ["site"]
    inlines = [AllianceMemberInline]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin[Meeting]):
    list_display = ["title", "starts_at", "site", "alliance"]
    list_filter = ["site"]
    search_fields = ["title"]
    date_hierarchy = "starts_at"


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(admin.ModelAdmin[DigestDelivery]):
    list_display = ["key", "recipient", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    raw_id_fields = ["meeting", "recipient"]


@admin.register(ActivityEntry)
class ActivityEntryAdmin(admin.ModelAdmin[ActivityEntry]):
    list_display = ["created_at", "site", "actor", "action", "summary"]
    list_filter = ["action", "site"]
    search_fields = ["summary", "actor__email", "actor__name"]
    list_select_related = ["site", "actor"]
    date_hierarchy = "created_at"

    def has_change_permission(self, request: HttpRequest, obj: ActivityEntry | None = None) -> bool:
        return False  # the log records what happened; nobody edits it


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin[ImportBatch]):
    list_display = ["filename", "site", "created_by", "created_at", "confirmed_at"]
    list_filter = ["site", ("confirmed_at", admin.EmptyFieldListFilter)]
    search_fields = ["filename", "created_by__email"]
    list_select_related = ["site", "created_by"]
    exclude = ["rows"]


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin[Commitment]):
    list_display = ["action", "member", "status", "due_on", "checked_in_at", "closed_at"]
    list_filter = ["status"]
    search_fields = ["action", "member__membership__user__name"]
    raw_id_fields = ["member", "with_members", "with_agencies"]
    list_select_related = ["member__membership__user", "member__alliance"]

    def has_delete_permission(self, request: HttpRequest, obj: Commitment | None = None) -> bool:
        return False  # nothing is deleted: a commitment keeps its history


@admin.register(CommitmentCheckIn)
class CommitmentCheckInAdmin(admin.ModelAdmin[CommitmentCheckIn]):
    list_display = ["created_at", "commitment", "status", "reason", "by"]
    list_filter = ["status"]
    raw_id_fields = ["commitment", "by"]
    list_select_related = ["commitment", "by__user"]

    def has_change_permission(self, request: HttpRequest, obj: CommitmentCheckIn | None = None) -> bool:
        return False  # the history of a commitment: what its owner said, when

    def has_delete_permission(self, request: HttpRequest, obj: CommitmentCheckIn | None = None) -> bool:
        return False


@admin.register(MeetingAction)
class MeetingActionAdmin(admin.ModelAdmin[MeetingAction]):
    list_display = ["description", "meeting", "owner", "due_on", "done_at"]
    list_filter = [("done_at", admin.EmptyFieldListFilter)]
    search_fields = ["description", "owner__user__name"]
    raw_id_fields = ["meeting", "owner", "created_by", "done_by"]
    list_select_related = ["meeting", "owner__user"]


@admin.register(MeetingNotes)
class MeetingNotesAdmin(admin.ModelAdmin[MeetingNotes]):
    list_display = ["meeting", "updated_at", "updated_by"]
    raw_id_fields = ["meeting", "updated_by"]
