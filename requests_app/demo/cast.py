"""The agencies of the demo story, each named so that exactly one stored agency answers to it.

A name alone does not do: the FBI roster that ``load_agency_directory`` loads has five
Cambridge Police Departments and nine Oakland ones, in as many states. Each agency of the
story is found by its FBI ORI once the directory is loaded, else by its name in its state,
as ``seed_demo`` imports it from data/demo_agencies.csv (the directory loader merges the
two by the same name in the same state, whichever comes first).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from requests_app.agencies.models import Agency, name_key


@dataclass(frozen=True)
class StoryAgency:
    name: str
    state: str
    ori: str  # as in agencies/data/directory/fbi_cde_agencies_2025-02.csv

    def __str__(self) -> str:
        return f"{self.name} ({self.state}, ORI {self.ori})"


class AgencyNotFound(LookupError):
    """An agency of the story is not in the directory."""


def resolve_cast(cast: Iterable[StoryAgency]) -> dict[StoryAgency, Agency]:
    """The stored agency of each one of ``cast``; raises AgencyNotFound naming any that is missing."""
    cast = list(cast)
    candidates = list(
        Agency.objects.filter(Q(ori__in=[a.ori for a in cast]) | Q(name_key__in=[name_key(a.name) for a in cast]))
        .select_related("jurisdiction__parent")
    )
    found = {wanted: _pick(wanted, candidates) for wanted in cast}
    missing = [str(wanted) for wanted, agency in found.items() if agency is None]
    if missing:
        raise AgencyNotFound(
            f"the demo story needs {'; '.join(missing)}, not found by ORI or by name in its state. "
            "seed_demo imports these agencies from requests_app/demo/data/demo_agencies.csv: "
            "check that each is a row of it and that the import did not reject it."
        )
    return found


def _pick(wanted: StoryAgency, candidates: list[Agency]) -> Agency | None:
    in_state = [a for a in candidates if a.jurisdiction.state_code == wanted.state]
    by_ori = [a for a in in_state if a.ori == wanted.ori]
    # ORIs are unique, and names unique within a jurisdiction (one_agency_per_name).
    by_name = [a for a in in_state if a.name_key == name_key(wanted.name)]
    return (by_ori or by_name or [None])[0]
