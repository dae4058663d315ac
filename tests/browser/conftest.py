"""Fixtures for the browser tests: Debian's Chromium driven by Playwright against the live server.

The browser is the system's own (``CHROMIUM``, default /usr/bin/chromium); no browser is ever
downloaded. When it is missing the tests skip, naming it, unless REQUIRE_SERVICES=1 (as CI
sets), where they fail instead.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page
from django.conf import settings
from django.db import connections

from requests_app.teams.models import Role
from tests.browser.steps import PHONE, log_in_from_start
from tests.factories import AgencyFactory, MembershipFactory, OrganizationFactory, UserFactory, state
from tests.services import unavailable

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
TIMEOUT_MS = 15_000
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="package")
def browser(django_db_setup):
    """One headless Chromium for all the browser tests; each test gets its own context.

    While Playwright's sync API is started, its event loop counts as running in this thread.
    Two things follow, both undone when the browser stops:
    - Django's guard against database calls from async code would refuse the test's own
      synchronous queries, so the guard is lifted (DJANGO_ALLOW_ASYNC_UNSAFE);
    - Django's connections live in a context-local store instead of the thread-local one, so
      the test thread gets new connection objects. Those lack the database snapshot that
      ``serialized_rollback`` restores after each flush, so it is handed over to them.
    The scope is this package, not the session, so neither lasts into the rest of the run.
    """
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).is_file()):
        unavailable(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium, or set CHROMIUM)")
    from playwright.sync_api import sync_playwright

    snapshots = {alias: connections[alias]._test_serialized_contents for alias in connections
                 if hasattr(connections[alias], "_test_serialized_contents")}
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            for alias, snapshot in snapshots.items():
                connections[alias]._test_serialized_contents = snapshot
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            try:
                yield browser
            finally:
                browser.close()
                connections.close_all()  # the context-local connections, before their store goes away
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def editor(transactional_db):
    """An editor of a Washington organization with a full letterhead."""
    organization = OrganizationFactory(
        name="Evergreen Surveillance Watch", slug="evergreen", home_state=state("WA"),
        address="200 Pine Street\nSeattle, WA 98101", signer_name="Jordan Lee", signer_title="Records Coordinator",
        email="records@evergreen.example.org", phone="206-555-0100",
    )
    return MembershipFactory(user=UserFactory(username="erin", first_name="Erin", last_name="Park"),
                             organization=organization, role=Role.EDITOR)


@pytest.fixture
def owner(editor):
    """An owner of the editor's organization, who manages its members."""
    return MembershipFactory(user=UserFactory(username="olivia", first_name="Olivia", last_name="Reyes",
                                              email="olivia@evergreen.example.org"),
                             organization=editor.organization, role=Role.OWNER)


@pytest.fixture
def agencies(transactional_db) -> dict[str, object]:
    """A few police agencies in three states (the organization's own and two others)."""
    made = [
        AgencyFactory(name="Seattle Police Department", jurisdiction=state("WA"), records_email="prr@seattle.example.gov"),
        AgencyFactory(name="Tacoma Police Department", jurisdiction=state("WA")),
        AgencyFactory(name="Austin Police Department", jurisdiction=state("TX"),
                      mailing_address="715 E. 8th Street\nAustin, TX 78701"),
        AgencyFactory(name="Dallas Police Department", jurisdiction=state("TX")),
        AgencyFactory(name="Oakland Police Department", jurisdiction=state("CA"),
                      portal_url="https://oakland.example.gov/prr"),
    ]
    return {a.name.removesuffix(" Police Department"): a for a in made}


def _test_name(request: pytest.FixtureRequest) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)


@pytest.fixture
def open_page(request, browser, live_server) -> Iterator[Callable[[], Page]]:
    """``open_page()`` gives a page in a fresh browser context: another person's browser, with
    its own cookies. A screenshot of each is kept if the test fails."""
    for stale in SCREENSHOTS.glob(f"{_test_name(request)}-*.png"):
        stale.unlink()  # so the folder shows this run's pictures only
    contexts = []

    def open_() -> Page:
        context = browser.new_context(base_url=live_server.url, accept_downloads=True, viewport=DESKTOP)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for number, context in enumerate(contexts, start=1):
            for page in context.pages:
                suffix = "" if number == 1 else f"-{number}"
                try:
                    page.screenshot(path=str(SCREENSHOTS / f"{_test_name(request)}-failure{suffix}.png"),
                                    full_page=True)
                except Exception:  # the page may be gone; the failure itself is what matters
                    pass
    for context in contexts:
        context.close()


@pytest.fixture
def anonymous_page(open_page, editor, agencies) -> Page:
    """A page in a fresh browser context, not logged in."""
    return open_page()


@pytest.fixture
def page(anonymous_page, editor) -> Page:
    """A page logged in, through the login form, as the editor."""
    log_in_from_start(anonymous_page, editor.user.username)
    return anonymous_page


@pytest.fixture
def shot(request, anonymous_page) -> Callable[..., Path]:
    """``shot("step")`` saves a full-page screenshot as var/screenshots/<test name>-<step>.png.

    ``page=`` takes another browser's page than the test's first one; ``phone=True`` also
    saves <step>-phone.png at a phone's width (390x844), then goes back to the desktop size.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(step: str, *, page: Page | None = None, phone: bool = False) -> Path:
        page = page or anonymous_page
        path = SCREENSHOTS / f"{_test_name(request)}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        if phone:
            size = page.viewport_size or DESKTOP
            page.set_viewport_size(PHONE)
            page.screenshot(path=str(path.with_name(f"{path.stem}-phone.png")), full_page=True)
            page.set_viewport_size(size)
        return path

    return take


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
