"""The site's icon: an SVG and an ICO among the static files; every page names the SVG, and
/favicon.ico (what a browser that cannot show an SVG icon asks for) points to the ICO."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from PIL import Image


def test_the_icons_are_static_files_an_svg_and_an_ico_of_three_sizes():
    svg = ElementTree.parse(finders.find("img/favicon.svg")).getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg" and svg.get("viewBox") == "0 0 32 32"
    # Drawn in the file itself: nothing for a browser to fetch from elsewhere.
    assert not re.search(r"(href|url)\s*[=(]", open(finders.find("img/favicon.svg")).read())
    with Image.open(finders.find("img/favicon.ico")) as ico:
        assert ico.format == "ICO" and ico.info["sizes"] == {(16, 16), (32, 32), (48, 48)}


@pytest.mark.django_db
def test_every_page_names_the_svg_icon(client):
    html = client.get("/accounts/login/").content.decode()
    assert re.findall(r'<link rel="icon"[^>]*>', html) == [
        f'<link rel="icon" href="{static("img/favicon.svg")}" type="image/svg+xml">']


def test_favicon_ico_points_a_visitor_to_the_static_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response.url == static("img/favicon.ico")
