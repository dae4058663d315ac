"""Every main page, with the demo's few weeks of work in it, passes axe-core's rules at a
desktop's and a phone's width and fits the phone's, as the logged-in demo user and as a
visitor at the login page; keyboard focus shows where the rules cannot see it (a date
field's parts, the letter preview's frame); the request page stays light."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from requests_app.agencies.models import Agency
from requests_app.auditlogs.importer import import_queue
from requests_app.auditlogs.models import AuditImport
from requests_app.campaigns.models import Campaign
from requests_app.demo.services import DEMO_PASSWORD, DEMO_USERNAME
from requests_app.documents.models import Document
from requests_app.records.models import RecordsRequest
from requests_app.teams.models import User
from tests.browser.axe import axe_version, violations
from tests.browser.conftest import DESKTOP
from tests.browser.steps import PHONE, log_in_from_start

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def pages(media_folder) -> dict[str, str]:
    """The demo seeded, its audit logs read, and the address of each main page."""
    call_command("seed_demo", stdout=StringIO())
    user = User.objects.get(username=DEMO_USERNAME)
    for document in Document.objects.filter(original_name__contains="audit log", kind=Document.Kind.CSV):
        import_queue(request=document.request_links.first().request, document=document, user=user)
    analysed = AuditImport.objects.filter(state=AuditImport.State.DONE).select_related("request").first()
    assert analysed is not None, list(AuditImport.objects.values_list("state", "error"))
    requests = RecordsRequest.objects.order_by("pk")
    draft = requests.filter(status="draft").first()
    sent = requests.exclude(status="draft").first()
    campaign = Campaign.objects.order_by("pk").first()
    agency = Agency.objects.exclude(notes="").order_by("pk").first() or Agency.objects.order_by("pk").first()
    document = Document.objects.order_by("pk").first()
    return {
        "dashboard": "/",
        "request list": "/requests/",
        "request list, filtered": "/requests/?status=submitted&q=police",
        "new request": "/requests/new/",
        "draft request": f"/requests/{draft.pk}/",
        "draft's letter preview": f"/requests/{draft.pk}/letter/preview/",
        "sent request": f"/requests/{sent.pk}/",
        "request with audit logs": f"/requests/{analysed.request_id}/",
        "audit report": f"/requests/{analysed.request_id}/audit/",
        "audit import": f"/requests/{analysed.request_id}/audit/imports/{analysed.pk}/",
        "campaign list": "/campaigns/",
        "new campaign": "/campaigns/new/",
        "campaign": f"/campaigns/{campaign.pk}/",
        "campaign audit report": f"/campaigns/{campaign.pk}/audit/",
        "agency list": "/agencies/",
        "agency search": "/agencies/?q=police",
        "agency": f"/agencies/{agency.pk}/",
        "agency contact form": f"/agencies/{agency.pk}/contact/",
        "agencies needing a contact": "/agencies/needs-contact/",
        "contacts import": "/agencies/contacts/import/",
        "agency sets": "/agency-sets/",
        "new agency set": "/agency-sets/new/",
        "laws": "/laws/",
        "law": "/laws/WA/",
        "document": f"/documents/{document.pk}/",
        "search": "/search/?q=audit",
        "inbox": "/inbox/",
        "deadlines": "/deadlines/",
        "notifications": "/notifications/",
        "calendar": "/calendar/",
        "items": "/items/",
        "audit terms": "/audit-terms/",
        "members": "/organization/members/",
        "letterhead": "/organizations/letterhead/",
        "API tokens": "/api-tokens/",
    }


@pytest.fixture
def demo_page(open_page, pages) -> Page:
    page = open_page()
    log_in_from_start(page, DEMO_USERNAME, DEMO_PASSWORD)
    return page


def _visit(page: Page, url: str, width: dict) -> None:
    page.set_viewport_size(width)
    response = page.goto(url)
    assert response is not None and response.ok, f"{url}: {response and response.status}"


def _sideways(page: Page) -> list[str]:
    """What sticks out past a phone's width (the innermost elements, with their text), if the
    page scrolls sideways."""
    if page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]:
        return []
    return page.evaluate("""width => {
        const out = [...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > width + 1);
        return out.filter(e => !out.some(inner => inner !== e && e.contains(inner))).slice(0, 5)
            .map(e => `${e.tagName.toLowerCase()}${e.classList.length ? "." + [...e.classList].join(".") : ""}`
                      + ` "${e.textContent.trim().slice(0, 60)}"`);
    }""", PHONE["width"])


def _refuse_a_communication(page: Page, url: str) -> None:
    """The request page as a refused form brings it back: a flash message and a field's error."""
    page.goto(url)
    page.get_by_text("Log a communication", exact=True).click()
    form = page.locator("#log-communication form")
    form.get_by_label("Date", exact=True).fill("2099-01-01")
    form.get_by_role("button", name="Log it").click()
    expect(page.get_by_role("status")).to_contain_text("Not logged")
    expect(form.get_by_text("The date cannot be in the future.")).to_be_visible()


