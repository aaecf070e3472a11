"""`cookieaudit classify` and `cookieaudit rules …` on fixture rule files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cookieaudit.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
RULES = str(FIXTURES / "precedence.yaml")
ONLY_FIXTURE = ["--rules", RULES, "--no-builtin-rules"]
ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """Run the CLI in-process; (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as done:
        main(list(argv))
    captured = capsys.readouterr()
    return done.value.code, captured.out, captured.err


def run_process(*argv: str) -> subprocess.CompletedProcess:
    """Run the CLI as a separate process with piped output."""
    return subprocess.run([sys.executable, "-m", "cookieaudit", *argv], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


# --- classify --------------------------------------------------------------------------


def test_classify_piped_prints_tsv(capsys):
    """Piped output is a header plus one tab-separated line per name."""
    code, out, _ = run(capsys, "classify", "_ga", "_gcl_au", "nope", *ONLY_FIXTURE)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split("\t") == ["name", "purpose", "vendor", "rule", "lifetime", "party", "confidence", "reason"]
    rows = [line.split("\t") for line in lines[1:]]
    assert [r[:4] for r in rows] == [
        ["_ga", "analytic", "Google Analytics", "ga-client-id"],
        ["_gcl_au", "marketing", "Google Ads", "gcl-au"],
        ["nope", "unknown", "", ""],
    ]


def test_classify_json_has_all_fields(capsys):
    """--format json is a list of objects with every Classification field."""
    code, out, _ = run(capsys, "classify", "NID", "sid", "--domain", ".google.com", "--site", "https://www.denhaag.nl/",
                       "--expires-days", "30", "--format", "json", *ONLY_FIXTURE)
    assert code == 0
    data = json.loads(out)
    assert [d["name"] for d in data] == ["NID", "sid"]
    assert set(data[0]) >= {"name", "domain", "purpose", "vendor", "vendor_id", "rule_id", "lifetime", "party",
                            "confidence", "reason"}
    assert data[0]["rule_id"] == "nid-google" and data[0]["confidence"] == 1.0
    assert data[0]["party"] == "third" and data[0]["lifetime"] == "persistent" and data[0]["domain"] == ".google.com"
    assert data[1]["rule_id"] == "session-generic"


def test_classify_expires_days_zero_is_session(capsys):
    """--expires-days 0 means a session cookie; no option means lifetime unknown."""
    _, out, _ = run(capsys, "classify", "_ga", "--expires-days", "0", "--format", "json", *ONLY_FIXTURE)
    assert json.loads(out)[0]["lifetime"] == "session"
    _, out, _ = run(capsys, "classify", "_ga", "--format", "json", *ONLY_FIXTURE)
    assert json.loads(out)[0]["lifetime"] is None


def test_classify_table_on_a_terminal(capsys, monkeypatch):
    """On a terminal the output is a rich table, with hostile names made safe."""
    import cookieaudit.cli._output as output

    monkeypatch.setattr(output, "stdout_is_terminal", lambda: True)
    monkeypatch.setenv("COLUMNS", "250")  # wide enough that rich does not fold cells
    code, out, _ = run(capsys, "classify", "_ga", "evil\x1b[31m", *ONLY_FIXTURE)
    assert code == 0
    assert "Cookie classification" in out and "Google Analytics" in out
    assert "\x1b[31m" not in out and "evil?[31m" in out


def test_extra_rules_override_in_cli(capsys):
    """--rules files override built-in-style rules by id."""
    _, out, _ = run(capsys, "classify", "_ga", "--rules", RULES, "--rules", str(FIXTURES / "override.yaml"),
                    "--no-builtin-rules", "--format", "json")
    assert json.loads(out)[0]["purpose"] == "marketing"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["classify", ""], "cannot be empty"),
        (["classify", "_ga", "  "], "cannot be empty"),
        (["classify"], "Missing argument"),
        (["classify", "_ga", "--bogus"], "No such option"),
        (["classify", "_ga", "--expires-days", "-1"], "--expires-days"),
        (["classify", "_ga", "--format", "xml"], "--format"),
        (["classify", "_ga", "--no-builtin-rules"], "needs at least one --rules"),
        (["rules", "list", "--purpose", "tracking"], "--purpose"),
    ],
)
def test_usage_errors_exit_2(capsys, argv, message):
    """Empty names, unknown options and bad values are usage errors with exit code 2."""
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert message in err


