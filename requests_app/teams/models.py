"""Users, the organizations they work in, and their role in each."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person who logs in. Kept as our own model so fields can be added later."""

    email = models.EmailField("email address", unique=True)

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Organization(models.Model):
    """A team that files requests together, with the letterhead its letters carry."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    home_state = models.ForeignKey(
        "laws.Jurisdiction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        limit_choices_to={"kind": "state"},
        help_text="Where the organization is based; some laws only answer residents.",
    )
    address = models.TextField(blank=True, help_text="Mailing address, one line per row.")
    signer_name = models.CharField(max_length=200, blank=True)
    signer_title = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    EDITOR = "editor", "Editor"
    VIEWER = "viewer", "Viewer"


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization__name"]
        constraints = [
            # Also serves "memberships of this user", run on every request by the middleware.
            models.UniqueConstraint(fields=["user", "organization"], name="one_membership_per_org"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organization} ({self.role})"

    @property
    def can_edit(self) -> bool:
        """Editors and owners change the organization's requests; viewers only read."""
        return self.role in (Role.OWNER, Role.EDITOR)

    @property
    def can_manage(self) -> bool:
        """Only owners manage members and the letterhead."""
        return self.role == Role.OWNER


class Invitation(models.Model):
    """An emailed link that makes whoever follows it a member with the given role.

    Only the sha256 of the link's secret is kept, so a copy of the database holds no
    working link; the raw secret exists once, in the email.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The members page lists, and a re-invite revokes, an organization's pending invitations by email.
            models.Index(fields=["organization", "email"], name="invitation_org_email"),
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.organization} ({self.role})"

    def is_pending(self, now: datetime) -> bool:
        return self.accepted_at is None and self.revoked_at is None and now < self.expires_at


class LawCorrectionNote(models.Model):
    """A member's note that a fact of a law looks wrong, emailed to the organization's owners
    through the outbox (kind "law_note", whose row says whether it went)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="law_notes")
    author = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    law = models.ForeignKey("laws.PublicRecordsLaw", on_delete=models.CASCADE, related_name="+")
    fact_key = models.CharField(
        max_length=40, help_text='The fact or deadline, e.g. "fees.copies", "deadlines.0", or "general".'
    )
    text = models.TextField()
    source_url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The law page lists the organization's notes on that law, newest first.
            models.Index(fields=["organization", "law", "-created_at"], name="law_note_org_law"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} on {self.law_id}: {self.fact_key}"
