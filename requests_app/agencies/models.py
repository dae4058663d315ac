"""The directory of agencies that hold ALPR records, shared by every organization."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower

from requests_app.agencies import credits
from requests_app.laws.models import Jurisdiction


class AlprVendor(models.Model):
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "ALPR vendor"

    def __str__(self) -> str:
        return self.name


def name_key(name: str) -> str:
    """How agency names are compared: case and spacing do not make a new agency."""
    return " ".join(name.split()).casefold()


class Agency(models.Model):
    class Kind(models.TextChoices):
        POLICE = "police", "Police department"
        SHERIFF = "sheriff", "Sheriff's office"
        STATE_PATROL = "state_patrol", "State patrol / police"
        FEDERAL = "federal", "Federal agency"
        OTHER = "other", "Other"

    class FbiMatch(models.TextChoices):
        ORI = "ori", "FBI roster entry (by ORI)"
        EXACT = "exact", "Same name and state"
        NORMALISED = "normalised", "Same name and state once spelling is normalised"
        PLACE = "place", "Same city or county and kind"
        AMBIGUOUS = "ambiguous", "Ambiguous: several FBI agencies fit"
        NONE = "none", "Not in the FBI roster"

    # Fields the directory loader writes; a user's edit of one of them is kept (edited_fields).
    DIRECTORY_FIELDS = (
        "name", "kind", "ori", "city", "county", "population", "in_flock_network", "flock_id",
        "flock_portal_url", "cameras", "searches_30d", "vehicles_30d", "hotlist_hits_30d",
        "flock_stats_as_of", "fbi_match",
    )

    name = models.CharField(max_length=200)
    name_key = models.CharField(max_length=200, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="agencies")
    records_email = models.EmailField(blank=True)
    portal_url = models.URLField(blank=True, max_length=500, verbose_name="records portal URL")
    mailing_address = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    contact_source_url = models.URLField(
        blank=True, max_length=500, verbose_name="contact source URL",
        help_text="Where the records email, portal, address or phone was found.",
    )
    contact_verified_on = models.DateField(
        null=True, blank=True, help_text="When the records contact was last checked at its source."
    )
    vendors = models.ManyToManyField(AlprVendor, blank=True, related_name="agencies")
    notes = models.TextField(blank=True)

    # From the FBI roster.
    ori = models.CharField(
        max_length=12, unique=True, null=True, blank=True, verbose_name="ORI",
        help_text="The FBI's Originating Agency Identifier, e.g. OR0200300.",
    )
    city = models.CharField(max_length=120, blank=True)
    city_key = models.CharField(max_length=120, blank=True, editable=False)
    county = models.CharField(max_length=200, blank=True, help_text='One county, or several: "Collin, Denton".')
    county_key = models.CharField(max_length=120, blank=True, editable=False)
    population = models.PositiveIntegerField(null=True, blank=True)
    fbi_match = models.CharField(
        max_length=12, choices=FbiMatch.choices, blank=True, verbose_name="FBI match",
        help_text="How this agency was joined to the FBI roster by the directory loader.",
    )

    # From the federal FOIA contacts (federal_offices.py): the office this agency is, or whose
    # FOIA office answers for it; the loader's link to it, whatever the agency is called.
    federal_foia_office = models.CharField(
        max_length=200, unique=True, null=True, blank=True, verbose_name="federal FOIA office",
        help_text='The bundled federal FOIA office this agency takes its contact from, e.g. '
        '"doj/federal-bureau-of-investigation"; the loader finds the agency by it.',
    )

    # From the Flock sharing network; figures are null where the source does not know them.
    in_flock_network = models.BooleanField(default=False, verbose_name="in the Flock network")
    flock_id = models.CharField(max_length=100, unique=True, null=True, blank=True, verbose_name="Flock id")
    flock_portal_url = models.URLField(blank=True, max_length=500, verbose_name="Flock transparency portal")
    cameras = models.PositiveIntegerField(null=True, blank=True)
    searches_30d = models.PositiveIntegerField(null=True, blank=True, verbose_name="searches (30 days)")
    vehicles_30d = models.PositiveIntegerField(null=True, blank=True, verbose_name="vehicles (30 days)")
    hotlist_hits_30d = models.PositiveIntegerField(null=True, blank=True, verbose_name="hot-list hits (30 days)")
    flock_stats_as_of = models.DateField(null=True, blank=True, verbose_name="Flock figures published on")

    edited_fields = models.JSONField(
        default=list, blank=True,
        help_text="Fields edited by hand; the directory loader never overwrites them. "
        "Remove a field's name to let the next load update it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [
            # The importer's "same name + state updates" lookup; also stops duplicates.
            models.UniqueConstraint(fields=["jurisdiction", "name_key"], name="one_agency_per_name"),
        ]
        indexes = [
            # The directory's kind filter within a state.
            models.Index(fields=["kind", "jurisdiction"], name="agency_kind_jurisdiction"),
            # "Flock network members in a state" (directory filter, saved agency sets).
            models.Index(fields=["in_flock_network", "jurisdiction"], name="agency_flock_jurisdiction"),
            # Name lookups in any state (aliases, campaigns) and name prefix search. The
            # pattern opclass lets PostgreSQL use the index for LIKE 'x%' under any
            # collation; other databases ignore opclasses.
            models.Index(fields=["name_key"], name="agency_name_key", opclasses=["varchar_pattern_ops"]),
            # Search by city or county (exact key or prefix).
            models.Index(fields=["city_key"], name="agency_city_key", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["county_key"], name="agency_county_key", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.jurisdiction.state_code})"

    def save(self, *args, **kwargs) -> None:
        self.name = " ".join(self.name.split())
        self.name_key = name_key(self.name)
        self.city_key = place_key(self.city)
        self.county_key = place_key(self.county)
        self.ori = (self.ori or "").strip().upper() or None
        self.flock_id = (self.flock_id or "").strip() or None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            derived = {"name": "name_key", "city": "city_key", "county": "county_key"}
            kwargs["update_fields"] = {*update_fields, *(derived[f] for f in update_fields if f in derived)}
        super().save(*args, **kwargs)

    def mark_edited(self, fields) -> list[str]:
        """Records fields as edited by hand; returns the ones newly marked."""
        new = [f for f in fields if f not in self.edited_fields]
        if new:
            self.edited_fields = sorted({*self.edited_fields, *new})
        return new

    @property
    def is_criminal_justice(self) -> bool:
        """A police or sheriff's office, a state patrol, or any agency on the FBI's roster of
        criminal justice agencies (it has an ORI): task forces, bureaus of investigation,
        campus and park police."""
        return self.kind in {self.Kind.POLICE, self.Kind.SHERIFF, self.Kind.STATE_PATROL} or bool(self.ori)

    @property
    def place(self) -> str:
        """Where the directory places the agency, as a letter addresses it: "Eugene, Oregon",
        "Lane County, Oregon", or the state alone when neither city nor county is known."""
        region = "" if self.jurisdiction.kind == "federal" else self.jurisdiction.name
        return ", ".join(p for p in (self.city or county_name(self.county, self.jurisdiction.code), region) if p)

    @property
    def data_credits(self) -> list[credits.Credit]:
        """The sources this agency's directory data comes from, with the credit each asks for."""
        return credits.credits_for(
            evidence_sources={e.source for e in self.vendor_evidence.all()}, in_flock_data=bool(self.flock_id),
            has_ori=bool(self.ori), has_federal_foia_office=bool(self.federal_foia_office),
        )


