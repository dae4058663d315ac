from __future__ import annotations

from dataclasses import fields as dataclass_fields
from datetime import date
from urllib.parse import urlencode

from django import forms

from requests_app.agencies import validation
from requests_app.agencies.contacts import CONTACT_FIELDS, ContactEdit, NeedsContactFilters
from requests_app.agencies.models import Agency, AgencySet
from requests_app.agencies.selectors import DirectoryFilters, vendor_names
from requests_app.agencies.sets import population_range_problem, sets_of
from requests_app.laws.selectors import state_choices


def _either_way(label: str, any_choice: str, yes: str, no: str) -> forms.TypedChoiceField:
    """A filter that is on, off, or either way (None)."""
    return forms.TypedChoiceField(
        required=False, label=label, choices=[("", any_choice), ("yes", yes), ("no", no)],
        coerce=lambda value: value == "yes", empty_value=None,
    )


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Name", max_length=100,
                        help_text="A name or alias (words in any order), a city, a county, or an ORI such as OR0200300.")
    state = forms.ChoiceField(required=False)
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *Agency.Kind.choices])
    vendor = forms.ChoiceField(required=False)
    has_records_portal = _either_way("Records portal", "With or without", "Has a records portal", "No records portal")
    has_flock_portal = _either_way("Flock transparency portal", "With or without", "Has a Flock transparency portal",
                                   "No Flock transparency portal")
    in_flock_network = _either_way("Flock network", "In or out", "In the Flock network", "Not in the Flock network")
    population_min = forms.IntegerField(required=False, min_value=0, label="Population from")
    population_max = forms.IntegerField(required=False, min_value=0, label="Population to",
                                        help_text="Agencies of unknown population are left out of a range.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", "Any state"), *state_choices()]
        self.fields["vendor"].choices = [("", "Any vendor"), *((v, v) for v in vendor_names())]

    def clean(self) -> dict:
        data = super().clean()
        problem = population_range_problem(data.get("population_min"), data.get("population_max"))
        if problem:
            self.add_error("population_max", problem)
        return data

    def filters(self) -> DirectoryFilters:
        if not self.is_valid():
            return DirectoryFilters()
        names = {f.name for f in dataclass_fields(DirectoryFilters)}
        return DirectoryFilters(**{k: v for k, v in self.cleaned_data.items() if k in names})

    def set_query(self) -> str:
        """The filters a saved set can keep, as the new-set page's query string; "" when there are none."""
        if not self.is_bound or not self.is_valid():
            return ""
        return urlencode({k: self.data[k] for k in AgencySet.FILTER_KEYS if self.data.get(k)})


class AgencySetForm(DirectoryFilterForm):
    """A saved set's name and the directory filters that define it (none for a hand-picked set)."""

    q = None  # a set does not search by name
    name = forms.CharField(max_length=100, label="Name of the set")
    description = forms.CharField(required=False, label="Description", widget=forms.Textarea(attrs={"rows": 3}))

    field_order = ["name", "description", "state", "kind", "vendor", "in_flock_network", "has_flock_portal",
                   "has_records_portal", "population_min", "population_max"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vendor"].label = "ALPR vendor"

    @staticmethod
    def initial_for(agency_set: AgencySet) -> dict[str, object]:
        # The form's either-way filters read "yes" and "no"; a set stores true and false.
        filters = {k: ("yes" if v else "no") if isinstance(v, bool) else v for k, v in agency_set.filters.items()}
        return {"name": agency_set.name, "description": agency_set.description, **filters}


class AddToSetForm(forms.Form):
    """Picks an agency by hand into one of the organization's sets, or into a new one."""

    agency_set = forms.ModelChoiceField(queryset=AgencySet.objects.none(), required=False, label="Add to the set",
                                        empty_label="— choose a set —")
    new_name = forms.CharField(required=False, max_length=100, label="Or start a new set named")

    def __init__(self, *args, organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency_set"].queryset = sets_of(organization)

    def clean(self) -> dict:
        data = super().clean()
        chosen, named = data.get("agency_set"), (data.get("new_name") or "").strip()
        if not chosen and not named and not self.errors:
            raise forms.ValidationError("Choose a set, or name a new one.")
        if chosen and named:
            raise forms.ValidationError("Choose a set or name a new one, not both.")
        return data


# Records contacts -------------------------------------------------------------------


class AgencyContactForm(forms.Form):
    """An agency's records contact as one member found it, with the page that says so.

    The field rules are validation.py's, the ones import_agencies and the contact CSV import apply.
    """

    records_email = forms.CharField(required=False, max_length=254, label="Records email",
                                    widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    portal_url = forms.CharField(required=False, max_length=500, label="Records request portal",
                                 widget=forms.URLInput,
                                 help_text="Where the agency takes records requests online (not the Flock "
                                 "transparency portal).")
    mailing_address = forms.CharField(required=False, label="Mailing address",
                                      widget=forms.Textarea(attrs={"rows": 4}))
    phone = forms.CharField(required=False, max_length=40, label="Phone")
    source_url = forms.CharField(max_length=500, label="Source", widget=forms.URLInput,
                                 help_text="The web page where you found these details (http:// or https://).")
    verified_on = forms.DateField(label="Checked on", widget=forms.DateInput(attrs={"type": "date"}),
                                  help_text="The day you checked them at the source.")

    def __init__(self, *args, today: date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    @staticmethod
    def initial_for(agency: Agency, *, today: date) -> dict[str, object]:
        return {
            "records_email": agency.records_email, "portal_url": agency.portal_url,
            "mailing_address": agency.mailing_address, "phone": agency.phone, "verified_on": today,
        }

    def clean_records_email(self) -> str:
        return validation.clean_email(self.cleaned_data["records_email"])

    def clean_portal_url(self) -> str:
        return validation.clean_url(self.cleaned_data["portal_url"])

    def clean_mailing_address(self) -> str:
        return validation.clean_address(self.cleaned_data["mailing_address"])

    def clean_phone(self) -> str:
        return validation.clean_phone(self.cleaned_data["phone"])

    def clean_source_url(self) -> str:
        return validation.clean_source_url(self.cleaned_data["source_url"])

    def clean_verified_on(self) -> date:
        return validation.clean_verified_on(self.cleaned_data["verified_on"], today=self.today)

    def edit(self) -> ContactEdit:
        data = self.cleaned_data
        return ContactEdit(values={f: data[f] for f in CONTACT_FIELDS}, source_url=data["source_url"],
                           verified_on=data["verified_on"])


class ContactImportForm(forms.Form):
    MAX_BYTES = 2 * 1024 * 1024

    file = forms.FileField(label="CSV file of contacts",
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError("The file is larger than 2 MB: split it and import the parts one by one.")
        return upload


class NeedsContactFilterForm(forms.Form):
    state = forms.ChoiceField(required=False)
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *Agency.Kind.choices])
    in_flock_network = forms.ChoiceField(
        required=False, label="Flock network",
        choices=[("yes", "In the Flock network"), ("any", "In or out"), ("no", "Not in the Flock network")],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", "Any state"), *state_choices()]

    def filters(self) -> NeedsContactFilters:
        if not self.is_valid():
            return NeedsContactFilters()
        data = self.cleaned_data
        # The list starts with Flock network members: a blank choice is "yes".
        network = {"": True, "yes": True, "no": False, "any": None}[data["in_flock_network"]]
        return NeedsContactFilters(state=data["state"], kind=data["kind"], in_flock_network=network)
