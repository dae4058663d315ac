"""Precision and recall of the flagging rules on the labelled corpus, per category, for the
current rule set and the one before it (the baseline), in one run.

The corpus is tests/auditlogs/rules_corpus/: real-world search reasons and searching
organizations, each labelled with the categories an analyst expects (none for a trap).
A reason is scored on the four reason categories, an organization on "federal".
Figures are reported, not asserted: the script always exits 0.

Run from the repository root:

    .venv/bin/python bench/rules.py
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
from bench.audit_log import setup_django  # noqa: E402


@dataclass
class Score:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    def add(self, found: bool, expected: bool) -> None:
        self.true_positives += found and expected
        self.false_positives += found and not expected
        self.false_negatives += expected and not found

    @staticmethod
    def ratio(part: int, whole: int) -> str:
        return f"{part / whole:.3f}" if whole else "  -  "

    def precision(self) -> str:
        return self.ratio(self.true_positives, self.true_positives + self.false_positives)

    def recall(self) -> str:
        return self.ratio(self.true_positives, self.true_positives + self.false_negatives)


def scores(version) -> dict[str, Score]:
    """Per category, how the rule set ``version`` (a module with RULES and FEDERAL) does."""
    from requests_app.auditlogs import rules
    from tests.auditlogs.rules_corpus import load

    result = {category: Score() for category in rules.CATEGORIES}
    for text, expected in load("reasons"):
        found = {r.category for r in version.RULES if r.matches(text)}
        for category in rules.CATEGORIES.keys() - {"federal"}:
            result[category].add(category in found, category in expected)
    for name, expected in load("organizations"):
        result["federal"].add(any(r.matches(name) for r in version.FEDERAL), "federal" in expected)
    return result


def main() -> None:
    setup_django()
    from requests_app.auditlogs import rules, rules_2026_11_1
    from tests.auditlogs.rules_corpus import load

    print(f"corpus: {len(load('reasons'))} reasons, {len(load('organizations'))} organizations\n")
    print(f"{'category':<22}{'version':<12}{'precision':>10}{'recall':>8}{'TP':>5}{'FP':>5}{'FN':>5}")
    table = {version.VERSION: scores(version) for version in (rules_2026_11_1, rules)}
    for category in rules.CATEGORIES:
        for version, by_category in table.items():
            s = by_category[category]
            print(f"{category:<22}{version:<12}{s.precision():>10}{s.recall():>8}"
                  f"{s.true_positives:>5}{s.false_positives:>5}{s.false_negatives:>5}")


if __name__ == "__main__":
    main()
