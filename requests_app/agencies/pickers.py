"""Form fields that pick one agency or many from the directory, through its search.

No page lists the whole directory (20,000 agencies). A picker shows a search box, the
agencies already chosen and, once searched, the best matches of the directory search:

- without JavaScript, "Find agencies" is a submit button of the form itself: the form's
  ``search_step`` is then true, it is neither valid nor checked, and the view shows it again
  with every field as typed and the matches listed as radio buttons (one agency) or
  checkboxes (many);
- static/js/agency-picker.js turns the same markup into a combobox fed by
  ``GET /agencies/search.json`` (views.agency_search_json).

Either way the form receives agency ids under the field's name, and the fields accept
only ids of agencies in the directory.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

from django import forms
from django.forms.utils import ErrorDict, flatatt
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString

from requests_app.agencies.models import Agency, county_name
from requests_app.agencies.selectors import agency_matches

FOUND_WITHOUT_SCRIPT = 50  # matches listed by "Find agencies"; the combobox asks for fewer
QUERY_SUFFIX = "_query"  # the search box is the field's name plus this
FIND_SUFFIX = "_find"  # and so is the "Find agencies" button

HOW_TO_PICK = "type part of its name, city, county or ORI and pick one from the list"
CHOOSE_AN_AGENCY = f"Choose an agency: {HOW_TO_PICK}."
PICK_AGENCIES = "Pick at least one agency: type part of a name, city, county or ORI and pick from the list."
_UNKNOWN = "No agency in the directory has the id “%(value)s”. "


@dataclass(frozen=True)
class PickerItem:
    """An agency as a picker shows it, and as the search endpoint sends it."""

    id: int
    name: str
    state: str
    label: str  # "Eugene Police Department (OR)"
    place: str  # "Eugene, Lane County"
    kind: str
    has_email: bool
    has_portal: bool
    has_address: bool

    @classmethod
    def of(cls, agency: Agency) -> PickerItem:
        """``agency`` with its jurisdiction and the jurisdiction's parent loaded."""
        return cls(
            id=agency.pk, name=agency.name, state=agency.jurisdiction.state_code, label=str(agency),
            place=place_of(agency), kind=agency.get_kind_display(), has_email=bool(agency.records_email),
            has_portal=bool(agency.portal_url), has_address=bool(agency.mailing_address),
        )

    @property
    def contact(self) -> str:
        if self.has_email:
            return "records email"
        if self.has_portal:
            return "records portal"
        return "mailing address only" if self.has_address else "no records contact yet"

    @property
    def facts(self) -> str:
        """What tells agencies of one name apart, as a line under the name."""
        return " · ".join(fact for fact in (self.place, self.kind, self.contact) if fact)

    def as_json(self) -> dict[str, object]:
        return {**asdict(self), "contact": self.contact, "facts": self.facts}


def place_of(agency: Agency) -> str:
    """The agency's city and counties as the directory has them: "Eugene, Lane County"."""
    counties = county_name(agency.county, agency.jurisdiction.state_code, every=True)
    return ", ".join(part for part in (agency.city.strip(), counties) if part)


def chosen_agencies(values: Iterable[object]) -> list[Agency]:
    """The directory's agencies among ``values`` (ids as typed), in their order; others are left out."""
    # Nineteen digits and more would overflow the database's integer: no agency has such an id.
    ids = list(dict.fromkeys(int(v) for v in map(str, values) if v.isdigit() and len(v) <= 18))
    if not ids:
        return []
    found = Agency.objects.select_related("jurisdiction__parent").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


