"""Saved agency sets: named groups of agencies, defined by directory filters, picked by hand, or both.

A set's filters are stored, not its matches: the agencies are worked out each time the set
is used (a campaign, the request list's filter), so an agency added to the directory joins
every set whose filters it matches. Editors and owners change sets; every member reads them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower

from requests_app.agencies.models import Agency, AgencySet, AlprVendor
from requests_app.agencies.selectors import DirectoryFilters, directory_condition
from requests_app.laws.selectors import state_choices
from requests_app.teams.models import Membership, Organization

NAME_MAX_LENGTH = AgencySet._meta.get_field("name").max_length

# How each filter reads on the pages, for true and false where it is either way.
_EITHER_WAY = {
    "has_records_portal": ("Has a records portal", "No records portal"),
    "has_flock_portal": ("Has a Flock transparency portal", "No Flock transparency portal"),
    "in_flock_network": ("In the Flock network", "Not in the Flock network"),
}
_LABELS = {
    "state": "State", "kind": "Kind", "vendor": "ALPR vendor", "has_records_portal": "Records portal",
    "has_flock_portal": "Flock transparency portal", "in_flock_network": "Flock network",
    "population_min": "Population from", "population_max": "Population to",
}


# Filters ----------------------------------------------------------------------------


def clean_filters(raw: Mapping[str, object] | None) -> dict[str, object]:
    """The filters a set stores, checked and in a fixed order; blank values ("any") are dropped.

    Raises ValidationError with a message per bad filter, keyed by its name (unknown names
    under NON_FIELD_ERRORS), so a form can show each beside its field.
    """
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ValidationError({NON_FIELD_ERRORS: ["The filters must map filter names to values."]})
    errors: dict[str, list[str]] = {}
    unknown = sorted(str(key) for key in raw if key not in AgencySet.FILTER_KEYS)
    if unknown:
        errors[NON_FIELD_ERRORS] = [
            f"Unknown filter{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}: "
            f"a set filters by {', '.join(AgencySet.FILTER_KEYS)}."
        ]
    cleaned: dict[str, object] = {}
    for key in AgencySet.FILTER_KEYS:
        value = raw.get(key)
        if value is None or value == "":
            continue
        try:
            cleaned[key] = _CHECKS[key](key, value)
        except ValidationError as exc:
            errors[key] = exc.messages
    problem = population_range_problem(cleaned.get("population_min"), cleaned.get("population_max"))
    if problem:
        errors.setdefault("population_max", []).append(problem)
    if errors:
        raise ValidationError(errors)
    return cleaned


def population_range_problem(low: object, high: object) -> str | None:
    if isinstance(low, int) and isinstance(high, int) and low > high:
        return f"The population range ends ({high:,}) below where it starts ({low:,}): swap them or change one."
    return None


def _state(key: str, value: object) -> str:
    code = value.strip().upper() if isinstance(value, str) else ""
    if code not in {c for c, _ in state_choices()}:
        raise ValidationError(f"Unknown state {value!r}: use a state's two-letter code, such as WA.")
    return code


def _kind(key: str, value: object) -> str:
    if value not in Agency.Kind.values:
        raise ValidationError(f"Unknown kind {value!r}: choose one of {', '.join(Agency.Kind.values)}.")
    return value


def _vendor(key: str, value: object) -> str:
    found = None
    if isinstance(value, str):
        found = AlprVendor.objects.filter(name__iexact=value.strip()).values_list("name", flat=True).first()
    if found is None:
        raise ValidationError(f"Unknown ALPR vendor {value!r}: choose a vendor the directory lists.")
    return found


def _boolean(key: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(f"{_LABELS[key]} should be true or false, not {value!r}.")
    return value


def _population(key: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(f"{_LABELS[key]} should be a whole number of people (0 or more), not {value!r}.")
    return value


_CHECKS = {
    "state": _state, "kind": _kind, "vendor": _vendor, "has_records_portal": _boolean,
    "has_flock_portal": _boolean, "in_flock_network": _boolean, "population_min": _population,
    "population_max": _population,
}


def filters_of(agency_set: AgencySet) -> DirectoryFilters:
    return DirectoryFilters(**{k: v for k, v in agency_set.filters.items() if k in AgencySet.FILTER_KEYS})


def filters_to_store(filters: DirectoryFilters) -> dict[str, object]:
    """DirectoryFilters as a set keeps them; raises ValidationError for a name search, which a set has not."""
    if filters.q:
        raise ValidationError({NON_FIELD_ERRORS: [
            "A set cannot search by name: clear the name search, or pick those agencies by hand."]})
    values = asdict(filters)
    return {key: values[key] for key in AgencySet.FILTER_KEYS if values[key] not in ("", None)}


def describe_filters(filters: Mapping[str, object]) -> list[str]:
    """Each stored filter in words, for the pages: "State: WA", "In the Flock network"."""
    words = []
    for key, value in filters.items():
        if key in _EITHER_WAY:
            words.append(_EITHER_WAY[key][0 if value else 1])
        elif key == "kind":
            words.append(f"Kind: {Agency.Kind(value).label}" if value in Agency.Kind.values else f"Kind: {value}")
        elif key in ("population_min", "population_max"):
            continue
        elif key in _LABELS:
            words.append(f"{_LABELS[key]}: {value}")
    low, high = filters.get("population_min"), filters.get("population_max")
    if low is not None and high is not None:
        words.append(f"Population {low:,} to {high:,}")
    elif low is not None:
        words.append(f"Population at least {low:,}")
    elif high is not None:
        words.append(f"Population at most {high:,}")
    return words


# Reading sets -----------------------------------------------------------------------


def sets_of(organization: Organization) -> QuerySet[AgencySet]:
    return AgencySet.objects.filter(organization=organization).order_by(Lower("name"), "pk")


def set_condition(agency_set: AgencySet) -> Q:
    """The set's agencies as one condition on Agency: its filters' matches and its hand-picked ones.

    Both parts are subqueries or single-valued joins, so an agency matched by both comes
    back once without a DISTINCT (which would compare every column of every row).
    """
    hand_picked = AgencySet.agencies.through.objects.filter(agencyset_id=agency_set.pk).values("agency_id")
    condition = Q(pk__in=hand_picked)
    if agency_set.filters:  # no filters: a hand-picked set, not "every agency"
        condition |= directory_condition(filters_of(agency_set))
    return condition


def agencies_in_set(agency_set: AgencySet) -> QuerySet[Agency]:
    """The set's agencies as the directory has them now, each once, by name; one query."""
    return (Agency.objects.filter(set_condition(agency_set)).select_related("jurisdiction__parent")
            .order_by("name", "pk"))


