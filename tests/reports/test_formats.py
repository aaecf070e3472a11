"""Every report format from one fixed result (tests/reports/sample.py), without a browser."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from markdown_it import MarkdownIt


from cookieaudit.errors import InputError
from cookieaudit.models import ScanResult
from cookieaudit.reports import REPORT_FILES, load_result, parse_formats, render, write_reports
from cookieaudit.reports.declaration import render_declaration
from cookieaudit.reports.markdown import MAX_BYTES, render_markdown
from cookieaudit.reports.sarif import FINGERPRINT_KEY
from cookieaudit.reports.view import prepare
from tests.reports.sample import SECRET, sample_result

ROOT = Path(__file__).resolve().parents[2]
SARIF_SCHEMA = json.loads((ROOT / "tests/fixtures/sarif/sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


@pytest.fixture
def result(tmp_path):
    return sample_result(tmp_path)


# -- JSON ------------------------------------------------------------------------------------------
def test_sample_result_matches_the_published_schema(result):
    """The fixed result is a valid AuditedResult document (docs/audit-result.schema.json)."""
    schema = json.loads((ROOT / "docs/audit-result.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(json.loads(result.to_json()))


def test_load_result_round_trip_and_bad_input(tmp_path, result):
    """A saved result loads back; a foreign or broken file is one clear InputError."""
    path = tmp_path / "result.json"
    path.write_text(result.to_json(), encoding="utf-8")
    assert load_result(path).findings == result.findings
    for content, message in (("{", "invalid JSON"), ('{"a": 1}', "not a cookieaudit result"),
                             (json.dumps({**json.loads(result.to_json()), "cookies": [{"name": 3}]}), "cookies.0")):
        path.write_text(content, encoding="utf-8")
        with pytest.raises(InputError, match=re.escape(message)):
            load_result(path)
    with pytest.raises(InputError, match="cannot read"):
        load_result(tmp_path / "missing.json")


def test_parse_formats():
    """--report takes comma-separated and repeated names, 'all', and rejects unknown ones."""
    assert parse_formats(["html,markdown", "sarif,html"]) == ["html", "markdown", "sarif"]
    assert parse_formats("all") == ["html", "markdown", "junit", "sarif"]
    with pytest.raises(InputError, match="unknown report format 'pdf'"):
        parse_formats("html,pdf")


# -- terminal ----------------------------------------------------------------------------------------
def test_terminal_order_width_and_content(result):
    """Findings first, then the matrix, trackers, storage, banner, verdict last; 100 columns; hostile strings inert."""
    text = render(result, "table", lang="en")
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 100
    order = [next(i for i, line in enumerate(lines) if line.startswith(title))
             for title in ("Findings", "Cookies per phase", "Trackers per phase", "Storage", "The consent banner")]
    assert order == sorted(order)
    assert lines[-2] == "Verdict: FAILS (--fail-on error): 4 error, 1 warning, 2 info"
    assert lines[-1] == "5 cookies, 1 tracker domain, 1 storage entry"  # singular for one
    assert "set-before-consent" in text and "730d/400d" in text and "google-analytics.com" in text
    assert SECRET not in text


def test_verdict_is_the_audits_own_in_its_language(result):
    """In the audit's language the verdict is the audit's own line; in another, or with another --fail-on, ours."""
    assert render(result, "table", lang="nl").splitlines()[-2] == "Oordeel: 4 fouten"
    assert render(result, "table", lang="nl", fail_on="info").splitlines()[-2].startswith("Oordeel: AFGEKEURD (--fail-on info)")


def test_terminal_strips_control_and_bidi_characters(result):
    """A cookie name with an escape sequence and a bidi override reaches the terminal as '?'s."""
    evil = result.cookies[0].model_copy(update={"name": "evil\x1b[31m\u202eeman", "phase": "before_consent"})
    result.cookies.append(evil)
    text = render(result, "table", lang="en", verbose=True)
    assert "\x1b" not in text and "\u202e" not in text
    assert "evil?[31m?eman" in text


HIDDEN = ("\x1b", "\x07", "\x9b", "\u202e", "\u2066")


@pytest.mark.parametrize("fmt", ["markdown", "html", "junit", "sarif", "declaration-markdown", "declaration-html",
                                 "declaration-csv"])
def test_every_format_replaces_control_and_bidi_characters(result, fmt):
    """A cookie name, a page title and a finding message with an escape sequence, a terminal hyperlink,
    a C1 CSI and bidi overrides: no report (all are printed on terminals, shown in CI pages or browsers)
    carries them raw; they become '?', as on the terminal."""
    evil = "evil\x1b[31m\x1b]8;;http://x\x07\x9b2J\u202eeman\u2066"
    result.cookies.append(result.cookies[0].model_copy(update={"name": evil, "phase": "before_consent"}))
    result.pages[0] = result.pages[0].model_copy(update={"title": evil})
    result.findings[0] = result.findings[0].model_copy(update={"message": f"Cookie {evil}.", "cookies": [evil]})
    if fmt.startswith("declaration-"):
        text = render_declaration(result, fmt.split("-")[1], lang="en")
    else:
        text = render(result, fmt, lang="en")
    assert not [c for c in HIDDEN if c in text], fmt
    assert "evil?[31m" in text or "evil\\u001b[31m" in text, fmt  # shown, not dropped (SARIF: JSON escapes)
    if fmt == "sarif":
        def strings(node):
            if isinstance(node, dict):
                return [s for value in node.values() for s in strings(value)]
            return [s for value in node for s in strings(value)] if isinstance(node, list) else [node]
        assert any(evil in s for s in strings(json.loads(text)) if isinstance(s, str))  # the same values, \\u-escaped


def test_terminal_verbose_shows_everything_and_default_cuts(result):
    """Without --verbose long lists are cut with a note; --verbose shows every cookie, the pages and the errors."""
    base = result.cookies[0]
    result.cookies += [base.model_copy(update={"name": f"c{i:03d}"}) for i in range(60)]
    short = render(result, "table", lang="en")
    full = render(result, "table", lang="en", verbose=True)
    assert "c059" not in short and "more (--verbose shows everything)" in short
    assert "c059" in full and "Pages visited" in full and "HTTP 404" in full
    assert "Pages visited" not in short


def test_plain_scan_renders(result):
    """A ScanResult without findings renders in every format, saying it was not audited."""
    plain = ScanResult.model_validate(result.model_dump(exclude={"declaration", "findings", "changes", "audit"}))
    for fmt in ("table", "markdown", "junit", "sarif", "html"):
        text = render(plain, fmt, lang="en")
        assert text
    assert "scan only, no audit" in render(plain, "table", lang="en")
    suites = ET.fromstring(render(plain, "junit"))
    assert suites.get("failures") == "0" and suites.get("tests") == "1"


# -- Markdown -----------------------------------------------------------------------------------------
def _tables(html_text: str):
    """Each rendered table as a list of rows (lists of cell texts)."""
    tables = []
    for table in re.findall(r"<table>(.*?)</table>", html_text, re.S):
        rows = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S) for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)]
        tables.append(rows)
    return tables


def test_markdown_renders_with_intact_tables(result):
    """Rendered by a Markdown library: every table row has as many cells as its header; nothing hostile is live."""
    text = render(result, "markdown", lang="nl")
    html_text = MarkdownIt("commonmark").enable("table").render(text)
    tables = _tables(html_text)
    assert len(tables) >= 4
    for rows in tables:
        assert len({len(row) for row in rows}) == 1, rows
    assert "<img" not in html_text and "<script" not in html_text
    assert "&lt;img src=x onerror=alert(1)&gt;" in html_text
    findings = tables[0]
    assert len(findings) == 1 + len(result.findings)
    assert "pipe" not in text or "\\|" in text


def test_markdown_stays_under_the_step_summary_limit(result):
    """Thousands of findings: the Markdown stays under 1 MiB, ends its tables cleanly and says it was cut."""
    template = result.findings[0]
    result.findings = [template.model_copy(update={"id": f"f{i}", "cookies": [f"cookie_{i}_" + "x" * 60],
                                                   "message": "m" * 200}) for i in range(12000)]
    text = render_markdown(prepare(result), lang="en")
    assert len(text.encode("utf-8")) <= MAX_BYTES
    assert "Truncated: the rest is in the HTML report" in text
    html_text = MarkdownIt("commonmark").enable("table").render(text)
    for rows in _tables(html_text):
        assert len({len(row) for row in rows}) == 1


# -- JUnit ---------------------------------------------------------------------------------------------
def test_junit_structure(result):
    """One suite per phase plus the site; failures are the findings at or above --fail-on; counts add up."""
    root = ET.fromstring(render(result, "junit"))
    suites = {suite.get("name"): suite for suite in root.iter("testsuite")}
    assert list(suites) == ["cookieaudit.before_consent", "cookieaudit.after_reject", "cookieaudit.after_accept",
                            "cookieaudit.site"]
    failing = {(case.get("classname"), case.get("name")) for case in root.iter("testcase") if case.find("failure") is not None}
    assert ("cookieaudit.before_consent.set-before-consent", "ga-client-id") in failing
    assert ("cookieaudit.site.lifetime-exceeds-declared", "ga-client-id") in failing
    assert ("cookieaudit.after_accept.claim-violated", "only_purposes") in failing
    # Warnings, infos and the baselined finding pass (with their text in system-out).
    passing_with_note = {case.get("classname") for case in root.iter("testcase") if case.find("system-out") is not None}
    assert "cookieaudit.after_reject.reject-not-on-first-layer" in passing_with_note
    assert "cookieaudit.before_consent.unknown-cookie" in passing_with_note
    for suite in suites.values():
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == sum(case.find("failure") is not None for case in cases)
    assert int(root.get("failures")) == len(failing) and int(root.get("errors")) == 0


def test_junit_fail_on_and_incomplete(result):
    """--fail-on never: no failures; info: warnings and infos fail too; an incomplete scan is an <error>."""
    assert ET.fromstring(render(result, "junit", fail_on="never")).get("failures") == "0"
    strict = ET.fromstring(render(result, "junit", fail_on="info"))
    assert int(strict.get("failures")) > int(ET.fromstring(render(result, "junit")).get("failures"))
    result.complete, result.interrupted = False, "SIGTERM"
    root = ET.fromstring(render(result, "junit"))
    error = next(case for case in root.iter("testcase") if case.get("name") == "scan-complete").find("error")
    assert error is not None and "SIGTERM" in error.get("message")


def test_junit_names_are_stable_across_random_suffixes(tmp_path):
    """Two scans whose GA4 cookie has a different random suffix give the same classnames and names."""
    def cases(suffix):
        result = sample_result()
        for cookie in result.cookies:
            if cookie.name == "_ga_ABC123":
                cookie.name, cookie.rule_id = f"_ga_{suffix}", None
        for finding in result.findings:
            finding.cookies = [f"_ga_{suffix}" if name == "_ga_ABC123" else name for name in finding.cookies]
        root = ET.fromstring(render(result, "junit"))
        return sorted((c.get("classname"), c.get("name")) for c in root.iter("testcase"))

    assert cases("3F9C2A1B") == cases("77AA00BB")


# -- SARIF ---------------------------------------------------------------------------------------------
def test_sarif_validates_against_the_sarif_2_1_0_schema(result):
    """The SARIF output validates against the official 2.1.0 schema (and a broken one does not)."""
    document = json.loads(render(result, "sarif"))
    validator = jsonschema.Draft4Validator(SARIF_SCHEMA)
    validator.validate(document)
    broken = json.loads(json.dumps(document))
    broken["runs"][0]["results"][0]["level"] = "fatal"
    assert list(validator.iter_errors(broken))


def test_sarif_content(result):
    """A run per site, a rule per kind with help, levels from severity, locations, fingerprints, baseline state."""
    run = json.loads(render(result, "sarif"))["runs"][0]
    assert run["automationDetails"]["id"] == "cookieaudit/www.voorbeeldstad.nl/"
    rules = run["tool"]["driver"]["rules"]
    assert len({rule["id"] for rule in rules}) == len(rules) >= 18
    assert all(rule["help"]["text"] for rule in rules)
    results = [r for r in run["results"] if r.get("baselineState") != "absent"]
    assert len(results) == len(result.findings)
    by_id = {r["partialFingerprints"][FINGERPRINT_KEY]: r for r in results}
    assert by_id["unknown-cookie:imgsrc"]["level"] == "note"
    assert by_id["set-before-consent:ga-client-id:before_consent"]["level"] == "error"
    assert rules[by_id["set-before-consent:ga-client-id:before_consent"]["ruleIndex"]]["id"] == "set-before-consent"
    assert all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("https://") for r in run["results"])
    assert by_id["declared-not-found:oud_cookie"]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        "https://www.voorbeeldstad.nl/privacy"
    assert by_id["undeclared-third-party:google-ads:after_accept"]["baselineState"] == "new"
    assert by_id["lifetime-exceeds-declared:ga-client-id"]["baselineState"] == "unchanged"
    absent = [r for r in run["results"] if r.get("baselineState") == "absent"]
    assert [r["partialFingerprints"][FINGERPRINT_KEY] for r in absent] == ["set-before-consent:ga-gid:before_consent"]
    assert by_id["reject-not-on-first-layer:after_reject"]["suppressions"][0]["justification"] == "besproken met leverancier"


# -- HTML (structure; the browser test opens it) ---------------------------------------------------------
def test_html_is_self_contained_and_escaped(result, tmp_path):
    """Autoescaped; one executable script whose hash the CSP names; images embedded; nothing loaded from outside."""
    text = render(result, "html", base_dir=tmp_path)
    assert "<img src=x onerror" not in text and "</script><script>alert(2)" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", text, re.S)
    executable = [body for attrs, body in scripts if "application/json" not in attrs]
    assert len(executable) == 1
    from cookieaudit.reports.html import csp_hash

    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', text).group(1)
    assert f"script-src '{csp_hash(executable[0])}'" in csp and "default-src 'none'" in csp
    style = re.search(r"<style>(.*?)</style>", text, re.S).group(1)
    assert csp_hash(style) in csp
    assert re.findall(r'\bsrc="(?!data:image/png;base64,)', text) == []
    assert len(re.findall(r'src="data:image/png;base64,', text)) == 7
    assert "<link" not in text and "@import" not in text and "url(" not in style


def test_html_in_both_languages(result):
    """--lang nl and en change the words."""
    assert "Bevindingen" in render(result, "html", lang="nl") and "Findings" in render(result, "html", lang="en")
    dutch = render(result, "html", lang="nl")
    assert ", regel 20</footer>" in dutch and ", line " not in dutch  # the statement quote's line, in the report's language
    assert ", line 20</footer>" in render(result, "html", lang="en")
    assert "third-party cookies" not in dutch and " · cookies van derden " in dutch


def test_counts_in_singular_and_plural(result):
    """'1 page' / '1 pagina', '2 pagina's'; '1 tracker domain' — never '1 pages'."""
    one = result.model_copy(update={"pages": [result.pages[0]]})
    assert "UTC  ·  1 page  ·  " in render(one, "table", lang="en")
    assert "UTC  ·  1 pagina  ·  " in render(one, "table", lang="nl")
    assert " · 1 pagina · " in render(one, "html", lang="nl")
    pages = len({p.url for p in result.pages})
    assert pages > 1 and f"UTC  ·  {pages} pagina's  ·  " in render(result, "table", lang="nl")
    assert render(result, "table", lang="nl").splitlines()[-1] == "5 cookies, 1 trackerdomein, 1 opgeslagen item"


