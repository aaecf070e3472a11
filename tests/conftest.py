"""Shared fixtures: the browser, the local test web, and the seed statements.

Browser tests use Debian's Chromium (or Playwright's own) through ``find_browser``; the
pytest-playwright fixtures are pointed at the same executable here. On a machine with no
Chromium they skip, unless ``COOKIEAUDIT_REQUIRE_BROWSER=1`` (set by ``.ci/run``) makes that
a failure. Seed tests likewise skip without ``../shared/seeds`` unless
``COOKIEAUDIT_REQUIRE_SEEDS=1``.

``HYPOTHESIS_PROFILE=ci`` (set by ``.ci/run``) selects a derandomised Hypothesis profile, so CI
runs the same examples every time; the default profile explores new ones. The profile is loaded
here, before any test module is imported: a ``@settings(...)`` decorator copies the profile that
is loaded when its module is imported.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("ci", derandomize=True, max_examples=150, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow], print_blob=True)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # tests import the source tree, also under the plain `pytest` command
    sys.path.insert(0, str(ROOT))

from cookieaudit.browser_discovery import find_browser, standard_switches  # noqa: E402
from cookieaudit.errors import BrowserNotFoundError  # noqa: E402
from tests.testweb import TestWeb  # noqa: E402

# ../shared/seeds beside the clone; COOKIEAUDIT_SEEDS_DIR points elsewhere (a git worktree in
# another folder)
SEEDS_DIR = Path(os.environ.get("COOKIEAUDIT_SEEDS_DIR") or ROOT.parent / "shared" / "seeds")


def _required(variable: str) -> bool:
    return os.environ.get(variable, "") not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """../shared/seeds, or a skip (a failure under COOKIEAUDIT_REQUIRE_SEEDS=1)."""
    if not SEEDS_DIR.is_dir():
        message = f"seed statements not found at {SEEDS_DIR} (clone the project beside ../shared)"
        if _required("COOKIEAUDIT_REQUIRE_SEEDS"):
            pytest.fail(message + "; COOKIEAUDIT_REQUIRE_SEEDS=1 requires them", pytrace=False)
        pytest.skip(message)
    return SEEDS_DIR


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """The Chromium executable the tests drive, or a skip (a failure under COOKIEAUDIT_REQUIRE_BROWSER=1)."""
    try:
        return find_browser()
    except BrowserNotFoundError as exc:
        if _required("COOKIEAUDIT_REQUIRE_BROWSER"):
            pytest.fail(str(exc), pytrace=False)
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def testweb():
    """The local HTTPS test web, started once per session; tests add their own routes."""
    web = TestWeb().start()
    yield web
    web.stop()


def chromium_switches(testweb: TestWeb) -> list[str]:
    """Switches every browser in the tests runs with."""
    return standard_switches(testweb.browser_args)


# pytest-playwright: drive the same browser, through the local test web.
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, chromium_path, testweb):
    return {**browser_type_launch_args, "executable_path": chromium_path, "args": chromium_switches(testweb)}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "ignore_https_errors": True, "locale": "nl-NL"}
