from __future__ import annotations

from django.template import Context, Template
from django.test import override_settings


def cells(value) -> str:
    return Template("{% load count_cells %}{% count_cells cells %}").render(Context({"cells": value}))


def test_each_count_is_a_labelled_cell_and_a_zero_is_dimmed():
    assert cells([("Draft", 3), ("Closed", 0)]) == (
        '<td class="num" data-label="Draft">3</td><td class="num zero" data-label="Closed">0</td>')


@override_settings(USE_THOUSAND_SEPARATOR=True)
def test_a_count_is_a_plain_whole_number_whatever_the_locale():
    assert cells([("Sent / awaiting", 12345)]) == '<td class="num" data-label="Sent / awaiting">12345</td>'


def test_a_label_is_escaped():
    assert cells([('<b onclick="x">', 1)]) == (
        '<td class="num" data-label="&lt;b onclick=&quot;x&quot;&gt;">1</td>')


def test_no_cells_render_nothing():
    assert cells([]) == ""
