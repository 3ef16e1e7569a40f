from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from network import activity_text, roles
from network.roles import Role as Role  # re-exported: the role is part of the model


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("A user needs an email address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """A person, who signs in with their email address."""

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)
    name = models.CharField(max_length=150)
    # The language of everything shown or sent to this person: pages once signed in, invitations, sign-in links,
    # meeting notices, digests and calendar files (network/i18n.py). Set by the switcher on every page.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en-gb")

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["name"]

    class Meta:
        # AbstractUser's names, written out: its Meta is not typed, so subclassing it needs a type: ignore.
        verbose_name = _("user")
        verbose_name_plural = _("users")
        # Lists and exports are in name order; the index lets PostgreSQL start them without sorting everyone.
        indexes = [models.Index(fields=["name"], name="user_name_idx")]

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name


class PilotSite(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    place = models.CharField(max_length=200, help_text=_("The town, city or area the pilot covers."))
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The site's privacy notice, set by its enablers (network/views/sites.py: site settings) and shown on the
    # site's own privacy page. Left empty, a part falls back to the service-wide notice (templates/pages/privacy.html).
    privacy_controller = models.TextField(
        _("who controls the data"),
        blank=True,
        help_text=_("The organisation responsible for the data of this site's people, and its address."),
    )
    privacy_lawful_basis = models.TextField(
        _("lawful basis"),
        blank=True,
        help_text=_("Why the data may be kept, for example: public task, under the Local Government Act 2000."),
    )
    privacy_retention = models.TextField(
        _("how long it is kept"),
        blank=True,
        help_text=_("For example: while the pilot runs, and for one year after it ends."),
    )
    privacy_contact = models.CharField(
        _("privacy contact"),
        max_length=254,
        blank=True,
        help_text=_(
            "An email address or a named person people can ask about their data, such as a data protection officer."
        ),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def has_privacy_notice(self) -> bool:
        """True once an enabler has written any part of the site's own notice."""
        return any((self.privacy_controller, self.privacy_lawful_basis, self.privacy_retention, self.privacy_contact))


class Sector(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", _("Local authority")
    NHS = "nhs", _("NHS")
    POLICE = "police", _("Police")
    FIRE = "fire", _("Fire")
    HOUSING = "housing", _("Housing")
    EDUCATION = "education", _("Education")
    VOLUNTARY = "voluntary", _("Voluntary and community")
    BUSINESS = "business", _("Business")
    ELECTED = "elected", _("Elected members")
    OTHER = "other", _("Other")


class Agency(models.Model):
    site = models.ForeignKey(PilotSite, on_delete=models.CASCADE, related_name="agencies")
    name = models.CharField(max_length=200)
    sector = models.CharField(max_length=32, choices=Sector.choices)
    # Archived agencies drop out of the site's lists but keep their history; restoring clears this.
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("agencies")
        constraints = [
            models.UniqueConstraint(Lower("name"), "site", name="agency_unique_name_per_site"),
        ]

    def __str__(self) -> str:
        return self.name


class DigestPreference(models.TextChoices):
    WEEKLY = "weekly", _("Weekly digest and meeting reminders")
    MEETINGS = "meetings", _("Meeting reminders only")
    NONE = "none", _("No digests")


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Not invited yet")
    QUEUED = "queued", _("Sending")
    SENT = "sent", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    FAILED = "failed", _("Sending failed")


class Membership(models.Model):
    """A person's place in one pilot site: their role there and, for leaders, their agency.

    Removing a person archives their membership rather than deleting it, so the
    ballots they cast stay counted.
    """

    site = models.ForeignKey(PilotSite, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.LEADER)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="members")
    role_title = models.CharField(max_length=200, blank=True)
    digest_preference = models.CharField(
        max_length=16, choices=DigestPreference.choices, default=DigestPreference.WEEKLY
    )
    invitation_status = models.CharField(
        max_length=16, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    invited_at = models.DateTimeField(null=True, blank=True)
    invitation_error = models.TextField(blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    # Part of the calendar feed's signed address: raising it gives the person a new address and
    # closes the old one, for when it was shared too widely.
    calendar_key = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    # The person's name, copied here by the database itself (the triggers of migration 0020, on every write of
    # a membership or a user's name, whatever writes it), so that a site's people are listed by role then name
    # from one index: sorting a join of memberships and users read all 20,000 of a large site for each page.
    # Only for ordering: show `user.name`.
    user_name = models.CharField(max_length=150, default="", editable=False)

    class Meta:
        ordering = ["user__name"]
        constraints = [models.UniqueConstraint(fields=["site", "user"], name="membership_unique_per_site")]
        indexes = [
            # The few people removed from a site: the activity page lists them, and a meeting's places taken
            # leave them out without reading everyone still in it.
            models.Index(
                fields=["site"], name="membership_archived_idx", condition=models.Q(archived_at__isnull=False)
            ),
            # The few enablers and coordinators of a site (its contact in every email, who a meeting reaches)
            # found without reading its thousands of leaders.
            models.Index(fields=["site", "role"], name="membership_site_role_idx"),
            # A site's people in the order the people and invitations pages list them (role, then name), a page
            # read from the index without sorting everyone; and the count of them, from the same index.
            models.Index(
                fields=["site", "role", "user_name", "id"],
                name="membership_people_order_idx",
                condition=models.Q(archived_at__isnull=True),
            ),
            # A site's people by name whatever their role, removed or not: the first few going to a meeting many
            # are going to are found by walking it (network/selectors/meetings.py, meetings_going_first).
            models.Index(fields=["site", "user_name", "id"], name="membership_site_name_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.site})"

    # The rules of network/roles.py, read through the membership so templates can ask them too.
    @property
    def is_enabler(self) -> bool:
        return roles.is_enabler(self)

    @property
    def is_coordinator(self) -> bool:
        return roles.is_coordinator(self)

    @property
    def is_leader(self) -> bool:
        return roles.is_leader(self)

    @property
    def can_manage_people(self) -> bool:
        return roles.can_manage_people(self)

    @property
    def can_call_meetings(self) -> bool:
        return roles.can_call_meetings(self)

    @property
    def can_make_commitments(self) -> bool:
        return roles.can_make_commitments(self)

    @property
    def can_set_checkins(self) -> bool:
        return roles.can_set_checkins(self)

    @property
    def can_record_actions(self) -> bool:
        return roles.can_record_actions(self)

    @property
    def can_manage_measure(self) -> bool:
        return roles.can_manage_measure(self)


class Alliance(models.Model):
    """The alliance of the willing: leaders who committed to one outcome.

    The outcome itself lives in the outcomes app, which points here; the
    alliance keeps a copy of its purpose so that network needs no import of
    outcomes.
    """

    site = models.ForeignKey(PilotSite, on_delete=models.CASCADE, related_name="alliances")
    purpose = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by the enabler: a commitment's owner is asked how it is going once this many weeks have passed
    # since they last said.
    checkin_every_weeks = models.PositiveSmallIntegerField(
        default=4, validators=[MinValueValidator(1), MaxValueValidator(52)]
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.purpose[:60]


class AllianceMember(models.Model):
    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="members")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="alliance_memberships")
    pledge = models.CharField(max_length=280, blank=True)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["joined_at"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "membership"], name="alliance_member_unique"),
        ]
        # The newest pledges first (the weekly digest shows a few): read from the end of this index, not sorted.
        indexes = [models.Index(fields=["alliance", "joined_at", "id"], name="alliance_member_joined_idx")]

    def __str__(self) -> str:
        return f"{self.membership.user} in {self.alliance}"


class Meeting(models.Model):
    """A meeting of an alliance, or of the whole site when it has no alliance.

    Its invitees are the alliance's members, or everyone in the site; either
    way they reply and are recorded through their site membership.
    """

    site = models.ForeignKey(PilotSite, on_delete=models.CASCADE, related_name="meetings")
    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, null=True, blank=True, related_name="meetings")
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    place = models.CharField(max_length=300, blank=True, help_text=_("Where people meet in person."))
    online_link = models.URLField(blank=True, help_text=_("A video call link, if people can join online."))
    agenda = models.TextField(blank=True)
    created_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    # None means no limit; once this many are going, further "going" replies join the waiting list.
    capacity = models.PositiveIntegerField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Bumped on every edit, so each change notice is its own digest with its own exactly-once key.
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_for_whole_site(self) -> bool:
        return self.alliance_id is None


class Rsvp(models.TextChoices):
    GOING = "going", _("Going")
    MAYBE = "maybe", _("Maybe")
    NOT_GOING = "not_going", _("Not going")


class MeetingResponse(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="responses")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="meeting_responses")
    rsvp = models.CharField(max_length=16, choices=Rsvp.choices)
    updated_at = models.DateTimeField(auto_now=True)
    # Set while a "going" reply waits for a place; the earliest is promoted when a place frees up.
    waitlisted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "membership"], name="meeting_response_unique"),
        ]
        indexes = [
            # Places held and places waited for: what a meeting's counts read (selectors/meetings.py), a few
            # index entries per reply that matters rather than every reply to a whole-site meeting.
            models.Index(
                fields=["meeting", "membership"],
                name="meeting_response_place_idx",
                condition=models.Q(rsvp="going", waitlisted_at__isnull=True),
            ),
            models.Index(
                fields=["meeting", "waitlisted_at"],
                name="meeting_response_waiting_idx",
                condition=models.Q(rsvp="going", waitlisted_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_rsvp_display()}: {self.membership_id} to {self.meeting_id}"

    @property
    def has_place(self) -> bool:
        """Going, with a place rather than waiting (the same rule in SQL: `_has_place`, selectors/meetings.py)."""
        return self.rsvp == Rsvp.GOING and self.waitlisted_at is None


class DigestDelivery(models.Model):
    """One queued email to one person: the ledger every email the app queues goes through (digests, meeting
    notices and reminders, places from the waiting list, invitations). The unique key makes each go once,
    barring the one crash that makes a second copy unavoidable (see network.digests.sending)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Nothing new to send")

    class Kind(models.TextChoices):
        MEETING = "meeting", _("New meeting")
        CHANGE = "change", _("Meeting changed or cancelled")
        PRE_MEETING = "pre_meeting", _("Before the meeting")
        WEEKLY = "weekly", _("Weekly digest")
        PLACE = "place", _("A place came free")
        INVITATION = "invitation", _("Invitation")
        MAIL = "mail", _("Other email")
        SIGN_IN = "sign_in", _("Sign-in link")

    # The digest this delivery belongs to, e.g. "meeting:12" or "weekly:3:2026-W48"; with the
    # recipient it is unique, so however often a digest is scheduled each person gets one copy.
    key = models.CharField(max_length=100)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.MEETING)
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="digest_deliveries"
    )
    recipient = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="digest_deliveries")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # After a refusal, not tried again before this (the backoff); the beat sweeps up those that are due.
    retry_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, null=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The lease (network.digests.sending): a worker that claims a delivery owns it, by its token, until
    # lease_until; one claimed and not finished by then is swept up again by the beat or send_due_digests.
    # An unclaimed pending delivery is swept once it is older than a lease, or once lease_until (set when
    # a sweep queued it) has passed.
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.UUIDField(null=True, blank=True)
    # When the current attempt handed the email to the SMTP server. Still set when a lease runs out means
    # the worker died between handing it over and recording the answer: the server may have it already.
    handed_at = models.DateTimeField(null=True, blank=True)
    # Sent again after a lease ran out while it had been handed to the SMTP server: perhaps two copies,
    # with the same Message-ID so a mail client folds them.
    may_have_sent_twice = models.BooleanField(default=False)
    # The last time an attempt ended (sent, failed or skipped): how the Digests page tells a stall.
    attempted_at = models.DateTimeField(null=True, blank=True)
    # An email of kind "mail" (voting's emails) is written when it is queued and stored here to be sent
    # as it is; every other kind is made when it is sent. Never for anything secret, such as a sign-in link.
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "digest deliveries"
        constraints = [
            models.UniqueConstraint(fields=["key", "recipient"], name="digest_delivery_unique_key"),
        ]
        indexes = [
            # What the sweep reads: unfinished deliveries whose lease is over.
            models.Index(
                fields=["lease_until"],
                name="digest_delivery_pending_lease",
                condition=models.Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"Digest {self.key} to {self.recipient_id}: {self.status}"


class MeetingAttendance(models.Model):
    """Someone who was there: an invitee ticked off the list, or a walk-in who was not on it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, null=True, blank=True, related_name="attendances"
    )
    walk_in_name = models.CharField(max_length=150, blank=True)
    walk_in_email = models.EmailField(blank=True)
    walk_in_agency = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "membership"],
                condition=models.Q(membership__isnull=False),
                name="attendance_unique_member",
            ),
        ]

    def __str__(self) -> str:
        return f"Attendance at {self.meeting_id}: {self.membership_id or self.walk_in_name}"

    @property
    def is_walk_in(self) -> bool:
        return self.membership_id is None


