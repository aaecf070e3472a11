"""The classifier engine on a small fixture rule set: precedence, party, lifetime, hosts, vendors."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from cookieaudit.classifier import Classification, Classifier, lifetime_of
from cookieaudit.errors import InputError

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def fixture_classifier() -> Classifier:
    """A classifier with only the precedence fixture rules."""
    return Classifier([FIXTURES / "precedence.yaml"], builtin=False).load()


# --- precedence --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "domain", "rule_id"),
    [
        ("_ga", None, "ga-client-id"),  # exact beats the glob _ga_* (which needs the underscore anyway)
        ("_ga_ABC123", None, "ga-session-state"),
        ("_gcl_au", None, "gcl-au"),  # longer prefix beats shorter
        ("_gcl_aux", None, "gcl-au"),
        ("_gcl_aw", None, "gcl-prefix"),
        ("_hjOptOut", None, "hj-prefix-opt"),  # prefix beats glob
        ("_hjSessionUser_123", None, "hj-session-glob"),  # glob with more fixed text first
        ("_hjid", None, "hj-glob"),
        ("_pk_id.1.ab12", None, "pk-id"),  # regex with literal prefix "_pk_id." beats glob "_pk_*"
        ("_pk_ses.1.ab12", None, "pk-any"),
        ("_vis_opt_s", None, "vwo-prefix"),
        ("sid", None, "session-generic"),  # generic exact
        ("sid", "www.example.com", "sid-on-example"),  # a scoped glob beats a generic exact
        ("sid", ".ads.example.com", "sid-on-ads-example"),  # more specific domain beats less specific
        ("sid", "x.ads.example.com", "sid-on-ads-example"),
        ("sid", "other.org", "session-generic"),  # no scope for other.org: generic applies
    ],
)
def test_precedence(fixture_classifier, name, domain, rule_id):
    """Each step of the documented precedence picks the expected rule."""
    assert fixture_classifier.classify(name, domain=domain).rule_id == rule_id


def test_pattern_tie_broken_by_file_order(tmp_path):
    """Two globs with equally much fixed text: the one earlier in the file wins."""
    rules = tmp_path / "tie.yaml"
    rules.write_text(
        "vendors: [{id: a, name: A}, {id: b, name: B}]\n"
        "cookies:\n"
        "  - {id: first, vendor: a, match: glob, pattern: 'ab*', purpose: analytic, description: d, source: s}\n"
        "  - {id: second, vendor: b, match: glob, pattern: '*ab', purpose: marketing, description: d, source: s}\n"
    )
    classifier = Classifier([rules], builtin=False)
    assert classifier.classify("abab").rule_id == "first"
    assert classifier.classify("xab").rule_id == "second"


def test_regex_with_inner_groups_reports_its_rule(tmp_path):
    """A regex rule with its own groups, combined with others, still names the right rule."""
    rules = tmp_path / "groups.yaml"
    rules.write_text(
        "vendors: [{id: a, name: A}]\n"
        "cookies:\n"
        "  - {id: grouped, vendor: a, match: regex, pattern: 'k(\\d)(\\d)', purpose: analytic, description: d, source: s}\n"
        "  - {id: later, vendor: a, match: regex, pattern: 'q(x|y)+', purpose: marketing, description: d, source: s}\n"
    )
    classifier = Classifier([rules], builtin=False)
    assert classifier.classify("k12").rule_id == "grouped"
    assert classifier.classify("qxyx").rule_id == "later"
    assert classifier.classify("k1").purpose == "unknown"


def test_regex_must_match_whole_name(fixture_classifier):
    """Patterns match the whole name: a trailing extra part falls through to the next rule."""
    assert fixture_classifier.classify("_pk_id.1.ab12-extra").rule_id == "pk-any"
    assert fixture_classifier.classify("x_ga_1").purpose == "unknown"


def test_unknown_is_never_functional(fixture_classifier):
    """An unmatched name is unknown with no vendor, confidence 0 and a reason."""
    result = fixture_classifier.classify("totally_unheard_of", domain="shop.example.nl")
    assert result.purpose == "unknown"
    assert result.vendor is None and result.vendor_id is None and result.rule_id is None
    assert result.confidence == 0
    assert "no rule matches" in result.reason


def test_scoped_rule_for_another_domain_has_lower_confidence(fixture_classifier):
    """A distinctive name scoped to youtube.com still answers elsewhere, with reduced confidence and a reason."""
    on_youtube = fixture_classifier.classify("VISITOR_INFO1_LIVE", domain=".youtube.com")
    no_domain = fixture_classifier.classify("VISITOR_INFO1_LIVE")
    elsewhere = fixture_classifier.classify("VISITOR_INFO1_LIVE", domain="www.denhaag.nl")
    assert on_youtube.rule_id == no_domain.rule_id == elsewhere.rule_id == "visitor-info-youtube"
    assert on_youtube.confidence == 1.0
    assert 0 < elsewhere.confidence < no_domain.confidence < on_youtube.confidence
    assert "youtube.com" in elsewhere.reason and "www.denhaag.nl" in elsewhere.reason
    assert "not given" in no_domain.reason


def test_short_scoped_name_does_not_apply_on_another_known_domain(fixture_classifier):
    """NID on google.com says nothing about a first-party NID: unknown there, a low-confidence guess without a domain."""
    assert fixture_classifier.classify("NID", domain=".google.com").rule_id == "nid-google"
    assert fixture_classifier.classify("NID").rule_id == "nid-google"
    elsewhere = fixture_classifier.classify("NID", domain="www.denhaag.nl")
    assert elsewhere.purpose == "unknown" and elsewhere.rule_id is None


def test_confidence_by_match_kind(fixture_classifier):
    """exact > prefix > pattern in confidence, and a domain match adds to it."""
    exact = fixture_classifier.classify("_ga").confidence
    prefix = fixture_classifier.classify("_gcl_aw").confidence
    pattern = fixture_classifier.classify("_ga_X").confidence
    scoped_pattern = fixture_classifier.classify("sid", domain="example.com").confidence
    assert exact > prefix > pattern
    assert scoped_pattern > pattern


def test_reason_names_rule_and_match_kind(fixture_classifier):
    """The reason is a sentence naming the rule id and how it matched."""
    result = fixture_classifier.classify("_gcl_au")
    assert "gcl-au" in result.reason and "prefix" in result.reason
    assert result.description == "Longer prefix than _gcl_."


def test_result_carries_vendor_fields(fixture_classifier):
    """Vendor display name and id come from the vendor the rule names."""
    result = fixture_classifier.classify("_vis_opt_test_cookie")
    assert (result.vendor, result.vendor_id, result.purpose) == ("Visual Website Optimizer", "vwo", "analytic")


def test_results_are_frozen(fixture_classifier):
    """A Classification cannot be changed (it is shared through the cache)."""
    result = fixture_classifier.classify("_ga")
    with pytest.raises(Exception):
        result.purpose = "functional"  # type: ignore[misc]
    assert isinstance(result, Classification)


# --- party ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("domain", "site", "party"),
    [
        (".denhaag.nl", "https://www.denhaag.nl/nl/home", "first"),
        ("www.denhaag.nl", "denhaag.nl", "first"),
        (".google-analytics.com", "https://www.denhaag.nl/", "third"),
        ("a.example.co.uk", "b.example.co.uk", "first"),  # registrable domain under a two-label suffix
        ("example.co.uk", "other.co.uk", "third"),
        ("127.0.0.1", "http://127.0.0.1:8080/", "first"),  # IP: compare hosts
        ("127.0.0.1", "http://127.0.0.2/", "third"),
        ("localhost", "http://localhost:3000/x", "first"),
        ("intranet", "http://localhost/", "third"),
        (None, "https://www.denhaag.nl/", None),
        (".denhaag.nl", None, None),
    ],
)
def test_party(fixture_classifier, domain, site, party):
    """First/third party compares registrable domains; hosts for IPs and suffix-less names; None if either is missing."""
    assert fixture_classifier.classify("_ga", domain=domain, site=site).party == party


# --- lifetime -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expires", "lifetime"),
    [
        (None, None),
        ("session", "session"),
        ("Session", "session"),
        (-1, "session"),  # Playwright's session cookies
        (0, "session"),
        (1_767_225_600, "persistent"),
        (1_767_225_600.5, "persistent"),
        (datetime(2030, 1, 1, tzinfo=timezone.utc), "persistent"),
        (datetime(2030, 1, 1), "persistent"),  # naive: UTC
        (datetime(1970, 1, 1), "session"),  # naive epoch 0 is the same as 0
        (datetime(1970, 1, 1, 1, tzinfo=timezone(timedelta(hours=1))), "session"),
    ],
)
def test_lifetime_conversions(expires, lifetime):
    """Expiry values of every accepted kind map to session/persistent/None."""
    assert lifetime_of(expires) == lifetime


@pytest.mark.parametrize("bad", [True, "tomorrow", [1]])
def test_lifetime_rejects_other_values(bad):
    """Anything else is bad input, reported as InputError."""
    with pytest.raises(InputError):
        lifetime_of(bad)


def test_classify_passes_lifetime_through(fixture_classifier):
    """classify() reports the lifetime of the given expiry, also for unknown cookies."""
    assert fixture_classifier.classify("_ga", expires=-1).lifetime == "session"
    assert fixture_classifier.classify("nope", expires=datetime(2031, 5, 1)).lifetime == "persistent"
    assert fixture_classifier.classify("_ga").lifetime is None


# --- classify_many and the cache --------------------------------------------------------


def test_classify_many_accepts_names_tuples_and_mappings(fixture_classifier):
    """Names, (name, domain[, expires]) tuples and Playwright-style dicts all work, in order."""
    results = fixture_classifier.classify_many(
        [
            "_ga",
            ("NID", ".google.com"),
            ("sid", "ads.example.com", -1),
            {"name": "_hjid", "domain": ".denhaag.nl", "expires": 1_900_000_000},
        ],
        site="https://www.denhaag.nl/",
    )
    assert [r.rule_id for r in results] == ["ga-client-id", "nid-google", "sid-on-ads-example", "hj-glob"]
    assert [r.party for r in results] == [None, "third", "third", "first"]
    assert [r.lifetime for r in results] == [None, None, "session", "persistent"]


def test_classify_many_equals_classify(fixture_classifier):
    """classify_many gives the same answers as classify one by one."""
    items = [("_ga_X", "x.nl", 5), ("_gcl_aw", None, None), ("zzz", "a.org", -1)]
    many = fixture_classifier.classify_many(items, site="a.org")
    single = [fixture_classifier.classify(n, d, "a.org", e) for n, d, e in items]
    assert [m.model_dump() for m in many] == [s.model_dump() for s in single]


@pytest.mark.parametrize("bad", [42, ("a", "b", 1, 2), (), {"domain": "x"}])
def test_classify_many_rejects_bad_items(fixture_classifier, bad):
    """Items that are neither names, short tuples nor mappings with a name are InputError."""
    with pytest.raises(InputError):
        fixture_classifier.classify_many([bad])


def test_cached_results_are_reused(fixture_classifier):
    """The same cookie twice gives the very same frozen object."""
    assert fixture_classifier.classify("_hjid", "x.nl", "y.nl", 10) is fixture_classifier.classify("_hjid", "x.nl", "y.nl", 99)


def test_classify_rejects_non_string_name(fixture_classifier):
    """A non-string name is bad input, not a crash."""
    with pytest.raises(InputError):
        fixture_classifier.classify(None)  # type: ignore[arg-type]


# --- hosts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "tracker", "vendor_id", "matched"),
    [
        ("google-analytics.com", True, "google-analytics", "google-analytics.com"),
        ("region1.google-analytics.com", True, "google-analytics", "google-analytics.com"),
        ("https://stats.g.doubleclick.net/g/collect?v=2", True, "google-ads", "doubleclick.net"),
        ("fonts.googleapis.com", False, "google", "fonts.googleapis.com"),  # a functional host is no tracker
        ("googleapis.com", False, None, None),  # the parent of a rule's host does not match
        ("notgoogle-analytics.com", False, None, None),  # a suffix that is not a label boundary
        ("www.denhaag.nl", False, None, None),
    ],
)
def test_classify_host(fixture_classifier, host, tracker, vendor_id, matched):
    """A host rule matches its host and every subdomain, nothing else."""
    result = fixture_classifier.classify_host(host)
    assert (result.tracker, result.vendor_id, result.matched) == (tracker, vendor_id, matched)


def test_classify_host_rejects_empty(fixture_classifier):
    """An empty host is bad input."""
    with pytest.raises(InputError):
        fixture_classifier.classify_host("   ")


# --- vendors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "vendor_id"),
    [
        ("Google Analytics", "google-analytics"),
        ("google analytics", "google-analytics"),
        ("GA4", "google-analytics"),
        ("Google Analytics 4", "google-analytics"),
        ("Google Analytics (GA4)", "google-analytics"),
        ("HotJar", "hotjar"),
        ("Hotjar cookies", "hotjar"),
        ("VWO", "vwo"),
        ("Visual Website Optimizer", "vwo"),
        ("piwik", "matomo"),
        ("Google Ads", "google-ads"),
        ("AdWords", "google-ads"),
        ("Google", "google"),
        ("Facebook", None),
        ("", None),
        ("   ", None),
    ],
)
def test_find_vendor(fixture_classifier, text, vendor_id):
    """Vendor lookup by name, alias or id, ignoring case, spacing and trailing version numbers."""
    found = fixture_classifier.find_vendor(text)
    assert (found.id if found else None) == vendor_id


def test_rules_for_vendor(fixture_classifier):
    """rules_for_vendor lists a vendor's cookie rules in load order; hosts_for_vendor its hosts."""
    assert [r.id for r in fixture_classifier.rules_for_vendor("hotjar")] == ["hj-glob", "hj-session-glob", "hj-prefix-opt"]
    assert fixture_classifier.rules_for_vendor("nobody") == ()
    assert [h.host for h in fixture_classifier.hosts_for_vendor("google-ads")] == ["doubleclick.net"]
    assert set(fixture_classifier.vendors) >= {"google-analytics", "hotjar", "vwo"}


