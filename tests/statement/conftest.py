"""Fixtures for the statement parser tests."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    """tests/statement/fixtures: statements written for these tests."""
    return FIXTURES