@pytest.mark.parametrize("fmt", ["html", "markdown", "table"])
def test_banner_answers_in_the_reports_language(result, fmt):
    """The banner's action ('reject', 'accept') and a custom banner's platform ('generic') in Dutch words."""
    phases = [info.model_copy(update={"banner": info.banner.model_copy(update={"cmp": "generic"})}) if info.banner else info
              for info in result.phases]
    result.phases = phases
    assert any(info.banner and info.banner.action == "reject" for info in phases)
    dutch = render(result, fmt, lang="nl", verbose=True)
    assert "weigeren, bevestigd" in dutch or "weigeren · bevestigd" in dutch, fmt
    assert "reject, " not in dutch and "reject · " not in dutch
    if fmt != "table":  # the terminal's platform column is narrow: the name as it is
        assert "generiek (eigen melding)" in dutch
        assert "generic (custom banner)" in render(result, fmt, lang="en")


# -- declaration -------------------------------------------------------------------------------------------
def test_declaration_draft(result):
    """A row per family, in the statement's own purpose headings, marking what is declared; CSV escapes formulas."""
    result.cookies.append(result.cookies[0].model_copy(update={"name": "=HYPERLINK(\"http://x\")", "phase": "after_accept"}))
    result.cookies.append(result.cookies[0].model_copy(update={"name": "@SUM(1+1)", "phase": "after_accept"}))
    for suffix in ("3f9c2a1b7d", "77aa00bb11"):  # one family the rule set does not know: listed as a pattern
        result.cookies.append(result.cookies[0].model_copy(update={"name": f"ab_test_{suffix}", "phase": "after_accept"}))
    rows = list(csv.reader(io.StringIO(render_declaration(prepare(result), "csv", lang="en"))))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Name or pattern", "Vendor", "Purpose"]
    by_name = {row[0]: row for row in body}
    assert "'=HYPERLINK(\"http://x\")" in by_name and "'@SUM(1+1)" in by_name
    assert by_name["_ga"][2] == "Analytische cookies" and by_name["_ga"][7] == "yes" and by_name["_ga"][6] == "yes"
    assert by_name["IDE"][7] == "no" and by_name["IDE"][4] == "third party"
    assert by_name["sessie"][3] == "session" and by_name["sessie"][6] == "no"
    assert "test_cookie" not in by_name  # refused by the browser: never stored, nothing to declare
    assert "ab_test_*" in by_name and "ab_test_3f9c2a1b7d" not in by_name
    markdown = render_declaration(prepare(result), "markdown", lang="nl")
    assert markdown.startswith("# Cookieverklaring (concept)") and "## Analytische cookies" in markdown
    html_text = render_declaration(prepare(result), "html", lang="nl")
    assert "<img src=x" not in html_text and "&lt;img src=x onerror=alert(1)&gt;" in html_text


