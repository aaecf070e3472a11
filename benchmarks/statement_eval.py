"""Accuracy of the statement parser against gold declarations.

Runs ``parse_statement`` over the five seed statements (../shared/seeds, when present) and
the evaluation set (tests/statement/fixtures/eval) and prints per file and overall:

- cookies P / R / F1: declared cookie patterns, a hit when pattern *and* match kind agree;
- lifetime: share of gold cookies whose lifetime and max_age_days the parser got right
  (a missed cookie counts as wrong);
- purpose: the same for purposes;
- vendor: the same for the gold cookies that name a vendor (the gold leaves vendor out where
  the statement names none);
- services: gold services found (by name, case-insensitive) / gold services, and the number
  of extra services the parser reported;
- claims: claim fields equal to the gold's.

    python benchmarks/statement_eval.py [--only NAME] [--details]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cookieaudit.statement import parse_statement  # noqa: E402

SEEDS_DIR = ROOT.parent / "shared" / "seeds"
EVAL_DIR = ROOT / "tests" / "statement" / "fixtures" / "eval"
SUFFIXES = (".txt", ".html", ".md", ".pdf")
CLAIM_FIELDS = ("declared_purposes", "only_purposes", "excluded_purposes", "all_session",
                "consent_required_for", "analytics_privacy_friendly")


def statements() -> list[tuple[str, Path, Path]]:
    """(label, statement, gold) for every seed and evaluation statement found."""
    found = []
    for folder, label in ((SEEDS_DIR, "seed"), (EVAL_DIR, "eval")):
        if not folder.is_dir():
            continue
        for gold in sorted(folder.glob("*.expected.json")):
            stem = gold.name[: -len(".expected.json")]
            source = next((folder / f"{stem}{s}" for s in SUFFIXES if (folder / f"{stem}{s}").is_file()), None)
            if source is not None:
                found.append((f"{label}/{stem}", source, gold))
    return found


def same_days(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(float(a), float(b), rel_tol=1e-4, abs_tol=1e-5)


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
    found = {(c["pattern"], c["match"]): c for c in declaration["cookies"]}
    wanted = {(c["pattern"], c["match"]): c for c in gold["cookies"]}
    s.gold_cookies, s.found_cookies = len(wanted), len(found)
    for key, g in wanted.items():
        c = found.get(key)
        if c is None:
            s.problems.append(f"missed cookie {key[0]!r} ({key[1]})")
            continue
        s.matched += 1
        if c["lifetime"] == g["lifetime"] and same_days(c["max_age_days"], g["max_age_days"]):
            s.lifetimes += 1
        else:
            s.problems.append(f"lifetime {key[0]!r}: {c['lifetime']} {c['max_age_days']} != {g['lifetime']} {g['max_age_days']}")
        if c["purpose"] == g["purpose"]:
            s.purposes += 1
        else:
            s.problems.append(f"purpose {key[0]!r}: {c['purpose']} != {g['purpose']}")
        if "vendor" in g:
            s.vendor_total += 1
            if c["vendor"] == g["vendor"]:
                s.vendors += 1
            else:
                s.problems.append(f"vendor {key[0]!r}: {c['vendor']!r} != {g['vendor']!r}")
    for key in found.keys() - wanted.keys():
        s.problems.append(f"extra cookie {key[0]!r} ({key[1]})")
    found_services = {x["name"].casefold(): x for x in declaration["services"]}
    s.gold_services = len(gold["services"])
    for g in gold["services"]:
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
        if declaration["claims"].get(name) == gold["claims"].get(name):
            s.claims += 1
        else:
            s.problems.append(f"claim {name}: {declaration['claims'].get(name)} != {gold['claims'].get(name)}")
    if declaration["warnings"] != gold["warnings"]:
        s.problems.append(f"warnings: {declaration['warnings']} != {gold['warnings']}")
    if declaration["language"] != gold["language"]:
        s.problems.append(f"language: {declaration['language']} != {gold['language']}")
    return s


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    -"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="only statements whose label contains this")
    parser.add_argument("--details", action="store_true", help="list every difference from the gold")
    args = parser.parse_args(argv)
    total = Score()
    header = f"{'statement':38} {'gold':>4} {'found':>5} {'P':>6} {'R':>6} {'F1':>6} {'life':>6} {'purp':>6} {'vend':>6} {'serv':>7} {'claims':>6}"
    print(header)
    print("-" * len(header))
    for label, source, gold_path in statements():
        if args.only and args.only not in label:
            continue
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        declaration = parse_statement(source).model_dump(mode="json")
        s = score(declaration, gold)
        total.add(s)
        services = f"{s.services}/{s.gold_services}" + (f"+{s.extra_services}" if s.extra_services else "")
        print(f"{label:38} {s.gold_cookies:4} {s.found_cookies:5} {_pct(s.matched, s.found_cookies) if s.found_cookies else '    -':>6} "
              f"{_pct(s.matched, s.gold_cookies):>6} {100 * s.f1 if s.gold_cookies or s.found_cookies else 100:5.1f}% "
              f"{_pct(s.lifetimes, s.gold_cookies):>6} {_pct(s.purposes, s.gold_cookies):>6} {_pct(s.vendors, s.vendor_total):>6} "
              f"{services:>7} {_pct(s.claims, s.claims_total):>6}")
        if args.details:
            for problem in s.problems:
                print(f"    {problem}")
    print("-" * len(header))
    print(f"{'overall':38} {total.gold_cookies:4} {total.found_cookies:5} {100 * total.precision:5.1f}% {100 * total.recall:5.1f}% "
          f"{100 * total.f1:5.1f}% {_pct(total.lifetimes, total.gold_cookies):>6} {_pct(total.purposes, total.gold_cookies):>6} "
          f"{_pct(total.vendors, total.vendor_total):>6} {f'{total.services}/{total.gold_services}+{total.extra_services}':>7} "
          f"{_pct(total.claims, total.claims_total):>6}")
    print(f"\ncookie patterns: precision {100 * total.precision:.1f} %, recall {100 * total.recall:.1f} %, F1 {100 * total.f1:.1f} %; "
          f"lifetimes right {_pct(total.lifetimes, total.gold_cookies).strip()}; purposes right {_pct(total.purposes, total.gold_cookies).strip()}; "
          f"vendors right {_pct(total.vendors, total.vendor_total).strip()}; services found {total.services}/{total.gold_services} "
          f"({total.extra_services} extra); claims right {_pct(total.claims, total.claims_total).strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
