"""Packaging: every Python package on disk is listed for installation."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _declared_packages() -> set[str]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        tomllib = pytest.importorskip("tomli")
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return set(data["tool"]["setuptools"]["packages"])


def test_every_package_on_disk_is_installed():
    """A subpackage missing from pyproject's explicit list would vanish from `pip install .`."""
    on_disk = set()
    for top in ("cookieaudit", "consent_banner"):
        for init in (ROOT / top).rglob("__init__.py"):
            on_disk.add(".".join(init.parent.relative_to(ROOT).parts))
    on_disk.add("cookieaudit.rules")
    missing = on_disk - _declared_packages()
    assert not missing, f"add to [tool.setuptools] packages in pyproject.toml: {sorted(missing)}"
