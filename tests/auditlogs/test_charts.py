"""Server-drawn SVG charts: escaped text, a sensible empty chart, bars to scale."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from requests_app.auditlogs import charts
from requests_app.auditlogs.charts import Bar, bar_chart, month_chart, organization_bars

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(1)</script> & \"Sons\" 'Ltd'"


def bar_widths(svg: str) -> list[float]:
    return [float(w) for w in re.findall(r'<rect class="bar" x="[\d.]+" y="[\d.]+" width="([\d.]+)"', svg)]


def month_heights(svg: str) -> list[float]:
    return [float(h) for h in re.findall(r'<rect class="bar"[^>]* height="([\d.]+)"', svg)]


def test_a_hostile_organization_name_comes_out_as_text():
    svg = str(bar_chart([Bar(HOSTILE, 3, "federal")], chart_id="c", title="Top <b>orgs</b>"))
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Sons&quot; &#x27;Ltd&#x27;" in svg
    root = ET.fromstring(svg)  # still well-formed: nothing the name held became markup
    assert root.find(f"{SVG}title").text == "Top <b>orgs</b>"
    assert [t.text for t in root.iter(f"{SVG}title")][1].startswith(HOSTILE)


def test_it_is_labelled_for_screen_readers():
    root = ET.fromstring(str(bar_chart([Bar("Bend OR PD", 2)], chart_id="orgs", title="Top organizations")))
    assert root.get("role") == "img" and root.get("aria-labelledby") == "orgs-title orgs-desc"
    assert root.find(f"{SVG}title").get("id") == "orgs-title"
    assert root.find(f"{SVG}desc").text == "1 bars; the largest is Bend OR PD: 2 searches."


def test_no_data_gives_a_chart_that_says_so():
    for svg in (bar_chart([], chart_id="c", title="Categories"), bar_chart([Bar("a", 0)], chart_id="c", title="t"),
                month_chart([])):
        root = ET.fromstring(str(svg))
        assert root.get("role") == "img" and "No data" in root.find(f"{SVG}desc").text
        assert bar_widths(str(svg)) == []


def test_the_largest_bar_takes_the_full_width_and_the_others_scale():
    svg = str(bar_chart([Bar("a", 40), Bar("b", 10), Bar("c", 20)], chart_id="c", title="t"))
    full = charts.WIDTH - charts.LABEL_WIDTH - charts.VALUE_WIDTH
    assert bar_widths(svg) == [full, full / 4, full / 2]


def test_the_busiest_month_reaches_the_top_of_the_plot():
    months = [(datetime(2025, m, 1, tzinfo=UTC), n) for m, n in ((1, 10), (2, 40), (3, 20))]
    svg = str(month_chart(months))
    assert month_heights(svg) == [charts.PLOT_HEIGHT / 4, charts.PLOT_HEIGHT, charts.PLOT_HEIGHT / 2]
    assert "Jan ’25" in svg and "the most searches, 40, in February 2025" in svg


def test_a_long_run_of_months_labels_at_most_twelve():
    months = [(datetime(2023 + m // 12, m % 12 + 1, 1, tzinfo=UTC), 5) for m in range(36)]
    assert len(re.findall(r"’\d\d</text>", str(month_chart(months)))) == 12


def test_federal_and_out_of_state_bars_are_marked_in_words_as_well_as_colour():
    organizations = [
        {"organization": "[Federal] HSI", "organization_state": "", "federal": True, "n": 5},
        {"organization": "Austin TX PD", "organization_state": "TX", "federal": False, "n": 3},
        {"organization": "Bend OR PD", "organization_state": "OR", "federal": False, "n": 2},
    ]
    bars = organization_bars(organizations, "OR")
    assert [b.mark for b in bars] == ["federal", "out of state", ""]
    svg = str(bar_chart(bars, chart_id="c", title="t"))
    assert "· federal</tspan>" in svg and "· out of state</tspan>" in svg
    assert svg.count(f'fill="{charts.COLOURS["federal"]}"') >= 2 and ">out of state</text>" in svg


def test_without_a_single_home_state_only_federal_searchers_are_marked():
    austin = {"organization": "Austin TX PD", "organization_state": "TX", "federal": False, "n": 3}
    bars = organization_bars([austin], "")
    assert bars == [Bar("Austin TX PD", 3, "")]
