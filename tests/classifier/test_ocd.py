"""Importing an Open Cookie Database CSV (our own sample in the published column layout)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cookieaudit.classifier import Classifier
from cookieaudit.cli import main
from cookieaudit.errors import InputError
from cookieaudit.ocd import OCD_COLUMNS, convert_ocd_csv, parse_retention
from cookieaudit.ruleset import find_conflicts, load_ruleset

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = FIXTURES / "ocd_sample.csv"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """Run the CLI in-process; (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as done:
        main(list(argv))
    captured = capsys.readouterr()
    return done.value.code, captured.out, captured.err


@pytest.fixture(scope="module")
def base() -> Classifier:
    """A classifier that knows Google Analytics, for mapping OCD platforms onto vendors."""
    return Classifier([FIXTURES / "precedence.yaml"], builtin=False).load()


def test_sample_uses_the_published_header():
    """Our sample CSV has exactly the OCD column layout."""
    assert SAMPLE.read_text(encoding="utf-8").splitlines()[0].split(",") == list(OCD_COLUMNS)


def test_conversion(base):
    """Categories, names, wildcards, domains and retention periods are converted as documented."""
    converted = convert_ocd_csv(SAMPLE, classifier=base)
    rules = {r["pattern"]: r for r in converted.data["cookies"]}
    assert converted.rows == 9
    assert set(rules) == {"exs_visitor", "exs_run_", "adx_uid", "FC*", "cx_lang", "shield_bm", "_ga_"}
    assert rules["exs_visitor"]["purpose"] == "analytic" and rules["exs_visitor"]["match"] == "exact"
    assert rules["exs_visitor"]["lifetime"] == pytest.approx(395.72)
    assert rules["exs_run_"]["match"] == "prefix" and rules["exs_run_"]["lifetime"] == pytest.approx(30 / 1440, abs=0.01)
    assert rules["adx_uid"]["domains"] == ["adexample.net", "adexample.com"] and rules["adx_uid"]["purpose"] == "marketing"
    assert rules["FC*"]["match"] == "glob" and rules["FC*"]["domains"] == ["adexample.net"]
    assert rules["cx_lang"]["purpose"] == "functional" and rules["cx_lang"]["lifetime"] == "session"
    assert rules["shield_bm"]["purpose"] == "functional"
    assert "domains" not in rules["_ga_"]  # also first party: stays generic
    assert rules["_ga_"]["vendor"] == "google-analytics"  # mapped onto the vendor we know
    assert {v["id"] for v in converted.data["vendors"]} == {"ocd-example-stats", "ocd-ad-example",
                                                            "ocd-consent-example", "ocd-shield-example"}
    assert len(converted.skipped) == 2
    assert any("'C'" in line and "too short" in line for line in converted.skipped)
    assert any("Unclassified" in line for line in converted.skipped)
    assert "Apache License, Version 2.0" in converted.data["attribution"]
    assert "github.com/jkwakman/Open-Cookie-Database" in converted.data["attribution"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("session", "session"),
        ("End of session (browser)", "session"),
        ("1 year", 365.0),
        ("2 years after last activity", 730.0),
        ("24 hours", 1.0),
        ("30 days", 30.0),
        ("1 minute", pytest.approx(1 / 1440, abs=0.01)),
        ("Unknown", None),
        ("forever", None),
        ("", None),
    ],
)
def test_parse_retention(text, value):
    """OCD's free-text retention periods become 'session', days or None."""
    assert parse_retention(text) == value


def test_import_ocd_round_trip(capsys, tmp_path):
    """The CLI writes a rule file that validates, carries the attribution and classifies."""
    out = tmp_path / "ocd.yaml"
    code, stdout, stderr = run(capsys, "rules", "import-ocd", str(SAMPLE), "-o", str(out), "--standalone")
    assert code == 0, stderr
    assert "7 cookie rules" in stdout and "2 skipped" in stdout
    assert stderr.count("skipped line") == 2
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert "Apache License" in data["attribution"]
    code, stdout, _ = run(capsys, "rules", "validate", "--no-builtin-rules", str(out))
    assert code == 0 and stdout.startswith("OK: ")
    classifier = Classifier([out], builtin=False)
    assert classifier.classify("exs_run_42").purpose == "analytic"
    assert classifier.classify("FC12345", domain=".adexample.net").vendor == "Ad Example"
    assert classifier.classify("adx_uid", domain="adexample.com").confidence == 1.0
    assert classifier.classify("mystery_cookie").purpose == "unknown"
    assert not find_conflicts(load_ruleset([out], builtin=False))


def test_import_ocd_maps_onto_builtin_vendors(capsys, tmp_path):
    """Without --standalone the output refers to built-in vendors and validates with the built-in set."""
    out = tmp_path / "ocd.yaml"
    code, _, stderr = run(capsys, "rules", "import-ocd", str(SAMPLE), "-o", str(out))
    assert code == 0, stderr
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    ga = next(r for r in data["cookies"] if r["pattern"] == "_ga_")
    assert ga["vendor"] == "google-analytics"
    assert "google-analytics" not in {v["id"] for v in data["vendors"]}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("ID,Platform,Category\n1,x,Analytics\n", "missing column 'Cookie / Data Key name'"),
        ("", "missing column 'ID'"),
        (",".join(OCD_COLUMNS) + "\n", "no usable rows"),
    ],
)
def test_import_ocd_bad_csv(capsys, tmp_path, content, message):
    """A CSV that is not in the OCD layout (or has nothing usable) is one line and exit 2."""
    source = tmp_path / "bad.csv"
    source.write_text(content, encoding="utf-8")
    code, _, err = run(capsys, "rules", "import-ocd", str(source), "-o", str(tmp_path / "out.yaml"), "--standalone")
    assert code == 2
    assert message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out.yaml").exists()


def test_import_ocd_not_utf8(tmp_path):
    """A file that is not UTF-8 is an InputError."""
    source = tmp_path / "latin1.csv"
    source.write_bytes(",".join(OCD_COLUMNS).encode() + b"\n1,Caf\xe9,Analytics,x,,d,1 year,c,,0\n")
    with pytest.raises(InputError, match="not UTF-8"):
        convert_ocd_csv(source)


def test_import_ocd_requires_output(capsys):
    """-o is required."""
    code, _, err = run(capsys, "rules", "import-ocd", str(SAMPLE))
    assert code == 2 and "-o" in err