class DigestSchedule(models.Model):
    """When a site's weekly digest goes out, set by its enabler, and how early meeting reminders go."""

    site = models.OneToOneField(PilotSite, on_delete=models.CASCADE, related_name="digest_schedule")
    weekday = models.PositiveSmallIntegerField(default=0, help_text=_("0 is Monday."))
    send_time = models.TimeField(default=dt.time(8, 0), help_text=_("UK time."))
    days_before_meeting = models.PositiveSmallIntegerField(default=2)

    def __str__(self) -> str:
        return f"Digest schedule of {self.site}"


class ActivityEntry(models.Model):
    """One line of a site's activity log: who changed what, and when."""

    site = models.ForeignKey(PilotSite, on_delete=models.CASCADE, related_name="activity")
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    action = models.CharField(max_length=64)
    summary = models.CharField(max_length=500)
    # The summary's words and values (network/activity_text.py), read in each reader's language; empty on
    # entries written before, which show `summary`.
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = _("activity entries")

    def __str__(self) -> str:
        return f"{self.site}: {self.summary}"

    @property
    def summary_text(self) -> str:
        """What the log shows: the words in the reader's language, or the stored summary of an older entry."""
        return activity_text.shown(self.params, self.summary)


class ImportBatch(models.Model):
    """A previewed upload, kept until the enabler who made it confirms it; bound to its site and its maker."""

    site = models.ForeignKey(PilotSite, on_delete=models.CASCADE, related_name="import_batches")
    created_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255)
    encoding = models.CharField(max_length=40, blank=True)  # how the file was read, named on the preview
    rows = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"{self.filename} for {self.site}"


