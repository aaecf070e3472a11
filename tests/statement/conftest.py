"""Fixtures for the statement parser tests, and the Hypothesis profiles.

``HYPOTHESIS_PROFILE=ci`` (set by ``.ci/run``) selects a derandomised profile, so CI runs
the same examples every time; the default profile explores new ones.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("ci", derandomize=True, max_examples=150, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow], print_blob=True)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    """tests/statement/fixtures: statements written for these tests."""
    return FIXTURES
