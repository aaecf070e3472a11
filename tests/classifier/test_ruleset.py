"""Loading and merging rule files, malformed files, and conflict detection."""

from __future__ import annotations

from pathlib import Path

import pytest

from cookieaudit.classifier import Classifier
from cookieaudit.errors import RuleFileError
from cookieaudit.ruleset import builtin_rule_files, find_conflicts, literal_length, load_ruleset
from cookieaudit.rulefile import CookieRule

FIXTURES = Path(__file__).parent / "fixtures"
MALFORMED = FIXTURES / "malformed"
ROOT = Path(__file__).resolve().parents[2]


def test_builtin_files_come_from_the_source_tree():
    """Running from a checkout, the built-in files are the repository's rules/*.yaml, sorted."""
    files = builtin_rule_files()
    assert files, "no rules/*.yaml found"
    assert all(p.parent == ROOT / "rules" and p.suffix == ".yaml" for p in files)
    assert [p.name for p in files] == sorted(p.name for p in files)


def test_extra_file_overrides_and_adds():
    """Same id replaces the earlier rule (keeping its place); new ids and vendors are added; hosts override too."""
    base = FIXTURES / "precedence.yaml"
    classifier = Classifier([base, FIXTURES / "override.yaml"], builtin=False)
    assert classifier.classify("_ga").purpose == "marketing"
    assert classifier.classify("_ga").description == "Overridden for the test."
    added = classifier.classify("gemeente_bezoeker")
    assert (added.purpose, added.vendor_id, added.vendor) == ("analytic", "inhouse", "In-house Statistics")
    assert list(classifier.rules).index("ga-client-id") == 0
    assert classifier.classify_host("ad.doubleclick.net").vendor_id == "inhouse"
    assert classifier.ruleset.file_of("cookie", "ga-client-id").endswith("override.yaml")
    assert classifier.ruleset.file_of("cookie", "pk-id").endswith("precedence.yaml")
    assert classifier.find_vendor("eigen statistieken").id == "inhouse"


def test_extra_file_alone_cannot_use_vendors_it_does_not_define():
    """Without the base set, the override file's reference to google-analytics is an unknown vendor."""
    with pytest.raises(RuleFileError) as caught:
        load_ruleset([FIXTURES / "override.yaml"], builtin=False)
    assert "unknown vendor 'google-analytics'" in str(caught.value)
    assert caught.value.rule == "ga-client-id" and caught.value.field == "vendor"


@pytest.mark.parametrize(
    ("file", "rule", "field", "words"),
    [
        ("bad_purpose.yaml", "broken-purpose", "purpose", "functional"),
        ("missing_field.yaml", "no-source", "source", "required"),
        ("bad_regex.yaml", "bad-regex", "pattern", "regular expression"),
        ("named_group.yaml", "named-group", "pattern", "named groups"),
        ("unknown_vendor.yaml", "orphan", "vendor", "unknown vendor"),
        ("duplicate_id.yaml", "twice", "id", "repeated"),
        ("negative_lifetime.yaml", "negative", "lifetime", "lifetime"),
        ("not_yaml.yaml", None, None, "not valid YAML at line"),
        ("not_mapping.yaml", None, None, "expected a mapping"),
    ],
)
def test_malformed_file_names_file_rule_and_field(file, rule, field, words):
    """Every kind of malformed file raises one RuleFileError naming the file, the rule and the field."""
    with pytest.raises(RuleFileError) as caught:
        load_ruleset([MALFORMED / file], builtin=False)
    error = caught.value
    assert error.path.endswith(file)
    assert error.rule == rule
    assert error.field == field
    assert words in str(error)
    assert "\n" not in str(error)


