"""Steps of the workflow as a person does them in the browser, shared by the browser tests.

Each step acts through what the page shows (labels, roles, button names) and checks the
page's answer before it returns, so a test reads as the list of things a person does.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

PASSWORD = "correct horse battery"  # the factories' password
PHONE = {"width": 390, "height": 844}


def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Fills the login form the page shows and sends it."""
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def log_in_from_start(page: Page, username: str, password: str = PASSWORD) -> None:
    """Opens the login page, logs in and waits until the page shows who is logged in."""
    page.goto("/accounts/login/")
    log_in(page, username, password)
    expect(page.get_by_role("button", name=f"Log out {username}")).to_be_visible()


def log_out(page: Page, username: str) -> None:
    page.get_by_role("button", name=f"Log out {username}").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()


def open_members(page: Page) -> None:
    """Reaches the Members page through the main navigation's "More" menu."""
    navigation = page.get_by_role("navigation", name="Main")
    navigation.get_by_text("More", exact=True).click()
    navigation.get_by_role("link", name="Members").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Members of "), level=1)).to_be_visible()


def pick_agency(page: Page, picker: str, agency: str) -> None:
    """In the agency picker labelled ``picker``: types the agency's name ("Name (ST)" without the
    state) and clicks it among the matches."""
    page.get_by_role("combobox", name=picker).fill(agency.rsplit(" (", 1)[0])
    page.get_by_role("option", name=re.compile("^" + re.escape(agency))).click()


def fill_campaign_form(page: Page, *, title: str, agencies: list[str], records_from: str = "2025-01-01") -> None:
    """On the New campaign page: the terms, then agencies picked by hand ("Name (ST)")."""
    page.get_by_label("Title").fill(title)
    page.get_by_label("Records from").fill(records_from)
    page.get_by_role("radio", name="Agencies picked by hand").check()
    for agency in agencies:
        pick_agency(page, "Pick agencies", agency)
    chosen = page.get_by_role("list", name=f"Chosen agencies ({len(agencies)})")
    expect(chosen.get_by_role("listitem")).to_have_count(len(agencies))


def create_campaign(page: Page, *, title: str, count: int) -> None:
    """Sends the filled New campaign form and checks the campaign page lists its drafts."""
    page.get_by_role("button", name="Create campaign and drafts").click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(f"Campaign created with {count} draft request(s).")
    expect(page.locator("table tbody tr")).to_have_count(count)


def add_to_letter(page: Page, paragraph: str) -> None:
    """On a draft's page: adds a paragraph before the closing, saves, and sees it in the preview."""
    page.get_by_text("Edit the letter text").click()
    text = page.get_by_label("Letter text")
    draft = text.input_value()
    assert "\nSincerely," in draft, draft[-300:]
    text.fill(draft.replace("\nSincerely,", f"\n{paragraph}\n\nSincerely,", 1))
    page.get_by_role("button", name="Save text").click()
    expect(page.get_by_role("status")).to_contain_text("Letter text saved.")
    expect(page.frame_locator("iframe[title='Letter preview']").locator("body")).to_contain_text(paragraph)


def finalise_and_record_submission(page: Page, *, tracking: str, reference: str) -> None:
    """On a draft's page: makes the PDF, then records it as mailed to the agency's address."""
    page.get_by_role("button", name="Finalise letter (make PDF)").click()
    expect(page.get_by_role("status")).to_contain_text("Letter version 1 is final")
    submit = page.get_by_role("form", name="Record a submission")
    submit.get_by_label("Channel").select_option(label="Mail")
    submit.get_by_label("Agency's reference").fill(reference)
    submit.get_by_role("button", name="Record submission").click()
    expect(page.get_by_role("status")).to_contain_text(f"{tracking} recorded as submitted to ")
    expect(page.locator(".page-head .status")).to_have_text("Submitted")


def tracking_of(page: Page) -> str:
    """The tracking reference of the request page that is open, from its heading."""
    heading = page.get_by_role("heading", level=1).inner_text()
    found = re.match(r"(RR-\d{4}-\d{4,}):", heading)
    assert found, heading
    return found.group(1)


def csrf_token(page: Page) -> str:
    """The CSRF token of the page's forms (every logged-in page has the log-out form)."""
    return page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")


def assert_fits_a_phone(page: Page) -> None:
    """At a phone's width (390 px) the page scrolls only downwards: nothing sticks out sideways."""
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    try:
        overflow = page.evaluate("""() => {
            const width = document.documentElement.clientWidth;
            return [...document.querySelectorAll("main *")]
                .filter(e => e.getBoundingClientRect().right > width + 1)
                .map(e => e.tagName.toLowerCase() + (e.className ? "." + e.className : "")).slice(0, 5);
        }""")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], overflow
        assert not overflow, overflow
    finally:
        page.set_viewport_size(size)
