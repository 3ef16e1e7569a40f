from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from network.models import Agency, Alliance, AllianceMember, DigestDelivery, Meeting, Membership, PilotSite, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_staff", "last_login"]
    search_fields = ["email", "name"]
    fieldsets = (
        (None, {"fields": ("email", "name", "password")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "name", "password1", "password2")}),)


@admin.register(PilotSite)
class PilotSiteAdmin(admin.ModelAdmin[PilotSite]):
    list_display = ["name", "place", "created_at"]
    search_fields = ["name", "place"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin[Agency]):
    list_display = ["name", "sector", "site"]
    list_filter = ["sector", "site"]
    search_fields = ["name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "site", "role", "agency", "role_title"]
    list_filter = ["role", "site"]
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
    list_display = ["title", "starts_at", "alliance"]
    search_fields = ["title"]
    date_hierarchy = "starts_at"


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(admin.ModelAdmin[DigestDelivery]):
    list_display = ["meeting", "recipient", "status", "sent_at"]
    list_filter = ["status"]
    raw_id_fields = ["meeting", "recipient"]
