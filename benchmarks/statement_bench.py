"""Median time to parse a 50 KB privacy statement (text) into a declaration.

    python benchmarks/statement_bench.py [--size 50000] [--runs 30]

The statement is built from the test fixtures (a cookie section with bullets, a table and a
run-together CMP table) inside general privacy prose, like a municipal statement. The first
parse (loading the vocabulary and the rule set) is timed separately.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cookieaudit.statement import parse_text  # noqa: E402

FIXTURES = ROOT / "tests" / "statement" / "fixtures"

PROSE = """
Verwerking van persoonsgegevens

De gemeente verwerkt persoonsgegevens voor de uitvoering van haar wettelijke taken, zoals de
Basisregistratie Personen, de Participatiewet en de Wet maatschappelijke ondersteuning. Wij
bewaren gegevens niet langer dan nodig en reageren binnen 4 weken op uw verzoek. Logbestanden
van de webserver bewaren wij 6 maanden; daarin staan de laatste 6 cijfers van het IP-adres niet.

 • Recht op inzage in uw persoonsgegevens en de verwerking daarvan door de gemeente.
 • Recht op correctie, aanvulling, verwijdering of afscherming van uw gegevens.
 • Recht van verzet tegen verwerking van uw persoonsgegevens.
"""


def build_statement(size: int) -> str:
    """About ``size`` characters: prose, then the cookie sections, then more prose."""
    cookie_part = "\n\n".join(
        (FIXTURES / name).read_text(encoding="utf-8") for name in ("nl_cmp_runtogether.txt", "en_cookie_policy.md")
    )
    prose_needed = max(0, size - len(cookie_part))
    prose = (PROSE * (prose_needed // len(PROSE) + 1))[:prose_needed]
    half = len(prose) // 2
    return prose[:half] + "\n\n" + cookie_part + "\n\n" + prose[half:]


def main() -> None:
    """Print the first-parse time and the median of repeated parses."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=50_000, help="statement size in characters")
    parser.add_argument("--runs", type=int, default=30, help="timed parses")
    args = parser.parse_args()
    text = build_statement(args.size)
    started = time.perf_counter()
    declaration = parse_text(text, source="bench.txt")
    first = time.perf_counter() - started
    times = []
    cpu = []  # process CPU time: what the parse costs even when other work shares the machine
    for _ in range(args.runs):
        started = time.perf_counter()
        started_cpu = time.process_time()
        parse_text(text, source="bench.txt")
        cpu.append(time.process_time() - started_cpu)
        times.append(time.perf_counter() - started)
    print(f"statement: {len(text):,} characters, {len(declaration.cookies)} cookies, {len(declaration.services)} services")
    print(f"first parse (loads vocabulary and rule set): {first * 1000:.1f} ms")
    print(f"median parse over {args.runs} runs: {statistics.median(times) * 1000:.1f} ms "
          f"(min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f})")
    print(f"median CPU time per parse: {statistics.median(cpu) * 1000:.1f} ms (min {min(cpu) * 1000:.1f})")


if __name__ == "__main__":
    main()