def test_malformed_rule_file_is_one_line_exit_2_without_traceback():
    """A malformed --rules file: exit 2, one line on stderr naming file, rule and field, no traceback."""
    bad = FIXTURES / "malformed" / "bad_purpose.yaml"
    done = run_process("classify", "_ga", "--rules", str(bad))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "bad_purpose.yaml" in lines[0] and "'broken-purpose'" in lines[0] and "'purpose'" in lines[0]


def test_classify_as_a_process_with_piped_output():
    """The installed entry point works end to end with piped (plain) output."""
    done = run_process("classify", "_hjid", *ONLY_FIXTURE)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1].startswith("_hjid\tanalytic\tHotjar\thj-glob\t")


# --- rules list / show -------------------------------------------------------------------


def test_rules_list_filters(capsys):
    """rules list filters by vendor (id, name or alias) and purpose."""
    _, out, _ = run(capsys, "rules", "list", "--vendor", "HotJar", *ONLY_FIXTURE)
    assert [line.split("\t")[0] for line in out.splitlines()[1:]] == ["hj-glob", "hj-session-glob", "hj-prefix-opt"]
    _, out, _ = run(capsys, "rules", "list", "--purpose", "marketing", "--format", "json", *ONLY_FIXTURE)
    data = json.loads(out)
    assert data and all(r["purpose"] == "marketing" for r in data)
    assert {r["id"] for r in data} == {"gcl-prefix", "gcl-au", "nid-google", "sid-on-example", "sid-on-ads-example",
                                         "visitor-info-youtube"}


def test_rules_list_unknown_vendor_is_an_error(capsys):
    """An unknown --vendor is bad input: one line, exit 2."""
    code, _, err = run(capsys, "rules", "list", "--vendor", "Nobody Inc", *ONLY_FIXTURE)
    assert code == 2 and "no vendor called 'Nobody Inc'" in err


def test_rules_show_rule_and_vendor(capsys):
    """rules show ID shows a rule (with its file) or a vendor with its rules and hosts."""
    _, out, _ = run(capsys, "rules", "show", "pk-id", "--format", "json", *ONLY_FIXTURE)
    rule = json.loads(out)
    assert rule["match"] == "regex" and rule["vendor_name"] == "Matomo" and rule["file"].endswith("precedence.yaml")
    _, out, _ = run(capsys, "rules", "show", "google-ads", *ONLY_FIXTURE)
    fields = dict(line.split("\t", 1) for line in out.splitlines()[1:])
    assert fields["name"] == "Google Ads" and "gcl-au (prefix _gcl_au)" in fields["cookies"]
    assert fields["hosts"] == "doubleclick.net"


def test_rules_show_unknown_id(capsys):
    """An unknown id is exit 2 with one line."""
    code, _, err = run(capsys, "rules", "show", "no-such-rule", *ONLY_FIXTURE)
    assert code == 2 and "no rule or vendor with id 'no-such-rule'" in err


# --- rules validate ------------------------------------------------------------------------


def test_validate_ok(capsys):
    """A valid file without conflicts: exit 0 and an OK summary."""
    code, out, _ = run(capsys, "rules", "validate", "--no-builtin-rules", RULES)
    assert code == 0
    assert out.startswith("OK: ") and "15 cookie rules" in out and "7 vendors" in out


def test_validate_reports_conflicts_exit_1(capsys):
    """Conflicting rules are printed one per line and the exit code is 1."""
    code, out, err = run(capsys, "rules", "validate", "--no-builtin-rules", str(FIXTURES / "conflicts.yaml"))
    assert code == 1
    lines = [line for line in out.splitlines() if line.startswith("conflict: ")]
    assert len(lines) == 4
    assert any("'exact-a'" in line and "'exact-b'" in line and "'_dup'" in line for line in lines)
    assert "4 conflict(s)" in err


@pytest.mark.parametrize("name", sorted(p.name for p in (FIXTURES / "malformed").glob("*.yaml")))
def test_validate_malformed_exit_2(capsys, name):
    """Every malformed fixture: exit 2 and a single error line naming the file."""
    code, out, err = run(capsys, "rules", "validate", "--no-builtin-rules", str(FIXTURES / "malformed" / name))
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and name in err and err.startswith("cookieaudit: error: ")


def test_validate_missing_file(capsys):
    """A file that does not exist is exit 2."""
    code, _, err = run(capsys, "rules", "validate", "--no-builtin-rules", "/nonexistent/rules.yaml")
    assert code == 2 and "no such file" in err