# The living map of who works with whom (issue 13): the enabler's settings, the leaders' optional
# relationship check-in, and the stored snapshots the map page reads (network/map_schema.py).

#: A check-in group (agency or sector) smaller than this is merged into "Other" for anyone but the enablers,
#: as in secret rounds; by default this many, and never fewer than the floor.
MAP_MIN_GROUP_SIZE_DEFAULT, MAP_MIN_GROUP_SIZE_FLOOR = 3, 2
#: Trust in a working relationship, as the check-in asks it.
TRUST_MIN, TRUST_MAX = 1, 5


class MapSettings(models.Model):
    """How a site's map is read, set by its enabler."""

    site = models.OneToOneField(PilotSite, on_delete=models.CASCADE, related_name="map_settings")
    # An agency or sector with no meeting and no check-in for this long is "going quiet".
    quiet_days = models.PositiveSmallIntegerField(default=90)
    min_group_size = models.PositiveSmallIntegerField(default=MAP_MIN_GROUP_SIZE_DEFAULT)

    class Meta:
        verbose_name_plural = "map settings"

    def __str__(self) -> str:
        return f"Map settings of {self.site}"


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Every week or more")
    MONTHLY = "monthly", _("Every month or so")
    QUARTERLY = "quarterly", _("A few times a year")
    RARELY = "rarely", _("Rarely")


