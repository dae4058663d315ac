from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_every_model_has_a_working_admin_list_and_add_page(client, alice, model):
    from django.test import RequestFactory

    AgencyFactory()
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    opts = model._meta
    assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code == 200
    probe = RequestFactory().get("/")
    probe.user = superuser
    can_add = admin.site._registry[model].has_add_permission(probe)
    expected = 200 if can_add else 403  # evidence such as documents only comes in through the app
    assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == expected


def test_all_project_models_are_registered():
    from django.apps import apps

    ours = [m for m in apps.get_models() if m.__module__.startswith("requests_app.")]
    assert ours and all(m in admin.site._registry for m in ours)


def test_no_admin_page_lists_the_agency_directory(client, alice):
    """Every form with an agency in it names the agency chosen, never the 20,000 to choose from."""
    from datetime import date

    from requests_app.agencies.models import AgencyAlias, AgencyContactChange, AgencySet, AlprVendor, VendorEvidence
    from tests.factories import directory_of, draft_request

    directory_of(300)
    agency = AgencyFactory(name="Springfield Police Department")
    draft_request(organization=alice.organization, agency=agency, user=alice.user)
    AgencyAlias.objects.create(agency=agency, name="Springfield PD WA", source=AgencyAlias.Source.USER)
    VendorEvidence.objects.create(agency=agency, vendor=AlprVendor.objects.create(name="Flock Safety"))
    AgencySet.objects.create(organization=alice.organization, name="Mine").agencies.add(agency)
    AgencyContactChange.objects.create(agency=agency, via=AgencyContactChange.Via.ADMIN,
                                       source_url="https://example.gov", verified_on=date(2026, 1, 5))
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    pages = []
    for model in admin.site._registry:
        opts = model._meta
        pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        latest = model._default_manager.order_by("-pk").first()  # for agencies, Springfield's own page
        if latest is not None:
            pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[latest.pk]))
    for page in pages:
        response = client.get(page)
        assert response.status_code in (200, 403), page
        assert "Directory Agency" not in response.content.decode(), page
