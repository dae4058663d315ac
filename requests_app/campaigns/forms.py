from __future__ import annotations

from django import forms

from requests_app.agencies.forms import DirectoryFilterForm
from requests_app.agencies.models import AgencySet
from requests_app.agencies.pickers import (
    PICK_AGENCIES,
    AgencyMultipleChoiceField,
    AgencyPickerMixin,
    SearchStepMixin,
)
from requests_app.agencies.sets import sets_of
from requests_app.records.forms import RequestTermsForm

MAX_CSV_BYTES = 2 * 1024 * 1024


class CampaignForm(SearchStepMixin, RequestTermsForm):
    pass


class AgencySelectionForm(AgencyPickerMixin, DirectoryFilterForm):
    """Agencies by directory filters, by hand, from a CSV of names, or from a saved agency set."""

    # Each control has its own name: the radio button says which way is used, the picker and
    # the file input hold that way's agencies.
    MODES = [("filters", "Every agency matching filters"), ("hand", "Agencies picked by hand"), ("csv", "A CSV of agency names"),
             ("set", "A saved agency set")]
    mode = forms.ChoiceField(choices=MODES, widget=forms.RadioSelect, initial="filters", label="Choose agencies by")
    agencies = AgencyMultipleChoiceField(
        required=False, label="Pick agencies",
        help_text="Type part of a name, city, county or ORI and pick as many as you need; "
        "used with “Agencies picked by hand”.",
    )
    csv_file = forms.FileField(required=False, label="CSV file of agency names",
                               help_text="A 'name' column and, optionally, a 'state' column; used with “A CSV of agency names”.")
    agency_set = forms.ModelChoiceField(
        queryset=AgencySet.objects.none(), required=False, label="Agency set to use", empty_label="— choose a set —",
        help_text="Your organization's saved sets, with their agencies as the directory has them now; "
        "used with “A saved agency set”.",
    )
    # The directory's other filters reach a campaign through a saved set.
    has_records_portal = has_flock_portal = in_flock_network = population_min = population_max = None

    field_order = ["mode", "state", "kind", "vendor", "q", "agencies", "csv_file", "agency_set"]

    def __init__(self, *args, organization=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if organization is not None:
            self.fields["agency_set"].queryset = sets_of(organization)
        hand = [value for value, _ in self.MODES].index("hand")
        self.fields["agencies"].widget.activates = f"{self['mode'].auto_id}_{hand}"  # picking one picks this way
        if self.search_step:  # "Find agencies" is picking by hand
            self.data = self.data.copy()
            self.data[self.add_prefix("mode")] = "hand"

    def clean(self):
        data = super().clean()
        mode = data.get("mode")
        if mode == "filters" and not any(data.get(f) for f in ("state", "kind", "vendor", "q")):
            self.add_error("state", "Choose at least one filter, so a campaign never goes to every agency by accident.")
        if mode == "hand" and not data.get("agencies") and "agencies" not in self.errors:
            self.add_error("agencies", PICK_AGENCIES)
        if mode == "csv":
            upload = data.get("csv_file")
            if upload is None:
                self.add_error("csv_file", "Choose a CSV file.")
            elif upload.size > MAX_CSV_BYTES:
                self.add_error("csv_file", "The CSV is larger than 2 MB.")
        if mode == "set" and not data.get("agency_set"):
            self.add_error("agency_set", "Choose one of your saved agency sets.")
        return data


class RenderForm(forms.Form):
    acknowledge_residency = forms.BooleanField(required=False)
    residency_basis = forms.SlugField(required=False, max_length=40)
