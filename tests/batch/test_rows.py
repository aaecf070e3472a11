"""Summary rows and long cookie rows from an audited result (no browser)."""

from __future__ import annotations

import json

from cookieaudit.auditing.model import FINDING_KINDS
from cookieaudit.batch.rows import COOKIE_COLUMNS, SUMMARY_COLUMNS, cookie_rows, site_status, summary_row
from cookieaudit.batch.run import batch_exit_code
from cookieaudit.batch.sites import parse_site_list
from tests.batch.results import audited_result

ISSUE_SUMMARY_COLUMNS = ["site", "name", "status", "exit_code", "error", "pages", "complete", "findings_error",
                         "findings_warning", "findings_info", "trackers_before_consent", "trackers_after_reject",
                         "cmp", "statement_url", "result_path", "seconds"]
ISSUE_COOKIE_COLUMNS = ["site", "phase", "name", "domain", "party", "purpose", "vendor", "max_age_days",
                        "stored_max_age_days", "finding_kinds"]

SPEC = parse_site_list("site,name\nwww.denhaag.nl,Den Haag\n")[0]


def _dict(result) -> dict:
    return json.loads(result.model_dump_json())


def test_columns_hold_the_issues_list_and_a_count_per_finding_kind():
    assert [c for c in SUMMARY_COLUMNS if c in ISSUE_SUMMARY_COLUMNS] == ISSUE_SUMMARY_COLUMNS
    assert set(FINDING_KINDS) <= set(SUMMARY_COLUMNS)
    assert list(COOKIE_COLUMNS[:len(ISSUE_COOKIE_COLUMNS)]) == ISSUE_COOKIE_COLUMNS
    assert len(set(SUMMARY_COLUMNS)) == len(SUMMARY_COLUMNS)


def test_summary_row_of_an_audited_result():
    row = summary_row(SPEC, _dict(audited_result()), exit_code=1, error=None, seconds=12.5,
                      result_path="sites/www.denhaag.nl/result.json")
    assert set(row) == set(SUMMARY_COLUMNS)
    assert row["site"] == "https://www.denhaag.nl/" and row["name"] == "Den Haag" and row["line"] == 2
    assert row["status"] == "ok" and row["exit_code"] == 1 and row["error"] is None and row["complete"] is True
    assert row["pages"] == 3 and row["seconds"] == 12.5
    # the baselined warning does not count
    assert (row["findings_error"], row["findings_warning"], row["findings_info"]) == (1, 0, 1)
    assert row["set-before-consent"] == 1 and row["unknown-cookie"] == 1 and row["undeclared-cookie"] == 0
    assert all(row[kind] == 0 for kind in FINDING_KINDS if kind not in ("set-before-consent", "unknown-cookie"))
    assert row["trackers_before_consent"] == 2 and row["trackers_after_reject"] == 0 and row["trackers_after_accept"] == 1
    assert (row["cookies_before_consent"], row["cookies_after_reject"], row["cookies_after_accept"]) == (3, 1, 2)
    assert row["cmp"] == "generic"
    assert row["statement_url"] == "https://www.denhaag.nl/cookies" and row["statement_link_text"] == "Cookieverklaring"
    assert row["result_path"] == "sites/www.denhaag.nl/result.json"


def test_without_audit_the_finding_columns_are_empty_not_zero():
    row = summary_row(SPEC, _dict(audited_result(audit=False)), exit_code=0, error=None, seconds=1.0, result_path="r")
    assert row["status"] == "ok"
    assert row["findings_error"] is None and row["set-before-consent"] is None
    assert row["trackers_before_consent"] == 2


def test_partial_and_missing_results():
    partial = summary_row(SPEC, _dict(audited_result(complete=False)), exit_code=143,
                          error="site timeout: stopped after 60 s", seconds=60.0, result_path="r")
    assert partial["status"] == "incomplete" and partial["complete"] is False
    assert partial["error"] == "site timeout: stopped after 60 s"
    failed = summary_row(SPEC, None, exit_code=3, error="cannot reach https://www.denhaag.nl/", seconds=2.0,
                         result_path="r")
    assert failed["status"] == "failed" and failed["result_path"] is None and failed["pages"] is None
    assert failed["findings_error"] is None and failed["cmp"] is None
    assert site_status(5, {"complete": False}) == "incomplete"
    assert site_status(3, {"complete": False}) == "failed"  # e.g. the start page answered 404: kept as evidence
    not_scanned = summary_row(SPEC, {**_dict(audited_result(complete=False)),
                                     "errors": [{"kind": "site", "message": "the site could not be scanned: HTTP 404"}]},
                              exit_code=3, error=None, seconds=1.0, result_path="r")
    assert not_scanned["status"] == "failed" and not_scanned["result_path"] == "r"
    assert not_scanned["error"] == "the site could not be scanned: HTTP 404"
    assert site_status(0, {"complete": True}) == "ok" and site_status(4, None) == "failed"


def test_cookie_rows_in_long_form_with_their_finding_kinds():
    rows = cookie_rows(SPEC, _dict(audited_result()))
    assert len(rows) == 6 and all(set(row) == set(COOKIE_COLUMNS) for row in rows)
    by_key = {(row["phase"], row["name"]): row for row in rows}
    ga = by_key[("before_consent", "_ga")]
    assert (ga["domain"], ga["party"], ga["purpose"], ga["vendor"]) == ("denhaag.nl", "first", "analytic", "Google Analytics")
    assert (ga["max_age_days"], ga["stored_max_age_days"]) == (730.0, 400.0)
    assert ga["finding_kinds"] == "set-before-consent"          # the baselined undeclared-cookie is left out
    assert by_key[("after_accept", "_ga")]["finding_kinds"] == ""  # the finding is about before_consent
    assert by_key[("before_consent", "PHPSESSID")]["finding_kinds"] == ""
    assert by_key[("before_consent", "=cmd|' /C calc'!A0")]["finding_kinds"] == "unknown-cookie"
    assert cookie_rows(SPEC, None) == []


def test_batch_exit_code():
    ok, failed, incomplete = {"status": "ok", "exit_code": 0}, {"status": "failed", "exit_code": 3}, {"status": "incomplete", "exit_code": 143}
    findings = {"status": "ok", "exit_code": 1}
    assert batch_exit_code([ok, ok]) == 0
    assert batch_exit_code([ok, failed]) == 3 and batch_exit_code([incomplete]) == 3
    assert batch_exit_code([failed, findings, ok]) == 1
