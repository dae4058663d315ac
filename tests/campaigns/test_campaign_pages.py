"""The campaign pages as served: the agency selection's labels and the items' names."""

from __future__ import annotations

from datetime import date

import pytest
import tinyhtml5
from django.urls import reverse

from requests_app.campaigns import services
from requests_app.records.models import CustomItem
from requests_app.records.services import custom_item_create

pytestmark = pytest.mark.django_db


def control_names(html: str) -> dict[str, str]:
    """Each labelled control's id and its label's text, whether the label names it with
    ``for`` or wraps it (as the radio buttons' labels do)."""
    root = tinyhtml5.parse(html, namespace_html_elements=False)
    names = {}
    for label in root.iter("label"):
        wrapped = next((e for e in label.iter() if e.tag in ("input", "select", "textarea")), None)
        target = label.get("for") or (wrapped.get("id") if wrapped is not None else None)
        assert target, f"a label names no control: {label.text!r}"
        names[target] = " ".join("".join(label.itertext()).split())
    return names


def test_each_agency_selection_control_has_its_own_label(alice_client):
    response = alice_client.get(reverse("campaign-create"))
    assert response.status_code == 200
    names = control_names(response.content.decode())
    assert names["id_pick-mode_1"] == "Agencies picked by hand"  # the radio button
    assert names["id_pick-agencies"] == "Pick agencies"  # the list it picks from
    assert names["id_pick-mode_2"] == "A CSV of agency names"
    assert names["id_pick-csv_file"] == "CSV file of agency names"
    assert names["id_pick-mode_3"] == "A saved agency set"
    assert names["id_pick-agency_set"] == "Agency set to use"
    selection = [name for target, name in names.items() if target.startswith("id_pick-")]
    assert len(selection) == len(set(selection)), selection
    # None contains another, so a screen reader's user (or a test) can tell them apart by name.
    assert not [(a, b) for a in selection for b in selection if a != b and a.lower() in b.lower()]


def test_every_description_a_control_names_is_on_the_page(alice_client):
    root = tinyhtml5.parse(alice_client.get(reverse("campaign-create")).content.decode(), namespace_html_elements=False)
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    described = {ref for e in root.iter() for ref in (e.get("aria-describedby") or "").split()}
    assert {"id_pick-agencies_helptext", "id_pick-csv_file_helptext", "id_pick-agency_set_helptext"} <= described
    assert described <= ids, described - ids


def test_the_campaign_page_that_adds_agencies_labels_them_the_same_way(alice_client, alice):
    campaign = services.campaign_create(organization=alice.organization, user=alice.user, title="Audit logs",
                                        item_keys=["org-audit"])
    names = control_names(alice_client.get(reverse("campaign-detail", args=[campaign.pk])).content.decode())
    assert (names["id_pick-mode_1"], names["id_pick-agencies"]) == ("Agencies picked by hand", "Pick agencies")


def test_the_campaign_pages_name_the_items_rather_than_their_keys(alice_client, alice):
    custom_item_create(organization=alice.organization, key="drone-logs", title="Drone flight logs",
                       wording="Every drone flight log {period}.")
    campaign = services.campaign_create(organization=alice.organization, user=alice.user, title="Audit logs",
                                        item_keys=["org-audit", "drone-logs", "sharing"], date_from=date(2025, 1, 1))

    detail = alice_client.get(reverse("campaign-detail", args=[campaign.pk])).content.decode()
    assert ("items: Organization Audit (searches by your users), Drone flight logs, Sharing with other agencies"
            in detail)
    assert "org-audit" not in detail and "drone-logs" not in detail

    listed = alice_client.get(reverse("campaign-list")).content.decode()
    assert "Organization Audit (searches by your users), Drone flight logs, Sharing with other agencies" in listed
    assert "org-audit" not in listed


def test_an_item_deleted_since_is_shown_by_its_key(alice_client, alice):
    custom_item_create(organization=alice.organization, key="drone-logs", title="Drone flight logs",
                       wording="Every drone flight log {period}.")
    campaign = services.campaign_create(organization=alice.organization, user=alice.user, title="Audit logs",
                                        item_keys=["org-audit", "drone-logs"])
    CustomItem.objects.filter(key="drone-logs").delete()
    response = alice_client.get(reverse("campaign-detail", args=[campaign.pk]))
    assert response.status_code == 200
    assert "items: Organization Audit (searches by your users), drone-logs" in response.content.decode()
