from __future__ import annotations

import hashlib
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from requests_app.laws.models import PublicRecordsLaw
from requests_app.letters.models import LetterVersion
from requests_app.letters.rendering import ASSET_BASE, RefusedURL, asset_for, render_pdf
from requests_app.letters.services import ResidencyNotAcknowledged, letter_finalise
from requests_app.records import services
from tests.factories import AgencyFactory, draft_request, state
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db
TODAY = __import__("datetime").date(2026, 11, 27)


def finalise(request, user, **kwargs) -> LetterVersion:
    return letter_finalise(request=request, user=user, today=TODAY, acknowledge_residency=True, **kwargs)


def pdf_of(version: LetterVersion) -> bytes:
    with version.pdf.open("rb") as handle:
        return handle.read()


def test_the_pdf_has_the_letterhead_date_and_page_numbers(alice):
    request = draft_request(organization=alice.organization, agency=AgencyFactory(), user=alice.user,
                            keys=["org-audit", "network-audit", "sharing", "federal-access", "hot-lists", "users",
                                  "contracts", "policies", "statistics", "cameras", "communications", "stops"])
    text = pdf_text(pdf_of(finalise(request, alice.user)))
    assert text.startswith("Washington Watch")
    assert "27 November 2026" in text
    pages = int(re.search(r"Page 1 of (\d)", text)[1])
    assert pages >= 2 and f"Page {pages} of {pages}" in text
    assert request.tracking in text
    assert "12. Records of traffic stops" in text
    assert "Sincerely, Alex Rivera Staff Attorney" in text, "closing and signature stay together"


def test_a_finalised_letter_is_stored_with_its_hash_and_never_rewritten(alice):
    request = draft_request(organization=alice.organization, agency=AgencyFactory(), user=alice.user)
    first = finalise(request, alice.user)
    assert first.number == 1 and first.sha256 == hashlib.sha256(pdf_of(first)).hexdigest()
    assert finalise(request, alice.user) == first, "finalising unchanged text makes no new version"
    services.request_edit_letter(request=request, letter_text=request.letter_text + "\nP.S. Thank you.\n")
    second = finalise(request, alice.user)
    assert second.number == 2 and second.pdf.name != first.pdf.name
    assert "P.S. Thank you." in pdf_text(pdf_of(second))
    first.refresh_from_db()
    assert hashlib.sha256(pdf_of(first)).hexdigest() == first.sha256
    assert "P.S." not in pdf_text(pdf_of(first))


def test_a_residency_limit_must_be_acknowledged_before_finalising(alice):
    request = draft_request(organization=alice.organization, agency=AgencyFactory(jurisdiction=state("TN")),
                            user=alice.user)
    with pytest.raises(ResidencyNotAcknowledged, match="limits requests to residents of Tennessee"):
        letter_finalise(request=request, user=alice.user, today=TODAY)
    assert not LetterVersion.objects.exists()
    assert letter_finalise(request=request, user=alice.user, today=TODAY, acknowledge_residency=True).number == 1


class _Recorder(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    _Recorder.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def hostile(server: str) -> str:
    return (f'<img src="file:///etc/passwd"><link rel="stylesheet" href="{server}/evil.css">'
            f'<script>alert(1)</script><style>@import url("{server}/import.css");</style>')


def test_hostile_text_in_every_field_is_printed_as_text_and_fetches_nothing(alice, local_server):
    evil = hostile(local_server)
    organization = alice.organization
    organization.name, organization.address, organization.signer_name = f"Org {evil}", evil, evil
    organization.save()
    services.custom_item_create(organization=organization, key="evil", title=evil, wording=f"{evil} {{period}}")
    agency = AgencyFactory(name=f"Agency {evil}"[:200], mailing_address=evil, notes=evil)
    request = draft_request(organization=organization, agency=agency, user=alice.user, keys=["evil"])
    services.request_edit_letter(request=request, letter_text=request.letter_text + f"\n{evil}\n")
    text = pdf_text(pdf_of(finalise(request, alice.user)))
    assert '<img src="file:///etc/passwd">' in text
    assert "<script>alert(1)</script>" in text
    assert _Recorder.hits == []


def test_the_renderer_itself_refuses_every_outside_url(local_server, tmp_path):
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    html = (f'<link rel="stylesheet" href="{local_server}/a.css"><link rel="stylesheet" href="file://{secret}">'
            f'<img src="{local_server}/b.png"><img src="data:image/png;base64,iVBORw0KGgo=">'
            f'<style>@font-face {{ font-family: x; src: url("{local_server}/f.ttf") }}</style><p>hello</p>')
    assert "hello" in pdf_text(render_pdf(html))
    assert _Recorder.hits == []


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/x.css", "file:///etc/passwd", "data:text/css,body{}", "ftp://example.org/x",
    f"{ASSET_BASE}../../settings.py", f"{ASSET_BASE}%2e%2e/x", f"{ASSET_BASE}fonts/../../../composer.py",
    "https://letter-assets.recordsreq.invalid.evil.example/letter.css",
])
def test_the_fetcher_serves_only_letter_assets(url):
    with pytest.raises(RefusedURL):
        asset_for(url)


def test_the_fetcher_serves_the_stylesheet_and_fonts():
    assert asset_for(f"{ASSET_BASE}letter.css")[1] == "text/css"
    assert len(asset_for(f"{ASSET_BASE}fonts/LiberationSerif-Regular.ttf")[0]) > 100_000


def test_the_letter_stylesheet_parsed_once_lays_the_letter_out_as_linking_it_does(alice, monkeypatch, tmp_path):
    """The finalised PDF's HTML links no stylesheet: the renderer is given the letter
    stylesheet parsed once per thread. Page for page, it draws what the linked one drew."""
    import subprocess

    from requests_app.letters import rendering
    from requests_app.letters.inputs import letterhead_of
    from requests_app.letters.services import preview_html

    request = draft_request(organization=alice.organization, agency=AgencyFactory(), user=alice.user,
                            keys=["org-audit", "network-audit", "sharing", "federal-access", "contracts"])
    linked = render_pdf(preview_html(request, today=TODAY, stylesheet="letter.css"))
    parsed = []
    real_css = rendering.CSS
    monkeypatch.setattr(rendering, "CSS", lambda **kwargs: parsed.append(kwargs["url"]) or real_css(**kwargs))
    monkeypatch.delattr(rendering._local, "letter_stylesheet", raising=False)
    given = [rendering.letter_pdf(letterhead=letterhead_of(alice.organization), text=request.letter_text,
                                  letter_date=TODAY, tracking=request.tracking) for _ in range(2)]
    assert parsed == [f"{ASSET_BASE}letter.css"]  # once, for both letters

    def pages(pdf: bytes) -> list[bytes]:
        out = tmp_path / hashlib.sha256(pdf).hexdigest()
        out.mkdir(exist_ok=True)
        subprocess.run(["pdftoppm", "-r", "40", "-png", "-", str(out / "page")], input=pdf, check=True)
        return [page.read_bytes() for page in sorted(out.iterdir())]

    assert pages(given[0]) == pages(given[1]) == pages(linked) and len(pages(linked)) == 2