def test_builtin_ids_may_not_repeat_across_builtin_files(tmp_path, monkeypatch):
    """Two built-in files defining the same rule id is an error naming both files."""
    (tmp_path / "a.yaml").write_text(
        "vendors: [{id: v, name: V}]\n"
        "cookies: [{id: same, vendor: v, pattern: a, purpose: analytic, description: d, source: s}]\n"
    )
    (tmp_path / "b.yaml").write_text(
        "cookies: [{id: same, vendor: v, pattern: b, purpose: analytic, description: d, source: s}]\n"
    )
    import cookieaudit.ruleset as ruleset_module

    monkeypatch.setattr(ruleset_module, "builtin_rule_files", lambda: [tmp_path / "a.yaml", tmp_path / "b.yaml"])
    with pytest.raises(RuleFileError) as caught:
        load_ruleset()
    assert caught.value.path.endswith("b.yaml") and caught.value.rule == "same"
    assert "a.yaml" in str(caught.value)


def test_conflicts_are_found_and_settled_overlaps_are_not():
    """Same-precedence, same-scope overlaps with a different purpose or vendor are conflicts; nothing else."""
    ruleset = load_ruleset([FIXTURES / "conflicts.yaml"], builtin=False)
    pairs = {(c.first, c.second) for c in find_conflicts(ruleset)}
    assert pairs == {("exact-a", "exact-b"), ("prefix-a", "prefix-b"), ("glob-a", "glob-b"), ("glob-c", "regex-c")}


def test_conflict_description_names_both_rules_and_files():
    """A conflict line names both rules, their file, an example name and what differs."""
    ruleset = load_ruleset([FIXTURES / "conflicts.yaml"], builtin=False)
    conflict = next(c for c in find_conflicts(ruleset) if c.first == "glob-c")
    line = conflict.describe(ruleset)
    assert "'glob-c'" in line and "'regex-c'" in line and "conflicts.yaml" in line
    assert conflict.example.startswith("zz_") and "purpose analytic vs marketing" in line


def test_fixture_without_conflicts_is_clean():
    """The precedence fixture has overlaps, all settled by precedence or scope."""
    assert find_conflicts(load_ruleset([FIXTURES / "precedence.yaml"], builtin=False)) == []


@pytest.mark.parametrize(
    ("match", "pattern", "length"),
    [
        ("glob", "_ga_*", 4),
        ("glob", "*_hj?x", 4),
        ("regex", r"_pk_id\.\d+\.[0-9a-f]+", 7),
        ("regex", r"abc?", 2),  # an optional character is not fixed text
        ("regex", r"(x|y)z", 0),
        ("regex", r"\d+", 0),
    ],
)
def test_literal_length(match, pattern, length):
    """The fixed text that orders pattern rules: non-wildcards of a glob, the literal prefix of a regex."""
    rule = CookieRule(id="r", vendor="v", match=match, pattern=pattern, purpose="analytic", description="d", source="s")
    assert literal_length(rule) == length


def test_installed_layout_reads_package_data(tmp_path):
    """Built as setuptools installs it, the rules are found inside the package (cookieaudit.rules)."""
    import subprocess
    import sys

    build = subprocess.run(
        [sys.executable, "-c", "from setuptools import setup; setup()", "-q", "build_py", "-d", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert build.returncode == 0, build.stderr
    probe = (
        "from cookieaudit.ruleset import builtin_rule_files\n"
        "from cookieaudit import classify\n"
        "print(sorted({str(p.parent) for p in builtin_rule_files()}))\n"
        "print(classify('_ga').vendor_id)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                          env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    folders, vendor = done.stdout.splitlines()
    assert folders == repr([str(tmp_path / "cookieaudit" / "rules")])
    assert vendor == "google-analytics"


def test_ruleset_fingerprint_changes_with_the_rules(tmp_path, monkeypatch):
    """The rule-set hash covers every built-in file's name and bytes, so any edit changes it."""
    from cookieaudit import ruleset

    version, first = ruleset.ruleset_fingerprint()
    assert version == ruleset.RULESET_VERSION and len(first) == 64
    copies = []
    for path in ruleset.builtin_rule_files():
        copy = tmp_path / path.name
        copy.write_bytes(path.read_bytes())
        copies.append(copy)
    monkeypatch.setattr(ruleset, "builtin_rule_files", lambda: copies)
    assert ruleset.ruleset_fingerprint()[1] == first
    copies[0].write_bytes(copies[0].read_bytes() + b"\n# edited\n")
    assert ruleset.ruleset_fingerprint()[1] != first
