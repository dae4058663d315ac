"""Bar charts as inline SVG, drawn on the server: the same markup in the report page and its PDF.

No script and no outside asset, so a chart shows offline, in print and in WeasyPrint. Every
piece of text (organization names come straight from released records) goes through
``format_html`` or ``escape``, so a hostile name stays text. Colour is never the only signal:
a marked bar also says "federal" or "out of state" in words. The page keeps the data tables
beside each chart, for screen readers and for copying figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable, Protocol

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH = 600
LABEL_WIDTH = 200  # horizontal chart: room for the label column
VALUE_WIDTH = 150  # and for the value and its text marker after the longest bar
ROW = 24
BAR = 15
LABEL_CHARS = 26  # fits LABEL_WIDTH in the widest common sans face (DejaVu Sans)
PLOT_TOP, PLOT_HEIGHT, AXIS_WIDTH = 18, 170, 56
COLOURS = {"": "#1f4f8b", "federal": "#a12a2a", "out of state": "#b8730a"}
# The PDF declares "Report Serif" (a bundled font): WeasyPrint applies no page CSS inside an
# inline SVG, but honours this attribute. Browsers have no such face and use the system one.
FONT = "Report Serif, system-ui, -apple-system, Segoe UI, Roboto, sans-serif"


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    mark: str = ""  # "", "federal" or "out of state": picks the colour, and is written beside the bar


@dataclass(frozen=True)
class ReportCharts:
    months: SafeString
    categories: SafeString
    organizations: SafeString


class _Figures(Protocol):
    months: list[tuple[object, int]]
    categories: list[tuple[str, str, int]]
    organizations: list[dict]
    home_state: str


def _number(n: int) -> str:
    return f"{n:,}"


def _short(label: str, limit: int = LABEL_CHARS) -> str:
    label = " ".join(label.split())
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _svg(chart_id: str, title: str, desc: str, height: int, body: SafeString) -> SafeString:
    return format_html(
        '<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{0}-title {0}-desc" '
        'id="{0}" viewBox="0 0 {1} {2}" width="{1}" height="{2}" font-family="{6}" font-size="12" fill="#1d2430">'
        '<title id="{0}-title">{3}</title><desc id="{0}-desc">{4}</desc>{5}</svg>',
        chart_id, WIDTH, height, title, desc, body, FONT)


def _empty(chart_id: str, title: str, message: str) -> SafeString:
    body = format_html('<text class="empty" x="{}" y="26" text-anchor="middle" fill="#5b6576">{}</text>',
                       WIDTH // 2, message)
    return _svg(chart_id, title, message, 44, body)


def bar_chart(bars: list[Bar], *, chart_id: str, title: str, unit: str = "searches", empty: str = "") -> SafeString:
    """Horizontal bars in the order given; the largest value spans the full bar width."""
    if not bars or not any(b.value for b in bars):
        return _empty(chart_id, title, empty or f"No data: no {unit} to chart.")
    largest, span = max(b.value for b in bars), WIDTH - LABEL_WIDTH - VALUE_WIDTH
    rows = format_html_join("", "{}", ((_bar_row(i, bar, largest, span, unit),) for i, bar in enumerate(bars)))
    marks = sorted({b.mark for b in bars if b.mark})
    height = len(bars) * ROW + (ROW + 6 if marks else 6)
    legend = _legend(marks, len(bars) * ROW + 8) if marks else ""
    biggest = max(bars, key=lambda b: b.value)
    desc = f"{len(bars)} bars; the largest is {biggest.label}: {_number(biggest.value)} {unit}."
    return _svg(chart_id, title, desc, height, format_html("{}{}", rows, legend))


def _bar_row(index: int, bar: Bar, largest: int, span: int, unit: str) -> SafeString:
    y, length = index * ROW + 4, round(span * bar.value / largest, 1)
    marker = f" · {bar.mark}" if bar.mark else ""
    return format_html(
        '<g class="bar-row"><title>{0}: {1} {2}{3}</title>'
        '<text x="{4}" y="{5}" text-anchor="end">{6}</text>'
        '<rect class="bar" x="{7}" y="{8}" width="{9}" height="{10}" fill="{11}"/>'
        '<text x="{12}" y="{5}">{1}<tspan font-weight="bold" fill="{11}">{3}</tspan></text></g>',
        bar.label, _number(bar.value), unit, marker, LABEL_WIDTH - 8, y + BAR - 3, _short(bar.label),
        LABEL_WIDTH, y, length, BAR, COLOURS.get(bar.mark, COLOURS[""]), LABEL_WIDTH + length + 6)


def _legend(marks: list[str], y: int) -> SafeString:
    items = ((LABEL_WIDTH + 150 * i, y, COLOURS[m], m or "other") for i, m in enumerate(["", *marks]))
    return format_html_join("", '<rect x="{0}" y="{1}" width="10" height="10" fill="{2}"/>'
                            '<text x="{0}" dx="14" y="{1}" dy="9" font-size="11">{3}</text>', items)


def month_chart(months: list[tuple[date, int]], *, chart_id: str = "chart-months",
                title: str = "Searches by month") -> SafeString:
    """Vertical bars, one a month; the busiest month reaches the top of the plot."""
    if not months or not any(n for _, n in months):
        return _empty(chart_id, title, "No data: no dated searches to chart.")
    largest, slot = max(n for _, n in months), (WIDTH - AXIS_WIDTH - 8) / len(months)
    step = -(-len(months) // 12)  # label at most twelve months, so the labels never overlap
    bars = format_html_join("", "{}", ((_month_bar(i, month, n, largest, slot, step, len(months) <= 24),)
                                       for i, (month, n) in enumerate(months)))
    busiest = max(months, key=lambda m: m[1])
    desc = (f"{len(months)} months from {months[0][0]:%B %Y} to {months[-1][0]:%B %Y}; "
            f"the most searches, {_number(busiest[1])}, in {busiest[0]:%B %Y}.")
    return _svg(chart_id, title, desc, PLOT_TOP + PLOT_HEIGHT + 34, format_html("{}{}", _axis(largest), bars))


def _axis(largest: int) -> SafeString:
    base = PLOT_TOP + PLOT_HEIGHT
    lines = [(base - PLOT_HEIGHT * share, _number(round(largest * share))) for share in (0, 0.5, 1)]
    return format_html_join("", '<line x1="{0}" x2="{1}" y1="{2}" y2="{2}" stroke="#d9dee6"/>'
                            '<text x="{3}" y="{2}" dy="4" text-anchor="end" font-size="11" fill="#5b6576">{4}</text>',
                            ((AXIS_WIDTH, WIDTH - 4, round(y, 1), AXIS_WIDTH - 6, label) for y, label in lines))


def _month_bar(index: int, month: date, n: int, largest: int, slot: float, step: int, values: bool) -> SafeString:
    height = round(PLOT_HEIGHT * n / largest, 1)
    x, width = AXIS_WIDTH + index * slot + slot * 0.15, max(round(slot * 0.7, 1), 1)
    top, middle = PLOT_TOP + PLOT_HEIGHT - height, round(AXIS_WIDTH + index * slot + slot / 2, 1)
    label = format_html('<text x="{}" y="{}" text-anchor="middle" font-size="11">{}</text>',
                        middle, PLOT_TOP + PLOT_HEIGHT + 16, f"{month:%b} ’{month:%y}") if index % step == 0 else ""
    value = format_html('<text x="{}" y="{}" text-anchor="middle" font-size="10" fill="#5b6576">{}</text>',
                        middle, round(top - 4, 1), _number(n)) if values and n else ""
    return format_html('<g class="bar-col"><title>{}: {} searches</title>'
                       '<rect class="bar" x="{}" y="{}" width="{}" height="{}" fill="{}"/>{}{}</g>',
                       f"{month:%B %Y}", _number(n), round(x, 1), round(top, 1), width, height, COLOURS[""],
                       value, label)


def category_bars(categories: Iterable[tuple[str, str, int]]) -> list[Bar]:
    return [Bar(label, n) for _, label, n in categories]


def organization_bars(organizations: Iterable[dict], home_state: str) -> list[Bar]:
    """Top searching organizations; federal ones and (when the home state is known) out-of-state ones marked."""
    def mark(org: dict) -> str:
        if org["federal"]:
            return "federal"
        state = org["organization_state"]
        return "out of state" if home_state and state and state != home_state else ""
    return [Bar(org["organization"], org["n"], mark(org)) for org in organizations]


def report_charts(report: _Figures) -> ReportCharts:
    return ReportCharts(
        months=month_chart(report.months),
        categories=bar_chart(category_bars(report.categories), chart_id="chart-categories",
                             title="Flagged searches by category", empty="No data: no search matched a rule."),
        organizations=bar_chart(organization_bars(report.organizations, report.home_state),
                                chart_id="chart-organizations", title="Top searching organizations",
                                empty="No data: the export names no searching organizations."),
    )