# What a state calls its counties (one, several), where it is not "County".
COUNTY_WORDS = {"LA": ("Parish", "Parishes"), "AK": ("Borough", "Boroughs")}


def county_name(county: str, state: str, *, every: bool = False) -> str:
    """"Lane" in OR -> "Lane County"; of several ("Collin, Denton") the first, or with ``every``
    all of them ("Collin, Denton Counties"); "" stays ""."""
    names = [name.strip() for name in county.split(",") if name.strip()][:None if every else 1]
    if len(names) == 1 and names[0].casefold().endswith((" county", " parish", " borough", " city")):
        return names[0]
    one, several = COUNTY_WORDS.get(state, ("County", "Counties"))
    return f"{', '.join(names)} {several if len(names) > 1 else one}" if names else ""


def place_key(place: str) -> str:
    """How a city or county is searched: the first of several, without case or "County"."""
    first = place.split(",")[0]
    words = [w for w in name_key(first).replace(".", "").split() if w not in ("county", "parish")]
    return " ".join(words)[:120]


class AgencyAlias(models.Model):
    """Another name an agency goes by: the Flock network's short name, the FBI roster's raw name."""

    class Source(models.TextChoices):
        FLOCK = "flock", "Flock sharing list"
        FBI = "fbi", "FBI roster"
        NC_SURVEY = "nc_survey", "NC ALPR survey (The News & Observer)"
        FEDERAL = "federal", "Federal FOIA contacts (18F)"
        USER = "user", "Added by a user"

    # The aliases the directory loader keeps in step with its three files; the federal
    # offices' are kept by their own loader.
    LOADED = (Source.FLOCK, Source.FBI, Source.NC_SURVEY)

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    name_key = models.CharField(max_length=200, editable=False)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.USER)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agency aliases"
        constraints = [
            # Also the index of agency_for_name's alias lookup (name_key first).
            models.UniqueConstraint(fields=["name_key", "agency"], name="one_alias_per_agency"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # name_key is not a form field, so the unique constraint is checked here.
        key = name_key(self.name)
        if self.agency_id and AgencyAlias.objects.filter(agency_id=self.agency_id, name_key=key).exclude(pk=self.pk).exists():
            raise ValidationError({"name": "This agency already has that alias."})

    def save(self, *args, **kwargs) -> None:
        self.name = " ".join(self.name.split())
        self.name_key = name_key(self.name)
        super().save(*args, **kwargs)


class VendorEvidence(models.Model):
    """Why the directory says an agency uses a vendor; Agency.vendors follows these rows."""

    class Source(models.TextChoices):
        FLOCK_SHARING = "flock_sharing", "Flock sharing list"
        FLOCK_PORTAL = "flock_portal", "Flock transparency portal"
        NC_SURVEY = "nc_survey", "NC ALPR survey (The News & Observer)"
        USER = "user", "Added by a user"

    LOADED = (Source.FLOCK_SHARING, Source.FLOCK_PORTAL, Source.NC_SURVEY)

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="vendor_evidence")
    vendor = models.ForeignKey(AlprVendor, on_delete=models.PROTECT, related_name="evidence")
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.USER)
    url = models.URLField(blank=True, max_length=500, verbose_name="URL")
    detail = models.TextField(blank=True)
    as_of = models.DateField(null=True, blank=True, help_text="When the source said so.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agency_id", "vendor_id", "source"]
        verbose_name_plural = "vendor evidence"
        constraints = [
            # The loader keeps one row per agency, vendor and bundled source, updated in place.
            models.UniqueConstraint(
                fields=["agency", "vendor", "source"], condition=~models.Q(source="user"),
                name="one_loaded_evidence_per_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vendor} at {self.agency.name}: {self.get_source_display()}"




class AgencySet(models.Model):
    """A named group of agencies an organization reuses for campaigns and the request list.

    Its agencies are those matching its directory filters (worked out each time the set is
    used, so the set follows the directory) together with those picked by hand. A set with
    no filters is its hand-picked agencies only. requests_app.agencies.sets reads and writes it.
    """

    # The filters a set may store, as DirectoryFilters names them (the name search is not one).
    FILTER_KEYS = (
        "state", "kind", "vendor", "has_records_portal", "has_flock_portal", "in_flock_network",
        "population_min", "population_max",
    )

    organization = models.ForeignKey("teams.Organization", on_delete=models.CASCADE, related_name="agency_sets")
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    filters = models.JSONField(default=dict, blank=True, help_text="Directory filters; empty for a hand-picked set.")
    agencies = models.ManyToManyField(
        Agency, blank=True, related_name="agency_sets", verbose_name="hand-picked agencies",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            # Also the index of "the organization's sets" (the sets page, the campaign and list choices).
            models.UniqueConstraint(
                models.F("organization"), Lower("name"), name="one_agency_set_per_name",
                violation_error_message="Your organization already has a set of that name; choose another.",
            ),
        ]

    def __str__(self) -> str:
        return self.name



class AgencyContactChange(models.Model):
    """One edit of an agency's records contact in the shared directory: who made it, for
    which organization, what it stated and the source it cites.

    ``after`` holds the fields the edit stated (the contact form states all four; a CSV row
    only its non-blank cells) and ``before`` their values until then. A field's current value
    is vouched for by the latest change whose ``after`` gives that value.

    A contact learned from a reply has no page to cite: its ``source_note`` says where it was
    seen in words that do not reveal the private message ("a reply … received on 2026-12-03").
    """

    class Via(models.TextChoices):
        FORM = "form", "Contact form"
        IMPORT = "import", "Contact file (CSV)"
        ADMIN = "admin", "Site administration"
        REPLY = "reply", "Learned from a reply"
        FEDERAL = "federal", "Federal FOIA contacts (18F, 2017)"

    # Values nobody has checked yet: loaded from a bundled list rather than found by a person.
    TO_VERIFY = (Via.FEDERAL,)

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="contact_changes")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    # The directory outlives the organizations that fill it in.
    organization = models.ForeignKey("teams.Organization", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)
    via = models.CharField(max_length=10, choices=Via.choices)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    source_url = models.URLField(max_length=500, blank=True, verbose_name="source URL")
    source_note = models.CharField(
        max_length=200, blank=True,
        help_text="Where the contact was seen when there is no page to cite, e.g. a reply to a request.",
    )
    verified_on = models.DateField()

    class Meta:
        ordering = ["-changed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(via="reply") | ~models.Q(source_note=""),
                name="contact_change_from_a_reply_says_so",
            ),
        ]
        indexes = [
            # The agency and contact pages: an agency's latest changes, newest first.
            models.Index(fields=["agency", "changed_at"], name="agency_contact_change_by_time"),
        ]

    def __str__(self) -> str:
        return f"Records contact change of agency {self.agency_id}"

    @property
    def to_verify(self) -> bool:
        return self.via in self.TO_VERIFY

    @property
    def changed_fields(self) -> list[str]:
        return [f for f, value in self.after.items() if self.before.get(f, "") != value]

    @property
    def summary(self) -> list[str]:
        """Each field the edit changed, e.g. "records email: — → prr@city.gov"; empty when it
        confirmed the values already there."""
        def shown(value: str) -> str:
            return ", ".join(value.splitlines()) if value else "—"

        return [
            f"{Agency._meta.get_field(f).verbose_name}: {shown(self.before.get(f, ''))} → {shown(self.after[f])}"
            for f in self.changed_fields
        ]