# --- laziness -----------------------------------------------------------------------------


def test_import_is_light():
    """`import cookieaudit` imports neither Playwright nor YAML and compiles no rules."""
    code = (
        "import sys, cookieaudit\n"
        "from cookieaudit.classifier import default_classifier\n"
        "assert 'playwright' not in sys.modules, 'playwright imported'\n"
        "assert 'yaml' not in sys.modules, 'yaml imported'\n"
        "assert 'cookieaudit.ruleset' not in sys.modules, 'rules loaded'\n"
        "assert default_classifier()._compiled is None, 'rules compiled'\n"
        "from cookieaudit import classify, Classifier\n"
        "print('light')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "light"


def test_rules_load_on_first_use():
    """A new Classifier reads nothing until it is used."""
    classifier = Classifier([FIXTURES / "does-not-exist.yaml"], builtin=False)  # no error yet
    with pytest.raises(InputError):
        classifier.classify("_ga")


def test_fast_results_equal_validated_models(fixture_classifier):
    """Results built without validation are indistinguishable from validated Classification models."""
    for result in fixture_classifier.classify_many(["_ga", ("NID", "x.nl", -1), ("nope", "a.nl", 5)], site="a.nl"):
        validated = Classification.model_validate(result.model_dump())
        assert result == validated
        assert result.model_dump_json() == validated.model_dump_json()
        assert hash(result) == hash(validated)
        assert result.model_fields_set == validated.model_fields_set


def test_catch_all_scoped_pattern_is_not_used_elsewhere(tmp_path):
    """A '.+' rule for one domain classifies cookies there, but is no fallback for other domains."""
    rules = tmp_path / "catchall.yaml"
    rules.write_text(
        "vendors: [{id: login, name: Login Service}]\n"
        "cookies:\n"
        "  - {id: any-login, vendor: login, match: regex, pattern: '.+', domains: [login.example],"
        " purpose: functional, description: d, source: s}\n"
        "  - {id: login-named, vendor: login, match: glob, pattern: 'LOGIN_*', domains: [login.example],"
        " purpose: functional, description: d, source: s}\n"
    )
    classifier = Classifier([rules], builtin=False)
    assert classifier.classify("whatever", domain="www.login.example").rule_id == "any-login"
    assert classifier.classify("whatever", domain="other.example").purpose == "unknown"
    assert classifier.classify("whatever").purpose == "unknown"
    assert classifier.classify("LOGIN_abc").rule_id == "login-named"  # enough fixed text: low-confidence fallback