def agency_ids_in_set(agency_set: AgencySet) -> QuerySet:
    """The set's agency ids, for use as a subquery (``agency__in=``) rather than a list."""
    return Agency.objects.filter(set_condition(agency_set)).order_by().values("pk")


def set_sizes(agency_sets: Iterable[AgencySet]) -> dict[int, int]:
    """How many agencies each set has now, all counted in one query."""
    agency_sets = list(agency_sets)
    if not agency_sets:
        return {}
    counts = Agency.objects.aggregate(**{f"set_{s.pk}": Count("pk", filter=set_condition(s)) for s in agency_sets})
    return {s.pk: counts[f"set_{s.pk}"] for s in agency_sets}


def hand_picked_ids(agency_set: AgencySet, agencies: Iterable[Agency]) -> set[int]:
    """Which of these agencies the set has by hand (the others only match its filters)."""
    ids = [a.pk for a in agencies]
    return set(agency_set.agencies.filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()


# Changing sets ----------------------------------------------------------------------


def _check_editor(membership: Membership, agency_set: AgencySet | None = None) -> None:
    if not membership.can_edit:
        raise PermissionDenied("Viewers cannot change agency sets; ask an owner for the editor role.")
    if agency_set is not None and agency_set.organization_id != membership.organization_id:
        raise PermissionDenied("That agency set belongs to another organization.")


def _checked(*, organization: Organization, name: str, filters: Mapping[str, object] | None,
             exclude_pk: int | None = None) -> tuple[str, dict[str, object]]:
    """The set's name and filters, checked together so every problem is reported at once."""
    errors: dict[str, list[str]] = {}
    name = " ".join(name.split())
    if not name:
        errors["name"] = ["Give the set a name."]
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = [f"Keep the name to {NAME_MAX_LENGTH} characters."]
    elif sets_of(organization).filter(name__iexact=name).exclude(pk=exclude_pk).exists():
        errors["name"] = [_name_taken(name)]
    try:
        filters = clean_filters(filters)
    except ValidationError as exc:
        errors.update({key: messages for key, messages in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    return name, filters


def _name_taken(name: str) -> str:
    return f"Your organization already has a set named “{name}” (names ignore case); choose another name."


def _save(agency_set: AgencySet, **kwargs) -> None:
    # The unique constraint settles two editors saving the same name at once.
    try:
        with transaction.atomic():
            agency_set.save(**kwargs)
    except IntegrityError:
        raise ValidationError({"name": [_name_taken(agency_set.name)]}) from None


@transaction.atomic
def agency_set_create(
    *,
    membership: Membership,
    name: str,
    description: str = "",
    filters: Mapping[str, object] | None = None,
    agencies: Iterable[Agency] = (),
) -> AgencySet:
    """A new set of the member's organization; raises ValidationError (nothing stored) for a
    taken name or bad filters."""
    _check_editor(membership)
    name, filters = _checked(organization=membership.organization, name=name, filters=filters)
    agency_set = AgencySet(organization=membership.organization, name=name, description=description.strip(),
                           filters=filters, created_by=membership.user)
    _save(agency_set)
    agency_set.agencies.add(*agencies)
    return agency_set


def set_from_filters(
    *, membership: Membership, name: str, filters: DirectoryFilters, description: str = "",
) -> AgencySet:
    """A set defined by the directory's filters (as the directory page or a form holds them)."""
    return agency_set_create(membership=membership, name=name, description=description,
                             filters=filters_to_store(filters))


@transaction.atomic
def agency_set_update(
    *, membership: Membership, agency_set: AgencySet, name: str, description: str,
    filters: Mapping[str, object] | None,
) -> AgencySet:
    """Renames, redescribes and refilters a set; its hand-picked agencies stay."""
    _check_editor(membership, agency_set)
    name, filters = _checked(organization=membership.organization, name=name, filters=filters,
                             exclude_pk=agency_set.pk)
    agency_set.name, agency_set.description, agency_set.filters = name, description.strip(), filters
    _save(agency_set, update_fields=["name", "description", "filters", "updated_at"])
    return agency_set


def agency_set_delete(*, membership: Membership, agency_set: AgencySet) -> None:
    """Campaigns and requests made from the set keep their agencies."""
    _check_editor(membership, agency_set)
    agency_set.delete()


@transaction.atomic
def agency_set_add_agencies(*, membership: Membership, agency_set: AgencySet,
                            agencies: Iterable[Agency]) -> list[Agency]:
    """Picks agencies by hand; returns those not already picked."""
    _check_editor(membership, agency_set)
    wanted = {agency.pk: agency for agency in agencies}
    present = set(agency_set.agencies.filter(pk__in=list(wanted)).values_list("pk", flat=True))
    added = [agency for pk, agency in wanted.items() if pk not in present]
    if added:
        agency_set.agencies.add(*added)
        agency_set.save(update_fields=["updated_at"])
    return added


@transaction.atomic
def agency_set_remove_agencies(*, membership: Membership, agency_set: AgencySet,
                               agencies: Iterable[Agency]) -> None:
    """Unpicks agencies; one that matches the set's filters stays in the set through them."""
    _check_editor(membership, agency_set)
    agency_set.agencies.remove(*agencies)
    agency_set.save(update_fields=["updated_at"])
