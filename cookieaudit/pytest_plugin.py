"""cookieaudit's pytest plugin (registered through the ``pytest11`` entry point when cookieaudit is installed).

* Fixture ``cookie_audit``: a :class:`cookieaudit.testing.PageAudit` on pytest-playwright's (sync)
  ``page``, attached before the test's first navigation::

      def test_no_tracking_before_consent(page, cookie_audit):
          page.goto("https://www.example.nl/")
          login(page)                                   # the team's own steps
          cookie_audit.assert_no_tracking_before_consent()
          cookie_audit.accept()
          assert cookie_audit.cookies(purpose="marketing", phase="after_accept") == []

* ``--cookieaudit-url URL`` (with ``--cookieaudit-statement SOURCE``) runs a full audit — scan, read
  the statement, audit — and adds one test item per check (finding kind × cookie family, as in the
  JUnit report): findings at or above ``--cookieaudit-fail-on`` fail their item.

This module imports nothing heavy: Playwright, the scanner and the rule set load when used.
"""

from __future__ import annotations

from typing import Optional

import pytest

__all__ = ["cookie_audit"]


def pytest_addoption(parser) -> None:
    group = parser.getgroup("cookieaudit", "cookieaudit: audit a site's cookies as test items")
    group.addoption("--cookieaudit-url", metavar="URL", help="Scan and audit this site; one test item per check.")
    group.addoption("--cookieaudit-statement", metavar="SOURCE", action="append", default=[],
                    help="Privacy statement (URL, HTML, PDF, text) to audit against (repeatable).")
    group.addoption("--cookieaudit-pages", type=int, default=None, metavar="N", help="Most pages per phase.")
    group.addoption("--cookieaudit-consent", choices=("none", "reject", "accept", "all"), default=None,
                    help="Consent phases to scan (default: all).")
    group.addoption("--cookieaudit-fail-on", choices=("error", "warning", "info", "never"), default="error",
                    help="Findings of this severity or worse fail their item (default: error).")
    group.addoption("--cookieaudit-lang", choices=("nl", "en"), default=None, help="Language of finding messages.")
    group.addoption("--cookieaudit-insecure", action="store_true", help="Accept invalid TLS certificates.")
    group.addoption("--cookieaudit-browser-arg", action="append", default=[], metavar="SWITCH",
                    help="Extra Chromium switch (repeatable).")
    group.addoption("--cookieaudit-output-dir", metavar="DIR",
                    help="Save the result (result.json), screenshots and the HTML/JUnit/SARIF/Markdown reports here.")


@pytest.fixture
def cookie_audit(request):
    """Records what pytest-playwright's ``page`` does with cookies, storage and trackers (see PageAudit)."""
    page = request.getfixturevalue("page")
    from cookieaudit.testing import PageAudit

    recorder = PageAudit(page)
    yield recorder
    recorder.close()


# -- a full audit as test items ----------------------------------------------------------------
class CookieAuditFailure(Exception):
    """A check found something at or above --cookieaudit-fail-on."""


class CookieAuditError(Exception):
    """The audit could not run (site unreachable, no browser, bad statement)."""


def _run_audit(config):
    """Scan, read the statement and audit, once per session; the audited result."""
    cached = getattr(config, "_cookieaudit_result", None)
    if cached is not None:
        return cached
    import cookieaudit
    from cookieaudit.errors import CookieauditError, StatementUnreadableError

    url = config.getoption("cookieaudit_url")
    options = {"insecure": config.getoption("cookieaudit_insecure"),
               "browser_args": tuple(config.getoption("cookieaudit_browser_arg"))}
    if config.getoption("cookieaudit_pages"):
        options["pages"] = config.getoption("cookieaudit_pages")
    if config.getoption("cookieaudit_consent"):
        options["consent"] = config.getoption("cookieaudit_consent")
    output_dir = config.getoption("cookieaudit_output_dir")
    if output_dir:
        _check_output_dir(output_dir)  # before the scan, not after it
        options["output_dir"] = output_dir
    audit = getattr(cookieaudit, "audit", None)
    if audit is None:
        raise CookieAuditError("this cookieaudit has no audit function (cookieaudit.audit)")
    try:
        scanned = cookieaudit.scan(url, **options)
        declaration, unreadable = None, []
        sources = config.getoption("cookieaudit_statement")
        if sources:
            try:
                declaration = cookieaudit.parse_statement(sources if len(sources) > 1 else sources[0],
                                                          **({"insecure": True} if options["insecure"] else {}))
            except StatementUnreadableError as exc:
                unreadable.append(exc)
        result = audit(scanned, declaration, lang=config.getoption("cookieaudit_lang"),
                       fail_on=config.getoption("cookieaudit_fail_on"), unreadable=unreadable,
                       statement_sources=list(sources))
    except CookieauditError as exc:
        raise CookieAuditError(str(exc)) from None
    config._cookieaudit_result = result
    if output_dir:
        from pathlib import Path

        from cookieaudit.reports import write_reports

        try:
            (Path(output_dir) / "result.json").write_text(result.to_json(), encoding="utf-8")
            write_reports(result, ["all"], output_dir, lang=config.getoption("cookieaudit_lang"),
                          fail_on=config.getoption("cookieaudit_fail_on"))
        except (OSError, CookieauditError) as exc:  # e.g. a full disk: one collection error, no traceback
            raise CookieAuditError(f"cannot write into --cookieaudit-output-dir {output_dir}: "
                                   f"{getattr(exc, 'strerror', None) or exc}") from None
    return result