def _report(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{where}:\n  " + "\n  ".join(problems) for where, problems in found.items())


def test_no_page_breaks_an_axe_rule_on_a_desktop_or_a_phone(demo_page, open_page, pages):
    found: dict[str, list[str]] = {}
    login = open_page()
    for width in (DESKTOP, PHONE):
        _visit(login, "/accounts/login/", width)
        if problems := violations(login):
            found[f"login at {width['width']} px"] = problems
        for name, url in pages.items():
            _visit(demo_page, url, width)
            if problems := violations(demo_page, framed=url.endswith("/letter/preview/")):
                found[f"{name} ({url}) at {width['width']} px"] = problems
        _refuse_a_communication(demo_page, pages["sent request"])
        if problems := violations(demo_page):
            found[f"sent request with a communication refused at {width['width']} px"] = problems
        _visit(demo_page, "/", width)
        demo_page.keyboard.press("Tab")  # the skip link, shown only while it has focus
        expect(demo_page.get_by_role("link", name="Skip to content")).to_be_focused()
        if problems := violations(demo_page):
            found[f"dashboard with the skip link focused at {width['width']} px"] = problems
    assert not found, f"axe-core {axe_version()} found:\n{_report(found)}"


def test_no_page_scrolls_sideways_on_a_phone(demo_page, open_page, pages):
    found: dict[str, list[str]] = {}
    login = open_page()
    _visit(login, "/accounts/login/", PHONE)
    if sticking_out := _sideways(login):
        found["login"] = sticking_out
    for name, url in pages.items():
        _visit(demo_page, url, PHONE)
        if sticking_out := _sideways(demo_page):
            found[f"{name} ({url})"] = sticking_out
    assert not found, f"Wider than {PHONE['width']} px:\n{_report(found)}"


def _contrast(first: str, second: str) -> float:
    """WCAG's contrast ratio of two CSS colours given as rgb(...) or rgba(...)."""
    def luminance(colour: str) -> float:
        channels = [int(c) / 255 for c in re.findall(r"[\d.]+", colour)[:3]]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# The focused element's ring and the background it is drawn on (the first ancestor that has one).
RING = """e => {
    const style = getComputedStyle(e);
    let around = e.parentElement;
    while (around && getComputedStyle(around).backgroundColor === "rgba(0, 0, 0, 0)") around = around.parentElement;
    return [style.outlineStyle, style.outlineWidth, style.outlineColor, getComputedStyle(around).backgroundColor];
}"""


def test_a_date_field_shows_a_focus_ring_in_each_of_its_parts(demo_page, pages):
    demo_page.goto(pages["new request"])
    field = demo_page.get_by_label("Records from")
    field.focus()
    for part in ("month", "day", "year", "calendar button"):
        style, width, colour, background = field.evaluate(RING)
        assert style == "solid" and width == "3px", (part, style, width)
        assert _contrast(colour, background) >= 3, (part, colour, background)
        demo_page.keyboard.press("Tab")


def test_the_letter_preview_shows_a_focus_ring_when_tabbed_into(demo_page, pages):
    demo_page.goto(pages["draft request"])
    demo_page.get_by_role("link", name="Audit-log report").focus()
    demo_page.keyboard.press("Tab")
    assert demo_page.evaluate("document.activeElement.title") == "Letter preview"
    preview = demo_page.frame_locator("iframe[title='Letter preview']").locator("body")
    ring = preview.evaluate("""body => {
        const ring = getComputedStyle(body, "::after");
        return [body.matches(":focus-visible"), ring.position, ring.borderTopWidth, ring.borderTopColor,
                getComputedStyle(body).backgroundColor, getComputedStyle(document.documentElement).backgroundColor];
    }""")
    focused, position, width, colour, paper, around = ring
    assert focused and position == "fixed" and width == "3px", ring
    assert _contrast(colour, paper) >= 3 and _contrast(colour, around) >= 3, ring


def test_the_request_page_with_its_letter_preview_weighs_under_250_kb(demo_page, pages):
    """It weighed 809 KB when the preview loaded the PDF's TTFs; the subsets bring it to about 155 KB."""
    bodies: dict[str, int] = {}
    demo_page.on("requestfinished", lambda r: bodies.__setitem__(r.url, r.sizes()["responseBodySize"]))
    demo_page.goto(pages["draft request"])
    demo_page.wait_for_load_state("networkidle")
    fonts = sorted(url.rsplit("/", 1)[-1] for url in bodies if "/fonts/" in url)
    assert fonts == ["LetterSerifPreview-Bold.woff2", "LetterSerifPreview-Regular.woff2"], bodies
    assert sum(bodies.values()) < 250_000, bodies
