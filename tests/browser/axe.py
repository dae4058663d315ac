"""axe-core's accessibility rules, run in the browser over a page as a person sees it.

axe.min.js is the copy bundled in the pinned ``axe-playwright-python`` package (axe-core,
MPL-2.0), read from its file: nothing is fetched at run time. Only the script is used, so
the rules and options below are the whole configuration.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from playwright.sync_api import Page

# WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices (unique landmark
# names, heading order, one main landmark...), at every impact level.
RULE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# Rules about a whole page that axe checks on the top-level page only, counting what its
# frames hold: a document shown only inside a frame (the letter preview) is not held to them
# when it is opened on its own. Its other rules all apply.
PAGE_LEVEL_RULES = ["region", "page-has-heading-one", "landmark-one-main"]


@cache
def axe_script() -> str:
    return (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")


def axe_version() -> str:
    return axe_script().split("\n", 1)[0].removeprefix("/*! axe ").strip()


def violations(page: Page, *, framed: bool = False) -> list[str]:
    """Each rule the page breaks, with the elements that break it, as readable lines.

    The letter preview's frame is sandboxed without scripts, so axe cannot look inside it
    from the request page (it reports the frame as untested, not as a violation): the tests
    open the preview's own address as a page instead, ``framed``.
    """
    page.evaluate(axe_script())
    options = {"runOnly": {"type": "tag", "values": RULE_TAGS}}
    if framed:
        options["rules"] = {rule: {"enabled": False} for rule in PAGE_LEVEL_RULES}
    result = page.evaluate("options => axe.run(document, options)", options)
    return [_describe(violation) for violation in result["violations"]]


def _describe(violation: dict) -> str:
    nodes = violation["nodes"]
    where = "; ".join(f"{' '.join(node['target'])}: {_first_line(node['failureSummary'])}" for node in nodes[:5])
    more = f" (and {len(nodes) - 5} more)" if len(nodes) > 5 else ""
    return f"{violation['id']} ({violation['impact']}): {violation['help']}. {where}{more}"


def _first_line(summary: str) -> str:
    lines = [line.strip() for line in summary.splitlines() if line.strip()]
    return lines[1] if len(lines) > 1 else (lines[0] if lines else "")