class RelationshipAnswer(models.Model):
    """One answer of a leader's relationship check-in: someone they work with, how often, and how much they
    trust the working relationship. Private to the enablers at the person level; withdrawing deletes it."""

    respondent = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="relationship_answers")
    partner = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    frequency = models.CharField(max_length=16, choices=Frequency.choices)
    trust = models.PositiveSmallIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["respondent", "partner"]
        constraints = [
            models.UniqueConstraint(fields=["respondent", "partner"], name="relationship_answer_unique"),
            models.CheckConstraint(
                condition=models.Q(trust__gte=TRUST_MIN, trust__lte=TRUST_MAX), name="relationship_trust_range"
            ),
            models.CheckConstraint(
                condition=~models.Q(respondent=models.F("partner")), name="relationship_not_with_oneself"
            ),
        ]

    def __str__(self) -> str:
        return f"Check-in answer {self.pk} of {self.respondent_id}"


class MapSnapshot(models.Model):
    """The map of a site at one moment, computed by a Celery task: the page only ever reads these."""

    site = models.ForeignKey(PilotSite, on_delete=models.CASCADE, related_name="map_snapshots")
    made_at = models.DateTimeField(db_index=True)
    # network/map_schema.py: Snapshot, with its version; each level is a MapSnapshotLevel.
    data = models.JSONField()

    class Meta:
        ordering = ["-made_at", "-pk"]
        indexes = [models.Index(fields=["site", "-made_at"], name="map_snapshot_site_made_idx")]

    def __str__(self) -> str:
        return f"Map of {self.site_id} at {self.made_at:%Y-%m-%d %H:%M}"