def _check_output_dir(output_dir: str) -> None:
    import os
    from pathlib import Path

    try:
        Path(output_dir).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CookieAuditError(f"cannot create --cookieaudit-output-dir {output_dir}: {exc.strerror or exc}") from None
    if not os.access(output_dir, os.W_OK | os.X_OK):
        raise CookieAuditError(f"cannot write into --cookieaudit-output-dir {output_dir}: permission denied")


class CookieAuditSite(pytest.Collector):
    """The audited site; its children are the phases (and ``site``), theirs the checks."""

    def collect(self):
        try:
            result = _run_audit(self.config)
        except CookieAuditError as exc:
            raise self.CollectError(f"cookieaudit: {_safe(exc)}") from None
        from cookieaudit.reports.checks import checks_of, suites_of

        checks = checks_of(result)
        for suite in suites_of(result, checks):
            own = [check for check in checks if check.suite == suite]
            if own:
                yield CookieAuditSuite.from_parent(self, name=suite, checks=own, result=result)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, self.CollectError):
            return str(excinfo.value.args[0])
        return super().repr_failure(excinfo)


class CookieAuditSuite(pytest.Collector):
    """The checks of one phase (or of the site as a whole)."""

    def __init__(self, *, checks, result, **kwargs):
        super().__init__(**kwargs)
        self.checks, self.result = checks, result

    def collect(self):
        for check in self.checks:
            yield CookieAuditCheck.from_parent(self, name=f"{check.kind}[{check.family}]", check=check, result=self.result)


class CookieAuditCheck(pytest.Item):
    """One check: passes unless a finding at or above --cookieaudit-fail-on (not baselined) concerns it."""

    def __init__(self, *, check, result, **kwargs):
        super().__init__(**kwargs)
        self.check, self.result = check, result
        self.add_marker(pytest.mark.cookieaudit)

    def runtest(self) -> None:
        from cookieaudit.reports import view
        from cookieaudit.reports.junit import details
        from cookieaudit.reports.labels import labels

        threshold = view.fail_on_of(self.result, self.config.getoption("cookieaudit_fail_on"))
        failing = [f for f in self.check.findings if view.fails(f, threshold)]
        if failing:
            words = labels(view.lang_of(self.result, self.config.getoption("cookieaudit_lang")))
            raise CookieAuditFailure("\n\n".join(_safe(details(f, self.result, words)) for f in failing))
        for finding in self.check.findings:  # below the threshold: shown, not failed
            self.add_report_section("call", "cookieaudit", _safe(f"[{finding.severity}] {finding.message}"))

    def repr_failure(self, excinfo, style: Optional[str] = None):
        if isinstance(excinfo.value, CookieAuditFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.result.site, None, f"cookieaudit {self.check.suite} {self.check.kind} [{self.check.family}]"


def _safe(text: object) -> str:
    """Site strings (cookie names, titles, statement quotes) for pytest's terminal: line by line, no
    control or bidi characters."""
    from cookieaudit.safety import terminal_safe

    return "\n".join(terminal_safe(line) for line in str(text).split("\n"))


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "cookieaudit: a check of cookieaudit's full audit (--cookieaudit-url)")


def pytest_collection_modifyitems(session, config, items) -> None:
    """With --cookieaudit-url: the audit's checks run after the collected tests."""
    url = config.getoption("cookieaudit_url")
    if not url:
        return
    site = CookieAuditSite.from_parent(session, name=f"cookieaudit[{url}]")
    collected = session.genitems(site)
    items.extend(collected)