# -- files and secrets ----------------------------------------------------------------------------------------
def test_write_reports_fixed_names_and_no_secret(result, tmp_path):
    """write_reports writes the fixed names; a value planted in cookies, storage and URLs appears in none of them."""
    written = write_reports(result, ["all"], tmp_path, lang="nl")
    assert [p.name for p in written] == list(REPORT_FILES.values())
    outputs = [p.read_text(encoding="utf-8") for p in written]
    outputs += [render(result, "table", verbose=True), render_declaration(prepare(result), "csv"),
                render_declaration(prepare(result), "html"), render_declaration(prepare(result), "markdown")]
    for text in outputs:
        assert SECRET not in text
    assert not list(tmp_path.glob("*.partial"))
    shown = render(result, "html", include_values=True)
    assert SECRET in shown
    assert next(c for c in result.cookies if c.name == "sessie").value == SECRET  # the input is never changed


def test_paths_in_reports_are_relative(result, tmp_path):
    """No report names the output folder's absolute path."""
    for path in write_reports(result, ["all"], tmp_path):
        assert str(tmp_path) not in path.read_text(encoding="utf-8")


def test_doctests():
    """The examples in the reports' docstrings hold."""
    import doctest

    import cookieaudit.reports as reports
    import cookieaudit.safety as safety
    from cookieaudit.reports import labels, markdown, view

    for module in (reports, labels, markdown, view, safety):
        failures, _ = doctest.testmod(module)
        assert failures == 0, module.__name__