class MapSnapshotLevel(models.Model):
    """One level of a snapshot (people, agencies, or public), stored apart so a page reads only its own."""

    class Level(models.TextChoices):
        PEOPLE = "people", _("People (enablers only)")
        AGENCIES = "agencies", _("Agencies, every tie (enablers only)")
        PUBLIC = "public", _("Agencies, from the site's records")

    snapshot = models.ForeignKey(MapSnapshot, on_delete=models.CASCADE, related_name="levels")
    level = models.CharField(max_length=16, choices=Level.choices)
    drawing = models.JSONField()  # network/map_schema.py: Drawing
    svg = models.TextField()  # the inside of the map's <svg>, escaped when it was made (network/map_drawing.py)
    edges = models.JSONField()  # every Edge, for the exports

    class Meta:
        constraints = [models.UniqueConstraint(fields=["snapshot", "level"], name="map_snapshot_level_unique")]

    def __str__(self) -> str:
        return f"{self.level} of map {self.snapshot_id}"


class CommitmentStatus(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    DONE = "done", _("Done")
    CHANGED = "changed", _("Changed")
    DROPPED = "dropped", _("Dropped")


# A commitment with one of these statuses is closed: no more check-ins. Dropping one, with a reason,
# is an honest end, not a failure; the alliance page says so.
CLOSED_STATUSES = frozenset({CommitmentStatus.DONE, CommitmentStatus.DROPPED})
# These ask the owner for one line of why.
STATUSES_WITH_REASON = frozenset({CommitmentStatus.CHANGED, CommitmentStatus.DROPPED})


class Commitment(models.Model):
    """One thing a leader in an alliance will do differently, by when, with whom: their pledge made concrete.

    Never deleted. Its status is the latest check-in's; every check-in is kept as its history.
    """

    member = models.ForeignKey(AllianceMember, on_delete=models.CASCADE, related_name="commitments")
    action = models.CharField(max_length=500)
    due_on = models.DateField()
    with_members = models.ManyToManyField(Membership, blank=True, related_name="+")
    with_agencies = models.ManyToManyField(Agency, blank=True, related_name="+")
    status = models.CharField(max_length=16, choices=CommitmentStatus.choices, default=CommitmentStatus.ON_TRACK)
    status_reason = models.CharField(max_length=280, blank=True)
    # When the owner last said how it is going (when it was made, at first): check-ins fall due from here.
    checked_in_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["checked_in_at"], name="commitment_checked_in_idx")]

    def __str__(self) -> str:
        return self.action[:60]

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class CommitmentCheckIn(models.Model):
    """One answer to "how is it going?": the commitment's history, kept for good."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="checkins")
    status = models.CharField(max_length=16, choices=CommitmentStatus.choices)
    reason = models.CharField(max_length=280, blank=True)
    by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_status_display()}: {self.commitment_id}"


class MeetingNotes(models.Model):
    """What a meeting noted and decided, recorded by a coordinator afterwards."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="record")
    notes = models.TextField(blank=True)
    decisions = models.TextField(blank=True)
    updated_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "meeting notes"

    def __str__(self) -> str:
        return f"Notes of {self.meeting_id}"


class MeetingAction(models.Model):
    """Something a meeting asked one person to do, by a date."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=500)
    owner = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="actions")
    due_on = models.DateField()
    created_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["owner", "done_at"], name="action_owner_open_idx")]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def is_done(self) -> bool:
        return self.done_at is not None
