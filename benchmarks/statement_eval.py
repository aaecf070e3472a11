"""Accuracy of the statement parser against gold declarations.

Parts, scored and printed separately:

- ``dev``: the five seed statements (../shared/seeds, when present) and the development set
  (tests/statement/fixtures/eval and its subfolders), which the parser is tuned on. Four of its
  subfolders were run once as unseen statements before they became development material:
  ``round1_heldback/`` (round 1's held-back part, 22 statements by another engineer: F1 69.3 %),
  ``round2_heldback/`` (round 2's held-back part, 24 statements by another engineer: F1 92.1 %,
  lifetimes 80.3 %), ``round2_unseen/`` (10 statements by round 2's tuner: F1 86.9 %,
  lifetimes 74.2 %) and ``round3_unseen/`` (8 statements by round 3's tuner, written before
  tuning: F1 98.6 %, lifetimes 85.7 % before and 88.6 % after round 3's tuning); since round 4
  also ``round3_heldback/`` (round 3's held-back part, 24 statements by another engineer: F1
  89.3 % / 91.3 %, lifetimes 69.6 % / 76.8 % before / after round 3); since round 5 also
  ``round4_heldback/`` (round 4's held-back part, 24 statements by another engineer: F1
  90.8 % / 90.9 %, lifetimes 82.0 % / 82.6 % before / after round 4); since round 6 also
  ``round5_heldback/`` (round 5's held-back part, 24 statements by another engineer: F1
  95.7 % / 96.2 %, lifetimes 84.5 % / 91.1 % before / after round 5);
  ``--part heldback5`` / ``heldback4`` / ``heldback3`` / ``heldback2`` / ``round2_unseen`` / ``round3_unseen``
  still select those alone;
- ``heldback``: the current held-back part, tests/statement/fixtures/heldback6 (issue 9, round 6),
  written by someone else before the round's tuning and run once at the end (same fixture and gold
  format; the part is reported absent when the folder is — round 6 has none).

Per file and per part it prints:

- cookies P / R / F1 (micro, over declared names): a hit when the name agrees, with a prefix
  ``X`` and a glob ``X*`` counted as the same name (both conventions occur in gold files);
- lifetime: share of gold cookies whose lifetime is right and whose max_age_days is within
  10 % (a missed cookie counts as wrong);
- purpose: the same for purposes;
- vendor: the same for the gold cookies that name a vendor (the gold leaves vendor out where
  the statement names none). The reader reports the vendor as the statement spells it
  ("Siteimprove", "Twitter"), gold files sometimes the rule set's product name ("Siteimprove
  Analytics", "X (Twitter)"): a vendor counts as right when both spellings resolve to the same
  rule-set vendor through its names and aliases (case-insensitive), else only when they are
  equal. A company name ("Google LLC") is no alias of a product and stays wrong;
- services: gold services found (by name, case-insensitive) / gold services, and the number
  of extra services the parser reported;
- claims: claim fields equal to the gold's.

    python benchmarks/statement_eval.py [--part dev|heldback|heldback5|heldback4|heldback3|round3_unseen|heldback2|round2_unseen|all] [--only NAME] [--details]
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cookieaudit.statement import parse_statement  # noqa: E402

SEEDS_DIR = Path(os.environ.get("COOKIEAUDIT_SEEDS_DIR") or ROOT.parent / "shared" / "seeds")
EVAL_DIR = ROOT / "tests" / "statement" / "fixtures" / "eval"
FIXTURES_DIR = ROOT / "tests" / "statement" / "fixtures"
HELDBACK_DIR = FIXTURES_DIR / "heldback6"  # round 6's held-back part, when one is written; run once
PARTS = {
    "dev": ((SEEDS_DIR, "seed"), (EVAL_DIR, "eval")),
    "heldback": ((HELDBACK_DIR, "heldback6"),),
    # former unseen parts, development material now (inside "dev"); selectable alone
    "heldback5": ((EVAL_DIR / "round5_heldback", "eval/round5_heldback"),),
    "heldback4": ((EVAL_DIR / "round4_heldback", "eval/round4_heldback"),),
    "heldback3": ((EVAL_DIR / "round3_heldback", "eval/round3_heldback"),),
    "round3_unseen": ((EVAL_DIR / "round3_unseen", "eval/round3_unseen"),),
    "heldback2": ((EVAL_DIR / "round2_heldback", "eval/round2_heldback"),),
    "round2_unseen": ((EVAL_DIR / "round2_unseen", "eval/round2_unseen"),),
}
SUFFIXES = (".txt", ".html", ".md", ".pdf")
LIFETIME_TOLERANCE = 0.10  # max_age_days within 10 % counts as right
CLAIM_FIELDS = ("declared_purposes", "only_purposes", "excluded_purposes", "all_session",
                "consent_required_for", "analytics_privacy_friendly")


def statements(part: str = "dev") -> list[tuple[str, Path, Path]]:
    """(label, statement, gold) for every statement of a part ("dev" or "heldback") found."""
    found = []
    for folder, label in PARTS[part]:
        if not folder.is_dir():
            continue
        for gold in sorted(folder.rglob("*.expected.json")):
            stem = gold.name[: -len(".expected.json")]
            where = gold.parent
            source = next((where / f"{stem}{s}" for s in SUFFIXES if (where / f"{stem}{s}").is_file()), None)
            if source is not None:
                sub = where.relative_to(folder).as_posix()
                found.append((f"{label}/{sub + '/' if sub != '.' else ''}{stem}", source, gold))
    return found


@functools.lru_cache(maxsize=1)
def _vendor_ids() -> dict[str, frozenset[str]]:
    """Each rule-set vendor name and alias, case-folded, and the vendor ids it names."""
    from cookieaudit.ruleset import load_ruleset

    ids: dict[str, set[str]] = {}
    for vendor in load_ruleset().vendors.values():
        for spelling in (vendor.name, *vendor.aliases):
            ids.setdefault(spelling.casefold(), set()).add(vendor.id)
    return {spelling: frozenset(found) for spelling, found in ids.items()}


def same_vendor(found, wanted) -> bool:
    """Equal, or two spellings (name or alias) of the same rule-set vendor."""
    if found == wanted:
        return True
    if not found or not wanted:
        return False
    ids = _vendor_ids()
    return bool(ids.get(found.casefold(), frozenset()) & ids.get(wanted.casefold(), frozenset()))


def same_days(a, b, tolerance: float = 1e-4) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(float(a), float(b), rel_tol=tolerance, abs_tol=1e-5)


def name_key(cookie: dict) -> str:
    """A declared name as one string: prefix ``X`` and glob ``X*`` are the same name."""
    pattern, match = cookie["pattern"], cookie["match"]
    return pattern + "*" if match == "prefix" else pattern


@dataclass
class Score:
    gold_cookies: int = 0
    found_cookies: int = 0
    matched: int = 0
    lifetimes: int = 0
    purposes: int = 0
    vendor_total: int = 0
    vendors: int = 0
    gold_services: int = 0
    services: int = 0
    extra_services: int = 0
    claims_total: int = 0
    claims: int = 0
    problems: list[str] = field(default_factory=list)

    def add(self, other: "Score") -> None:
        for name in ("gold_cookies", "found_cookies", "matched", "lifetimes", "purposes", "vendor_total", "vendors",
                     "gold_services", "services", "extra_services", "claims_total", "claims"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def precision(self) -> float:
        return self.matched / self.found_cookies if self.found_cookies else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold_cookies if self.gold_cookies else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(declaration: dict, gold: dict) -> Score:
    s = Score()
    found = {name_key(c): c for c in declaration["cookies"]}
    wanted = {name_key(c): c for c in gold["cookies"]}
    s.gold_cookies, s.found_cookies = len(wanted), len(found)
    for key, g in wanted.items():
        c = found.get(key)
        if c is None:
            s.problems.append(f"missed cookie {key!r}")
            continue
        s.matched += 1
        if c["lifetime"] == g["lifetime"] and same_days(c["max_age_days"], g["max_age_days"], LIFETIME_TOLERANCE):
            s.lifetimes += 1
        else:
            s.problems.append(f"lifetime {key!r}: {c['lifetime']} {c['max_age_days']} != {g['lifetime']} {g['max_age_days']}")
        if c["purpose"] == g.get("purpose"):
            s.purposes += 1
        else:
            s.problems.append(f"purpose {key!r}: {c['purpose']} != {g.get('purpose')}")
        if "vendor" in g:
            s.vendor_total += 1
            if same_vendor(c["vendor"], g["vendor"]):
                s.vendors += 1
            else:
                s.problems.append(f"vendor {key!r}: {c['vendor']!r} != {g['vendor']!r}")
    for key in found.keys() - wanted.keys():
        s.problems.append(f"extra cookie {key!r}")
    found_services = {x["name"].casefold(): x for x in declaration["services"]}
    s.gold_services = len(gold.get("services", []))
    for g in gold.get("services", []):
        x = found_services.pop(g["name"].casefold(), None)
        if x is None:
            s.problems.append(f"missed service {g['name']!r}")
            continue
        s.services += 1
        diffs = [k for k in ("vendor", "purpose", "lifetime") if x.get(k) != g.get(k)]
        if diffs or not same_days(x.get("max_age_days"), g.get("max_age_days")):
            s.problems.append(f"service {g['name']!r} differs in {diffs or ['max_age_days']}")
    for name in found_services:
        s.extra_services += 1
        s.problems.append(f"extra service {name!r}")
    for name in CLAIM_FIELDS:
        s.claims_total += 1
        if declaration["claims"].get(name) == gold.get("claims", {}).get(name):
            s.claims += 1
        else:
            s.problems.append(f"claim {name}: {declaration['claims'].get(name)} != {gold.get('claims', {}).get(name)}")
    if "warnings" in gold and declaration["warnings"] != gold["warnings"]:
        s.problems.append(f"warnings: {declaration['warnings']} != {gold['warnings']}")
    if "language" in gold and declaration["language"] != gold["language"]:
        s.problems.append(f"language: {declaration['language']} != {gold['language']}")
    return s


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    -"


def run_part(part: str, only: str | None, details: bool) -> tuple[Score, dict[str, tuple[Score, int]]] | None:
    """Score one part and print its table: its total, and the totals of its subfolders
    (``eval/round1_heldback``, …) with their statement counts; None when the part has none."""
    found = statements(part)
    if not found:
        return None
    total = Score()
    groups: dict[str, tuple[Score, int]] = {}
    header = f"{'statement':58} {'gold':>4} {'found':>5} {'P':>6} {'R':>6} {'F1':>6} {'life':>6} {'purp':>6} {'vend':>6} {'serv':>7} {'claims':>6}"
    print(header)
    print("-" * len(header))
    for label, source, gold_path in found:
        if only and only not in label:
            continue
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        try:
            declaration = parse_statement(source).model_dump(mode="json")
        except Exception as exc:  # one unreadable statement scores as all missed, the run goes on
            print(f"{label:58} error: {type(exc).__name__}: {exc}")
            declaration = {"language": None, "cookies": [], "services": [], "claims": {}, "warnings": []}
        s = score(declaration, gold)
        total.add(s)
        if label.count("/") > 1:
            group = label.rsplit("/", 1)[0]
            subtotal, count = groups.get(group, (Score(), 0))
            subtotal.add(s)
            groups[group] = (subtotal, count + 1)
        services = f"{s.services}/{s.gold_services}" + (f"+{s.extra_services}" if s.extra_services else "")
        print(f"{label:58} {s.gold_cookies:4} {s.found_cookies:5} {_pct(s.matched, s.found_cookies) if s.found_cookies else '    -':>6} "
              f"{_pct(s.matched, s.gold_cookies):>6} {100 * s.f1 if s.gold_cookies or s.found_cookies else 100:5.1f}% "
              f"{_pct(s.lifetimes, s.gold_cookies):>6} {_pct(s.purposes, s.gold_cookies):>6} {_pct(s.vendors, s.vendor_total):>6} "
              f"{services:>7} {_pct(s.claims, s.claims_total):>6}")
        if details:
            for problem in s.problems:
                print(f"    {problem}")
    print("-" * len(header))
    print(f"{'overall':58} {total.gold_cookies:4} {total.found_cookies:5} {100 * total.precision:5.1f}% {100 * total.recall:5.1f}% "
          f"{100 * total.f1:5.1f}% {_pct(total.lifetimes, total.gold_cookies):>6} {_pct(total.purposes, total.gold_cookies):>6} "
          f"{_pct(total.vendors, total.vendor_total):>6} {f'{total.services}/{total.gold_services}+{total.extra_services}':>7} "
          f"{_pct(total.claims, total.claims_total):>6}")
    return total, groups


def summary(part: str, total: Score, statements_count: int) -> str:
    return (f"{part}: {statements_count} statements, {total.gold_cookies} declared names: micro F1 {100 * total.f1:.1f} % "
            f"(precision {100 * total.precision:.1f} %, recall {100 * total.recall:.1f} %); "
            f"lifetimes right (within 10 %) {_pct(total.lifetimes, total.gold_cookies).strip()}; "
            f"purposes right {_pct(total.purposes, total.gold_cookies).strip()}; vendors right {_pct(total.vendors, total.vendor_total).strip()}; "
            f"services found {total.services}/{total.gold_services} ({total.extra_services} extra); "
            f"claims right {_pct(total.claims, total.claims_total).strip()}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=tuple(PARTS) + ("all",), default="dev",
                        help="which statements: the development part (default), the current held-back part, "
                             "a former held-back or unseen part of dev alone, or dev and held-back together")
    parser.add_argument("--only", help="only statements whose label contains this")
    parser.add_argument("--details", action="store_true", help="list every difference from the gold")
    args = parser.parse_args(argv)
    parts = ("dev", "heldback") if args.part == "all" else (args.part,)
    lines = []
    for part in parts:
        print(f"\n== {part} ==")
        scored = run_part(part, args.only, args.details)
        if scored is None:
            where = PARTS[part][0][0] if part != "dev" else EVAL_DIR
            message = f"{part}: no statements (folder {where.relative_to(ROOT)} absent or empty)"
            print(message)
            lines.append(message)
            continue
        total, groups = scored
        count = sum(1 for label, _, _ in statements(part) if not args.only or args.only in label)
        lines.append(summary(part, total, count))
        for group, (subtotal, group_count) in groups.items():
            lines.append(summary(f"  of which {group}", subtotal, group_count))
    print()
    for line in lines:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