class AgencyPicker(forms.Widget):
    """A search box, its "Find agencies" button, the chosen agencies and the matches.

    Rendered with the project's templates (the default form renderer would look only in
    the apps' and Django's own).
    """

    template_name = "_agency_picker.html"

    def __init__(self, *, multiple: bool = False, attrs: dict | None = None) -> None:
        super().__init__(attrs)
        self.multiple = multiple
        # Set by AgencyPickerMixin from the submitted form.
        self.query = ""
        self.finding = False
        # The id of a radio button to check when an agency is picked (the campaign's "picked by hand").
        self.activates = ""

    def value_from_datadict(self, data, files, name):
        if not self.multiple:
            return data.get(name)
        getlist = getattr(data, "getlist", None)
        return getlist(name) if getlist else data.get(name)

    def value_omitted_from_data(self, data, files, name) -> bool:
        # As for checkboxes: an empty list is not posted at all, yet it is a value.
        return False if self.multiple else name not in data

    def use_required_attribute(self, initial) -> bool:
        # The search box is not the value: a browser must not refuse the form while it is empty.
        return False

    def format_value(self, value) -> list[str]:
        if value is None or value == "":
            return []
        values = value if isinstance(value, (list, tuple)) else [value]
        return [str(v) for v in values if v not in (None, "")]

    def get_context(self, name, value, attrs) -> dict:
        context = super().get_context(name, value, attrs)
        chosen = [PickerItem.of(a) for a in chosen_agencies(context["widget"]["value"])]
        matches = agency_matches(query=self.query, limit=FOUND_WITHOUT_SCRIPT)
        chosen_ids = {item.id for item in chosen}
        input_attrs = context["widget"]["attrs"]  # the field's id, its help and error state: the box's
        return {
            **context,
            "name": name,
            "id": input_attrs.get("id", ""),
            "input_attrs": flatatt(input_attrs),
            "query_name": name + QUERY_SUFFIX,
            "find_name": name + FIND_SUFFIX,
            "multiple": self.multiple,
            "input_type": "checkbox" if self.multiple else "radio",
            "activates": self.activates,
            "search_url": reverse("agency-search-json"),
            "chosen": chosen,
            "query": matches.query,
            "searched": bool(matches.query) or self.finding,
            "finding": self.finding,  # the page comes back to the picker
            "matches": [item for item in map(PickerItem.of, matches.agencies) if item.id not in chosen_ids],
            "matched_chosen": any(agency.pk in chosen_ids for agency in matches.agencies),
            "more": matches.more,
            "limit": FOUND_WITHOUT_SCRIPT,
        }

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        return SafeString(render_to_string(self.template_name, self.get_context(name, value, attrs)))


def _queryset():
    return Agency.objects.select_related("jurisdiction__parent")


class AgencyChoiceField(forms.ModelChoiceField):
    """One agency of the directory, by id."""

    default_error_messages = {
        "required": CHOOSE_AN_AGENCY,
        "invalid_choice": _UNKNOWN + CHOOSE_AN_AGENCY,
    }

    def __init__(self, **kwargs) -> None:
        super().__init__(queryset=_queryset(), widget=AgencyPicker(), **kwargs)


class AgencyMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Agencies of the directory, by id."""

    default_error_messages = {
        "required": PICK_AGENCIES,
        "invalid_choice": _UNKNOWN + PICK_AGENCIES,
        "invalid_pk_value": "“%(pk)s” is not an agency id. " + PICK_AGENCIES,
        "invalid_list": PICK_AGENCIES,
    }

    def __init__(self, **kwargs) -> None:
        super().__init__(queryset=_queryset(), widget=AgencyPicker(multiple=True), **kwargs)


class SearchStepMixin:
    """A form that "Find agencies" shows again as typed: in that step it was not sent to be
    saved, so it is neither checked (no errors shown) nor valid."""

    def __init__(self, *args, search_step: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.search_step = search_step

    def full_clean(self) -> None:
        if self.search_step:
            self._errors, self.cleaned_data = ErrorDict(), {}
            return
        super().full_clean()

    def is_valid(self) -> bool:
        return not self.search_step and super().is_valid()


class AgencyPickerMixin(SearchStepMixin):
    """For a form with agency pickers: hands each picker its search box's text, and makes
    the form's submission a search step when a picker's "Find agencies" was pressed."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, widget in self._pickers():
            widget.query = self.data.get(self.add_prefix(name) + QUERY_SUFFIX, "") if self.is_bound else ""
            widget.finding = self.is_bound and self.add_prefix(name) + FIND_SUFFIX in self.data
            self.search_step = self.search_step or widget.finding

    def _pickers(self) -> list[tuple[str, AgencyPicker]]:
        return [(name, field.widget) for name, field in self.fields.items() if isinstance(field.widget, AgencyPicker)]
